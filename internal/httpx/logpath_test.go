package httpx

import "testing"

// Every path that carries a secret loses it in the log; other paths stay as asked.
func TestLogPathDropsSecrets(t *testing.T) {
	for in, want := range map[string]string{
		"/admin/reset/sO1XJVSQO22lIPILjwOk7SWNAe5M": "/admin/reset/…",
		"/preview/k3j2secret/":                      "/preview/…/",
		"/preview/k3j2secret/extra":                 "/preview/…/extra",
		"/admin/articles/12":                        "/admin/articles/12",
		"/2020/01/01/story/":                        "/2020/01/01/story/",
		"/preview/":                                 "/preview/",
	} {
		if got := LogPath(in); got != want {
			t.Errorf("LogPath(%q) = %q, want %q", in, got, want)
		}
	}
}
