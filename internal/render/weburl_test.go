package render

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

func TestNormalizeWebURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://example.com":                      "https://example.com",
		"  HTTPS://Example.COM/Path?Q=1#Top  ":     "https://example.com/Path?Q=1#Top",
		"example.com/about":                        "https://example.com/about",
		"example.com:8080/x":                       "https://example.com:8080/x",
		"http://example.com:80/":                   "http://example.com/",
		"https://example.com:443":                  "https://example.com",
		"https://bücher.example/ü?q=ä'#fr|ag":      "https://xn--bcher-kva.example/%C3%BC?q=%C3%A4%27#fr%7Cag",
		"https://EXAMPLE.com/a%20b":                "https://example.com/a%20b",
		"https://ÉXAMPLE.com/":                     "https://xn--xample-9ua.com/",
		"https://example.com/100%":                 "https://example.com/100%25",
		"https://example.com/a{b}[c]":              "https://example.com/a%7Bb%7D%5Bc%5D",
		"http://127.0.0.1:8080/admin":              "http://127.0.0.1:8080/admin",
		"http://[2001:DB8::1]/":                    "http://[2001:db8::1]/",
		"https://www.example.co.uk.":               "https://www.example.co.uk",
		"https://xn--bcher-kva.example/":           "https://xn--bcher-kva.example/",
		"https://mastodon.example/@courier":        "https://mastodon.example/@courier",
		"https://例え.テスト/":                          "https://xn--r8jz45g.xn--zckzah/",
		"https://example.com/?":                    "https://example.com/?",
		"https://example.com/search?q=a+b&lang=fr": "https://example.com/search?q=a+b&lang=fr",
	} {
		got, err := NormalizeWebURL(in)
		if err != nil || got != want {
			t.Errorf("NormalizeWebURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"https://＜script＞alert(1)＜/script＞", // full-width < and > map to < and >
		"https://＜script＞.example/",
		"", "   ",
		"javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "mailto:a@example.com", "ftp://example.com/",
		"https://user:secret@example.com/", "https://paypal.com@evil.example/",
		"https://exa mple.com/", "https://example.com/a b", "https://example.com/\x00", "https://exam\tple.com",
		"https://-example.com/", "https://example-.com/", "https://a..b/", "https://" + rep("a", 64) + ".com/",
		"https://" + rep("abcdefghi.", 26) + "com/", "https://exa_mple.com/", "https://xn--zz.example/",
		"https://xn--abc-.example/", "https://ex%00ample.com/", "https://1.2.3.999/", "https://0x7f.1/",
		"https://127.1/", "https://01.2.3.4/", "https://[fe80::1%25en0]/", "https://[::1/",
		"https://example.com:99999/", "https://example.com:0/", "https://example.com:http/", "//example.com",
		"https:example.com", "https://", "https:///path", "https://" + rep("a", 2000) + ".com",
	} {
		got, err := NormalizeWebURL(in)
		var e *WebURLError
		if !errors.As(err, &e) {
			t.Errorf("NormalizeWebURL(%q) = %q, %v; want a *WebURLError", in, got, err)
		} else if e.Error() == "" || strings.Contains(e.Error(), "%!") {
			t.Errorf("NormalizeWebURL(%q): message %q", in, e.Error())
		}
	}
}

// What NormalizeWebURL returns, it accepts again unchanged, and the page's checkers
// (Go's URL parser, here) read it back to the same address.
func TestNormalizeWebURLIsStable(t *testing.T) {
	for _, in := range []string{"https://bücher.example/ü x"[:len("https://bücher.example/ü")], "example.com/a?b='c'#d", "HTTP://[::FFFF:1.2.3.4]:8080/%7e", "https://example.com/a%2Fb"} {
		once, err := NormalizeWebURL(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		twice, err := NormalizeWebURL(once)
		if err != nil || twice != once {
			t.Errorf("%q → %q → %q, %v", in, once, twice, err)
		}
		if u, err := url.Parse(once); err != nil || u.String() != once {
			t.Errorf("%q does not read back: %v %v", once, u, err)
		}
	}
}

// Both policies drop the links whose host is not valid, wherever they stand: href,
// src, cite, srcset, and protocol-relative addresses.
func TestPoliciesDropInvalidHosts(t *testing.T) {
	const bad = "https://＜script＞alert(1)＜/script＞/x"
	article := []string{
		`<a href="` + bad + `">a</a>`,
		`<img src="` + bad + `" alt="i">`,
		`<img src="/a.png" srcset="/a.png 1x, ` + bad + ` 2x" alt="i">`,
		`<picture><source srcset="https://ex ample.com/a.png"><img src="/a.png" alt=""></picture>`,
		`<blockquote cite="` + bad + `">q</blockquote>`,
		`<a href="//＜script＞/x">p</a>`,
		`<img src="//exa_mple.com/a.png" alt="">`,
		`<a href="https://example.com:99999/">port</a>`,
	}
	for _, in := range article {
		for name, out := range map[string]string{"SanitizeArticleHTML": SanitizeArticleHTML(in), "Markdown": mustMarkdown(t, in)} {
			for _, u := range urls(out) {
				if _, err := NormalizeWebURL(u); err != nil && !strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "#") {
					t.Errorf("%s(%q) keeps %q: %s", name, in, u, out)
				}
			}
		}
	}
	for in, want := range map[string]string{
		`<a href="//example.com/x">p</a>`:                                               `href="//example.com/x"`,
		`<img src="/a.png" srcset="/a.png 1x, https://cdn.example/a@2x.png 2x" alt="">`: `srcset="/a.png 1x, https://cdn.example/a@2x.png 2x"`,
		`<a href="https://bücher.example/">b</a>`:                                       `href="https://b%C3%BCcher.example/"`,
		`<a href="#fn:1">1</a>`:                                                         `href="#fn:1"`,
		`<a href="/2026/02/budget/">b</a>`:                                              `href="/2026/02/budget/"`,
	} {
		if out := SanitizeArticleHTML(in); !strings.Contains(out, want) {
			t.Errorf("SanitizeArticleHTML(%q) = %q, want it to keep %s", in, out, want)
		}
	}
	if out := mustMarkdown(t, "[x]("+bad+") and <"+bad+"> and ![i]("+bad+")"); len(urls(out)) != 0 {
		t.Errorf("Markdown keeps a link to an invalid host: %s", out)
	}
	if out := Comment(`<a href="` + bad + `">a</a> <q cite="` + bad + `">q</q> <a href="//example.com/">p</a>`); len(urls(out)) != 0 {
		t.Errorf("Comment keeps a link to an invalid host: %s", out)
	}
	if out := Comment(`<a href="https://example.com/ok">ok</a>`); strings.Join(urls(out), " ") != "https://example.com/ok" {
		t.Errorf("Comment lost a valid link: %s", out)
	}
}

// No rendering keeps a javascript:, vbscript: or data: address, however it is disguised:
// case, white space and control characters around or inside the scheme, entities.
func TestNoScriptURLsInAnyDisguise(t *testing.T) {
	disguises := []string{
		"javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\tjavascript:alert(1)",
		"\njavascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)", "java\rscript:alert(1)",
		"\x01javascript:alert(1)", "javascript\t:alert(1)",
		"&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "&#0000106;avascript:alert(1)", "&#x6a&#x61vascript:alert(1)",
		"jav&#97;script:alert(1)", "java&#x09;script:alert(1)", "java&Tab;script:alert(1)", "java&NewLine;script:alert(1)",
		"javascript&colon;alert(1)", "javascript&#58;alert(1)", "javascript&#x3A;alert(1)",
		"vbscript:msgbox(1)", "VBScript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
		"DATA:text/html,<script>alert(1)</script>", " data:image/svg+xml,<svg onload=alert(1)>",
	}
	for _, d := range disguises {
		attr := strings.ReplaceAll(d, `"`, "&quot;")
		outputs := map[string]string{
			"Comment a":          Comment(`<a href="` + attr + `">x</a>`),
			"Comment blockquote": Comment(`<blockquote cite="` + attr + `">x</blockquote>`),
			"Comment unquoted":   Comment(`<a href=` + strings.ReplaceAll(attr, " ", "") + `>x</a>`),
			"article a":          SanitizeArticleHTML(`<a href="` + attr + `">x</a>`),
			"article img":        SanitizeArticleHTML(`<img src="` + attr + `" srcset="` + attr + ` 1x">`),
			"article q":          SanitizeArticleHTML(`<q cite="` + attr + `">x</q>`),
			"Markdown raw":       mustMarkdown(t, `<a href="`+attr+`">x</a> <img src="`+attr+`">`),
			"Markdown link":      mustMarkdown(t, "[x](<"+strings.NewReplacer("<", "%3C", ">", "%3E", "\n", " ").Replace(d)+">)"),
			"Markdown autolink":  mustMarkdown(t, "<"+strings.TrimSpace(d)+">"),
			"Markdown reference": mustMarkdown(t, "[x]\n\n[x]: <"+strings.NewReplacer("<", "%3C", ">", "%3E", "\n", " ").Replace(d)+">"),
			"Markdown image":     mustMarkdown(t, "![x](<"+strings.NewReplacer("<", "%3C", ">", "%3E", "\n", " ").Replace(d)+">)"),
		}
		for name, out := range outputs {
			if u := scriptURL(out); u != "" {
				t.Errorf("%s with %q keeps %q:\n%s", name, d, u, out)
			}
		}
	}
}

func mustMarkdown(t *testing.T, src string) string {
	t.Helper()
	out, err := Markdown(src)
	if err != nil {
		t.Fatalf("Markdown(%q): %v", src, err)
	}
	return out
}

// urlAttrs are the attributes a browser follows or fetches.
var urlAttrs = map[string]bool{"href": true, "src": true, "cite": true, "srcset": true, "action": true, "formaction": true, "poster": true, "background": true}

// urls returns the addresses in HTML, as a browser reads its attributes (each
// candidate of a srcset, without its descriptors).
func urls(s string) []string {
	var found []string
	z := xhtml.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return found
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			for _, a := range z.Token().Attr {
				switch {
				case a.Key == "srcset":
					for _, c := range strings.Split(a.Val, ",") {
						if f := strings.Fields(c); len(f) > 0 {
							found = append(found, f[0])
						}
					}
				case urlAttrs[a.Key]:
					found = append(found, a.Val)
				}
			}
		}
	}
}

// scriptURL returns the first address in HTML whose scheme, as a browser reads it
// (WHATWG URL: C0 controls and spaces trimmed, tabs and newlines removed, any case), is
// javascript, vbscript or data.
func scriptURL(s string) string {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return ""
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			for _, a := range z.Token().Attr {
				if !urlAttrs[a.Key] {
					continue
				}
				for _, v := range strings.Split(a.Val, ",") {
					v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
					v = strings.ToLower(strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(v))
					for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
						if strings.HasPrefix(v, scheme) {
							return a.Val
						}
					}
				}
			}
		}
	}
}
