package site_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

func TestArticlePageShowsWhatAReaderExpects(t *testing.T) {
	e := newEnv(t, 5, nil)
	a := e.arts[2] // story 3: three comments, the third a reply to the first
	p := e.get(e.url(a))
	if p.status != 200 {
		t.Fatalf("status %d", p.status)
	}
	mustContain(t, "article page", p.body,
		"<h1 class=\"headline\">Story number 3’s headline</h1>", // typography: curly apostrophe
		"The standfirst of story 3 says what happened",
		`rel="author"><bdi>James Miller</bdi></a>`,
		`<time datetime="2025-06-04T09:00:00Z">4 June 2025, 09:00 UTC</time>`,
		"“quotes” someone – at length.",
		"<blockquote>",
		`Follow us on <a href="https://social.example/@gazette">Mastodon</a> and <a href="https://bsky.example/gazette">Bluesky</a>`,
		`href="/section/world/"`, `href="/tag/diplomacy/" rel="tag"`,
		"Share on Mastodon", "Share by email",
		"Read previous post:", "Story number 2’s headline", "Read next post:", "Story number 4’s headline",
		"3 comments on", "Leave a Reply", "Your email address will not be published.",
		`<label for="comment">`, `<label for="author">`, `<label for="email">`, `<label for="url">`,
		`<a class="skip-link" href="#main">`, `<main id="main"`,
		`<link rel="canonical" href="`+e.url(a)+`">`,
		`<meta property="og:type" content="article">`, `<meta name="twitter:card"`,
		`<link rel="alternate" type="application/rss+xml"`,
	)
	// The previous/next excerpts: about 120 characters, cut at a word, with an ellipsis.
	excerpts := regexp.MustCompile(`<p class="nav-excerpt">([^<]*)</p>`).FindAllStringSubmatch(p.body, -1)
	if len(excerpts) != 2 {
		t.Fatalf("%d excerpts, want 2", len(excerpts))
	}
	for _, m := range excerpts {
		ex := m[1]
		if n := utf8.RuneCountInString(ex); n > 121 || n < 80 || !strings.HasSuffix(ex, "…") {
			t.Errorf("excerpt %q: want about 120 characters ending in an ellipsis", ex)
		}
		if strings.HasSuffix(ex, " …") || strings.Contains(ex, "cuttin…") {
			t.Errorf("excerpt %q not cut at a word", ex)
		}
	}
	// Threaded in order: comment 1, its reply (comment 3) nested under it, then comment 2.
	i1, i3, i2 := strings.Index(p.body, "Comment 1 on story 3"), strings.Index(p.body, "Comment 3 on story 3"), strings.Index(p.body, "Comment 2 on story 3")
	if i1 < 0 || i3 < 0 || i2 < 0 || !(i1 < i3 && i3 < i2) {
		t.Errorf("thread order: comment 1 at %d, reply 3 at %d, comment 2 at %d", i1, i3, i2)
	}
	if !regexp.MustCompile(`(?s)Comment 1 on story 3.*?<ol class="children">.*?Comment 3 on story 3`).MatchString(p.body) {
		t.Errorf("the reply is not nested under its parent")
	}
	mustContain(t, "reply link", p.body, `?replytocom=`, `aria-label="Reply to Reader 1"`)
	// JSON-LD NewsArticle that parses.
	m := regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD: %v", err)
	}
	if ld["@type"] != "NewsArticle" || ld["headline"] != "Story number 3’s headline" || ld["datePublished"] != "2025-06-04T09:00:00Z" {
		t.Errorf("JSON-LD %v", ld)
	}
	// The headers of a careful site.
	for h, want := range map[string]string{
		"Content-Security-Policy": "script-src", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "strict-origin-when-cross-origin", "Cache-Control": "public",
	} {
		got := p.header.Get(h)
		if h == "Content-Security-Policy" {
			if !strings.Contains(got, "default-src 'none'") || strings.Contains(got, "unsafe-inline") {
				t.Errorf("CSP %q: want default-src 'none' and no unsafe-inline", got)
			}
			continue
		}
		if !strings.Contains(got, want) {
			t.Errorf("header %s = %q, want %q", h, got, want)
		}
	}
	if strings.Contains(p.body, "<script>") || strings.Contains(p.body, " style=") {
		t.Errorf("inline script or style on the page, which the CSP would block")
	}
}

func TestArticleWithoutCommentsInvitesTheFirst(t *testing.T) {
	e := newEnv(t, 5, nil)
	p := e.get(e.url(e.arts[3])) // story 4: no comments
	mustContain(t, "article page", p.body, "Be the first to comment", "Leave a Reply")
	mustNotContain(t, "article page", p.body, "comments on", `class="comment-list"`)
	// The newest article has no "next" box, the oldest no "previous".
	mustNotContain(t, "newest article", e.get(e.url(e.arts[4])).body, "Read next post:")
	mustNotContain(t, "oldest article", e.get(e.url(e.arts[0])).body, "Read previous post:")
}

