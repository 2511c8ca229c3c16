//go:build browser

// Browser tests: what a person sees and does, in a real headless Chromium (Debian's
// chromium package), and what outside checkers say of the pages: axe-core for WCAG 2.2
// AA and the Nu HTML Checker for validity. .ci/run installs all three and runs these
// with -tags browser; AXE_JS and VNU_JAR name the checkers' files.
package site_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
	"broadsheet/internal/site"
)

func browserEnv(t *testing.T) *env {
	return newEnv(t, 6, func(c *site.Config) {
		c.Now = time.Now
		c.CommentMinTime = time.Second
	})
}

// Every kind of page passes axe-core's WCAG 2.2 AA rules, on a desktop and on a phone,
// and lays out on a phone without sideways scrolling.
func TestPagesMeetWCAGInABrowser(t *testing.T) {
	e := browserEnv(t)
	ctx := browsertest.Start(t)
	// A commenter's 65,000-character word and a name that turns text around must not
	// break the column.
	long := &news.Comment{ArticleID: e.arts[4].ID, Status: news.CommentApproved, AuthorName: "\u202eLong " + strings.Repeat("W", 300),
		AuthorURL: "https://example.org/" + strings.Repeat("p", 150), Body: strings.Repeat("a", 65000), CreatedAt: time.Now()}
	long.BodyHTML = render.Comment(long.Body)
	if err := e.db.CreateComment(context.Background(), long); err != nil {
		t.Fatal(err)
	}
	e.srv.Sync(context.Background())
	embed := publishEmbed(t, e, "embedded-video", "The tram, filmed.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nhttps://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC")
	pages := map[string]string{
		"article with embeds": e.url(embed),
		"front":               "/", "article with comments": e.url(e.arts[2]), "article without comments": e.url(e.arts[3]),
		"section": "/section/world/", "tag": "/tag/diplomacy/", "author": "/author/anna-petrova/",
		"second page": "/page/2/", "not found": "/no/such/page", "article with a very long word": e.url(e.arts[4]),
		"reply form": fmt.Sprintf("%s?replytocom=%d", e.url(e.arts[1]), firstComment(t, e, e.arts[1])),
	}
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 900}, {"phone", 375, 740}} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(size.w, size.h))
		for name, path := range pages {
			if strings.HasPrefix(path, "/") {
				path = e.http.URL + path
			}
			browsertest.Do(t, ctx, chromedp.Navigate(path), chromedp.WaitReady(chromedp.CSS("body")))
			browsertest.CheckAxe(t, ctx, name+", "+size.name)
			if browsertest.Get(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
				t.Errorf("%s, %s: the page scrolls sideways", name, size.name)
			}
		}
	}
}

func firstComment(t *testing.T, e *env, a *news.Article) int64 {
	cs, err := e.db.ApprovedComments(context.Background(), a.ID)
	if err != nil || len(cs) == 0 {
		t.Fatalf("no comment on %s", a.Slug)
	}
	return cs[0].ID
}

