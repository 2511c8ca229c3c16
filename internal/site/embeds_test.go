package site_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
	"broadsheet/internal/site"
)

// publishEmbed publishes an article whose Markdown is md, rendered with the site's
// embed hosts as the admin renders it.
func publishEmbed(t *testing.T, e *env, slug, md string, hosts ...string) *news.Article {
	t.Helper()
	ctx := context.Background()
	body, _, err := render.ArticleMarkdown(ctx, md, render.Embeds{Hosts: hosts})
	if err != nil {
		t.Fatal(err)
	}
	a := &news.Article{Slug: slug, Title: "Embed " + slug, BodyMarkdown: md, BodyHTML: body,
		Status: news.StatusPublished, PublishedAt: e.clock.Now().Add(-time.Hour).Truncate(time.Second)}
	if err := e.db.CreateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	return a
}

// The example: a youtube-nocookie iframe pasted into a body is on the page, and
// the page's CSP frames exactly the allowed hosts; a page without an embed frames
// nothing. A host added in the settings joins frame-src at once (the cached page is
// dropped), and the feeds carry a link where the iframe was.
func TestEmbedOnThePageAndInTheFeeds(t *testing.T) {
	e := newEnv(t, 1, nil)
	a := publishEmbed(t, e, "tram-video", "The tram, filmed.\n\n"+
		`<iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?si=abc" title="The new tram line" frameborder="0" allow="accelerometer; autoplay; clipboard-write" referrerpolicy="strict-origin-when-cross-origin" allowfullscreen></iframe>`)
	p := e.get(e.url(a))
	mustContain(t, "the article page", p.body,
		`<figure class="embed embed-youtube embed-16x9"><iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="The new tram line"`,
		`loading="lazy"`, `sandbox="`+render.EmbedSandbox+`"`, `referrerpolicy="strict-origin-when-cross-origin"`)
	csp := p.header.Get("Content-Security-Policy")
	mustContain(t, "the page's CSP", csp, "frame-src https://www.youtube-nocookie.com https://player.vimeo.com", "default-src 'none'")
	mustNotContain(t, "the page's CSP", csp, "*", "maps.example.org")
	if plain := e.get(e.url(e.arts[0])).header.Get("Content-Security-Policy"); strings.Contains(plain, "frame-src") {
		t.Errorf("a page without an embed has a frame-src: %s", plain)
	}

	// The setting adds a host: the cached page is dropped and its CSP names the host.
	if err := e.db.SetSettings(context.Background(), map[string]string{news.SettingEmbedHosts: "maps.example.org"}); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	csp = e.get(e.url(a)).header.Get("Content-Security-Policy")
	mustContain(t, "the page's CSP after the setting changed", csp, " https://maps.example.org")

	for _, path := range []string{"/feed.xml", "/atom.xml", "/feed.json"} {
		f, err := gofeed.NewParser().ParseString(e.get(path).body)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, it := range f.Items {
			if it.Title != a.Title {
				continue
			}
			mustContain(t, path, it.Content, `<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Watch “The new tram line” on YouTube</a>`)
			mustNotContain(t, path, it.Content, "<iframe")
		}
	}
}

// An embed from a host of the settings is kept on the page, and framed by its CSP.
func TestEmbedFromASettingsHost(t *testing.T) {
	e := newEnv(t, 0, nil)
	if err := e.db.SetSettings(context.Background(), map[string]string{news.SettingEmbedHosts: "maps.example.org"}); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	a := publishEmbed(t, e, "map", `<iframe src="https://maps.example.org/embed?x=1" onload="alert(1)" title="Where the tram runs"></iframe>`, "maps.example.org")
	p := e.get(e.url(a))
	mustContain(t, "the article page", p.body, `<iframe src="https://maps.example.org/embed?x=1" title="Where the tram runs"`)
	mustNotContain(t, "the article page", p.body, "onload", "alert")
	mustContain(t, "the page's CSP", p.header.Get("Content-Security-Policy"), "https://maps.example.org")
}

// The site's own host in the setting (only the admin's form can refuse it: `broadsheet
// settings set` does not know the site's address) is never framed: the embeds' sandbox
// keeps allow-same-origin, which in a frame of the page's own origin would undo it.
func TestEmbedCSPNeverFramesTheSiteItself(t *testing.T) {
	e := newEnv(t, 0, func(c *site.Config) { c.BaseURL = "https://news.example.org" })
	if err := e.db.SetSettings(context.Background(), map[string]string{news.SettingEmbedHosts: "maps.example.org news.example.org"}); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	a := publishEmbed(t, e, "self", "https://youtu.be/dQw4w9WgXcQ")
	csp := e.get(e.url(a)).header.Get("Content-Security-Policy")
	mustContain(t, "the page's CSP", csp, "frame-src https://www.youtube-nocookie.com", "https://maps.example.org")
	mustNotContain(t, "the page's CSP", csp, "news.example.org")
}
