package render

import (
	"strings"
	"testing"
)

func TestSmarten(t *testing.T) {
	for in, want := range map[string]string{
		`He said "good contacts" -- twice...`: "He said “good contacts” – twice…",
		`Russia's ambassador`:                 "Russia’s ambassador",
		`'Quoted' and the '90s`:               "‘Quoted’ and the ’90s",
		`A---B`:                               "A—B",
		`plain`:                               "plain",
	} {
		if got := Smarten(in); got != want {
			t.Errorf("Smarten(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	text := "According to Anatoly Antonov, Russian diplomatic workers manage to maintain contacts with individual US officials. However, the work is hard."
	got := Excerpt(text, 120)
	if !strings.HasSuffix(got, "…") || len([]rune(got)) > 121 {
		t.Fatalf("Excerpt = %q: want at most 120 characters and an ellipsis", got)
	}
	if !strings.HasPrefix(text, strings.TrimSuffix(got, "…")) || strings.HasSuffix(strings.TrimSuffix(got, "…"), " ") {
		t.Errorf("Excerpt = %q: not cut at a word", got)
	}
	if next := text[len(strings.TrimSuffix(got, "…"))]; next != ' ' && next != '.' && next != ',' {
		t.Errorf("Excerpt = %q cuts inside a word", got)
	}
	if got := Excerpt("Short one.", 120); got != "Short one." {
		t.Errorf("short text changed: %q", got)
	}
}

func TestMarkdownIsSanitised(t *testing.T) {
	out, err := Markdown("Hello \"world\"\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n\n> A quote")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "onerror", "javascript:"} {
		if strings.Contains(out, bad) {
			t.Errorf("Markdown output keeps %q: %s", bad, out)
		}
	}
	if !strings.Contains(out, "&ldquo;world&rdquo;") && !strings.Contains(out, "“world”") {
		t.Errorf("no curly quotes: %s", out)
	}
	if !strings.Contains(out, "<blockquote>") {
		t.Errorf("quote lost: %s", out)
	}
}

func TestComment(t *testing.T) {
	out := Comment("See https://example.org/a and <a href=\"https://example.net\" rel=\"dofollow\" onclick=\"x()\">this</a>.\n\nIt's <b>bold</b> <span>span</span>")
	for _, want := range []string{
		`<a href="https://example.org/a" rel="nofollow ugc">https://example.org/a</a>`,
		`<a href="https://example.net" rel="nofollow ugc">this</a>`,
		"It’s <b>bold</b>", "<p>", "</p>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Comment output lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"onclick", "dofollow", "<span"} {
		if strings.Contains(out, bad) {
			t.Errorf("Comment output keeps %q:\n%s", bad, out)
		}
	}
	if err := CheckCommentHTML("Nice <script>alert(1)</script>"); err == nil || !strings.Contains(err.Error(), "<script>") {
		t.Errorf("a script tag was not refused: %v", err)
	}
	if err := CheckCommentHTML("I <em>agree</em> & 2 < 3"); err != nil {
		t.Errorf("allowed markup refused: %v", err)
	}
	if n := CountLinks(`one https://a.example two <a href="https://b.example">b</a>`); n != 2 {
		t.Errorf("CountLinks = %d, want 2", n)
	}
}

// Text taken out of a rendered body keeps its code as written: no second pass of
// typography turns "--" into a dash or straight quotes into curly ones.
func TestPlainTextKeepsCodeVerbatim(t *testing.T) {
	body, err := Markdown("Run `grep -- \"x\" it's.txt` -- it's \"quick\".\n\n```\nsed -e 's/--/-/' \"$f\"\n```\n")
	if err != nil {
		t.Fatal(err)
	}
	text := PlainText(body)
	for _, want := range []string{`grep -- "x" it's.txt`, `sed -e 's/--/-/' "$f"`, "– it’s “quick”."} {
		if !strings.Contains(text, want) {
			t.Errorf("PlainText = %q, lacks %q", text, want)
		}
	}
	if got := ExcerptHTML(body, 40); got != `Run grep -- "x" it's.txt – it’s “quick”…` {
		t.Errorf("ExcerptHTML = %q", got)
	}
	if got := ExcerptHTML(Comment(`Use <code>a -- "b"</code> -- "c"`), 100); got != `Use a -- "b" – “c”` {
		t.Errorf("ExcerptHTML of a comment = %q", got)
	}
}
