package render

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"broadsheet/internal/news"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pageAround is a page as the site writes one (internal/site/fragments.go and
// article.html): the fragment in a comment's <div class="comment-content">, inside the
// comment's <li> of the thread's <ol>, inside the <article>; after it the things a
// reader must find unchanged, each with an id: the Reply link, the "Leave a Reply"
// form and the footer.
func pageAround(fragment string) string {
	return `<!DOCTYPE html><html lang="en"><head><title>A story</title></head><body><main><article class="story">` +
		`<div class="story-body"><p>The story.</p></div><ol class="commentlist"><li id="comment-1" class="comment"><div class="comment-body">` +
		`<footer class="comment-meta"><p><b class="comment-author"><bdi>Reader</bdi></b></p></footer>` +
		`<div class="comment-content">` + fragment + `</div>` + "\n" +
		`<p class="reply"><a id="after-reply" rel="nofollow" href="/2026/01/02/story/?replytocom=1#respond">Reply</a></p>` + "\n" +
		`</div></li><li id="comment-2" class="comment"><div class="comment-body"><div class="comment-content"><p id="after-comment">Next comment.</p></div></div></li></ol>` +
		`<div id="respond"><h3 id="after-title">Leave a Reply</h3><form method="post" action="/comments/">` +
		`<p><label id="after-label" for="comment">Comment</label><textarea id="comment" name="comment"></textarea></p></form></div>` +
		`</article></main><footer><p id="after-footer">Footer</p></footer></body></html>`
}

// afterIDs are the elements of pageAround that follow the fragment.
var afterIDs = []string{"after-reply", "after-comment", "after-title", "after-label", "after-footer"}

// assertContained checks that a fragment affects nothing after it in a page: every
// element that follows it has the ancestors and content it has with no fragment there,
// the page has no element outside the fragment's <div> that it would not have without
// it, and that <div> holds exactly what the fragment parsed alone holds.
func assertContained(t *testing.T, what, fragment string) {
	t.Helper()
	page, err := xhtml.Parse(strings.NewReader(pageAround(fragment)))
	if err != nil {
		t.Fatal(err)
	}
	bare, _ := xhtml.Parse(strings.NewReader(pageAround("")))
	for _, id := range afterIDs {
		got, want := describe(byID(page, id)), describe(byID(bare, id))
		if got != want {
			t.Errorf("%s: after the fragment %.80q, #%s is\n  %s\nwant\n  %s", what, fragment, id, got, want)
		}
	}
	content := byClass(page, "comment-content")
	if got, want := countElements(page)-countElements(content), countElements(bare)-countElements(byClass(bare, "comment-content")); got != want {
		t.Errorf("%s: the page around %.80q has %d elements outside the comment, want %d", what, fragment, got, want)
	}
	alone, err := xhtml.ParseFragment(strings.NewReader(fragment), fragmentContext)
	if err != nil {
		t.Fatal(err)
	}
	var inPage, parsed strings.Builder
	for c := content.FirstChild; c != nil; c = c.NextSibling {
		xhtml.Render(&inPage, c)
	}
	for _, n := range alone {
		xhtml.Render(&parsed, n)
	}
	if inPage.String() != parsed.String() {
		t.Errorf("%s: the page reads %.80q as\n  %q\nalone it is\n  %q", what, fragment, inPage.String(), parsed.String())
	}
}

// describe is an element's ancestors (name, id, class) and its markup.
func describe(n *xhtml.Node) string {
	if n == nil {
		return "missing"
	}
	var path []string
	for p := n.Parent; p != nil && p.Type == xhtml.ElementNode; p = p.Parent {
		path = append(path, p.Data+"#"+attr(p, "id")+"."+attr(p, "class"))
	}
	var b strings.Builder
	xhtml.Render(&b, n)
	return strings.Join(path, " < ") + " : " + b.String()
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func find(n *xhtml.Node, match func(*xhtml.Node) bool) *xhtml.Node {
	if n.Type == xhtml.ElementNode && match(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, match); f != nil {
			return f
		}
	}
	return nil
}

func byID(n *xhtml.Node, id string) *xhtml.Node {
	return find(n, func(e *xhtml.Node) bool { return attr(e, "id") == id })
}

func byClass(n *xhtml.Node, class string) *xhtml.Node {
	return find(n, func(e *xhtml.Node) bool { return attr(e, "class") == class })
}

func countElements(n *xhtml.Node) int {
	k := 0
	if n.Type == xhtml.ElementNode {
		k++
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		k += countElements(c)
	}
	return k
}

// assertWellNested checks HTML as the Nu HTML Checker would find nesting errors in it:
// every end tag closes the element opened last ("</p>" with no <p> open, "</code>"
// across a paragraph, a stray end tag are errors), nothing is left open, and the HTML
// parser builds from it exactly the elements its tags say (a <blockquote> inside a <p>,
// a <p> inside a <p>, an <a> inside an <a> would be closed or moved by the parser). It
// also checks that no code point HTML forbids is in it, raw or as a reference.
func assertWellNested(t *testing.T, what, s string) {
	t.Helper()
	// The tree the tags say, built by a strict reader of the tokens.
	root := &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div}
	cur := root
	z := xhtml.NewTokenizer(strings.NewReader(s))
	for done := false; !done; {
		tt := z.Next()
		tok := z.Token()
		switch tt {
		case xhtml.ErrorToken:
			done = true
		case xhtml.TextToken:
			cur.AppendChild(&xhtml.Node{Type: xhtml.TextNode, Data: tok.Data})
		case xhtml.StartTagToken:
			n := &xhtml.Node{Type: xhtml.ElementNode, Data: tok.Data, DataAtom: tok.DataAtom, Attr: tok.Attr}
			cur.AppendChild(n)
			if !voidElements[tok.DataAtom] {
				cur = n
			}
		case xhtml.EndTagToken:
			if cur == root || cur.Data != tok.Data {
				t.Errorf("%s: </%s> closes <%s> in %.200q", what, tok.Data, cur.Data, s)
				return
			}
			cur = cur.Parent
		default:
			t.Errorf("%s: %v %q in %.200q", what, tt, z.Raw(), s)
		}
	}
	if cur != root {
		t.Errorf("%s: <%s> left open in %.200q", what, cur.Data, s)
		return
	}
	// The tree the parser builds.
	nodes, err := xhtml.ParseFragment(strings.NewReader(s), fragmentContext)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	parsed := &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		parsed.AppendChild(n)
	}
	if a, b := canonical(root, true), canonical(parsed, false); a != b {
		t.Errorf("%s: the parser reads\n  %q\nas\n  %q", what, a, b)
	}
	if strings.ContainsFunc(s, news.ForbiddenRune) {
		t.Errorf("%s: a forbidden code point in %q", what, s)
	}
	if r, ok := forbiddenIn(parsed); ok {
		t.Errorf("%s: %U, forbidden, once %q is read", what, r, s)
	}
}

