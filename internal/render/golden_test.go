package render

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// golden is testdata/golden.json.gz: what this package made before its cost was bounded
// (commit e17b06c), for real articles (the demo's, the corpus generator's, two long
// reads in testdata/articles, WordPress's theme test data read as Markdown and as HTML),
// every example of the CommonMark spec and of goldmark's extensions, and real comments.
type golden struct {
	Markdown []struct{ Name, Markdown, HTML string }
	Sanitize []struct{ Name, Input, HTML string }
	Comments []struct {
		Body, HTML string
		Refused    bool
		Links      int
	}
}

var (
	goldenOnce sync.Once
	goldenData golden
	goldenErr  error
)

func loadGolden(t testing.TB) *golden {
	goldenOnce.Do(func() {
		f, err := os.Open("testdata/golden.json.gz")
		if err != nil {
			goldenErr = err
			return
		}
		defer f.Close()
		z, err := gzip.NewReader(f)
		if err != nil {
			goldenErr = err
			return
		}
		goldenErr = json.NewDecoder(z).Decode(&goldenData)
	})
	if goldenErr != nil {
		t.Fatal(goldenErr)
	}
	return &goldenData
}

// markdownChanged are the golden examples whose HTML changed on purpose, with what
// the new HTML holds instead: a tag of no HTML element, or one that never ends, is now
// shown as text rather than dropped by the sanitiser; a link to an invalid host is
// no longer a link.
var markdownChanged = map[string]string{
	"spec-150": "&lt;foo&gt;", "spec-163": "&lt;Warning&gt;", "spec-201": "&lt;bar&gt;(baz)",
	"spec-491": "[link](&lt;foo\nbar&gt;)", "spec-524": "[foo &lt;bar attr=", "spec-536": "[foo &lt;bar attr=",
	"spec-613": "&lt;bab&gt;&lt;c2c&gt;", "spec-614": "&lt;b2/&gt;", "spec-615": "&lt;b2\ndata=",
	"spec-617": "Foo &lt;responsive-image", "spec-623": "&lt;/foo &gt;", "extra-23": "&lt;aaa &gt;",
	"spec-156": "&lt;div id=", "spec-157": "&lt;div class\nfoo", "spec-158": "&lt;div *???", "extra-25": "&lt;?",
	"spec-600": "<p>https://../</p>",
	// A YouTube address alone in a paragraph is an embed (embed.go), as in WordPress.
	"wp: Post Format: Video (YouTube)": `<figure class="embed embed-youtube embed-16x9"><iframe src="https://www.youtube-nocookie.com/embed/SQEQr7c0-dw" title="YouTube video"`,
	"wp: Block category: Embeds":       `<figure><figure class="embed embed-youtube embed-16x9"><iframe src="https://www.youtube-nocookie.com/embed/ex8fMxXJDJw"`,
}

// balancedChanged are the golden examples whose HTML changed on purpose when every
// fragment was made balanced and well nested (balance.go), besides what asBalanced
// does to every golden HTML: each pair is a piece of the old HTML (found there once)
// and what stands in its place now.
var balancedChanged = map[string][][2]string{
	// Raw <kbd> (and <samp>) are allowed in articles.
	"explainer.md": {{"press Ctrl +\nF on", "press <kbd>Ctrl</kbd> +\n<kbd>F</kbd> on"}},
	// An element left open ends where the fragment ends, or with the element it is in.
	"spec-21":  {{"<a href=\"/bar%5C/%29\">\n", "<a href=\"/bar%5C/%29\">\n</a>"}},
	"spec-31":  {{"<a href=\"%C3%B6%C3%B6.html\">\n", "<a href=\"%C3%B6%C3%B6.html\">\n</a>"}},
	"spec-155": {{"<p><em>bar</em></p>\n", "<p><em>bar</em></p>\n</div>"}},
	"spec-174": {{"\nfoo\n</blockquote>", "\nfoo\n</div></blockquote>"}},
	"spec-175": {{"<div>\n</li>", "<div>\n</div></li>"}},
	"spec-184": {{"</code></pre>\n", "</code></pre>\n</div>"}},
	"spec-187": {{"\nbaz</p>", "\nbaz</a></p>"}},
	"spec-344": {{"`</p>", "`</a></p>"}},
	"spec-476": {{`<a href="**"></p>`, `<a href="**"></a></p>`}},
	"spec-477": {{`<a href="__"></p>`, `<a href="__"></a></p>`}},
	"spec-494": {{"[a](<b>c)</p>", "[a](<b>c)</b></p>"}},
	"spec-630": {{`<a href="%C3%B6"></p>`, `<a href="%C3%B6"></a></p>`}},
	"spec-631": {{`<a href="%5C%2A"></p>`, `<a href="%5C%2A"></a></p>`}},
	// An end tag that ends nothing open is dropped: "</div>" would end the page's.
	"spec-151": {{"</div>\n*foo*", "\n*foo*"}},
	"spec-165": {{"</ins>\n*bar*", "\n*bar*"}},
	"extra-51": {{"&gt;link</a></p>", "&gt;link</p>"}},
	// Tables get the <tbody> that HTML gives a row outside one.
	"spec-149": {{"<table>\n  <tr>", "<table>\n  <tbody><tr>"}, {"</tr>\n</table>", "</tr>\n</tbody></table>"}},
	"spec-160": {{"<table><tr>", "<table><tbody><tr>"}, {"</tr></table>", "</tr></tbody></table>"}},
	"spec-190": {{"<table>\n<tr>", "<table>\n<tbody><tr>"}, {"</tr>\n</table>", "</tr>\n</tbody></table>"}},
	// A paragraph inside <pre> ends inside it; the line feed just after <pre> is dropped,
	// as HTML drops it.
	"spec-148": {{"<table><tr>", "<table><tbody><tr>"}, {"<pre>\n**Hello**", "<pre>**Hello**"},
		{".\n</pre></p>", ".\n</p></pre>"}, {"</tr></table>", "</tr></tbody></table>"}},
	"extra-57": {{"<pre>\n</pre>", "<pre></pre>"}},
	// Content that a table cannot hold comes before it, as HTML puts it.
	"spec-191": {{"<table>\n  <tr>\n<pre>", "<pre>"}, {"</code></pre>\n  </tr>\n</table>", "</code></pre><table>\n  <tbody><tr>\n\n  </tr>\n</tbody></table>"}},
}

