package feed

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// The article's address, as the site writes it: encoded, on an https site.
const articleAddr = "https://news.example/2026/11/30/%D0%BF%D1%80%D0%BE%D0%B2%D0%B5%D1%80%D0%BA%D0%B0-%D1%81%D0%B2%D1%8F%D0%B7%D0%B8/"

func mustParse(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Every kind of address resolves as a browser showing the article would resolve it.
func TestResolveLikeABrowser(t *testing.T) {
	base := mustParse(t, articleAddr)
	for _, tc := range []struct{ ref, want string }{
		{"//cdn.example.com/report.pdf", "https://cdn.example.com/report.pdf"},
		{"/media/a.png", "https://news.example/media/a.png"},
		{"notes/", articleAddr + "notes/"},
		{"../x", "https://news.example/2026/11/30/x"},
		{"../../../../../x", "https://news.example/x"},
		{"?page=2", articleAddr + "?page=2"},
		{"#notes", articleAddr + "#notes"},
		{"", articleAddr},
		{"https://other.example/a?b=c&d=e#f", "https://other.example/a?b=c&d=e#f"},
		{"http://other.example/", "http://other.example/"},
		{"mailto:desk@example.org", "mailto:desk@example.org"},
		{"tel:+44-20-7946-0000", "tel:+44-20-7946-0000"},
		// Browsers drop surrounding spaces and controls, and tabs and newlines anywhere.
		{"  /a\n/b\t ", "https://news.example/a/b"},
		// In http(s) addresses "\" is "/", and any number of slashes introduces a host.
		{`\\cdn.example.com\x`, "https://cdn.example.com/x"},
		{"////cdn.example.com/x", "https://cdn.example.com/x"},
		{"https:x", articleAddr + "x"},
		{"http:cdn.example.com/x", "http://cdn.example.com/x"},
		{"HTTPS://CDN.Example.COM/Report.PDF", "https://cdn.example.com/Report.PDF"},
		{"//", "https://"}, // no host: left unresolved, as a browser leaves it unfollowed
		// Everything written is a URI: UTF-8 percent-encoded, hosts in punycode.
		{"/тег/йошкар-ола/", "https://news.example/%D1%82%D0%B5%D0%B3/%D0%B9%D0%BE%D1%88%D0%BA%D0%B0%D1%80-%D0%BE%D0%BB%D0%B0/"},
		{"//пример.рф/путь?q=я#ф", "https://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C?q=%D1%8F#%D1%84"},
		{"mailto:иван@почта.рф", "mailto:%D0%B8%D0%B2%D0%B0%D0%BD@%D0%BF%D0%BE%D1%87%D1%82%D0%B0.%D1%80%D1%84"},
		{"/a b/100%", "https://news.example/a%20b/100%25"},
		{"/%D0%BF", "https://news.example/%D0%BF"}, // no second encoding
		{"/q?x=a|b&y={1}", "https://news.example/q?x=a%7Cb&y=%7B1%7D"},
	} {
		if got := Resolve(base, tc.ref); got != tc.want {
			t.Errorf("Resolve(%q) = %q, want %q", tc.ref, got, tc.want)
		}
	}
}

// attrsOf parses HTML as a browser does and returns the value of every attribute named
// name, in document order.
func attrsOf(t *testing.T, doc, name string) []string {
	t.Helper()
	n, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for _, a := range n.Attr {
			if a.Key == name || a.Namespace != "" && a.Namespace+":"+a.Key == name {
				out = append(out, a.Val)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// Every attribute that holds an address is resolved, however the HTML is written.
func TestResolveHTMLRewritesEveryAddressAttribute(t *testing.T) {
	base := mustParse(t, articleAddr)
	in := `<p><a href="//cdn.example.com/report.pdf">PDF</a> <A HREF=/x TITLE='it&#39;s "here"'>up</A>` +
		` <a href="/search?a=1&amp;b=2&#x26;c=3">search</a> <a href="mailto:desk@example.org">mail</a>` +
		` <a href='#fn1' ping="/p1  /p2">1</a> <a data-href="/kept" href>self</a></p>` +
		`<blockquote cite="../source"><p>q</p></blockquote>` +
		`<figure><img src=a.jpg srcset="a.jpg 1x, /b.jpg 2x,//c.example/c.jpg 480w, d,e.jpg 100w, f.jpg," alt="a, b" usemap="#m"/>` +
		`<img src="" alt="no source"></figure>` +
		`<video poster="p.jpg"><source src="v.mp4" type="video/mp4"></video>` +
		`<picture><source srcset="w.webp 1x, w2.webp (min-width: 2px) 2x" type="image/webp"></picture>` +
		`<form action="?send"><button formaction="../go">go</button></form>` +
		`<object data="doc.pdf"></object><img longdesc="desc.html" src="/i.png"><table background="bg.gif"><tr><td>x</td></tr></table>`
	out := ResolveHTML(in, base)
	check := func(attr string, want ...string) {
		t.Helper()
		got := attrsOf(t, out, attr)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: got\n%q\nwant\n%q\nin %s", attr, got, want, out)
		}
	}
	check("href", "https://cdn.example.com/report.pdf", "https://news.example/x",
		"https://news.example/search?a=1&b=2&c=3", "mailto:desk@example.org", articleAddr+"#fn1", articleAddr)
	check("data-href", "/kept")
	check("title", `it's "here"`)
	check("ping", "https://news.example/p1  https://news.example/p2")
	check("cite", "https://news.example/2026/11/30/source")
	check("src", articleAddr+"a.jpg", "", articleAddr+"v.mp4", "https://news.example/i.png")
	check("srcset", articleAddr+"a.jpg 1x, https://news.example/b.jpg 2x, https://c.example/c.jpg 480w, "+
		articleAddr+"d,e.jpg 100w, "+articleAddr+"f.jpg",
		articleAddr+"w.webp 1x, "+articleAddr+"w2.webp (min-width: 2px) 2x")
	check("alt", "a, b", "no source")
	check("usemap", articleAddr+"#m")
	check("poster", articleAddr+"p.jpg")
	check("action", articleAddr+"?send")
	check("formaction", "https://news.example/2026/11/30/go")
	check("data", articleAddr+"doc.pdf")
	check("longdesc", articleAddr+"desc.html")
	check("background", articleAddr+"bg.gif")

	// Resolving twice changes nothing: the output is already absolute and encoded.
	if again := ResolveHTML(out, base); again != out {
		t.Errorf("a second pass changed the HTML:\n%s\n%s", out, again)
	}
}

// Only tags with addresses are rewritten: text, comments, raw text and other tags keep
// their bytes, even when they look like addresses.
func TestResolveHTMLKeepsEverythingElse(t *testing.T) {
	base := mustParse(t, articleAddr)
	for _, in := range []string{
		`<p>Write <code>&lt;a href="/x"&gt;</code> &amp; href=/y, “quoted” — done.</p>`,
		`<!-- <a href="/x"> --><p CLASS=lead id='a'>x</p><br/>`,
		`<pre><code class="language-html">&lt;img src=/a.png&gt;</code></pre>`,
		`<script>var s = '<a href="/x">';</script><style>a[href="/x"]{}</style>`,
		`<svg><![CDATA[<a href="/x">]]></svg>`,
	} {
		if out := ResolveHTML(in, base); out != in {
			t.Errorf("ResolveHTML changed\n%s\nto\n%s", in, out)
		}
	}
	// A tag cut off by the end is dropped, as a browser drops it, not left half open.
	if out := ResolveHTML(`<p>ok</p><a href="/x`, base); out != "<p>ok</p>" {
		t.Errorf("cut-off tag: %q", out)
	}
}

// Whatever the input, every address attribute of the output is an absolute URI and a
// second pass changes nothing.
func FuzzResolveHTML(f *testing.F) {
	for _, s := range []string{
		`<a href="//cdn.example.com/x">`, `<img srcset=" a.jpg 1x ,b.jpg (x,y) 2x,,">`, `<a href="\\x\y?\z">`,
		`<a href="http://[::1">`, `<a href="%zz%">`, `<a href="https:">`, `<a href=" javascript:x ">`,
		`<img src="//пример.рф/я">`, `<a href="http://a b/">`, `<a ping=", ,">`, `<img srcset="x,,, y">`,
	} {
		f.Add(s)
	}
	base := mustParse(f, articleAddr)
	f.Fuzz(func(t *testing.T, in string) {
		out := ResolveHTML(in, base)
		if again := ResolveHTML(out, base); again != out {
			t.Fatalf("not stable:\n%q\n%q\n%q", in, out, again)
		}
		// A browser builds the same document from both, but for the addresses.
		if a, b := shape(t, in), shape(t, out); a != b {
			t.Fatalf("the document changed:\n%q\n%q\n%s\n%s", in, out, a, b)
		}
		z := html.NewTokenizer(strings.NewReader(out))
		for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
			tok := z.Token()
			for _, a := range tok.Attr {
				if urlAttrs[a.Key] == oneURL && a.Val != "" && !isURIClean(a.Val) {
					t.Fatalf("%s=%q is not a URI (input %q)", a.Key, a.Val, in)
				}
			}
		}
	})
}

// A long article's body: 40 paragraphs, each with two links and some entities, and
// an image with a srcset every tenth.
func benchBody() string {
	var b strings.Builder
	for i := 0; i < 40; i++ {
		b.WriteString(`<p>The council&#8217;s report, published on Tuesday, says the <a href="/tag/budget/">budget</a> ` +
			`will not cover the <em>new</em> school; see <a href="//cdn.example.com/report.pdf">the full report</a> ` +
			`and the minutes &amp; notes. A sentence long enough to be like the others in a real news story.</p>` + "\n")
		if i%10 == 0 {
			b.WriteString(`<figure><img src="/media/photo.jpg" srcset="/media/photo-480.jpg 480w, /media/photo-960.jpg 960w" alt="A photo"></figure>` + "\n")
		}
	}
	return b.String()
}

func BenchmarkResolveHTML(b *testing.B) {
	base := mustParse(b, articleAddr)
	body := benchBody()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		ResolveHTML(body, base)
	}
}

// shape is the document a browser builds from the HTML, written out with the values of
// address attributes left out.
func shape(t *testing.T, doc string) string {
	n, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		fmt.Fprintf(&b, "%*s%d %q", depth, "", n.Type, n.Data)
		for _, a := range n.Attr {
			key := a.Key
			if a.Namespace != "" {
				key = a.Namespace + ":" + a.Key
			}
			if urlAttrs[key] != 0 {
				fmt.Fprintf(&b, " %s", key)
			} else {
				fmt.Fprintf(&b, " %s=%q", key, a.Val)
			}
		}
		b.WriteByte('\n')
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}
