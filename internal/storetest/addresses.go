package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// Addresses that never break: an engine keeps a published article's former slugs as
// redirects to the article in the rename's transaction, never a draft's; a slug taken
// as an article's own is no redirect; and an article's stored feed ID never changes.
func testAddresses(t *testing.T, s Engine) {
	ctx := context.Background()
	redirectsTo := func(slug string) int64 {
		t.Helper()
		r, err := s.Redirect(ctx, news.RedirectSlug, slug)
		if errors.Is(err, news.ErrNotFound) {
			return 0
		}
		if err != nil {
			t.Fatalf("redirect %q: %v", slug, err)
		}
		return r.ArticleID
	}
	rename := func(a *news.Article, slug string) []string {
		t.Helper()
		last, _ := s.LastChange(ctx)
		a.Slug = slug
		if err := s.UpdateArticle(ctx, a); err != nil {
			t.Fatalf("rename to %q: %v", slug, err)
		}
		return keysSince(t, s, last)
	}

	// A published story renamed: its former slug leads to it, and the rename names its
	// pages (the old address's cached page among them).
	tram := article(1, "City")
	tram.Slug = "tram-line-4-reopens"
	mustCreate(t, s, tram)
	keys := rename(tram, "tram-line-4-back-in-service")
	if got := redirectsTo("tram-line-4-reopens"); got != tram.ID {
		t.Fatalf("the former slug leads to article %d, want %d", got, tram.ID)
	}
	if !slices.Contains(keys, news.KeyArticle(tram.ID)) {
		t.Errorf("the rename's change names %v, not the article", keys)
	}
	if got := redirectsTo("tram-line-4-back-in-service"); got != 0 {
		t.Errorf("the current slug is a redirect (to %d)", got)
	}

	// A chain of renames: every former slug leads to the article itself (one hop).
	rename(tram, "tram-line-4-runs-again")
	for _, old := range []string{"tram-line-4-reopens", "tram-line-4-back-in-service"} {
		if got := redirectsTo(old); got != tram.ID {
			t.Errorf("after two renames, %q leads to %d, want %d", old, got, tram.ID)
		}
	}
	// Renaming back to a former slug takes it back.
	rename(tram, "tram-line-4-reopens")
	if got := redirectsTo("tram-line-4-reopens"); got != 0 {
		t.Errorf("the slug renamed back to is still a redirect (to %d)", got)
	}
	if got := redirectsTo("tram-line-4-runs-again"); got != tram.ID {
		t.Errorf("after renaming back, %q leads to %d, want %d", "tram-line-4-runs-again", got, tram.ID)
	}

	// Another story published at a former slug: it is that story's (the latest public
	// holder wins), and the change names the article the redirect led to (its cached
	// 301 is stale).
	last, _ := s.LastChange(ctx)
	other := article(2, "City")
	other.Slug = "tram-line-4-back-in-service"
	mustCreate(t, s, other)
	if got := redirectsTo("tram-line-4-back-in-service"); got != 0 {
		t.Errorf("a slug another story was published at still redirects (to %d)", got)
	}
	if keys := keysSince(t, s, last); !slices.Contains(keys, news.KeyArticle(tram.ID)) {
		t.Errorf("taking a former slug names %v, not the article it led to", keys)
	}
	// A draft given a former slug by a rename names it too, but the redirect stays
	// behind the draft's slug (the site answers with it while the slug's holder is not
	// public), so that a draft that moves on before it is published leaves the old
	// address leading to the story that had it.
	third := article(3, "City")
	third.Status = news.StatusDraft
	mustCreate(t, s, third)
	keys = rename(third, "tram-line-4-runs-again")
	if !slices.Contains(keys, news.KeyArticle(tram.ID)) {
		t.Errorf("taking a former slug by a rename names %v, not the article it led to", keys)
	}
	rename(third, "a-draft-moves-on")
	if got := redirectsTo("tram-line-4-runs-again"); got != tram.ID {
		t.Errorf("a former slug a draft held for a while leads to %d, want %d", got, tram.ID)
	}
	if got := redirectsTo("a-draft-moves-on"); got != 0 {
		t.Errorf("a draft's working slug leads to %d", got)
	}
	// Published at the slug and then renamed, that story is the address's last public
	// holder: the address leads to it.
	third.Status = news.StatusPublished
	rename(third, "tram-line-4-runs-again")
	if got := redirectsTo("tram-line-4-runs-again"); got != 0 {
		t.Errorf("a slug a story was published at still redirects (to %d)", got)
	}
	rename(third, "trams-everywhere")
	if got := redirectsTo("tram-line-4-runs-again"); got != third.ID {
		t.Errorf("a former slug of two published stories leads to %d, want the latest, %d", got, third.ID)
	}

	// A draft's working slugs are never kept, nor a scheduled story's before it goes
	// out, even with a publication time.
	draft := article(4, "City")
	draft.Status, draft.Slug = news.StatusDraft, "secret-merger-talks"
	mustCreate(t, s, draft)
	rename(draft, "merger-agreed")
	sched := article(5, "City")
	sched.Status, sched.Slug, sched.PublishedAt = news.StatusScheduled, "embargoed-budget", time.Now().Add(48*time.Hour).Truncate(time.Second)
	mustCreate(t, s, sched)
	rename(sched, "budget")
	for _, slug := range []string{"secret-merger-talks", "embargoed-budget"} {
		if got := redirectsTo(slug); got != 0 {
			t.Errorf("the unpublished working slug %q leads to article %d", slug, got)
		}
	}
	// A story taken out of print was public: its former slugs are kept (the site
	// answers for them as for the story, not found until it is back).
	draft.Status = news.StatusPublished
	rename(draft, "merger-agreed")
	draft.Status = news.StatusUnpublished
	rename(draft, "merger-off")
	if got := redirectsTo("merger-agreed"); got != draft.ID {
		t.Errorf("an unpublished story's former slug leads to %d, want %d", got, draft.ID)
	}
	draft.Status = news.StatusDraft
	rename(draft, "merger-off-again")
	if got := redirectsTo("merger-off"); got != draft.ID {
		t.Errorf("a once-published draft's former slug leads to %d, want %d", got, draft.ID)
	}

	// Old paths (an imported site's) and their rules.
	if err := s.AddRedirect(ctx, news.Redirect{Kind: news.RedirectPath, Address: "/?p=42", ArticleID: tram.ID}); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Redirect(ctx, news.RedirectPath, "/?p=42"); err != nil || r.ArticleID != tram.ID {
		t.Errorf("old path: %+v, %v", r, err)
	}
	if err := s.AddRedirect(ctx, news.Redirect{Kind: news.RedirectPath, Address: "/?p=42", ArticleID: other.ID}); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Redirect(ctx, news.RedirectPath, "/?p=42"); r.ArticleID != other.ID {
		t.Errorf("an old path recorded again leads to %d, want %d", r.ArticleID, other.ID)
	}
	for _, c := range []struct {
		r    news.Redirect
		want error
	}{
		{news.Redirect{Kind: news.RedirectSlug, Address: "tram-line-4-reopens", ArticleID: other.ID}, news.ErrConflict},
		{news.Redirect{Kind: "wp-id", Address: "42", ArticleID: tram.ID}, news.ErrInvalid},
		{news.Redirect{Kind: news.RedirectPath, Address: "no-slash", ArticleID: tram.ID}, news.ErrInvalid},
		{news.Redirect{Kind: news.RedirectSlug, Address: "", ArticleID: tram.ID}, news.ErrInvalid},
		{news.Redirect{Kind: news.RedirectPath, Address: "/gone/", ArticleID: 1 << 40}, news.ErrNotFound},
	} {
		if err := s.AddRedirect(ctx, c.r); !errors.Is(err, c.want) {
			t.Errorf("AddRedirect(%+v) = %v, want %v", c.r, err, c.want)
		}
	}

	// A stored feed ID is kept as written and never changes; a bad one is refused.
	wp := article(6, "City")
	wp.FeedID = "http://old.example.org/?p=1234"
	mustCreate(t, s, wp)
	wp.FeedID = "tag:elsewhere.example,2020:x"
	rename(wp, "story-6-renamed")
	if got, err := s.Article(ctx, wp.ID); err != nil || got.FeedID != "http://old.example.org/?p=1234" {
		t.Errorf("stored feed ID after an update: %q, %v", got.FeedID, err)
	}
	if got, _ := s.ArticleBySlug(ctx, "story-6-renamed"); got == nil || got.FeedID != "http://old.example.org/?p=1234" {
		t.Errorf("readers' copy lacks the stored feed ID: %+v", got)
	}
	bad := article(7, "City")
	bad.FeedID = "not a URI"
	if err := s.CreateArticle(ctx, bad); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a feed ID with spaces: %v, want ErrInvalid", err)
	}

	// An import keeps an item's feed ID, and a slug it gives a published article is no
	// redirect.
	rename(other, "tram-line-4-elsewhere") // "tram-line-4-back-in-service" now leads to other
	imp := article(8, "City")
	imp.Slug, imp.Source, imp.SourceID, imp.FeedID = "tram-line-4-back-in-service", "wp", "8", "http://old.example.org/?p=8"
	if _, err := s.Import(ctx, []news.ImportItem{{Article: imp}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ArticleBySlug(ctx, "tram-line-4-back-in-service")
	if err != nil || got.FeedID != "http://old.example.org/?p=8" {
		t.Fatalf("imported article: %+v, %v", got, err)
	}
	if to := redirectsTo("tram-line-4-back-in-service"); to != 0 {
		t.Errorf("an imported article's slug still redirects (to %d)", to)
	}
}
