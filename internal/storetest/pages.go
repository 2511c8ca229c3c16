package storetest

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// page returns a published page (news.KindPage) with its place in the navigation.
func page(slug, title string, nav int) *news.Article {
	return &news.Article{
		Kind: news.KindPage, Slug: slug, Title: title, BodyMarkdown: "About us", BodyHTML: "<p>About us</p>",
		Status: news.StatusPublished, PublishedAt: base, NavPosition: nav, CommentsClosed: true,
		Author: &news.Author{Name: "Anna Petrova"},
	}
}

// testPages: a page is kept and read back as a page; it is in no list, count, archive
// or previous/next box of stories; only a query for pages finds it, the navigation in
// its order; its slug may not take a reserved path or a section's; it never becomes a
// story; and it sends no article.* webhook event.
func testPages(t *testing.T, s Engine) {
	ctx := context.Background()
	hook := addHook(t, s, "https://hooks.example.org/pages", news.WebhookEvents...)
	a1 := mustCreate(t, s, article(1, "World", "Diplomacy"))
	about := mustCreate(t, s, page("about", "About us", 2))
	ethics := mustCreate(t, s, page("ethics", "Ethics", 1))
	contact := mustCreate(t, s, page("contact", "Contact", 0))
	a2 := mustCreate(t, s, article(2, "World", "Diplomacy"))

	got, err := s.ArticleBySlug(ctx, "about")
	if err != nil || !got.IsPage() || got.NavPosition != 2 || got.Title != "About us" {
		t.Fatalf("the page read back: %+v %v", got, err)
	}
	if byID, err := s.Article(ctx, a1.ID); err != nil || byID.Kind != news.KindArticle || byID.IsPage() {
		t.Errorf("a story read back as kind %q (%v)", byID.Kind, err)
	}

	now := base.Add(100 * time.Hour)
	sec, _ := s.SectionBySlug(ctx, "world")
	tag, _ := s.TagBySlug(ctx, "diplomacy")
	au, _ := s.AuthorBySlug(ctx, "anna-petrova")
	stories := []string{"story-2", "story-1"}
	for name, q := range map[string]news.ArticleQuery{
		"front":   {PublicAt: now},
		"section": {PublicAt: now, SectionID: sec.ID},
		"tag":     {PublicAt: now, TagID: tag.ID},
		"author":  {PublicAt: now, AuthorID: au.ID},
		"admin":   {},
		"since":   {PublicAt: now, Since: base.Add(-time.Hour)},
		"keyset":  {After: &news.ArticleKey{PublishedAt: now, ID: 1 << 40}},
		"before":  {Before: &news.ArticleKey{PublishedAt: base.Add(-time.Hour), ID: 0}},
	} {
		arts, err := s.Articles(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := slugs(arts); !slices.Equal(got, stories) {
			t.Errorf("%s list: %q, want only the stories %q", name, got, stories)
		}
		if q.Before == nil && q.After == nil {
			if n, err := s.CountArticles(ctx, q); err != nil || n != 2 {
				t.Errorf("%s count: %d %v, want 2 (no page)", name, n, err)
			}
		}
	}
	// A story published at the page's time has the other story beside it, never a page.
	prev, next, err := s.Neighbours(ctx, a2, now)
	if err != nil || prev == nil || prev.ID != a1.ID || next != nil {
		t.Errorf("story 2's neighbours: %v %v %v", prev, next, err)
	}
	if prev, next, _ := s.Neighbours(ctx, about, now); prev != nil || next != nil {
		t.Errorf("a page has neighbours: %v %v", prev, next)
	}

	pages, err := s.Articles(ctx, news.ArticleQuery{Kind: news.KindPage})
	if err != nil || len(pages) != 3 {
		t.Fatalf("pages: %q %v", slugs(pages), err)
	}
	if n, _ := s.CountArticles(ctx, news.ArticleQuery{Kind: news.KindPage}); n != 3 {
		t.Errorf("pages counted: %d, want 3", n)
	}
	nav, err := s.Articles(ctx, news.ArticleQuery{Kind: news.KindPage, InNav: true, PublicAt: now})
	if got := slugs(nav); err != nil || !slices.Equal(got, []string{"ethics", "about"}) {
		t.Errorf("navigation: %q %v, want ethics then about (contact has no place)", got, err)
	}

	// A reserved path or a section's slug is refused with a clear error.
	for _, slug := range []string{"admin", "feed", "sitemap-pages", "tag", "2024", "wp-json", "api", "World", "robots.txt"} {
		p := page(slug, "Taken", 0)
		if err := s.CreateArticle(ctx, p); !errors.Is(err, news.ErrReservedSlug) {
			t.Errorf("page slug %q: %v, want ErrReservedSlug", slug, err)
		}
	}
	// A slug another page (or a story) has is a conflict.
	if err := s.CreateArticle(ctx, page("about", "About again", 0)); !errors.Is(err, news.ErrConflict) {
		t.Errorf("a second page at /about/: %v, want ErrConflict", err)
	}
	// The other way round: a section may not take a page's slug either (the page,
	// then at a section's slug, could no longer be saved).
	if err := s.CreateSection(ctx, &news.Section{Name: "About", Slug: "About"}); !errors.Is(err, news.ErrConflict) {
		t.Errorf("a section at a page's slug: %v, want ErrConflict", err)
	}
	// Nor one a story makes by naming it (an import file's story in section "About").
	inAbout := article(90, "About")
	if err := s.CreateArticle(ctx, inAbout); !errors.Is(err, news.ErrConflict) {
		t.Errorf("a story making a section at a page's slug: %v, want ErrConflict", err)
	}
	imported := article(91, "ABOUT")
	imported.Source, imported.SourceID = "file", "91"
	if _, err := s.Import(ctx, []news.ImportItem{{Article: imported}}); !errors.Is(err, news.ErrConflict) {
		t.Errorf("an import making a section at a page's slug: %v, want ErrConflict", err)
	}
	// A page has no section or tags; a story has no place in the navigation.
	withSection := page("desk", "Desk", 0)
	withSection.Section = &news.Section{Name: "World"}
	if err := s.CreateArticle(ctx, withSection); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a page with a section: %v, want ErrInvalid", err)
	}
	inNav := article(3, "")
	inNav.NavPosition = 1
	if err := s.CreateArticle(ctx, inNav); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a story in the navigation: %v, want ErrInvalid", err)
	}

	// An update keeps the kind whatever the caller says, and renaming into a reserved
	// path is refused like a creation.
	contact.Kind, contact.Title = news.KindArticle, "Contact us"
	if err := s.UpdateArticle(ctx, contact); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Article(ctx, contact.ID); !got.IsPage() || got.Title != "Contact us" {
		t.Errorf("after an update: kind %q title %q", got.Kind, got.Title)
	}
	ethics.Slug = "preview"
	if err := s.UpdateArticle(ctx, ethics); !errors.Is(err, news.ErrReservedSlug) {
		t.Errorf("renamed to /preview/: %v, want ErrReservedSlug", err)
	}

	// A page's publication names the sitemaps and, in the navigation, every page.
	after, _ := s.LastChange(ctx)
	about.Status = news.StatusDraft
	if err := s.UpdateArticle(ctx, about); err != nil {
		t.Fatal(err)
	}
	keys := keysSince(t, s, after)
	for _, k := range []string{news.KeyArticle(about.ID), news.KeyLists, news.KeyAll} {
		if !slices.Contains(keys, k) {
			t.Errorf("unpublishing a page in the navigation named %q, not %q", keys, k)
		}
	}

	// Pages send no article.* webhook event; the stories did.
	for _, d := range queued(t, s, hook.ID) {
		for _, p := range []*news.Article{about, ethics, contact} {
			if d == news.EventArticlePublished+" "+strconv.FormatInt(p.ID, 10) || d == news.EventArticleUnpublished+" "+strconv.FormatInt(p.ID, 10) || d == news.EventArticleUpdated+" "+strconv.FormatInt(p.ID, 10) {
				t.Errorf("a page's write queued %q", d)
			}
		}
	}
	if got := queued(t, s, hook.ID); len(got) != 2 {
		t.Errorf("deliveries %q, want the two stories' publications", got)
	}
}