// canonical writes a tree with sorted attributes (the parser sorts those of formatting
// elements); a tree read from tokens loses the line feed after <pre>, as the parser does.
func canonical(n *xhtml.Node, fromTokens bool) string {
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode {
			slices.SortFunc(n.Attr, func(a, b xhtml.Attribute) int { return strings.Compare(a.Key, b.Key) })
			if c := n.FirstChild; fromTokens && c != nil && c.Type == xhtml.TextNode && n.DataAtom == atom.Pre {
				c.Data = strings.TrimPrefix(c.Data, "\n")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		xhtml.Render(&b, c)
	}
	return b.String()
}

// forbiddenIn finds a code point HTML forbids in the text or attribute values of a tree.
func forbiddenIn(n *xhtml.Node) (rune, bool) {
	check := func(s string) (rune, bool) {
		for _, r := range s {
			if news.ForbiddenRune(r) {
				return r, true
			}
		}
		return 0, false
	}
	if r, ok := check(n.Data); ok && n.Type == xhtml.TextNode {
		return r, true
	}
	for _, a := range n.Attr {
		if r, ok := check(a.Val); ok {
			return r, true
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if r, ok := forbiddenIn(c); ok {
			return r, true
		}
	}
	return 0, false
}

// Report 1: a tag left open in a comment, an article or imported HTML ends inside it;
// nothing after it in the page is struck through, bold, italic or linked.
func TestUnclosedTagsStayInside(t *testing.T) {
	for _, tag := range []string{"s", "b", "i", "em", "strong", "code", "del", "q", "cite", "abbr", "strike"} {
		body := "Prices were <" + tag + ">high"
		out := Comment(body)
		assertContained(t, "Comment", out)
		assertWellNested(t, "Comment", out)
		shown := tag
		if tag == "strike" {
			shown = "s" // WordPress allows <strike>, which HTML no longer has
		}
		if want := "<p>Prices were <" + shown + ">high</" + shown + "></p>\n"; out != want {
			t.Errorf("Comment(%q) = %q, want %q", body, out, want)
		}
	}
	link := `See <a href="https://example.org/x">this`
	out := Comment(link + "\n\nand more\n\nand more")
	assertContained(t, "Comment", out)
	if n := strings.Count(out, `href="https://example.org/x"`); n != 1 {
		t.Errorf("an unclosed link is in the comment %d times: %q", n, out)
	}
	if CountLinks(link+"\n\nand more") != 1 {
		t.Errorf("CountLinks of one unclosed link = %d", CountLinks(link+"\n\nand more"))
	}
	for _, src := range []string{
		"Prices were <s>high\n\nThe next paragraph.",
		"It was <b>bold\n\n# A heading\n\n- a list",
		"A <a href=\"https://example.org/\">link left open\n\nand text after it.",
		"<div>\n\nA block left open",
		"Some <em>emphasis</em> and </div></article> closing the page's elements",
	} {
		out := mustMarkdown(t, src)
		assertContained(t, "Markdown", out)
		assertWellNested(t, "Markdown", out)
	}
	for _, src := range []string{"<p>Prices were <s>high", "<b>bold</p><p>next", "<ul><li>a<li><b>b", "</div></li></ol>x", "<table><td><b>cell"} {
		out := SanitizeArticleHTML(src)
		assertContained(t, "SanitizeArticleHTML", out)
		assertWellNested(t, "SanitizeArticleHTML", out)
	}
	// Formatting left open ends with its paragraph: it is not carried on.
	if out := mustMarkdown(t, "Prices were <s>high\n\nThe next paragraph."); out != "<p>Prices were <s>high</s></p>\n<p>The next paragraph.</p>\n" {
		t.Errorf("Markdown: %q", out)
	}
}

// Report 2: what commenters write in ordinary use is valid HTML: a quotation is not put
// inside a paragraph and gets paragraphs of its own, <p> is not nested, a link inside a
// link ends the first, and code across a blank line stays one element.
func TestCommentBlocksAreValidHTML(t *testing.T) {
	for in, want := range map[string]string{
		"<blockquote>q</blockquote>": "<blockquote><p>q</p>\n</blockquote>\n",
		"<p>x</p>":                   "<p>x</p>\n",
		"<code>a\n\nb</code>":        "<p><code>a<br>\n<br>\nb</code></p>\n",
		"I agree.\n<blockquote>q\n\nr</blockquote>\nYes":                        "<p>I agree.</p>\n<blockquote><p>q</p>\n<p>r</p>\n</blockquote>\n<p>Yes</p>\n",
		`<a href="https://a.example/">a <a href="https://b.example/">b</a></a>`: `<p><a href="https://a.example/" rel="nofollow ugc">a </a><a href="https://b.example/" rel="nofollow ugc">b</a></p>` + "\n",
		"<p>one<p>two</p>":                          "<p>one</p>\n<p>two</p>\n",
		"<b>bold <i>both</b> italic</i>":            "<p><b>bold <i>both</i></b> italic</p>\n",
		"<blockquote><blockquote>deep</blockquote>": "<blockquote><blockquote><p>deep</p>\n</blockquote>\n</blockquote>\n",
		"<em>a\n\nb</em>":                           "<p><em>a</em></p>\n<p>b</p>\n",
		"</p></blockquote></b>text":                 "<p>text</p>\n",
		"a</br>b":                                   "<p>a<br>b</p>\n",
	} {
		got := Comment(in)
		if got != want {
			t.Errorf("Comment(%q)\n = %q\nwant %q", in, got, want)
		}
		assertWellNested(t, "Comment", got)
		assertContained(t, "Comment", got)
	}
}

// Report 3: no output holds a code point HTML forbids, raw or as a character reference;
// a comment that writes one is refused, saying which.
func TestForbiddenCodePointsAreRemoved(t *testing.T) {
	const refs = "Hello &#29; there &#x0B; x &#1;&#x7f;&#129;&#x9D;&#xFDD0;&#xFFFE;&#x1FFFF;&#12;&#13;&#0;"
	outs := map[string]string{
		"Comment":             Comment(refs + ` <a href="https://example.org/" title="a&#29;b">l</a> <abbr title="&#x85;">x</abbr>`),
		"Markdown":            mustMarkdown(t, refs+"\n\n<abbr title=\"a&#29;b\" lang=\"en&#x1D;\">x</abbr> [l](https://example.org/ \"t&#29;\") `&#29;`"),
		"SanitizeArticleHTML": SanitizeArticleHTML("<p lang=\"en&#29;\">" + refs + "</p>"),
	}
	for what, out := range outs {
		assertWellNested(t, what, out)
		if !strings.Contains(out, "Hello  there  x") {
			t.Errorf("%s lost the text around the references: %q", what, out)
		}
	}
	// Bytes that are no UTF-8 (which the forms refuse, but imports may hold) are shown
	// as U+FFFD, as a browser shows them.
	for what, out := range map[string]string{"Comment": Comment("a\xffb"), "SanitizeArticleHTML": SanitizeArticleHTML("<p title=\"\xfe\">a\xffb</p>")} {
		if !utf8.ValidString(out) || !strings.Contains(out, "a\uFFFDb") {
			t.Errorf("%s: %q", what, out)
		}
	}
	// "&#128;" is "€" in HTML (Windows-1252), in a comment and in Markdown alike.
	for what, out := range map[string]string{"Comment": Comment("&#128;5 &#150; &#x80;"), "Markdown": mustMarkdown(t, "&#128;5 &#150; &#x80;")} {
		if !strings.Contains(out, "€5 – €") {
			t.Errorf("%s: %q, want €5 – €", what, out)
		}
	}
	// What the editor saves passes the store's check of text (it failed with "the
	// body's HTML holds U+001D").
	if err := news.CheckText("the body's HTML", outs["Markdown"]); err != nil {
		t.Errorf("the rendered body is refused by the store: %v", err)
	}
	for _, text := range []string{PlainText("<p>a &#29; b</p>"), Excerpt("a \x1d b", 20), Smarten("a \x1d b \u0085")} {
		if strings.ContainsFunc(text, news.ForbiddenRune) {
			t.Errorf("text tool output %q holds a forbidden code point", text)
		}
	}

	for body, ref := range map[string]string{
		"Hello &#29; there &#x0B; x": "&#29;",
		"x &#X1d y":                  "&#X1d",
		"<b>&#x7F;</b>":              "&#x7F;",
		"&#129;":                     "&#129;",
		"&#xFDD0;":                   "&#xFDD0;",
		"&#65535;":                   "&#65535;",
		`<a href="https://e.example/" title="&#1;">a</a>`: "&#1;",
		"<code>&#27;[0m</code>":                           "&#27;",
		"&#0000000000000000000000000000011;":              "&#0000000000000000000000000000011;",
	} {
		err := CheckCommentHTML(body)
		var ce *CommentError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), ref) || !strings.Contains(err.Error(), "that no page can show. Please remove it") {
			t.Errorf("CheckCommentHTML(%q) = %v, want a refusal naming %s", body, err, ref)
		}
	}
	for _, body := range []string{"&#128; &#9; &#10; &#13; &#x2014; &amp;#29; &#4294967325; &eacute; &Tab; &#;", "Fish &amp; chips"} {
		if err := CheckCommentHTML(body); err != nil {
			t.Errorf("CheckCommentHTML(%q) = %v, want no refusal", body, err)
		}
	}
}

