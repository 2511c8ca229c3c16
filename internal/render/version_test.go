package render

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
)

// versionOutputs is, for the current Version (older entries need not be kept), the SHA-256 of what the renderer makes of the
// golden examples (versionDigest). A change of the output with Version kept would leave
// every stored article rendered the old way for ever: the re-render pass only redoes
// articles whose Fingerprint differs.
var versionOutputs = map[int]string{
	5: "9378fba91098ce046745800b5d10ed7cf338c0702bb703465643d0b637bc386e",
}

// versionDigest renders every golden Markdown and HTML example, and a few embeds, as
// articles are rendered (with a site's embed host besides the providers), and hashes
// the results in order.
func versionDigest(t *testing.T) string {
	g := loadGolden(t)
	e := Embeds{Hosts: []string{"maps.example.org"}}
	h := sha256.New()
	write := func(s string) { h.Write([]byte(s)); h.Write([]byte{0}) }
	extra := []string{
		"https://youtu.be/dQw4w9WgXcQ?t=90",
		"Watch:\n\nhttps://vimeo.com/76979871\n",
		`<iframe src="https://maps.example.org/embed?x=1" width="600" height="400"></iframe>`,
		`<iframe src="https://evil.example/x"></iframe>`,
		"<figure class=\"embed embed-youtube embed-16x9\"><iframe src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\"></iframe></figure>",
	}
	for _, md := range extra {
		out, _, err := ArticleMarkdown(context.Background(), md, e)
		if err != nil {
			t.Fatal(err)
		}
		write(out)
	}
	for _, c := range g.Markdown {
		out, _, err := ArticleMarkdown(context.Background(), c.Markdown, e)
		if err != nil {
			write("error: " + err.Error())
			continue
		}
		write(out)
	}
	for _, c := range g.Sanitize {
		out, _, _ := ArticleHTML(c.Input, e)
		write(out)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// The rule beside Version: what the renderer makes changes only with Version.
func TestVersionMatchesOutput(t *testing.T) {
	got := versionDigest(t)
	want, ok := versionOutputs[Version]
	if !ok {
		t.Fatalf("versionOutputs has no entry for Version %d: record versionOutputs[%d] = %q", Version, Version, got)
	}
	if want != got {
		t.Fatalf("the renderer's output of the golden examples is %s, but Version %d recorded %q.\n"+
			"If the output changed on purpose, bump Version (version.go) and record versionOutputs[%d] = %q:\n"+
			"stored articles are re-rendered only when Version changes.", got, Version, want, Version+1, got)
	}
}

func TestFingerprint(t *testing.T) {
	a := Fingerprint(Embeds{Hosts: []string{"b.example.org", "a.example.org"}})
	b := Fingerprint(Embeds{Hosts: []string{"A.example.org", "b.example.org", "a.example.org"}})
	if a != b {
		t.Errorf("the same hosts in another order or case: %q and %q", a, b)
	}
	none := Fingerprint(Embeds{})
	if none == a || Fingerprint(Embeds{Hosts: []string{"a.example.org"}}) == a {
		t.Errorf("other hosts, same fingerprint: %q %q", none, a)
	}
	if len(none) != 6+1+16 || none[:7] != fmt.Sprintf("%06d/", Version) {
		t.Errorf("fingerprint %q: want the version in six digits, a slash and 16 hex digits", none)
	}
}

// The re-render of an article that has only HTML (an import) reads its stored HTML
// through ArticleHTML again, under each new fingerprint: what ArticleHTML or
// ArticleMarkdown made must come out of ArticleHTML as it went in, or each pass would
// change it again (an embed's figure wrapped in one more figure each time).
func TestArticleHTMLReadsItsOwnOutput(t *testing.T) {
	g := loadGolden(t)
	e := Embeds{Hosts: []string{"maps.example.org"}}
	var inputs []string
	for _, md := range []string{
		"https://youtu.be/dQw4w9WgXcQ?t=90",
		"Watch:\n\nhttps://vimeo.com/76979871\n\nand listen:\n\nhttps://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
		`<iframe src="https://maps.example.org/embed?x=1" width="600" height="400" title="The route"></iframe>`,
		"A map:\n\n<figure class=\"embed embed-site embed-4x3\">\n<iframe src=\"https://maps.example.org/embed?x=2\"></iframe>\n</figure>",
	} {
		out, _, err := ArticleMarkdown(context.Background(), md, e)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, out)
	}
	for _, c := range g.Markdown {
		if out, _, err := ArticleMarkdown(context.Background(), c.Markdown, e); err == nil {
			inputs = append(inputs, out)
		}
	}
	for _, c := range g.Sanitize {
		out, _, _ := ArticleHTML(c.Input, e)
		inputs = append(inputs, out)
	}
	bad := 0
	for _, in := range inputs {
		if again, _, _ := ArticleHTML(in, e); again != in {
			if bad++; bad <= 5 {
				t.Errorf("ArticleHTML changed its own output:\nin  %q\nout %q", in, again)
			}
		}
	}
	if bad > 5 {
		t.Errorf("... %d of %d in all", bad, len(inputs))
	}
}
