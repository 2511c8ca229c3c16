package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// testAPIReads: the content API's keyset pages (news.APIStore) and the modified-since
// filter show what readers may see, in order, with nothing repeated or skipped.
func testAPIReads(t *testing.T, s Engine) {
	ctx := context.Background()
	// story-1 … story-5 public; story-2 updated long after; a draft and a scheduled
	// story carry tags and an author of their own, which must not be listed.
	for i := 1; i <= 5; i++ {
		a := article(i, "World", fmt.Sprintf("Topic %d", i%3))
		if i == 2 {
			a.UpdatedAt = base.Add(40 * time.Hour)
		}
		mustCreate(t, s, a)
	}
	draft := article(6, "World", "Secret Merger")
	draft.Status, draft.PublishedAt = news.StatusDraft, time.Time{}
	draft.Author = &news.Author{Name: "New Hire", Email: "hire@example.org"}
	mustCreate(t, s, draft)
	later := article(100, "World", "Embargoed")
	later.Status = news.StatusScheduled
	mustCreate(t, s, later)
	now := base.Add(50 * time.Hour)

	// Modified since: published at or after it, or updated at or after it.
	got, err := s.Articles(ctx, news.ArticleQuery{PublicAt: now, ModifiedSince: base.Add(4 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"story-5", "story-4", "story-2"}; !slices.Equal(slugs(got), want) {
		t.Errorf("modified since: %v, want %v", slugs(got), want)
	}
	// Keyset pages with the filter join up to the whole list, an article updated since
	// among those published since.
	var all []string
	var after *news.ArticleKey
	for range 10 {
		page, err := s.Articles(ctx, news.ArticleQuery{PublicAt: now, ModifiedSince: base.Add(4 * time.Hour), Limit: 1, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		all = append(all, slugs(page)...)
		k := news.KeyOf(page[len(page)-1])
		after = &k
	}
	if want := []string{"story-5", "story-4", "story-2"}; !slices.Equal(all, want) {
		t.Errorf("pages modified since: %v, want %v", all, want)
	}
	all, after = nil, nil
	for range 10 {
		page, err := s.Articles(ctx, news.ArticleQuery{PublicAt: now, ModifiedSince: base, Limit: 2, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		all = append(all, slugs(page)...)
		k := news.KeyOf(page[len(page)-1])
		after = &k
	}
	if want := []string{"story-5", "story-4", "story-3", "story-2", "story-1"}; !slices.Equal(all, want) {
		t.Errorf("pages: %v, want %v", all, want)
	}

	var tags []string
	last := ""
	for range 10 {
		page, err := s.PublicTags(ctx, last, 2, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, tg := range page {
			tags = append(tags, tg.Slug)
		}
		last = page[len(page)-1].Slug
	}
	if want := []string{"topic-0", "topic-1", "topic-2"}; !slices.Equal(tags, want) {
		t.Errorf("public tags: %v, want %v (none only on a draft or a scheduled story)", tags, want)
	}
	authors, err := s.PublicAuthors(ctx, "", 0, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(authors) != 1 || authors[0].Slug != "anna-petrova" || authors[0].Email != "" {
		t.Errorf("public authors: %+v, want Anna Petrova alone and without her email", authors)
	}
	if next, _ := s.PublicAuthors(ctx, "anna-petrova", 0, now); len(next) != 0 {
		t.Errorf("after the last author: %+v", next)
	}

	// Comments: approved only, oldest first, by keyset.
	a, _ := s.ArticleBySlug(ctx, "story-1")
	var ids []int64
	for i, st := range []news.CommentStatus{news.CommentApproved, news.CommentPending, news.CommentApproved, news.CommentSpam, news.CommentApproved} {
		c := &news.Comment{ArticleID: a.ID, Status: st, AuthorName: fmt.Sprint("Reader ", i), AuthorEmail: fmt.Sprintf("r%d@example.net", i),
			Body: fmt.Sprint("text ", i), BodyHTML: "<p>text</p>", IPHash: "h", CreatedAt: base.Add(time.Duration(10-i) * time.Minute)}
		if i == 4 {
			c.CreatedAt = base.Add(10 * time.Minute) // same time as the first: the ID decides
		}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		if st == news.CommentApproved {
			ids = append(ids, c.ID)
		}
	}
	var seen []int64
	var key *news.CommentKey
	for range 10 {
		page, err := s.ApprovedCommentsAfter(ctx, a.ID, key, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		c := page[0]
		seen = append(seen, c.ID)
		k := news.CommentKeyOf(c)
		key = &k
	}
	// Reader 2 (8 minutes) first, then Reader 0 and Reader 4 (10 minutes, by ID).
	if want := []int64{ids[1], ids[0], ids[2]}; !slices.Equal(seen, want) {
		t.Errorf("comment pages: %v, want %v", seen, want)
	}
}

// testSectionsAfter: SectionsAfter's pages, walked by the last section's key, give
// every section once in Sections' order (position, name, ID), positions shared by many
// included; a key whose section was deleted meanwhile still gives a page.
func testSectionsAfter(t *testing.T, s Engine) {
	ctx := context.Background()
	for i := range 11 {
		if err := s.CreateSection(ctx, &news.Section{Name: fmt.Sprintf("Desk %02d", 10-i), Slug: fmt.Sprintf("desk-%02d", i), Position: i % 3}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, sec := range all {
		want = append(want, sec.Slug)
	}
	var after *news.SectionKey
	for range 20 {
		page, err := s.SectionsAfter(ctx, after, 4)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 4 {
			t.Fatalf("a page of %d, asked 4", len(page))
		}
		for _, sec := range page {
			got = append(got, sec.Slug)
		}
		if len(page) < 4 {
			break
		}
		last := page[len(page)-1]
		after = &news.SectionKey{Position: last.Position, ID: last.ID}
	}
	if !slices.Equal(got, want) {
		t.Errorf("walked %v, want %v", got, want)
	}
	if page, err := s.SectionsAfter(ctx, &news.SectionKey{Position: 1, ID: 1 << 40}, 100); err != nil || len(page) == 0 {
		t.Errorf("after a key no section has: %d sections, %v", len(page), err)
	}
}
