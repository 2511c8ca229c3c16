package render

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

// A '<' that begins no tag of an HTML element is text: the comment shows it, and
// CheckCommentHTML does not refuse it.
func TestCommentLessThanIsText(t *testing.T) {
	for in, want := range map[string]string{
		"Tariffs apply if price<limit, otherwise not.": "<p>Tariffs apply if price&lt;limit, otherwise not.</p>\n",
		"J<aime bien cet article, merci.":              "<p>J&lt;aime bien cet article, merci.</p>\n",
		"<limit>":                                      "<p>&lt;limit&gt;</p>\n",
		"a<3":                                          "<p>a&lt;3</p>\n",
		"x < y > z":                                    "<p>x &lt; y &gt; z</p>\n",
		"<<b>>":                                        "<p>&lt;<b>&gt;</b></p>\n", // closed where the comment ends
		"I <3 this, and </3 that":                      "<p>I &lt;3 this, and &lt;/3 that</p>\n",
		"Type </> to close":                            "<p>Type &lt;/&gt; to close</p>\n",
		"if (a<b && c>d) return":                       "<p>if (a&lt;b &amp;&amp; c&gt;d) return</p>\n",
		"List<String> names":                           "<p>List&lt;String&gt; names</p>\n",
		"see <my-widget> and <b>bold</b>":              "<p>see &lt;my-widget&gt; and <b>bold</b></p>\n",
		"Unclosed <b at the end":                       "<p>Unclosed &lt;b at the end</p>\n",
		"An <em>open tag with a \"quote":               "<p>An <em>open tag with a “quote</em></p>\n",
	} {
		if got := Comment(in); got != want {
			t.Errorf("Comment(%q)\n = %q\nwant %q", in, got, want)
		}
		if err := CheckCommentHTML(in); err != nil {
			t.Errorf("CheckCommentHTML(%q) = %v, want no refusal", in, err)
		}
	}
}

// A tag of a real element commenters may not use is refused, naming it, however it is
// written; Comment (used for imported comments) removes it.
func TestCheckCommentHTMLRefusesRealElements(t *testing.T) {
	for in, tag := range map[string]string{
		"Nice <script>alert(1)</script>":            "script",
		"<SCRIPT SRC=//evil.example/x.js></SCRIPT>": "script",
		"<img src=x onerror=alert(1)>":              "img",
		"<svg/onload=alert(1)>":                     "svg",
		"<iframe src=\"https://evil.example\">":     "iframe",
		"<form action=/x><input name=a></form>":     "form",
		"<style>body{display:none}</style>":         "style",
		"<object data=x.swf></object>":              "object",
		"a <div\nclass=x>b</div>":                   "div",
		"<scr<script>ipt>alert(1)</script>":         "script",
	} {
		err := CheckCommentHTML(in)
		if err == nil || !strings.Contains(err.Error(), "<"+tag+">") {
			t.Errorf("CheckCommentHTML(%q) = %v, want a refusal naming <%s>", in, err, tag)
		}
		out := Comment(in)
		if strings.Contains(strings.ToLower(out), "<"+tag) || strings.Contains(out, "alert(1)</") {
			t.Errorf("Comment(%q) keeps the %s: %q", in, tag, out)
		}
	}
	for _, in := range []string{
		`<a href="https://example.org/x" title="t">a</a> <abbr title="x">x</abbr> <b>b</b> <blockquote cite="https://example.org/">q</blockquote> <br> <cite>c</cite>`,
		`<code>c</code> <del>d</del> <em>e</em> <i>i</i> <p>p</p> <q>q</q> <s>s</s> <strike>s</strike> <strong>s</strong> <A HREF="https://example.org">A</A>`,
	} {
		if err := CheckCommentHTML(in); err != nil {
			t.Errorf("allowed markup refused: %v", err)
		}
	}
}