// Report 4, first low: bare addresses keep the parentheses they open and close, as
// GitHub's autolinker keeps them, and leave out those that close the sentence.
func TestBareURLParentheses(t *testing.T) {
	for in, link := range map[string]string{
		"https://example.com/a_(b)":                           "https://example.com/a_(b)",
		"(see https://example.com/a)":                         "https://example.com/a",
		"(see https://example.com/a_(b))":                     "https://example.com/a_(b)",
		"https://en.wikipedia.org/wiki/Foo_(bar)_(baz), then": "https://en.wikipedia.org/wiki/Foo_(bar)_(baz)",
		"[https://example.com/x]":                             "https://example.com/x",
		"https://example.com/q?a=1&b=(2).":                    "https://example.com/q?a=1&b=(2)",
		"https://example.com/a)))":                            "https://example.com/a",
	} {
		out := Comment(in)
		if !strings.Contains(out, `<a href="`+strings.ReplaceAll(link, "&", "&amp;")+`" rel="nofollow ugc">`) {
			t.Errorf("Comment(%q) = %q, want a link to %s", in, out, link)
		}
		if n := CountLinks(in); n != 1 {
			t.Errorf("CountLinks(%q) = %d", in, n)
		}
	}
	if out := Comment("see https://.,;:!)"); strings.Contains(out, "<a") {
		t.Errorf("an address of punctuation only is linked: %q", out)
	}
}

