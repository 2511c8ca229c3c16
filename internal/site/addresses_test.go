package site_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/site"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"
)

// publish adds a published story with the slug at the time.
func (e *env) publish(slug, title string, at time.Time) *news.Article {
	e.t.Helper()
	a := &news.Article{Slug: slug, Title: title, BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>", Status: news.StatusPublished,
		PublishedAt: at.Truncate(time.Second), Author: &news.Author{Name: "Anna Petrova"}, Section: &news.Section{Name: "City"},
		Tags: []*news.Tag{{Name: "Transport"}}}
	if err := e.db.CreateArticle(context.Background(), a); err != nil {
		e.t.Fatal(err)
	}
	e.sync()
	return a
}

func (e *env) update(a *news.Article) {
	e.t.Helper()
	if err := e.db.UpdateArticle(context.Background(), a); err != nil {
		e.t.Fatal(err)
	}
	e.sync()
}

func (e *env) sync() {
	e.t.Helper()
	if err := e.srv.Sync(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// movedTo checks that path answers 301 straight to want (a path), and that want is the
// page.
func (e *env) movedTo(path, want string) {
	e.t.Helper()
	p := e.get(path)
	if p.status != 301 {
		e.t.Errorf("%s: status %d, want 301 to %s", path, p.status, want)
		return
	}
	loc, err := url.Parse(p.header.Get("Location"))
	if err != nil || loc.Path != want && loc.RawPath != want && loc.EscapedPath() != (&url.URL{Path: want}).EscapedPath() {
		e.t.Errorf("%s: Location %q, want %s", path, p.header.Get("Location"), want)
		return
	}
	if q := e.get(loc.String()); q.status != 200 {
		e.t.Errorf("%s: redirected to %s, which answers %d (more than one hop)", path, loc, q.status)
	}
}

func (e *env) status(path string) int { e.t.Helper(); return e.get(path).status }

// The story: renamed after publication, its old address answers 301 to the
// new one in one hop (also from the cache, and with a wrong date), and nothing once the
// story is trashed.
func TestRenamedStoryKeepsItsOldAddress(t *testing.T) {
	e := newEnv(t, 2, nil)
	a := e.publish("tram-line-4-reopens", "Tram line 4 reopens", e.clock.Now().Add(-2*time.Hour))
	old := e.srv.ArticlePath(a)
	if p := e.get(old); p.status != 200 {
		t.Fatalf("the story: %d", p.status)
	}
	a.Slug = "tram-line-4-back-in-service"
	e.update(a)
	now := e.srv.ArticlePath(a)
	if !strings.HasSuffix(now, "/tram-line-4-back-in-service/") {
		t.Fatalf("new address %s", now)
	}
	e.movedTo(old, now) // the cached page of the old address is gone
	e.movedTo(old, now) // and the redirect is served again, from the cache
	e.movedTo("/1999/01/01/tram-line-4-reopens/", now)
	if p := e.get(old); p.header.Get("Cache-Control") == "" || strings.Contains(p.header.Get("Cache-Control"), "no-store") {
		t.Errorf("the redirect's Cache-Control: %q", p.header.Get("Cache-Control"))
	}
	// The redirect is cached: a change behind the store's back does not show…
	e.sneak(`DELETE FROM redirects`)
	e.movedTo(old, now)
	e.sneak(`INSERT INTO redirects (kind, address, article_id, created_at) VALUES ('slug', 'tram-line-4-reopens', ?, 0)`, a.ID)
	// …and a write to the story drops it: trashed, the story and its old address are gone.
	a.Status = news.StatusTrash
	e.update(a)
	for _, p := range []string{old, now} {
		if got := e.status(p); got != 404 {
			t.Errorf("%s of a trashed story: %d, want 404", p, got)
		}
	}
	// Restored and published again, both lead to it.
	a.Status = news.StatusPublished
	e.update(a)
	e.movedTo(old, now)
}

// A chain of renames is one hop from every former address to the current one, and
// renaming back to a former slug makes it the page again.
func TestRenameChainsAreOneHop(t *testing.T) {
	e := newEnv(t, 1, nil)
	a := e.publish("slug-a", "Story", e.clock.Now().Add(-time.Hour))
	pathA := e.srv.ArticlePath(a)
	a.Slug = "slug-b"
	e.update(a)
	pathB := e.srv.ArticlePath(a)
	e.movedTo(pathA, pathB)
	a.Slug = "slug-c"
	e.update(a)
	pathC := e.srv.ArticlePath(a)
	e.movedTo(pathA, pathC)
	e.movedTo(pathB, pathC)
	a.Slug = "slug-a"
	e.update(a)
	if got := e.status(pathA); got != 200 {
		t.Errorf("renamed back to its first slug: %d, want 200", got)
	}
	e.movedTo(pathB, pathA)
	e.movedTo(pathC, pathA)
}

// A former slug another story takes is that story's address, at once (the cached
// redirect is dropped).
func TestFormerSlugTakenByAnotherStory(t *testing.T) {
	e := newEnv(t, 1, nil)
	at := e.clock.Now().Add(-3 * time.Hour)
	first := e.publish("council-vote", "The first story", at)
	old := e.srv.ArticlePath(first)
	first.Slug = "council-vote-delayed"
	e.update(first)
	e.movedTo(old, e.srv.ArticlePath(first)) // cached at old
	// A story between them, so that the second's neighbour is not the first (whose
	// key the second's publication would then name anyway).
	e.publish("between", "Between", at.Add(30*time.Minute))
	e.movedTo(old, e.srv.ArticlePath(first))
	second := e.publish("council-vote", "The second story", at.Add(time.Hour))
	if e.srv.ArticlePath(second) != old {
		t.Fatalf("the test needs both at one address: %s, %s", e.srv.ArticlePath(second), old)
	}
	p := e.get(old)
	if p.status != 200 {
		t.Fatalf("%s after another story took the slug: %d", old, p.status)
	}
	mustContain(t, old, p.body, "The second story")
}

// A draft's working slug never leads to the published story, and a story out of print
// answers at none of its addresses.
func TestUnpublishedAddressesLeakNothing(t *testing.T) {
	e := newEnv(t, 1, nil)
	ctx := context.Background()
	at := e.clock.Now().Add(-time.Hour).Truncate(time.Second)
	d := &news.Article{Slug: "secret-merger-talks", Title: "Merger", BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>",
		Status: news.StatusDraft, PublishedAt: at}
	if err := e.db.CreateArticle(ctx, d); err != nil {
		t.Fatal(err)
	}
	draftPath := e.srv.ArticlePath(d)
	d.Slug = "merger-agreed"
	e.update(d)
	d.Status = news.StatusPublished
	e.update(d)
	if got := e.status(e.srv.ArticlePath(d)); got != 200 {
		t.Fatalf("the published story: %d", got)
	}
	if got := e.status(draftPath); got != 404 {
		t.Errorf("the draft's working address %s: %d, want 404", draftPath, got)
	}
	// Published, renamed, unpublished: every address it had is not found.
	public := e.srv.ArticlePath(d)
	d.Slug = "merger-agreed-by-board"
	e.update(d)
	e.movedTo(public, e.srv.ArticlePath(d))
	d.Status = news.StatusUnpublished
	e.update(d)
	for _, p := range []string{public, e.srv.ArticlePath(d)} {
		if got := e.status(p); got != 404 {
			t.Errorf("%s of an unpublished story: %d, want 404", p, got)
		}
	}
}

// feedIDs reads a feed with gofeed and returns each item's ID and link by title.
func (e *env) feedIDs(path string) (ids, links map[string]string) {
	e.t.Helper()
	f, err := gofeed.NewParser().ParseString(e.get(path).body)
	if err != nil {
		e.t.Fatalf("%s: %v", path, err)
	}
	ids, links = map[string]string{}, map[string]string{}
	for _, it := range f.Items {
		ids[it.Title], links[it.Title] = it.GUID, it.Link
	}
	return ids, links
}

// atomFeedID is the Atom feed's own id (the first <id>, before any entry).
var atomFeedID = regexp.MustCompile(`<id>[^<]*</id>`)

var feedFiles = []string{"feed.xml", "atom.xml", "feed.json"}

// A story's ID in every feed (RSS guid, Atom id, JSON Feed id) is the same everywhere
// and never changes: not when it is renamed, nor when the site's time zone moves the
// date in its address, nor when the site moves to another domain.
func TestFeedIDsArePermanent(t *testing.T) {
	e := newEnv(t, 1, nil)
	// The site's first start under its public name mints the base kept for ever (a
	// start on the loopback address, as newEnv's, is a trial that keeps none).
	e.http.Close()
	e.start(func(c *site.Config) { c.BaseURL = "https://news.example.org" })
	// 23:30 UTC: a day later in Auckland.
	at := time.Date(e.clock.Now().Year(), e.clock.Now().Month(), e.clock.Now().Day(), 23, 30, 0, 0, time.UTC).Add(-48 * time.Hour)
	a := e.publish("tram-line-4-reopens", "Tram line 4 reopens", at)
	dirs := []string{"/", "/section/city/", "/tag/transport/", "/author/anna-petrova/"}
	read := func() (id string, link string) {
		t.Helper()
		for _, dir := range dirs {
			for _, f := range feedFiles {
				ids, links := e.feedIDs(dir + f)
				got, ok := ids[a.Title]
				if !ok {
					t.Fatalf("%s%s lacks the story", dir, f)
				}
				if id == "" {
					id, link = got, links[a.Title]
				}
				if got != id {
					t.Errorf("%s%s: ID %q, elsewhere %q", dir, f, got, id)
				}
				if links[a.Title] != link {
					t.Errorf("%s%s: link %q, elsewhere %q", dir, f, links[a.Title], link)
				}
			}
		}
		return id, link
	}
	id, link := read()
	if !strings.HasPrefix(id, "tag:") || strings.Contains(id, "tram") {
		t.Errorf("feed ID %q is not a tag: URI independent of the slug", id)
	}
	a.Slug = "tram-line-4-back-in-service"
	e.update(a)
	id2, link2 := read()
	if id2 != id {
		t.Errorf("renamed: feed ID %q → %q", id, id2)
	}
	if link2 == link || !strings.Contains(link2, "tram-line-4-back-in-service") {
		t.Errorf("renamed: link %q → %q, want the new address", link, link2)
	}
	if err := e.db.SetSettings(context.Background(), map[string]string{"timezone": "Pacific/Auckland"}); err != nil {
		t.Fatal(err)
	}
	e.sync()
	id3, link3 := read()
	if id3 != id {
		t.Errorf("time zone changed: feed ID %q → %q", id, id3)
	}
	if link3 == link2 {
		t.Errorf("time zone changed, but the link's date did not: %q", link3)
	}
	// RSS says the guid is no address.
	var doc rss.Parser
	f, err := doc.Parse(strings.NewReader(e.get("/feed.xml").body))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range f.Items {
		if it.GUID == nil || it.GUID.IsPermalink != "false" {
			t.Errorf("RSS guid of %q: %+v, want isPermaLink=false", it.Title, it.GUID)
		}
	}
	atomID := func() string {
		f, err := gofeed.NewParser().ParseString(e.get("/section/city/atom.xml").body)
		if err != nil {
			t.Fatal(err)
		}
		return f.FeedType + " " + atomFeedID.FindString(e.get("/section/city/atom.xml").body)
	}
	feedID := atomID()

	// Another domain: the same IDs.
	e.http.Close()
	e.start(func(c *site.Config) { c.BaseURL = "https://www.gazette.example.net" })
	id4, link4 := read()
	if id4 != id || !strings.HasPrefix(link4, "https://www.gazette.example.net/") {
		t.Errorf("new domain: feed ID %q → %q, link %q", id, id4, link4)
	}
	if got := atomID(); got != feedID {
		t.Errorf("new domain: the Atom feed's id %q → %q", feedID, got)
	}
}

// An article that brought a feed ID of its own (an imported GUID) keeps it.
func TestStoredFeedIDIsKept(t *testing.T) {
	e := newEnv(t, 1, nil)
	a := &news.Article{Slug: "imported", Title: "Imported story", BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>",
		Status: news.StatusPublished, PublishedAt: e.clock.Now().Add(-time.Hour).Truncate(time.Second),
		FeedID: "http://old.example.org/?p=1234"}
	if err := e.db.CreateArticle(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	e.sync()
	for _, f := range feedFiles {
		ids, _ := e.feedIDs("/" + f)
		if ids[a.Title] != "http://old.example.org/?p=1234" {
			t.Errorf("%s: ID %q, want the stored GUID", f, ids[a.Title])
		}
	}
	if body := e.get("/feed.xml").body; !strings.Contains(body, `<guid isPermaLink="false">http://old.example.org/?p=1234</guid>`) {
		t.Errorf("RSS lacks the stored GUID as no permalink")
	}
}

// BenchmarkFormerAddress measures a renamed story's old address answered by the
// redirect lookup (page cache off), from the cache, and an address that is no story's
// (the lookup that finds nothing); compare them with each other and with
// BenchmarkArticle, not with a fixed time.
func BenchmarkFormerAddress(b *testing.B) {
	for _, c := range []struct {
		name     string
		cached   bool
		path     string
		wantCode int
	}{
		{"uncached", false, "", http.StatusMovedPermanently},
		{"cached", true, "", http.StatusMovedPermanently},
		{"nothing", true, "/2025/06/02/no-such-story/", http.StatusNotFound},
	} {
		b.Run(c.name, func(b *testing.B) {
			t := &testing.T{}
			e := newEnv(t, 200, func(cfg *site.Config) { cfg.PageCache = c.cached })
			a := e.arts[100]
			path := c.path
			if path == "" {
				path = e.srv.ArticlePath(a)
				a.Slug += "-renamed"
				e.update(a)
			}
			req := httptest.NewRequest("GET", path, nil)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rec := httptest.NewRecorder()
				e.srv.ServeHTTP(rec, req)
				if rec.Code != c.wantCode {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

// A draft given a published story's former slug (the editor makes slugs from
// headlines) does not break the story's old links: while the draft is not public, and
// after it moves on before publication, the old address still leads to the story;
// once the draft is published there, the address is its own (the latest public holder
// wins).
func TestDraftAtAFormerSlugBreaksNoLink(t *testing.T) {
	e := newEnv(t, 1, nil)
	ctx := context.Background()
	at := e.clock.Now().Add(-3 * time.Hour)
	a := e.publish("council-vote", "Council vote", at)
	old := e.srv.ArticlePath(a)
	a.Slug = "council-vote-delayed"
	e.update(a)
	now := e.srv.ArticlePath(a)
	e.movedTo(old, now) // and cached
	d := &news.Article{Slug: "council-vote", Title: "Council vote: the sequel", BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>",
		Status: news.StatusDraft, PublishedAt: at}
	if err := e.db.CreateArticle(ctx, d); err != nil {
		t.Fatal(err)
	}
	e.sync()
	if e.srv.ArticlePath(d) != old {
		t.Fatalf("the test needs the draft at the old address: %s, %s", e.srv.ArticlePath(d), old)
	}
	e.movedTo(old, now)
	e.movedTo(old, now) // from the cache
	// Published there, the address is the new story's at once (the cached 301 is gone)…
	d.Status = news.StatusPublished
	e.update(d)
	if p := e.get(old); p.status != 200 || !strings.Contains(p.body, "the sequel") {
		t.Fatalf("%s once the new story is published: %d", old, p.status)
	}
	// …and stays its own once it was public: trashed, it is not found there.
	d.Status = news.StatusTrash
	e.update(d)
	if got := e.status(old); got != 404 {
		t.Errorf("%s of the trashed new story: %d, want 404", old, got)
	}
	// A draft that moves on before it is published leaves the old address as it was.
	d2 := &news.Article{Slug: "council-vote-delayed-2", Title: "Another draft", BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>",
		Status: news.StatusDraft, PublishedAt: at}
	if err := e.db.CreateArticle(ctx, d2); err != nil {
		t.Fatal(err)
	}
	a.Slug = "council-vote-delayed-again"
	e.update(a)
	d2.Slug = "council-vote-delayed"
	e.update(d2)
	d2.Slug = "something-else"
	e.update(d2)
	e.movedTo(now, e.srv.ArticlePath(a))
}

// An old address of a comment page leads to the same comment page of the story's
// current address, not to its first page.
func TestFormerAddressKeepsTheCommentPage(t *testing.T) {
	lt := newLongThread(t, 120, nil)
	old := lt.path
	a, err := lt.db.Article(context.Background(), lt.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	a.Slug = "the-long-debate-goes-on"
	lt.update(a)
	now := lt.srv.ArticlePath(a)
	lt.movedTo(old, now)
	lt.movedTo(old+"comment-page-3/", now+"comment-page-3/")
	lt.movedTo("/1999/01/01/the-long-debate/comment-page-2/", now+"comment-page-2/")
	if got := lt.status(old + "comment-page-4/"); got != 301 {
		t.Errorf("a page past the last at the old address: %d, want 301 (and 404 there)", got)
	}
	if got := lt.status(now + "comment-page-4/"); got != 404 {
		t.Errorf("a page past the last: %d, want 404", got)
	}
}

// A tag's feed has one identity whatever form of its letters the address was typed
// in: one typed with decomposed letters (NFD, as macOS may send) is sent on to the
// stored form rather than served with an Atom id and self link of its own.
func TestFeedOfADecomposedSlugIsTheSameFeed(t *testing.T) {
	e := newEnv(t, 1, nil)
	a := e.publish("trams", "Trams", e.clock.Now().Add(-time.Hour))
	a.Tags = []*news.Tag{{Name: "Йошкар-Ола"}}
	e.update(a)
	nfc, nfd := "/tag/йошкар-ола/", "/tag/и\u0306ошкар-ола/"
	want := e.get(nfc + "atom.xml")
	if want.status != 200 {
		t.Fatalf("%satom.xml: %d", nfc, want.status)
	}
	for _, f := range feedFiles {
		p := e.get(nfd + f)
		loc, err := url.Parse(p.header.Get("Location"))
		if p.status != 301 || err != nil || loc.Path != nfc+f {
			t.Errorf("%s%s: %d to %q, want 301 to %s%s", nfd, f, p.status, p.header.Get("Location"), nfc, f)
		}
	}
}