// Players with their controls and an https file were removed when the golden file was
// made, and are kept since Version 5 (render.go).
var (
	playerIn  = regexp.MustCompile(`<(?:audio|video)\b[^>]*\bcontrols\b[^>]*\bsrc="https://`)
	playerOut = regexp.MustCompile(`<(audio|video) controls=""[^>]*></(?:audio|video)>`)
)

// withoutPlayers checks that got keeps each player of in that has controls and an
// https file, and returns it without them, as the golden file has it.
func withoutPlayers(t *testing.T, name, in, got string) string {
	t.Helper()
	if want, kept := len(playerIn.FindAllString(in, -1)), len(playerOut.FindAllString(got, -1)); want != kept {
		t.Errorf("%s: %d players kept, want %d", name, kept, want)
	}
	return asEmptied(playerOut.ReplaceAllString(got, ""))
}

// asBalanced is old golden HTML as balance writes every fragment: void elements
// without the slash of XML ("<hr>", "<img …>", which HTML reads the same), and no empty
// paragraph (a paragraph ended by a block, or one whose only link was removed).
func asBalanced(s string) string {
	return strings.ReplaceAll(xmlVoid.ReplaceAllString(s, "<$1$2>"), "<p></p>", "")
}

// asEmptied is golden HTML without what a removal left empty (cleanTree): a link with
// no content (a space when it held white space), a figure whose audio or video the policy
// removed, and then the paragraph that held only such a link.
func asEmptied(s string) string {
	s = emptyLink.ReplaceAllStringFunc(s, func(a string) string {
		if strings.HasSuffix(a, "\"></a>") {
			return ""
		}
		return " "
	})
	return strings.ReplaceAll(strings.ReplaceAll(s, "<figure></figure>", ""), "<p></p>", "")
}

var emptyLink = regexp.MustCompile(`<a href="[^"]*">\s*</a>`)

var xmlVoid = regexp.MustCompile(`<(br|hr|img|source|wbr)((?:\s[^>]*?)?)\s*/>`)

// applyChanges makes the changes of balancedChanged (or others) to old HTML; each
// piece must be found there once.
func applyChanges(t *testing.T, name, s string, changes [][2]string) string {
	for _, c := range changes {
		if n := strings.Count(s, c[0]); n != 1 {
			t.Errorf("%s: the changed piece %q is in the old HTML %d times, not once", name, c[0], n)
		}
		s = strings.Replace(s, c[0], c[1], 1)
	}
	return s
}

