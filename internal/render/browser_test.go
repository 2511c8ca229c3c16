//go:build browser

package render

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"broadsheet/internal/browsertest"

	"github.com/chromedp/chromedp"
)

// Report 1, in Chromium: what follows a comment, an article or imported HTML that
// leaves <s>, <b>, <i>, <em> or <a href> open (the Reply link, "Leave a Reply", the
// form's label, the footer) is neither struck through, bold nor italic, and is no link;
// the link is on the page once.
func TestUnclosedTagsInABrowser(t *testing.T) {
	var fragments []string
	for _, tag := range []string{"s", "b", "i", "em", "strike", "strong"} {
		fragments = append(fragments, Comment("Prices were <"+tag+">high"), Comment("Prices were <"+tag+">high\n\nand more"))
		out, err := Markdown("Prices were <" + tag + ">high\n\nThe next paragraph.")
		if err != nil {
			t.Fatal(err)
		}
		fragments = append(fragments, out, SanitizeArticleHTML("<p>Prices were <"+tag+">high"))
	}
	link := `See <a href="https://example.org/x">this`
	out, err := Markdown(link + "\n\nThe next paragraph.")
	if err != nil {
		t.Fatal(err)
	}
	fragments = append(fragments, Comment(link), Comment(link+"\n\nand more"), out, SanitizeArticleHTML("<p>"+link))

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/"), &i)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, pageAround(fragments[i]))
	}))
	defer srv.Close()
	ctx := browsertest.Start(t)
	// A decoration (line-through) is drawn through the text of every descendant but is
	// not inherited: it is looked for on the ancestors.
	const look = `JSON.stringify(["after-reply", "after-title", "after-label", "after-footer"].map(id => {
		const e = document.getElementById(id), s = getComputedStyle(e);
		let deco = [];
		for (let p = e.parentElement; p; p = p.parentElement) {
			const l = getComputedStyle(p).textDecorationLine;
			if (l !== "none") deco.push(p.tagName + " " + l);
		}
		return id + ": " + (deco.join(", ") || "none") + " " + s.fontWeight + " " + s.fontStyle + " " +
			(e.parentElement.closest("a") ? "linked" : "unlinked");
	}).concat(["links " + document.querySelectorAll('a[href="https://example.org/x"]').length]))`
	for i, f := range fragments {
		browsertest.Do(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/%d", srv.URL, i)))
		got := browsertest.Get(t, ctx, chromedp.Evaluate[string](look))
		want := `["after-reply: none 400 normal unlinked","after-title: none 700 normal unlinked","after-label: none 400 normal unlinked","after-footer: none 400 normal unlinked","links 0"]`
		if strings.Contains(f, "example.org/x") {
			want = strings.Replace(want, "links 0", "links 1", 1)
		}
		if got != want {
			t.Errorf("after %q, Chromium shows\n  %s\nwant\n  %s", f, got, want)
		}
	}
}

// What render makes is valid HTML by the Nu HTML Checker (the W3C validator's engine),
// which the browser tests run (go test -tags browser, with VNU_JAR set to vnu.jar as
// .ci/run sets it): every comment, whatever its author typed (the real ones, the
// reported ones and a few hundred made of every tag a commenter may use, left open,
// closed twice or across one another), and the reported articles and imported HTML.
func TestFragmentsAreValidHTML(t *testing.T) {
	jar := os.Getenv("VNU_JAR")
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("the Nu HTML Checker (set VNU_JAR to vnu.jar): %v", err)
	}
	dir := t.TempDir()
	var files, inputs []string
	write := func(what, input, fragment string) {
		f := filepath.Join(dir, fmt.Sprintf("%03d-%s.html", len(files), what))
		page := "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>A fragment</title></head><body><main>\n" +
			"<div class=\"comment-content\">" + fragment + "</div>\n<p>After it.</p></main></body></html>\n"
		if err := os.WriteFile(f, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		files, inputs = append(files, f), append(inputs, fmt.Sprintf("%s: %q", filepath.Base(f), input))
	}
	comments := []string{
		"Prices were <s>high", "Prices were <b>high", "It was <i>so", "<em>Really", `See <a href="https://example.org/">this`,
		"<blockquote>q</blockquote>", "<p>x</p>", `<a href="https://a.example/">a <a href="https://b.example/">b</a></a>`,
		"<code>a\n\nb</code>", "Hello &#29; there &#x0B; x", "https://example.com/a_(b)", `"<b>hi</b>"`, "<!-- x -->",
		"<blockquote>q\n\n<p>r</p>\n\n<blockquote>s</blockquote></blockquote> and <q>t</q>",
	}
	for _, c := range loadGolden(t).Comments {
		comments = append(comments, c.Body)
	}
	r := rand.New(rand.NewPCG(3, 5))
	for range 300 {
		comments = append(comments, randomHTML(r, 1+r.IntN(60), commentWords))
	}
	for _, c := range comments {
		write("comment", c, Comment(c))
	}
	for _, src := range []string{
		"Prices were <s>high\n\nThe next paragraph.", "It was <b>bold\n\n# A heading", "A <a href=\"https://example.org/\">link\n\nleft open",
		"Hello &#29; there &#x0B; x", "<code>-- \"x\"</code> <kbd>Ctrl</kbd> <samp>'a'</samp>", "a <p>x</p> b", "<div>\n<p>open\n</div>",
		"Some <em>emphasis</em> and </div></article> closing the page's elements", "- <div>\n- foo\n", "> <div>\n> foo\n\nbar\n", "https://youtu.be/dQw4w9WgXcQ",
	} {
		out, err := Markdown(src)
		if err != nil {
			t.Fatal(err)
		}
		write("markdown", src, out)
	}
	for _, src := range []string{"<p>Prices were <s>high", "<p><b>bold</p><p>next", "<ul><li>a<li><b>b", "</div></li></ol>x", "<table><td><b>cell", "<li>x</li><dt>t<dd>y", "<p><blockquote>q</blockquote></p>", "<li>a<li>b</li>c"} {
		write("imported", src, SanitizeArticleHTML(src))
	}
	out, err := exec.Command("java", browsertest.NuArgs(jar, EmbedSandbox, files...)...).CombinedOutput()
	if err != nil { // it exits non-zero when it finds an error
		t.Errorf("the Nu HTML Checker: %v\n%s\nThe inputs:\n%s", err, out, strings.Join(inputs, "\n"))
	}
}