// Report 4, second and third lows: quotes next to tags turn the right way, and an HTML
// comment in a comment is shown as written, untouched by typography.
func TestCommentTypographyAroundTags(t *testing.T) {
	for in, want := range map[string]string{
		`"<b>hi</b>"`:               "<p>“<b>hi</b>”</p>\n",
		`'<em>x</em>' <b>don</b>'t`: "<p>‘<em>x</em>’ <b>don</b>’t</p>\n",
		`He said "<a href="https://example.org/">this</a>".`: "<p>He said “<a href=\"https://example.org/\" rel=\"nofollow ugc\">this</a>”.</p>\n",
		"<!-- x -->":                 "<p>&lt;!-- x --&gt;</p>\n",
		"a <!-- -- \"x\" ... --> b":  "<p>a &lt;!-- -- &#34;x&#34; ... --&gt; b</p>\n",
		"<?php echo \"x\"; ?> -- ok": "<p>&lt;?php echo &#34;x&#34;; ?&gt; – ok</p>\n",
	} {
		if got := Comment(in); got != want {
			t.Errorf("Comment(%q)\n = %q\nwant %q", in, got, want)
		}
		if err := CheckCommentHTML(in); err != nil {
			t.Errorf("CheckCommentHTML(%q) = %v", in, err)
		}
	}
}