// Ordinary text renders exactly as before the limits, and before balancing, but for the
// changes listed above.
func TestMarkdownAsBefore(t *testing.T) {
	g := loadGolden(t)
	seen := 0
	for _, c := range g.Markdown {
		got, err := Markdown(c.Markdown)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		if want, ok := markdownChanged[c.Name]; ok {
			seen++
			if got == c.HTML || !strings.Contains(got, want) {
				t.Errorf("%s: %q\ngot  %q\nwant it to hold %q (was %q)", c.Name, c.Markdown, got, want, c.HTML)
			}
			continue
		}
		got = withoutPlayers(t, c.Name, c.Markdown, got)
		if want := asEmptied(applyChanges(t, c.Name, asBalanced(c.HTML), balancedChanged[c.Name])); got != want {
			t.Errorf("%s: %q\ngot  %q\nwant %q", c.Name, c.Markdown, got, want)
		}
	}
	if seen != len(markdownChanged) {
		t.Errorf("%d of the %d changed examples found in the golden file", seen, len(markdownChanged))
	}
	for _, c := range g.Sanitize {
		got, want := withoutPlayers(t, c.Name, c.Input, SanitizeArticleHTML(c.Input)), asEmptied(asBalanced(c.HTML))
		if c.Name == "wp: Block category: Embeds" {
			// WordPress's embed block: its address, alone in its wrapper, is an embed.
			want = applyChanges(t, c.Name, want, [][2]string{{"<div>\nhttps://youtu.be/ex8fMxXJDJw\n</div>", youTubeEmbed("ex8fMxXJDJw", "YouTube video")}})
		}
		if got != want {
			t.Errorf("SanitizeArticleHTML(%s):\ngot  %q\nwant %q", c.Name, got, want)
		}
	}
}

// commentChanged are the changes to WordPress's "HTML Tags and Formatting" comment, the
// one golden comment whose HTML changed: code is no longer given curly quotes;
// quotations are no longer put inside a paragraph and get paragraphs of their own; the
// white space before a removed tag no longer leaves a line break or an empty paragraph
// at a paragraph's end; a link whose address was removed (an invalid host) is no link,
// and so gets no rel.
var commentChanged = [][2]string{
	{`<a title="WordPress Foundation" rel="nofollow ugc">link</a>`, `<a title="WordPress Foundation">link</a>`},
	{"Single line blockquote:<br>\n<blockquote>Stay hungry. Stay foolish.</blockquote><br>\nMulti line blockquote with a cite reference:<br>\n<blockquote",
		"Single line blockquote:</p>\n<blockquote><p>Stay hungry. Stay foolish.</p>\n</blockquote>\n<p>Multi line blockquote with a cite reference:</p>\n<blockquote"},
	{"element.</p></blockquote><br>\n<cite>", "element.</p>\n</blockquote>\n<p><cite>"},
	{"\tList item four<br>\n</p>", "\tList item four</p>"},
	{"and here’s a line of some really, really, really, really long text, just to see how it is handled and to find out how it overflows;<br>\n}</code>",
		"and here&#39;s a line of some really, really, really, really long text, just to see how it is handled and to find out how it overflows;<br>\n}</code>"},
	{"<p></p>\n", ""},
	{"overflows;<br>\n</p>", "overflows;</p>"},
}

// Real comments render as before, but for the one above, and links now counted as the
// page shows them (not the addresses inside other tags).
func TestCommentAsBefore(t *testing.T) {
	for _, c := range loadGolden(t).Comments {
		got := Comment(c.Body)
		want := c.HTML
		if strings.Contains(c.Body, "<code>.post-title {") {
			want = applyChanges(t, "HTML Tags and Formatting", want, commentChanged)
		}
		if got != want {
			t.Errorf("Comment(%q):\ngot  %q\nwant %q", c.Body, got, want)
		}
		if refused := CheckCommentHTML(c.Body) != nil; refused != c.Refused {
			t.Errorf("CheckCommentHTML(%q) refused = %v, was %v", c.Body, refused, c.Refused)
		}
		want2 := c.Links
		switch {
		case strings.Contains(c.Body, `<blockquote cite="https://developer.mozilla.org`):
			want2-- // the blockquote's cite address, inside a tag, is no link
		case strings.Contains(c.Body, `<img src="https://wpthemetestdata`):
			want2-- // nor is an image's address
		}
		if got := CountLinks(c.Body); got != want2 {
			t.Errorf("CountLinks(%q) = %d, want %d", c.Body, got, want2)
		}
	}
}

// youTubeEmbed is the canonical markup of a YouTube video (embed.go).
func youTubeEmbed(id, title string) string {
	return `<figure class="embed embed-youtube embed-16x9"><iframe src="https://www.youtube-nocookie.com/embed/` + id + `" title="` + title +
		`" width="560" height="315" loading="lazy" sandbox="allow-scripts allow-same-origin allow-presentation allow-popups allow-popups-to-escape-sandbox" referrerpolicy="strict-origin-when-cross-origin" allow="fullscreen; picture-in-picture; encrypted-media"></iframe></figure>`
}