// A reader comments as a person does: a mistake is pointed out with what they typed
// kept, the corrected comment awaits moderation and only they see it, and once a
// moderator approves it every reader does.
func TestReaderCommentsInABrowser(t *testing.T) {
	e := browserEnv(t)
	ctx := browsertest.Start(t)
	a := e.arts[3]
	browsertest.Do(t, ctx,
		chromedp.Navigate(e.url(a)),
		chromedp.WaitVisible(chromedp.ID("comment")),
		chromedp.SendKeys(chromedp.ID("comment"), "I was at the meeting -- it's true."),
		chromedp.SendKeys(chromedp.ID("author"), "Zoë Reader"),
		chromedp.SendKeys(chromedp.ID("email"), "zoe@localhost"), // the browser accepts it; the site does not
		chromedp.Sleep(1200*time.Millisecond),
		chromedp.Click(chromedp.CSS("#commentform button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("form-errors")),
	)
	if text := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("form-errors"))); !strings.Contains(text, "valid email address") {
		t.Fatalf("error summary %q", text)
	}
	if kept := browsertest.Get(t, ctx, chromedp.Value(chromedp.ID("comment"))); kept != "I was at the meeting -- it's true." {
		t.Errorf("the comment typed was not kept: %q", kept)
	}
	browsertest.CheckAxe(t, ctx, "page with form errors")
	browsertest.Do(t, ctx,
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`(document.getElementById("email").value = "") === ""`)(ctx, t)
			return err
		}),
		chromedp.SendKeys(chromedp.ID("email"), "zoe@example.net"),
		chromedp.Sleep(1200*time.Millisecond),
		chromedp.Click(chromedp.CSS("#commentform button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".moderation")),
	)
	url := browsertest.Get(t, ctx, chromedp.Location())
	text := browsertest.Get(t, ctx, chromedp.Text(chromedp.CSS("li.pending")))
	if !strings.Contains(text, "Your comment is awaiting moderation") || !strings.Contains(text, "I was at the meeting – it’s true.") {
		t.Errorf("the author's view of the pending comment: %q", text)
	}
	if !strings.Contains(url, "#comment-") {
		t.Errorf("not brought back to the comment: %s", url)
	}

	// Another reader (a fresh browser) does not see it until a moderator approves it.
	other := browsertest.Start(t)
	browsertest.Do(t, other, chromedp.Navigate(e.url(a)))
	if body := browsertest.Get(t, other, chromedp.Text(chromedp.ID("comments"))); strings.Contains(body, "I was at the meeting") {
		t.Fatal("a pending comment is shown to another reader")
	}
	pending, _ := e.db.Comments(context.Background(), news.CommentQuery{Status: news.CommentPending})
	if len(pending) != 1 {
		t.Fatalf("%d pending comments", len(pending))
	}
	e.db.SetCommentStatus(context.Background(), pending[0].ID, news.CommentApproved)
	e.srv.Sync(context.Background())
	browsertest.Do(t, other, chromedp.Navigate(e.url(a)))
	if body := browsertest.Get(t, other, chromedp.Text(chromedp.ID("comments"))); !strings.Contains(body, "I was at the meeting – it’s true.") || !strings.Contains(body, "Zoë Reader") {
		t.Errorf("the approved comment is not shown: %q", body)
	}
}

// The pages are valid HTML by the Nu HTML Checker (the W3C validator's engine), and
// the stylesheet valid CSS.
func TestPagesAreValidHTML(t *testing.T) {
	jar := os.Getenv("VNU_JAR")
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("the Nu HTML Checker (set VNU_JAR to vnu.jar): %v", err)
	}
	e := newEnv(t, 6, nil)
	dir := t.TempDir()
	form := e.commentForm(e.arts[1], "Tom", "tom@localhost", "Hello")
	refused := e.post("/comments/", form)
	embed := publishEmbed(t, e, "embedded-video", "The tram, filmed.\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\nhttps://vimeo.com/76979871/8272103f6e\n\nhttps://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC")
	pages := map[string]string{
		"article-with-embeds": e.get(e.url(embed)).body,
		"front":               e.get("/").body, "article": e.get(e.url(e.arts[2])).body, "article-no-comments": e.get(e.url(e.arts[3])).body,
		"section": e.get("/section/world/").body, "tag": e.get("/tag/diplomacy/").body, "author": e.get("/author/anna-petrova/").body,
		"not-found": e.get("/nowhere").body, "refused-comment": refused.body,
		"reply": e.get(fmt.Sprintf("%s?replytocom=%d", e.url(e.arts[1]), firstComment(t, e, e.arts[1]))).body,
	}
	// Static pages (news.KindPage): one with comments off, one with them on, and the
	// footer's navigation they add to every page.
	e.addPage("about", "About the Gazette", 1, false)
	e.addPage("letters", "Letters", 2, true)
	pages["static-page"], pages["static-page-comments"] = e.get("/about/").body, e.get("/letters/").body
	pages["front-with-nav"] = e.get("/").body
	// An article's comment pages: the first, a middle one, and a refused comment's
	// answer on a comment page.
	lt := newLongThread(t, 120, nil)
	pages["comment-page-1"] = lt.get(lt.path).body
	pages["comment-page-2"] = lt.get(lt.path + "comment-page-2/").body
	f := lt.commentForm(lt.a, "Tom", "tom@localhost", "Hello")
	f.Set("cpage", "3")
	pages["refused-comment-page-3"] = lt.post("/comments/", f).body
	var files []string
	for name, body := range pages {
		f := filepath.Join(dir, name+".html")
		os.WriteFile(f, []byte(body), 0o644)
		files = append(files, f)
	}
	css := e.get(cssPath(t, pages["front"])).body
	cssFile := filepath.Join(dir, "style.css")
	os.WriteFile(cssFile, []byte(css), 0o644)
	for _, args := range [][]string{browsertest.NuArgs(jar, render.EmbedSandbox, files...),
		{"-jar", jar, "--css", "--errors-only", "--format", "text", cssFile}} {
		out, err := exec.Command("java", args...).CombinedOutput()
		if err != nil { // it exits non-zero when it finds an error
			t.Errorf("the Nu HTML Checker: %v\n%s", err, out)
		}
	}
}