// Report 4, last low: typography leaves raw <code>, <kbd>, <samp>, <pre> and <tt> in
// Markdown as written, as it leaves code spans; <kbd> and <samp> are kept.
func TestMarkdownRawCodeIsVerbatim(t *testing.T) {
	for src, want := range map[string]string{
		`<code>-- "x"</code>`:                      `<p><code>-- &#34;x&#34;</code></p>`,
		`Press <kbd>Ctrl</kbd>+<kbd>"</kbd> -- ok`: `<p>Press <kbd>Ctrl</kbd>+<kbd>&#34;</kbd> – ok</p>`,
		`<samp>'a' ... b</samp>`:                   `<p><samp>&#39;a&#39; ... b</samp></p>`,
		`"a" <code>"b" << c >></code> "d"`:         `<p>“a” <code>&#34;b&#34; &lt;&lt; c &gt;&gt;</code> “d”</p>`,
		"<CODE>it's</CODE> it's":                   `<p><code>it&#39;s</code> it’s</p>`,
		"<tt>--</tt> and `--` and --":              `<p><tt>--</tt> and <code>--</code> and –</p>`,
		"<code>left \"open\"\n\nnext \"para\"":     "<p><code>left &#34;open&#34;</code></p>\n<p>next “para”</p>",
	} {
		if got := strings.TrimSpace(mustMarkdown(t, src)); got != want {
			t.Errorf("Markdown(%q)\n = %q\nwant %q", src, got, want)
		}
	}
}