// Typography never reaches code: curly quotes and dashes stay out of <code>, and
// addresses in it are not made links.
func TestCommentLeavesCodeAsWritten(t *testing.T) {
	out := Comment(`Run <code>grep -- "x" it's.txt</code> -- it's "fine". See <code>https://example.org/raw</code> or https://example.org/page`)
	for _, want := range []string{
		`<code>grep -- &#34;x&#34; it&#39;s.txt</code> – it’s “fine”.`,
		`<code>https://example.org/raw</code>`,
		`<a href="https://example.org/page" rel="nofollow ugc">https://example.org/page</a>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Comment output lacks %q:\n%s", want, out)
		}
	}
	if n := CountLinks(`<code>https://example.org/raw</code> https://example.org/page <a href="https://example.org/">a</a>`); n != 3 {
		t.Errorf("CountLinks = %d, want 3 (an address in code is still an address)", n)
	}
}

// CountLinks counts what Comment shows as links and no more: a "<a" that is text is no
// anchor, and an address inside another tag is no bare address.
func TestCountLinksAgreesWithComment(t *testing.T) {
	for in, want := range map[string]int{
		`x <a y`:                               0,
		`price<a,b> and https://example.org/x`: 1,
		`<a href="https://a.example">a</a> https://b.example`:  2,
		`<A HREF="https://a.example">a</A>`:                    1,
		`<blockquote cite="https://c.example/">q</blockquote>`: 0,
		`<a href="https://a.example">https://a.example</a>`:    1,
	} {
		if got := CountLinks(in); got != want {
			t.Errorf("CountLinks(%q) = %d, want %d", in, got, want)
		}
	}
}

// A comment made to cost the markup reader the most is read in bounded work, and its
// '<' are then text.
func TestCommentHostileMarkupIsBounded(t *testing.T) {
	for _, body := range []string{
		rep(`<a b="<a c='`, 8000),
		rep("<a b=x ", 10000),
		rep("<!--", 16000),
		rep("<a", 30000),
		"<a" + rep(" b", 30000),
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		out := Comment(body)
		CheckCommentHTML(body)
		CountLinks(body)
		runtime.ReadMemStats(&after)
		if strings.Contains(out, "<script") {
			t.Fatal("impossible")
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 && !raceEnabled {
			t.Errorf("%.12q… (%d bytes) allocated %d MB", body, len(body), alloc>>20)
		}
	}
}

// scanMarkup agrees with golang.org/x/net/html's tokenizer, which the sanitiser uses,
// on where every tag begins and ends and what it is named; and where it finds no tag,
// the tokenizer finds none either, or one it would swallow the rest of the text into.
func TestScanMarkupAgreesWithTokenizer(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"<", ">", "/", "=", `"`, "'", " ", "\n", "\t", "a", "B", "b", "p", "-", "!", "?", "x1", "<a", "</a", "<!--", "-->", "script", "=x", "`"}
	check := func(s string) {
		for i := strings.IndexByte(s, '<'); i >= 0; {
			z := newMarkupScanner(s, 1<<30)
			kind, name, end := z.scan(i)
			tz := xhtml.NewTokenizer(strings.NewReader(s[i:]))
			tt := tz.Next()
			raw := string(tz.Raw())
			switch kind {
			case startTag, endTag:
				want := xhtml.StartTagToken
				if kind == endTag {
					want = xhtml.EndTagToken
				}
				tn, _ := tz.TagName()
				if tt == xhtml.SelfClosingTagToken && kind == startTag {
					tt = xhtml.StartTagToken
				}
				if tt != want || raw != s[i:end] || string(tn) != strings.ReplaceAll(name, "\x00", "\ufffd") {
					t.Fatalf("%q at %d: scanned %v %q %q, tokenizer %v %q %q", s, i, kind, name, s[i:end], tt, tn, raw)
				}
			case otherMarkup:
				if tt != xhtml.CommentToken && tt != xhtml.DoctypeToken || raw != s[i:end] {
					t.Fatalf("%q at %d: scanned markup %q, tokenizer %v %q", s, i, s[i:end], tt, raw)
				}
			case notMarkup:
				// Text, or markup the tokenizer would make of all the rest of the input.
				if (tt == xhtml.StartTagToken || tt == xhtml.EndTagToken || tt == xhtml.SelfClosingTagToken) ||
					(tt == xhtml.CommentToken || tt == xhtml.DoctypeToken) && len(raw) < len(s)-i {
					t.Fatalf("%q at %d: scanned text, tokenizer %v %q", s, i, tt, raw)
				}
			}
			next := strings.IndexByte(s[i+1:], '<')
			if next < 0 {
				break
			}
			i += 1 + next
		}
	}
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(14) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		check(b.String())
	}
	for _, s := range []string{`<a href="x>y">`, `<a b='c"d'>`, `<a/b>`, `<a =b>`, `<a b= >`, `<a b=>`, `<!---->`, `<!-->`, `<!--->`, `<!-- a --!>`, `</>`, `</ a>`, `<?x>`, `<!DOCTYPE html>`, `<a b="`, `<b\n>`} {
		check(s)
	}
}