func TestArticleAddresses(t *testing.T) {
	e := newEnv(t, 3, nil)
	a := e.arts[1]
	// A wrong date or a missing slash leads to the right address.
	p := e.get("/2001/01/01/" + a.Slug + "/")
	if p.status != 301 || p.header.Get("Location") != strings.TrimPrefix(e.url(a), e.http.URL) {
		t.Errorf("wrong date: %d to %q", p.status, p.header.Get("Location"))
	}
	p = e.get(strings.TrimSuffix(e.url(a), "/"))
	if p.status != 301 || !strings.HasSuffix(p.header.Get("Location"), a.Slug+"/") {
		t.Errorf("no slash: %d to %q", p.status, p.header.Get("Location"))
	}
	for _, path := range []string{"/2025/06/03/no-such-story/", "/no/such/page", "/section/nowhere/", "/tag/nothing/", "/author/nobody/", "/page/99/", "/page/1/", "/page/x/"} {
		p := e.get(path)
		if p.status != 404 {
			t.Errorf("%s: status %d, want 404", path, p.status)
		}
		mustContain(t, path, p.body, "Page not found", "<main id=\"main\"", `<meta name="robots" content="noindex">`)
	}
}

func TestFrontPageAndArchives(t *testing.T) {
	e := newEnv(t, 25, nil) // ten a page
	p := e.get("/")
	mustContain(t, "front page", p.body, `<article class="lead-story">`, "Story number 25’s headline", "Page 1", `href="/page/2/"`)
	if strings.Index(p.body, "Story number 25’s") > strings.Index(p.body, "Story number 24’s") {
		t.Errorf("the lead story is not the newest")
	}
	mustNotContain(t, "front page", p.body, "Story number 15’s")
	p = e.get("/page/3/")
	mustContain(t, "page 3", p.body, "Story number 5’s headline", "Story number 1’s headline", "Page 3", `href="/page/2/"`)
	mustNotContain(t, "page 3", p.body, `class="lead-story"`, "Older stories")

	// Section World holds stories 3, 6, 9, …; tag "Topic 1" the odd ones; author Anna Petrova the even ones.
	p = e.get("/section/world/")
	mustContain(t, "section page", p.body, "<h1>World</h1>", "Story number 24’s", "Story number 3’s")
	mustNotContain(t, "section page", p.body, "Story number 25’s")
	p = e.get("/tag/topic-1/")
	mustContain(t, "tag page", p.body, "<h1>Topic 1</h1>", "Story number 25’s", "Page 1", `href="/tag/topic-1/page/2/"`)
	mustNotContain(t, "tag page", p.body, "Story number 24’s")
	p = e.get("/author/anna-petrova/")
	mustContain(t, "author page", p.body, "<h1>Anna Petrova</h1>", "Story number 24’s")
	mustNotContain(t, "author page", p.body, "Story number 25’s")
	p = e.get("/tag/topic-1/page/2/")
	mustContain(t, "tag page 2", p.body, "Story number 1’s")
}