// The balancing cannot be made to copy: formatting left open before thousands of
// paragraphs is not carried into each (the HTML parser alone would copy every one into
// every paragraph), in an article or in a comment.
func TestUnclosedFormattingIsNotCopied(t *testing.T) {
	var b strings.Builder
	for i := range 150 {
		fmt.Fprintf(&b, "<b title=\"t%d\">", i)
	}
	b.WriteString(rep("Paragraph.\n\n", 5000))
	out := mustMarkdown(t, b.String())
	if n := strings.Count(out, "<b "); n > 150 {
		t.Errorf("150 unclosed <b> made %d in %d bytes of HTML", n, len(out))
	}
	assertContained(t, "Markdown", out)

	out = SanitizeArticleHTML(strings.ReplaceAll(b.String(), "\n\n", "<p>"))
	if n := strings.Count(out, "<b "); n > 150 {
		t.Errorf("SanitizeArticleHTML: 150 unclosed <b> made %d", n)
	}

	body := rep("<b><i><em><strong><s><del><cite><q>", 4) + rep("Paragraph.\n\n", 5000)
	out = Comment(body)
	if n := strings.Count(out, "<b>"); n != 4 {
		t.Errorf("Comment: 4 unclosed <b> made %d", n)
	}
	assertWellNested(t, "Comment", out)
}

// Nesting is bounded: Markdown whose raw HTML nests past 160 levels is refused and says
// why; imported HTML and comments lose the tags past their limit, not the text.
func TestHTMLNestingLimit(t *testing.T) {
	if _, err := Markdown(rep("<div>", 150) + "\n\ntext"); err != nil {
		t.Errorf("150 nested divs refused: %v", err)
	}
	_, err := Markdown(rep("<div>", maxHTMLDepth+1) + "\n\ntext")
	var e *TooComplexError
	if !errors.As(err, &e) || e.Limit != LimitHTMLNesting || !strings.Contains(err.Error(), "more than 160 levels deep") || !strings.Contains(err.Error(), "nothing was saved") {
		t.Errorf("deep raw HTML: err = %v, want LimitHTMLNesting", err)
	}
	out := SanitizeArticleHTML(rep("<div><b>", 100000) + "the text")
	if !strings.Contains(out, "the text") || strings.Count(out, "<div>") > maxHTMLDepth {
		t.Errorf("deep imported HTML: %d bytes, %d divs, text kept %v", len(out), strings.Count(out, "<div>"), strings.Contains(out, "the text"))
	}
	assertWellNested(t, "SanitizeArticleHTML", out)

	for _, body := range []string{rep("<blockquote>", 40) + "deep", rep("<b>", 40) + "deep", rep("<q><em>", 20) + "deep"} {
		if err := CheckCommentHTML(body); err == nil || !strings.Contains(err.Error(), "more than 32 deep") {
			t.Errorf("CheckCommentHTML(%.30q…) = %v, want a refusal", body, err)
		}
		out := Comment(body)
		if !strings.Contains(out, "deep") || strings.Count(out, "<") > 2*(maxCommentNesting+2) {
			t.Errorf("Comment(%.30q…) = %q", body, out)
		}
		assertWellNested(t, "Comment", out)
	}
	if err := CheckCommentHTML(rep("<blockquote>", 32) + "fine" + rep("</blockquote>", 32)); err != nil {
		t.Errorf("32 quotations refused: %v", err)
	}
}

// A comment of the largest size, made to cost the most, renders within the comment's
// memory budget.
func TestLargestCommentsAreBounded(t *testing.T) {
	const max = 65525
	for _, body := range []string{
		(rep("<b><i><em><strong><s><del><cite><q><abbr><code>", 4) + rep("x\n\n", max))[:max],
		rep(`<a href="https://a.example/">x`, max/32),
		rep("<blockquote>", 35) + rep("<p>x", max/5),
		rep("&#29;", max/5),
		rep(`"<b>`, max/4),
		rep("<span> ", max/7), // removed tags (imports) between white space
		rep("</b><p></p><br>\n\n", max/16),
		rep("<!--", max/4),
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		out := Comment(body)
		CheckCommentHTML(body)
		CountLinks(body)
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 && !raceEnabled {
			t.Errorf("%.20q… (%d bytes) allocated %d MB", body, len(body), alloc>>20)
		}
		if len(out) > 8*len(body)+1024 {
			t.Errorf("%.20q… (%d bytes) made %d bytes of HTML", body, len(body), len(out))
		}
		assertWellNested(t, "Comment", out)
	}
}

