package disqus

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzReader: whatever the bytes, a Reader ends with io.EOF or an *Error naming a line,
// never a panic, and each post it yields names itself and its thread.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		head + thread + post("p1", "", "<p>Hi</p>", false, false) + post("p2", "p1", "x", true, false) + "</disqus>\n",
		head + `<category dsq:id="c1"><forum>f</forum><title>General</title><isDefault>true</isDefault></category></disqus>`,
		"<?xml version=\"1.0\"?>\n<!DOCTYPE disqus [<!ENTITY a \"b\">]>\n<disqus xmlns=\"http://disqus.com\"/>",
		head + "<thread dsq:id=\"1\"><a><b><c>x</c></b></a></thread></disqus>",
		head + "<post dsq:id=\"1\"><message><![CDATA[]]]]><![CDATA[>]]></message>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(strings.NewReader(string(data)), Limits{Field: 4 << 10, Message: 64 << 10, Entries: 1000})
		for range 10_000 {
			e, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var de *Error
				if !errors.As(err, &de) || de.Line < 1 {
					t.Fatalf("error %v (%T)", err, err)
				}
				return
			}
			if p, ok := e.(*Post); ok && (p.ID == "" || p.Thread == "") {
				t.Fatalf("post %+v", p)
			}
		}
		t.Fatal("10,000 entries from a fuzzed input")
	})
}
