package render

import (
	"compress/gzip"
	"encoding/json"
	"os"
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
}

// Ordinary text renders exactly as before the limits.
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
		if got != c.HTML {
			t.Errorf("%s: %q\ngot  %q\nwant %q", c.Name, c.Markdown, got, c.HTML)
		}
	}
	if seen != len(markdownChanged) {
		t.Errorf("%d of the %d changed examples found in the golden file", seen, len(markdownChanged))
	}
	for _, c := range g.Sanitize {
		if got := SanitizeArticleHTML(c.Input); got != c.HTML {
			t.Errorf("SanitizeArticleHTML(%s):\ngot  %q\nwant %q", c.Name, got, c.HTML)
		}
	}
}

// Real comments render as before, but for code, which is no longer given curly quotes,
// and links now counted as the page shows them (not the addresses inside other tags).
func TestCommentAsBefore(t *testing.T) {
	for _, c := range loadGolden(t).Comments {
		got := Comment(c.Body)
		if strings.Contains(c.Body, "<code>.post-title {") {
			// WordPress's "HTML Tags and Formatting" comment: "here's" inside <code>.
			if !strings.Contains(got, "and here&#39;s a line") || strings.Replace(got, "here&#39;s a line", "here’s a line", 1) != c.HTML {
				t.Errorf("comment with code: got %q\nwant the old HTML with code left as written", got)
			}
		} else if got != c.HTML {
			t.Errorf("Comment(%q):\ngot  %q\nwant %q", c.Body, got, c.HTML)
		}
		if refused := CheckCommentHTML(c.Body) != nil; refused != c.Refused {
			t.Errorf("CheckCommentHTML(%q) refused = %v, was %v", c.Body, refused, c.Refused)
		}
		want := c.Links
		switch {
		case strings.Contains(c.Body, `<blockquote cite="https://developer.mozilla.org`):
			want-- // the blockquote's cite address, inside a tag, is no link
		case strings.Contains(c.Body, `<img src="https://wpthemetestdata`):
			want-- // nor is an image's address
		}
		if got := CountLinks(c.Body); got != want {
			t.Errorf("CountLinks(%q) = %d, want %d", c.Body, got, want)
		}
	}
}