// randomHTML writes n pieces of hostile HTML from words that make the parser's work
// hard: tags left open, closed twice or across others, blocks in paragraphs, tables,
// links in links, references to forbidden code points.
func randomHTML(r *rand.Rand, n int, words []string) string {
	var b strings.Builder
	for range n {
		b.WriteString(words[r.IntN(len(words))])
	}
	return b.String()
}

var hostileWords = []string{
	"<p>", "</p>", "<div>", "</div>", "<blockquote>", "</blockquote>", "<b>", "</b>", "<i>", "</i>",
	"<em>", "</em>", "<strong>", "</strong>", "<s>", "</s>", "<code>", "</code>", "<a href=\"https://a.example/\">",
	"<a href=\"https://b.example/\" title=\"t\">", "</a>", "<ul>", "<li>", "</li>", "</ul>", "<ol>", "</ol>",
	"<table>", "</table>", "<tr>", "<td>", "</td>", "<th>", "</tr>", "<tbody>", "<caption>", "<h1>", "</h1>", "<h2>",
	"</h2>", "<pre>", "</pre>", "<br>", "</br>", "<hr>", "<img src=\"https://a.example/i.png\" alt=\"\">",
	"<dl>", "<dt>", "<dd>", "</dl>", "<span>", "</span>", "<sup>", "</sup>", "<q>", "</q>", "<cite>", "</cite>",
	"<del>", "</del>", "<abbr title=\"x\">", "</abbr>", "<figure>", "<figcaption>", "</figure>", "<small>",
	"<kbd>", "</kbd>", "<samp>", "<tt>", "<u>", "<font>", "<nobr>", "<li>", "<section>", "</section>",
	"text", " ", "\n", "\n\n", "\"", "'", "--", "&#29;", "&#x85;", "&#128;", "&#xFFFE;", "&amp;", "<!-- c -->",
	"<", ">", "https://x.example/(a)", "</body>", "</html>", "<select>", "<option>", "<form>", "</form>",
}

var commentWords = []string{
	"<p>", "</p>", "<blockquote>", "</blockquote>", "<b>", "</b>", "<i>", "</i>", "<em>", "</em>",
	"<strong>", "</strong>", "<s>", "</s>", "<strike>", "</strike>", "<code>", "</code>", "<del>", "</del>",
	"<q>", "</q>", "<cite>", "</cite>", "<abbr title=\"x\">", "</abbr>", "<br>", "</br>", "<a href=\"https://a.example/\">",
	"</a>", "text", " ", "\n", "\n\n", "\"", "'", "--", "...", "&#29;", "&#128;", "&#xFDD0;", "&amp;", "<!-- c -->",
	"<", ">", "https://x.example/(a)", "(https://y.example/b)", "<?x?>", "</div>", "</li>", "</ol>", "<li>",
}

var markdownWords = append([]string{"- ", "> ", "1. ", "**", "*", "_", "`", "```\n", "# ", "[a](https://a.example/)", "| a | b |\n|---|---|\n", "    "}, hostileWords...)