func FuzzScanMarkup(f *testing.F) {
	for _, s := range []string{`<a href="x">`, `price<limit`, `<!-- x -->`, `</b >`, `<a b='c' d=e/>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		z := newMarkupScanner(s, 1<<30)
		for i := strings.IndexByte(s, '<'); i >= 0; {
			kind, name, end := z.scan(i)
			if kind == startTag || kind == endTag {
				tz := xhtml.NewTokenizer(strings.NewReader(s[i:]))
				tt := tz.Next()
				tn, _ := tz.TagName()
				// The tokenizer writes a NUL of a name as U+FFFD; no element has either.
				if tt == xhtml.ErrorToken || string(tz.Raw()) != s[i:end] || string(tn) != strings.ReplaceAll(name, "\x00", "\ufffd") {
					t.Fatalf("%q at %d: scanned %q, tokenizer %v %q", s, i, s[i:end], tt, tz.Raw())
				}
			}
			next := strings.IndexByte(s[i+1:], '<')
			if next < 0 {
				break
			}
			i += 1 + next
		}
	})
}

// Real elements are told from the tokenizer's other names: attributes and made-up tags
// are no elements, whatever their case in the text.
func TestIsHTMLElement(t *testing.T) {
	for name, want := range map[string]bool{
		"a": true, "script": true, "svg": true, "marquee": true, "search": true, "h6": true,
		"href": false, "max": false, "onclick": false, "limit": false, "aime": false, "b2": false,
		"custom-element": false, "": false, "scrip": false, "scripts": false,
	} {
		if got := isHTMLElement(name); got != want {
			t.Errorf("isHTMLElement(%q) = %v, want %v", name, got, want)
		}
	}
}

// Plain sentences, most comments' text, are written as they are: the typography's
// rune-by-rune rewrite and the search for bare addresses are skipped when the text has
// no quote and no "://" (a WordPress import renders 500,000 comments), and the HTML
// is what the full path made.
func TestPlainCommentTextTakesTheShortPath(t *testing.T) {
	text := "A plain sentence. Another one, with a dash - and an ellipsis... and more.\n\nA second paragraph."
	want := "<p>A plain sentence. Another one, with a dash – and an ellipsis… and more.</p>\n<p>A second paragraph.</p>\n"
	if got := Comment(text); got != want {
		t.Fatalf("Comment(%q) = %q, want %q", text, got, want)
	}
	for _, s := range []string{"plain text. More.", "a dash - here", "Dots... and so on"} {
		if got, want := smarten(s), smartenLong(s); got != want {
			t.Errorf("smarten(%q) = %q, the long path %q", s, got, want)
		}
	}
	if raceEnabled {
		t.Skip("allocations are counted without the race detector")
	}
	if n := testing.AllocsPerRun(100, func() { smarten("A plain sentence. Another one.") }); n != 0 {
		t.Errorf("smarten of a sentence without quotes allocated %.0f times, want none", n)
	}
}

// smartenLong is smartenAround's rune loop for the whole text, the path text with
// quotes takes.
func smartenLong(s string) string {
	return strings.TrimSuffix(smartenAround(' ', s+"\"", ' '), "”")
}