func TestDraftsAndFutureArticlesStayHidden(t *testing.T) {
	e := newEnv(t, 2, nil)
	a := e.arts[1]
	a.Status = "draft"
	if err := e.db.UpdateArticle(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	e.srv.Sync(t.Context())
	if p := e.get(e.url(a)); p.status != 404 {
		t.Errorf("a draft answers %d", p.status)
	}
	mustNotContain(t, "front page", e.get("/").body, "Story number 2’s")
	mustNotContain(t, "feed", e.get("/feed.xml").body, "Story number 2’s")
}

func TestShareLinksLeadToTheNetworks(t *testing.T) {
	e := newEnv(t, 3, nil)
	a := e.arts[1]
	page := e.get(e.url(a)).body
	for _, n := range []string{"mastodon", "bluesky", "x", "facebook", "linkedin", "email"} {
		if !strings.Contains(page, fmt.Sprintf(`href="/share/%s/%d"`, n, a.ID)) {
			t.Errorf("no %s share link", n)
		}
	}
	p := e.get(fmt.Sprintf("/share/x/%d", a.ID))
	want := "https://x.com/intent/post?url=" + url.QueryEscape(e.url(a)) + "&text=Story%20number%202%E2%80%99s%20headline"
	if p.status != 302 || p.header.Get("Location") != want {
		t.Errorf("share on X: %d to %q, want %q", p.status, p.header.Get("Location"), want)
	}
	if p := e.get(fmt.Sprintf("/share/email/%d", a.ID)); !strings.HasPrefix(p.header.Get("Location"), "mailto:?subject=Story%20number%202") {
		t.Errorf("share by email: %q", p.header.Get("Location"))
	}
	for _, path := range []string{"/share/myspace/1", "/share/x/999", "/share/x/abc"} {
		if p := e.get(path); p.status != 404 {
			t.Errorf("%s: %d", path, p.status)
		}
	}
	draft := e.arts[2]
	draft.Status = "draft"
	e.db.UpdateArticle(t.Context(), draft)
	if p := e.get(fmt.Sprintf("/share/x/%d", draft.ID)); p.status != 404 {
		t.Errorf("sharing a draft: %d", p.status)
	}
}

// Typography never reaches code, nor text made from it: the excerpt of a body with a
// command in it keeps the command as typed in the meta description and the feeds.
func TestTypographyStaysOutOfCode(t *testing.T) {
	e := newEnv(t, 1, nil)
	md := "Run `grep -- \"x\" it's.txt` -- then wait."
	body, _ := render.Markdown(md)
	a := &news.Article{Slug: "code-story", Title: "Code", BodyMarkdown: md, BodyHTML: body, Status: news.StatusPublished,
		PublishedAt: e.clock.Now().Add(-time.Hour)}
	if err := e.db.CreateArticle(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	e.srv.Sync(context.Background())
	page := e.get(e.url(a)).body
	mustContain(t, "the meta description", page, `<meta name="description" content="Run grep -- &#34;x&#34; it&#39;s.txt – then wait.">`)
	feed := e.get("/feed.json").body
	mustContain(t, "the JSON feed's summary", feed, `"summary": "Run grep -- \"x\" it's.txt – then wait."`)
}

// The addresses machines read in a page (Open Graph, JSON-LD) are URIs, while the
// page's own links may stay readable IRIs.
func TestPageMetadataAddressesAreURIs(t *testing.T) {
	e := newEnv(t, 1, nil)
	a := &news.Article{Slug: "проверка-связи", Title: "Проверка связи", BodyMarkdown: "Текст.", BodyHTML: "<p>Текст.</p>",
		Status: news.StatusPublished, PublishedAt: e.clock.Now().Add(-time.Hour), Author: &news.Author{Name: "Анна Петрова"}}
	if err := e.db.CreateArticle(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	e.srv.Sync(context.Background())
	page := e.get(e.url(a)).body
	encoded := e.http.URL + "/" + a.PublishedAt.Format("2006/01/02") + "/%D0%BF%D1%80%D0%BE%D0%B2%D0%B5%D1%80%D0%BA%D0%B0-%D1%81%D0%B2%D1%8F%D0%B7%D0%B8/"
	mustContain(t, "the article's metadata", page, `<meta property="og:url" content="`+encoded+`">`, `"url":"`+encoded+`"`,
		`"url":"`+e.http.URL+`/author/%D0%B0%D0%BD%D0%BD%D0%B0-%D0%BF%D0%B5%D1%82%D1%80%D0%BE%D0%B2%D0%B0/"`)
}

// Page numbers past the last page, however large, are not there: no render, no page in
// the cache, no number that wraps around to the first page.
func TestPagesPastTheLastAreNotFound(t *testing.T) {
	e := newEnv(t, 25, nil) // three pages of ten
	cached := e.srv.CachedPages()
	for _, path := range []string{"/page/2/", "/page/3/"} {
		if p := e.get(path); p.status != 200 {
			t.Errorf("%s: %d", path, p.status)
		}
	}
	cached = e.srv.CachedPages() - cached
	for _, path := range []string{"/page/4/", "/page/922337203685477582/", "/page/9223372036854775807/", "/page/99999999999999999999/",
		"/section/world/page/922337203685477582/", "/tag/diplomacy/page/1844674407370955162/", "/author/anna-petrova/page/4/"} {
		if p := e.get(path); p.status != 404 {
			t.Errorf("%s: %d, want 404", path, p.status)
		}
	}
	if n := e.srv.CachedPages(); n != cached {
		t.Errorf("pages past the last were cached: %d pages, want %d", n, cached)
	}
}

// A tag that only a draft carries is not there for readers: its name could give the
// story away.
func TestTagsOfDraftsAreNotPublic(t *testing.T) {
	e := newEnv(t, 2, nil)
	a := &news.Article{Slug: "merger", Title: "Merger", BodyMarkdown: "x", BodyHTML: "<p>x</p>", Status: news.StatusDraft,
		Tags: []*news.Tag{{Name: "Secret merger target corp"}}, Author: &news.Author{Name: "Undercover Reporter"}}
	if err := e.db.CreateArticle(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/tag/secret-merger-target-corp/", "/tag/secret-merger-target-corp/feed.xml",
		"/author/undercover-reporter/", "/author/undercover-reporter/feed.json"} {
		if p := e.get(path); p.status != 404 || strings.Contains(p.body, "Secret merger") || strings.Contains(p.body, "Undercover") {
			t.Errorf("%s: %d", path, p.status)
		}
	}
}

func TestOpenGraphLocale(t *testing.T) {
	for lang, want := range map[string]string{"en-GB": "en_GB", "zh-Hant-HK": "zh_HK", "en-US-u-ca-gregory": "en_US", "en": "", "zh-Hant": "", "pt-BR": "pt_BR"} {
		e := newEnv(t, 1, nil)
		if err := e.db.SetSettings(context.Background(), map[string]string{"language": lang}); err != nil {
			t.Fatal(err)
		}
		e.srv.Sync(context.Background())
		body := e.get("/").body
		if want == "" && strings.Contains(body, "og:locale") || want != "" && !strings.Contains(body, `<meta property="og:locale" content="`+want+`">`) {
			t.Errorf("language %s: og:locale not %q", lang, want)
		}
	}
}