// Whatever HTML goes in, what comes out is well nested, read by the parser as written,
// contained in the page, free of forbidden code points, stable when cleaned again, and
// with at most twice the elements of what went in.
func TestBalancedOutputProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	n := 1500
	// BALANCE_SEED=n runs 20,000 other cases, to search further.
	if seed := os.Getenv("BALANCE_SEED"); seed != "" {
		s, _ := strconv.ParseUint(seed, 10, 64)
		r, n = rand.New(rand.NewPCG(s, s)), 20000
	}
	if testing.Short() {
		n = 300
	}
	for range n {
		in := randomHTML(r, 1+r.IntN(40), hostileWords)
		out := SanitizeArticleHTML(in)
		assertWellNested(t, "SanitizeArticleHTML", out)
		assertContained(t, "SanitizeArticleHTML", out)
		if again := SanitizeArticleHTML(out); again != out {
			t.Errorf("SanitizeArticleHTML is not stable on %q:\n  %q\n  %q", in, out, again)
		}
		// At most a list for an item outside one, and a link copied out of a table.
		if got, most := strings.Count(out, "<")-strings.Count(out, "</"), 2*strings.Count(in, "<")+2; got > most {
			t.Errorf("SanitizeArticleHTML(%q) made %d elements from %d tags: %q", in, got, most, out)
		}

		md := randomHTML(r, 1+r.IntN(40), markdownWords)
		if out, err := Markdown(md); err == nil {
			assertWellNested(t, "Markdown", out)
			assertContained(t, "Markdown", out)
		} else if !IsTooComplex(err) {
			t.Errorf("Markdown(%q): %v", md, err)
		}

		body := randomHTML(r, 1+r.IntN(40), commentWords)
		out = Comment(body)
		assertWellNested(t, "Comment", out)
		assertContained(t, "Comment", out)
		if strings.Contains(out, "<p></p>") || strings.Contains(out, "<p><blockquote") {
			t.Errorf("Comment(%q) = %q", body, out)
		}
	}
}

func FuzzBalance(f *testing.F) {
	for _, s := range []string{"<p>Prices were <s>high", "<blockquote>q</blockquote>", "<a href=x>a<a href=y>b", "<table><td>x<b>y", "&#29;<code>a\n\nb</code>", "<ul><li><div><li>x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		for what, out := range map[string]string{"SanitizeArticleHTML": SanitizeArticleHTML(s), "Comment": Comment(s)} {
			assertWellNested(t, what, out)
			assertContained(t, what, out)
		}
		if out, err := Markdown(s); err == nil {
			assertWellNested(t, "Markdown", out)
		}
	})
}

// bigArticle is real articles (the golden ones) over and over, to about 1 MB.
func bigArticle(t testing.TB) string {
	var parts []string
	for _, c := range loadGolden(t).Markdown {
		if strings.HasSuffix(c.Name, ".md") || strings.HasPrefix(c.Name, "wp: ") {
			parts = append(parts, c.Markdown)
		}
	}
	var b strings.Builder
	for i := 0; b.Len() < MaxMarkdownBytes-20000; i++ {
		b.WriteString(parts[i%len(parts)] + "\n\n")
	}
	return b.String()
}

// bigComment is real comments (the golden ones) over and over, to 65,525 characters
// (the longest comment the site takes).
func bigComment(t testing.TB) string {
	var b strings.Builder
	for i, cs := 0, loadGolden(t).Comments; ; i++ {
		c := cs[i%len(cs)].Body + "\n\n"
		if b.Len()+len(c) > 65525 {
			return b.String()
		}
		b.WriteString(c)
	}
}

// BenchmarkBalance measures the balancing step alone: on the HTML of a 1 MB article,
// and of a 65 KB comment, as the sanitiser leaves them.
func BenchmarkBalance(b *testing.B) {
	article, err := Markdown(bigArticle(b))
	if err != nil {
		b.Fatal(err)
	}
	comment := commentPolicy.Sanitize(buildComment(splitComment(bigComment(b))).out.String())
	for _, c := range []struct {
		name, html string
		opt        balanceOptions
	}{
		{"article-1MB", article, balanceOptions{}},
		{"comment-65KB", comment, balanceOptions{rel: "nofollow ugc", flatten: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.html)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := balance(c.html, c.opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRender measures the whole of Markdown on a 1 MB article and Comment on a
// 65 KB comment, balancing included.
func BenchmarkRender(b *testing.B) {
	article, comment := bigArticle(b), bigComment(b)
	b.Run("markdown-1MB", func(b *testing.B) {
		b.SetBytes(int64(len(article)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Markdown(article); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("comment-65KB", func(b *testing.B) {
		b.SetBytes(int64(len(comment)))
		b.ReportAllocs()
		for b.Loop() {
			Comment(comment)
		}
	})
}
