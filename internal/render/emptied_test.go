package render

import (
	"regexp"
	"strings"
	"testing"
)

// What a removal leaves empty goes too: a link whose only content was removed (an
// iframe, a script, an svg, an object, audio) would be a link without a name (axe's
// link-name rule), and an embed's figure without its iframe an empty box.
func TestRemovalLeavesNoEmptyElement(t *testing.T) {
	emptyA := regexp.MustCompile(`<a\b[^>]*>\s*</a>`)
	for _, in := range []string{
		`<a href="https://news.example/"><iframe src="https://evil.example/x"></iframe></a>`,
		"<p>Watch: <a href=\"https://news.example/\"><iframe src=\"https://evil.example/x\"></iframe></a></p>",
		`<p><a href="https://news.example/"><script>alert(1)</script></a></p>`,
		`<p><a href="https://news.example/"> <svg><circle r="4"/></svg> </a>text</p>`,
		`<p><a href="https://news.example/"><object data="x.swf"></object></a></p>`,
		`<figure class="embed embed-youtube embed-16x9"><iframe src="https://evil.example/x"></iframe></figure>`,
		`<figure class="embed embed-youtube embed-16x9"><a href="https://news.example/"><iframe src="https://evil.example/x"></iframe></a></figure>`,
		`<figure><audio controls src="javascript:alert(1)"></audio></figure>`,
		`<figure><audio controls src="http://news.example/a.mp3"></audio></figure>`,
		`<figure><video src="https://news.example/a.mov"></video><figcaption><script>x</script></figcaption></figure>`,
	} {
		for name, out := range map[string]string{"Markdown": mustMarkdown(t, in+"\n"), "ArticleHTML": SanitizeArticleHTML(in)} {
			if emptyA.MatchString(out) || strings.Contains(out, "<figure") || strings.Contains(out, "<figcaption") || strings.Contains(out, "<p></p>") {
				t.Errorf("%s(%q) left an empty element: %q", name, in, out)
			}
		}
	}
	// What still shows stays: a link with an image, a figure with its caption (without
	// the embed's classes, which draw a player's box), a space between words.
	for _, c := range []struct{ in, want string }{
		{`<a href="https://news.example/"><img src="https://news.example/i.png" alt="Front page"><iframe src="https://evil.example/x"></iframe></a>`,
			`<a href="https://news.example/"><img src="https://news.example/i.png" alt="Front page"></a>`},
		{`<figure class="embed embed-youtube embed-16x9"><iframe src="https://evil.example/x"></iframe><figcaption>The mayor speaks</figcaption></figure>`,
			`<figure><figcaption>The mayor speaks</figcaption></figure>`},
		{`<figure class="embed embed-youtube embed-16x9"><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe><figcaption>The mayor speaks</figcaption></figure>`,
			`></iframe><figcaption>The mayor speaks</figcaption></figure>`},
		{`<figure><audio controls src="https://news.example/a.mp3"></audio></figure>`,
			`<figure><audio controls="" src="https://news.example/a.mp3"></audio></figure>`},
		{`<p>one<a href="https://news.example/"> <iframe src="https://evil.example/x"></iframe></a>two</p>`, `<p>one two</p>`},
	} {
		if out := SanitizeArticleHTML(c.in); !strings.Contains(out, c.want) || strings.Count(out, "<figure") != strings.Count(c.in, "<figure") {
			t.Errorf("SanitizeArticleHTML(%q) = %q, want it to hold %q", c.in, out, c.want)
		} else if again := SanitizeArticleHTML(out); again != out {
			t.Errorf("not stable: %q then %q", out, again)
		}
	}
}

// The YouTube parameters a writer pasted that the player documents and that are safe
// are kept (the playlist, the start and the end); autoplay is not. Vimeo keeps #t=.
func TestEmbedKeepsPlayerParameters(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
			`src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG"`},
		{`<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ?start=10&end=60&autoplay=1"></iframe>`,
			`src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?end=60&amp;start=10"`},
		{"https://youtu.be/dQw4w9WgXcQ?t=90&end=120&list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
			`src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?end=120&amp;list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG&amp;start=90"`},
		// An end before the start means nothing; a list that is no list ID is dropped.
		{"https://www.youtube.com/watch?v=dQw4w9WgXcQ&start=90&end=30&list=a%22b",
			`src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=90"`},
		{"https://vimeo.com/76979871#t=1m30s", `src="https://player.vimeo.com/video/76979871?dnt=1#t=90s"`},
	} {
		out, rep := articleMarkdown(t, c.in)
		if !strings.Contains(out, c.want) || strings.Contains(out, "autoplay") || !rep.Empty() {
			t.Errorf("%s\n got %s\nwant it to hold %s (report %q)", c.in, out, c.want, rep.Lines())
		}
	}
	// The feeds' link keeps the playlist and the start.
	out, _ := articleMarkdown(t, "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90&list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG")
	if got := EmbedLinks(out); !strings.Contains(got, `href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=90s&amp;list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG"`) {
		t.Errorf("EmbedLinks: %s", got)
	}
}
