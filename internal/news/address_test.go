package news

import "testing"

func TestIsFileAddress(t *testing.T) {
	for v, want := range map[string]bool{
		"https://old.example/a.pdf": true, "http://old.example/a.jpg": true, "HTTPS://X/y": true,
		"/wp-content/uploads/a.jpg": true, "//cdn.example/a.jpg": true, "uploads/a.jpg": true,
		"example.com:8080/a.jpg": true, // a host and a port, no scheme
		"":                       false, "  ": false, "javascript:alert(1)": false, " JaVa\tScRiPt:alert(1)": false,
		"java\nscript:alert(1)": false, "data:image/png;base64,AAAA": false, "vbscript:x": false,
		"file:///etc/passwd": false, "mailto:a@example.org": false,
	} {
		if got := IsFileAddress(v); got != want {
			t.Errorf("IsFileAddress(%q) = %v, want %v", v, got, want)
		}
	}
}