// An article's comment pages pass axe-core on a desktop and a phone, without sideways
// scrolling; the link at the top of the thread takes a keyboard user to the form; and
// a refused comment's answer opens at the form.
func TestCommentPagesInABrowser(t *testing.T) {
	lt := newLongThread(t, 120, func(c *site.Config) { c.Now = time.Now; c.CommentMinTime = time.Second })
	ctx := browsertest.Start(t)
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 900}, {"phone", 375, 740}} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(size.w, size.h))
		for _, path := range []string{lt.path, lt.path + "comment-page-2/", lt.path + "comment-page-3/"} {
			browsertest.Do(t, ctx, chromedp.Navigate(lt.http.URL+path), chromedp.WaitReady(chromedp.CSS("body")))
			browsertest.CheckAxe(t, ctx, path+", "+size.name)
			if browsertest.Get(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
				t.Errorf("%s, %s: the page scrolls sideways", path, size.name)
			}
		}
	}
	// Tab to the skip link (it is the first link of the comments section reached
	// after the section's heading) and follow it with Enter.
	browsertest.Do(t, ctx,
		chromedp.Navigate(lt.http.URL+lt.path+"comment-page-2/"),
		chromedp.WaitReady(chromedp.CSS(".comment-skip a")),
		chromedp.Focus(chromedp.CSS(".comment-skip a")),
		chromedp.KeyEvent("\r"),
		chromedp.Sleep(300*time.Millisecond),
	)
	if loc := browsertest.Get(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, lt.path+"comment-page-2/#respond") {
		t.Errorf("Enter on the link to the form went to %s", loc)
	}
	// A refused comment posted from page 2 comes back at the form, on page 2.
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.ID("comment"), "My words on page 2."),
		chromedp.SendKeys(chromedp.ID("author"), "Zoë Reader"),
		chromedp.SendKeys(chromedp.ID("email"), "zoe@localhost"),
		chromedp.Sleep(1200*time.Millisecond),
		chromedp.Click(chromedp.CSS("#commentform button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("form-errors")),
	)
	if loc := browsertest.Get(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/comments/#respond") {
		t.Errorf("the refusal opened at %s, not at the form", loc)
	}
	if title := browsertest.Get(t, ctx, chromedp.Title()); !strings.HasPrefix(title, "Error: ") || !strings.Contains(title, "comments page 2") {
		t.Errorf("the refusal's title %q", title)
	}
	if top := browsertest.Get(t, ctx, chromedp.Evaluate[float64](`document.getElementById("respond").getBoundingClientRect().top`)); top < -1 || top > 900 {
		t.Errorf("the form is not in view after the refusal (its top at %v px)", top)
	}
	browsertest.CheckAxe(t, ctx, "refused comment on page 2")
}

func cssPath(t *testing.T, html string) string {
	i := strings.Index(html, `href="/static/style.`)
	if i < 0 {
		t.Fatal("no stylesheet link")
	}
	rest := html[i+len(`href="`):]
	return rest[:strings.IndexByte(rest, '"')]
}
