// Package storetest is the conformance suite every news.Store engine must pass. An
// engine's test calls Run with a function that opens a new, empty store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// Engine is what a storage engine implements.
type Engine interface {
	news.Store
	news.UserStore
	news.ListStore        // the admin's paged lists
	news.ManageStore      // the management screens: manage.go
	news.PreviewStore     // private preview links, the status before the trash: previews.go
	news.QueueStore       // the comment queue: queue.go
	news.WebhookStore     // webhooks.go
	news.APIStore         // the content API's pages (api.go)
	news.WPStore          // WordPress's REST shape (wp.go)
	news.BackupStore      // the JSON backup (backup.go)
	news.APITokenStore    // the admin API's tokens (tokens.go)
	news.IdempotencyStore // the admin API's Idempotency-Key records (idempotency.go)
}

// Run runs the suite; open must return a new, empty engine for each call.
func Run(t *testing.T, open func(t *testing.T) Engine) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s Engine)
	}{
		{"ArticleRoundTrip", testArticleRoundTrip},
		{"SlugConflict", testSlugConflict},
		{"InvalidArticle", testInvalidArticle},
		{"PublicListsAndCounts", testPublicLists},
		{"Neighbours", testNeighbours},
		{"UpdateArticle", testUpdateArticle},
		{"Comments", testComments},
		{"CommentParentOnOtherArticle", testCommentParentElsewhere},
		{"Settings", testSettings},
		{"ChangeLogNamesStalePages", testChangeLog},
		{"ImportIsIdempotent", testImportIdempotent},
		{"ImportIsAllOrNothing", testImportAtomic},
		{"ImportStream", testImportStream},
		{"RevisionsAndSchedule", testRevisionsAndSchedule},
		{"EditorialFilters", testEditorialFilters},
		{"CommentEditsAndBlocks", testCommentEditsAndBlocks},
		{"KeptForms", testKeptForms},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"Accounts", testAccounts},
		{"ModerationRuleNeedsNameAndEmail", testModerationRule},
		{"TextWithControlCharactersRefused", testControlCharacters},
		{"NodeRegistry", testNodes},
		{"RevisionsBounded", testRevisionsBounded},
		{"SecondFactorTurnedOnOnce", testTOTPOnOnce},
		{"AddressesNeverBreak", testAddresses},
		{"Privacy", testPrivacy},
		{"CommentPages", testCommentPages}, // threads.go
		{"Conflicts", testConflicts},
		{"EmailsComparedAsOne", testEmailsCompared},              // emails.go
		{"DuplicateCommentsRefused", testDuplicateComments},      // duplicates.go
		{"Rerender", testRerender},                               // rerender.go
		{"StaffReplyApprovesItsParent", testApproveAndReply},     // replies.go
		{"RecoveryCodes", testRecoveryCodes},                     // recovery.go
		{"Notifications", testNotifications},                     // notifications.go
		{"Bylines", testBylines},                                 // bylines.go
		{"MediaLibraryPages", testMediaLibraryPages},             // manage.go
		{"MediaUses", testMediaUses},                             // manage.go
		{"AccountDetailsAndResets", testAccountManagement},       // manage.go
		{"Sections", testSectionUpkeep},                          // manage.go
		{"Tags", testTagUpkeep},                                  // manage.go
		{"PreviewLinks", testPreviewLinks},                       // previews.go
		{"CommentQueue", testCommentQueue},                       // queue.go
		{"CommentQueueSearchIsBounded", testQueueSearchWindow},   // queue.go
		{"StatusChangesNotifyInTheirWrite", testWorkflowNotices}, // workflow.go
		{"WebhookEventsQueuedByTheirWrites", testWebhookEvents},  // webhooks.go
		{"WebhookLeaseAndFinish", testWebhookLease},
		{"WebhookConcurrentClaimsTakeEachOnce", testWebhookConcurrentClaims},
		{"WebhookPingRetryDeletePurge", testWebhookManage},
		{"WebhookErasureLeavesNoCopy", testWebhookErasure},
		{"Pages", testPages},                                                // pages.go
		{"APIReads", testAPIReads},                                          // api.go
		{"SectionsPaged", testSectionsAfter},                                // api.go
		{"WPReads", testWPReads},                                            // wp.go
		{"Backup", func(t *testing.T, s Engine) { testBackup(t, s, open) }}, // backup.go
		{"APITokens", testAPITokens},                                        // tokens.go
		{"IdempotencyKeys", testIdempotency},                                // idempotency.go
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

var base = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// article returns a published article n hours after base.
func article(n int, section string, tags ...string) *news.Article {
	a := &news.Article{
		Slug:         fmt.Sprintf("story-%d", n),
		Title:        fmt.Sprintf("Story %d", n),
		Standfirst:   fmt.Sprintf("Standfirst %d", n),
		BodyMarkdown: "Body",
		BodyHTML:     "<p>Body</p>",
		Status:       news.StatusPublished,
		PublishedAt:  base.Add(time.Duration(n) * time.Hour),
		Author:       &news.Author{Name: "Anna Petrova", Email: "anna@example.org"},
	}
	if section != "" {
		a.Section = &news.Section{Name: section}
	}
	for _, t := range tags {
		a.Tags = append(a.Tags, &news.Tag{Name: t})
	}
	return a
}

func mustCreate(t *testing.T, s news.Store, a *news.Article) *news.Article {
	t.Helper()
	if err := s.CreateArticle(context.Background(), a); err != nil {
		t.Fatalf("create %s: %v", a.Slug, err)
	}
	return a
}

func slugs(arts []*news.Article) []string {
	var out []string
	for _, a := range arts {
		out = append(out, a.Slug)
	}
	return out
}

func testArticleRoundTrip(t *testing.T, s Engine) {
	ctx := context.Background()
	a := article(1, "World", "Diplomacy", "USA")
	a.CorrectionNote = "An earlier version misspelt a name."
	a.FeaturedImage = &news.Image{URL: "/media/a.jpg", Alt: "The embassy", Caption: "The embassy in 2019", Width: 1200, Height: 800}
	a.UpdatedAt = a.PublishedAt.Add(3 * time.Hour)
	mustCreate(t, s, a)
	if a.ID == 0 || a.Author.ID == 0 || a.Section.ID == 0 || a.Tags[0].ID == 0 {
		t.Fatalf("IDs not set: article %d author %d section %d tag %d", a.ID, a.Author.ID, a.Section.ID, a.Tags[0].ID)
	}
	got, err := s.ArticleBySlug(ctx, "story-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != a.Title || got.Standfirst != a.Standfirst || got.BodyHTML != a.BodyHTML || got.CorrectionNote != a.CorrectionNote {
		t.Errorf("read back %+v", got)
	}
	if !got.PublishedAt.Equal(a.PublishedAt) || !got.UpdatedAt.Equal(a.UpdatedAt) || !got.WasUpdated() {
		t.Errorf("times: published %v updated %v", got.PublishedAt, got.UpdatedAt)
	}
	if got.Author == nil || got.Author.Name != "Anna Petrova" || got.Author.Slug != "anna-petrova" {
		t.Errorf("author %+v", got.Author)
	}
	if got.Section == nil || got.Section.Slug != "world" {
		t.Errorf("section %+v", got.Section)
	}
	if tags := got.Tags; len(tags) != 2 || tags[0].Name != "Diplomacy" || tags[1].Slug != "usa" {
		t.Errorf("tags %v", tags)
	}
	if got.FeaturedImage == nil || *got.FeaturedImage != *a.FeaturedImage {
		t.Errorf("image %+v", got.FeaturedImage)
	}
	if got.BodyMarkdown != "" {
		t.Errorf("ArticleBySlug returned the Markdown source")
	}
	byID, err := s.Article(ctx, a.ID)
	if err != nil || byID.Slug != "story-1" || byID.BodyMarkdown != "Body" {
		t.Errorf("by id: %v %v", byID, err)
	}
	if _, err := s.ArticleBySlug(ctx, "nope"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("missing slug: %v, want ErrNotFound", err)
	}
	// The second article reuses the author, section and tag rather than duplicating them.
	b := mustCreate(t, s, article(2, "World", "USA"))
	if b.Author.ID != a.Author.ID || b.Section.ID != a.Section.ID || b.Tags[0].ID != a.Tags[1].ID {
		t.Errorf("references not reused")
	}
	secs, _ := s.Sections(ctx)
	if len(secs) != 1 {
		t.Errorf("sections %v", secs)
	}
	secs[0].Name, secs[0].Description = "International", "Beyond our borders"
	if err := s.UpdateSection(ctx, secs[0]); err != nil {
		t.Fatal(err)
	}
	if sec, _ := s.SectionBySlug(ctx, "world"); sec.Name != "International" || sec.Description != "Beyond our borders" {
		t.Errorf("renamed section: %+v", sec)
	}
	secs[0].Name = "World"
	s.UpdateSection(ctx, secs[0])
	if tag, err := s.TagBySlug(ctx, "usa"); err != nil || tag.Name != "USA" {
		t.Errorf("tag by slug: %v %v", tag, err)
	}
	if au, err := s.AuthorBySlug(ctx, "anna-petrova"); err != nil || au.Name != "Anna Petrova" {
		t.Errorf("author by slug: %v %v", au, err)
	}
	if sec, err := s.SectionBySlug(ctx, "world"); err != nil || sec.Name != "World" {
		t.Errorf("section by slug: %v %v", sec, err)
	}
}

func testSlugConflict(t *testing.T, s Engine) {
	mustCreate(t, s, article(1, ""))
	dup := article(2, "")
	dup.Slug = "story-1"
	if err := s.CreateArticle(context.Background(), dup); !errors.Is(err, news.ErrConflict) {
		t.Fatalf("duplicate slug: %v, want ErrConflict", err)
	}
	n, _ := s.CountArticles(context.Background(), news.ArticleQuery{})
	if n != 1 {
		t.Errorf("%d articles after a refused duplicate, want 1", n)
	}
	// The refused article, with new author, section and tag, can be saved once its
	// slug is changed: the failed write left it no IDs of rows never committed.
	dup.Author = &news.Author{Name: "New Writer"}
	dup.Section = &news.Section{Name: "New Desk"}
	dup.Tags = []*news.Tag{{Name: "New Tag"}}
	if err := s.CreateArticle(context.Background(), dup); !errors.Is(err, news.ErrConflict) {
		t.Fatalf("duplicate slug: %v", err)
	}
	dup.Slug = "story-1-again"
	if err := s.CreateArticle(context.Background(), dup); err != nil {
		t.Fatalf("retry with a free slug: %v", err)
	}
}

func testInvalidArticle(t *testing.T, s Engine) {
	for name, mutate := range map[string]func(a *news.Article){
		"no title":           func(a *news.Article) { a.Title = " " },
		"slug with a slash":  func(a *news.Article) { a.Slug = "a/b" },
		"unknown status":     func(a *news.Article) { a.Status = "live" },
		"published, no time": func(a *news.Article) { a.PublishedAt = time.Time{} },
		"too many tags": func(a *news.Article) {
			for i := range news.MaxArticleTags + 1 {
				a.Tags = append(a.Tags, &news.Tag{Name: fmt.Sprintf("Tag %d", i), Slug: fmt.Sprintf("tag-%d", i)})
			}
		},
	} {
		a := article(1, "World")
		mutate(a)
		if err := s.CreateArticle(context.Background(), a); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	n, _ := s.CountArticles(context.Background(), news.ArticleQuery{})
	if n != 0 {
		t.Errorf("%d articles stored from invalid input", n)
	}
}

func testPublicLists(t *testing.T, s Engine) {
	ctx := context.Background()
	for i := 1; i <= 5; i++ {
		sec := "World"
		if i%2 == 0 {
			sec = "Sport"
		}
		mustCreate(t, s, article(i, sec, "Tag"+fmt.Sprint(i%2)))
	}
	draft := article(6, "World")
	draft.Status, draft.PublishedAt = news.StatusDraft, time.Time{}
	mustCreate(t, s, draft)
	future := article(100, "World")
	mustCreate(t, s, future)
	now := base.Add(50 * time.Hour)

	all, err := s.Articles(ctx, news.ArticleQuery{PublicAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"story-5", "story-4", "story-3", "story-2", "story-1"}; !slices.Equal(slugs(all), want) {
		t.Errorf("public list %v, want %v", slugs(all), want)
	}
	page2, _ := s.Articles(ctx, news.ArticleQuery{PublicAt: now, Limit: 2, Offset: 2})
	if want := []string{"story-3", "story-2"}; !slices.Equal(slugs(page2), want) {
		t.Errorf("page 2 %v, want %v", slugs(page2), want)
	}
	if len(page2[0].Tags) != 1 {
		t.Errorf("listed articles come without tags")
	}
	if page2[0].BodyHTML == "" {
		t.Errorf("a full list lacks the body")
	}
	sums, _ := s.Articles(ctx, news.ArticleQuery{PublicAt: now, Limit: 2, Summaries: true})
	if len(sums) != 2 || sums[0].Slug != "story-5" || sums[0].BodyMarkdown != "" || sums[0].BodyHTML != "" || sums[0].Author == nil || len(sums[0].Tags) != 1 {
		t.Errorf("summaries: %+v", sums[0])
	}
	world, _ := s.SectionBySlug(ctx, "world")
	inWorld, _ := s.Articles(ctx, news.ArticleQuery{PublicAt: now, SectionID: world.ID})
	if want := []string{"story-5", "story-3", "story-1"}; !slices.Equal(slugs(inWorld), want) {
		t.Errorf("section list %v, want %v", slugs(inWorld), want)
	}
	tag, _ := s.TagBySlug(ctx, "tag0")
	tagged, _ := s.Articles(ctx, news.ArticleQuery{PublicAt: now, TagID: tag.ID})
	if want := []string{"story-4", "story-2"}; !slices.Equal(slugs(tagged), want) {
		t.Errorf("tag list %v, want %v", slugs(tagged), want)
	}
	if n, _ := s.CountArticles(ctx, news.ArticleQuery{PublicAt: now, SectionID: world.ID}); n != 3 {
		t.Errorf("count in section %d, want 3", n)
	}
	if n, _ := s.CountArticles(ctx, news.ArticleQuery{}); n != 7 {
		t.Errorf("count of all %d, want 7", n)
	}
	recent, _ := s.Articles(ctx, news.ArticleQuery{PublicAt: now, Since: base.Add(4 * time.Hour)})
	if want := []string{"story-5", "story-4"}; !slices.Equal(slugs(recent), want) {
		t.Errorf("since list %v, want %v", slugs(recent), want)
	}
}

func testNeighbours(t *testing.T, s Engine) {
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		mustCreate(t, s, article(i, ""))
	}
	draft := article(4, "")
	draft.Status = news.StatusDraft
	mustCreate(t, s, draft)
	mid, _ := s.ArticleBySlug(ctx, "story-2")
	now := base.Add(50 * time.Hour)
	prev, next, err := s.Neighbours(ctx, mid, now)
	if err != nil {
		t.Fatal(err)
	}
	if prev == nil || prev.Slug != "story-1" || next == nil || next.Slug != "story-3" {
		t.Fatalf("neighbours of story-2: %v, %v", prev, next)
	}
	if prev.Title != "Story 1" || prev.Standfirst != "Standfirst 1" || !prev.PublishedAt.Equal(base.Add(time.Hour)) {
		t.Errorf("previous article summary: %+v", prev)
	}
	last, _ := s.ArticleBySlug(ctx, "story-3")
	prev, next, _ = s.Neighbours(ctx, last, now)
	if prev == nil || prev.Slug != "story-2" || next != nil {
		t.Errorf("neighbours of the newest: %v, %v (a draft is no neighbour)", prev, next)
	}
	// Two articles published in the same second are ordered by ID.
	twin := article(3, "")
	twin.Slug = "story-3-twin"
	mustCreate(t, s, twin)
	prev, next, _ = s.Neighbours(ctx, last, now)
	if prev == nil || prev.Slug != "story-2" || next == nil || next.Slug != "story-3-twin" {
		t.Errorf("neighbours of story-3 beside its twin: %v, %v", prev, next)
	}
	prev, next, _ = s.Neighbours(ctx, twin, now)
	if prev == nil || prev.Slug != "story-3" || next != nil {
		t.Errorf("neighbours of the twin: %v, %v", prev, next)
	}
}

func testUpdateArticle(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, "World", "A", "B"))
	a.Title = "New title"
	a.Tags = []*news.Tag{{Name: "C"}}
	a.Section = &news.Section{Name: "Sport"}
	if err := s.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Article(ctx, a.ID)
	if got.Title != "New title" || len(got.Tags) != 1 || got.Tags[0].Name != "C" || got.Section.Name != "Sport" {
		t.Errorf("after update: %+v tags %v", got, got.Tags)
	}
	mustCreate(t, s, article(2, ""))
	got.Slug = "story-2"
	if err := s.UpdateArticle(ctx, got); !errors.Is(err, news.ErrConflict) {
		t.Errorf("update to a taken slug: %v, want ErrConflict", err)
	}
	if err := s.UpdateArticle(ctx, &news.Article{ID: 999, Title: "x", Slug: "x", Status: news.StatusDraft}); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("update of a missing article: %v, want ErrNotFound", err)
	}
}

func testComments(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, ""))
	add := func(parent int64, name, email string, status news.CommentStatus, minute int) *news.Comment {
		c := &news.Comment{ArticleID: a.ID, ParentID: parent, Status: status, AuthorName: name, AuthorEmail: email,
			Body: "text by " + name, BodyHTML: "<p>text</p>", IPHash: "h", CreatedAt: base.Add(time.Duration(minute) * time.Minute)}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatalf("comment: %v", err)
		}
		return c
	}
	first := add(0, "Ivan", "Ivan@Example.net", news.CommentApproved, 1)
	add(0, "Zoë", "zoe@example.net", news.CommentApproved, 2)
	add(first.ID, "Tom", "tom@example.net", news.CommentApproved, 3)
	pending := add(0, "Spammer", "spam@example.net", news.CommentPending, 4)

	got, err := s.ApprovedComments(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, c := range news.Thread(got) {
		order = append(order, fmt.Sprintf("%s/%d", c.AuthorName, c.Depth))
	}
	if want := []string{"Ivan/0", "Tom/1", "Zoë/0"}; !slices.Equal(order, want) {
		t.Errorf("thread %v, want %v", order, want)
	}
	if art, _ := s.Article(ctx, a.ID); art.CommentCount != 3 {
		t.Errorf("comment count %d, want 3", art.CommentCount)
	}
	if ok, _ := s.HasApprovedComment(ctx, "IVAN", "ivan@example.NET"); !ok {
		t.Errorf("an approved commenter's name and email (other case) not recognised")
	}
	if ok, _ := s.HasApprovedComment(ctx, "Spammer", "spam@example.net"); ok {
		t.Errorf("a pending commenter counted as approved")
	}
	if n, _ := s.CountComments(ctx, news.CommentQuery{Status: news.CommentPending}); n != 1 {
		t.Errorf("%d pending comments counted, want 1", n)
	}
	if n, _ := s.CountComments(ctx, news.CommentQuery{ArticleID: a.ID, Email: "IVAN@example.net"}); n != 1 {
		t.Errorf("%d comments from Ivan counted, want 1", n)
	}
	pend, _ := s.Comments(ctx, news.CommentQuery{Status: news.CommentPending})
	if len(pend) != 1 || pend[0].ID != pending.ID || pend[0].AuthorEmail != "spam@example.net" {
		t.Errorf("pending list %v", pend)
	}
	if err := s.SetCommentStatus(ctx, pending.ID, news.CommentSpam); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Comment(ctx, pending.ID); c.Status != news.CommentSpam {
		t.Errorf("status %s after marking spam", c.Status)
	}
	if err := s.SetCommentStatus(ctx, pending.ID, "nice"); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("unknown status: %v", err)
	}
	if err := s.SetCommentStatus(ctx, 9999, news.CommentSpam); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("missing comment: %v", err)
	}
	if err := s.CreateComment(ctx, &news.Comment{ArticleID: 9999, Status: news.CommentPending, Body: "x", AuthorName: "x"}); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("comment on a missing article: %v", err)
	}
}

func testCommentParentElsewhere(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, ""))
	b := mustCreate(t, s, article(2, ""))
	c := &news.Comment{ArticleID: a.ID, Status: news.CommentApproved, AuthorName: "x", Body: "x"}
	if err := s.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	reply := &news.Comment{ArticleID: b.ID, ParentID: c.ID, Status: news.CommentApproved, AuthorName: "y", Body: "y"}
	if err := s.CreateComment(ctx, reply); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("reply across articles: %v, want ErrInvalid", err)
	}
}

func testSettings(t *testing.T, s Engine) {
	ctx := context.Background()
	if err := s.SetSettings(ctx, map[string]string{"title": "The Daily", "tagline": "News"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSettings(ctx, map[string]string{"title": "The Nightly"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got["title"] != "The Nightly" || got["tagline"] != "News" {
		t.Errorf("settings %v", got)
	}
	// AddSettings fills what is missing (or empty) and keeps what is stored.
	if err := s.SetSettings(ctx, map[string]string{"empty": ""}); err != nil {
		t.Fatal(err)
	}
	before, _ := s.LastChange(ctx)
	kept, err := s.AddSettings(ctx, map[string]string{"title": "Another", "minted": "first", "empty": "filled"})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"title": "The Nightly", "minted": "first", "empty": "filled"}; !reflect.DeepEqual(kept, want) {
		t.Errorf("AddSettings returned %v, want %v", kept, want)
	}
	if keys := keysSince(t, s, before); !slices.Contains(keys, news.KeyAll) {
		t.Errorf("adding settings recorded %v, want %q (every server reloads them)", keys, news.KeyAll)
	}
	before, _ = s.LastChange(ctx)
	if kept, err = s.AddSettings(ctx, map[string]string{"minted": "second"}); err != nil || kept["minted"] != "first" {
		t.Errorf("AddSettings over a stored value: %v, %v; want the stored %q", kept, err, "first")
	}
	if keys := keysSince(t, s, before); len(keys) != 0 {
		t.Errorf("adding nothing recorded %v", keys)
	}
	if got, _ := s.Settings(ctx); got["minted"] != "first" || got["title"] != "The Nightly" {
		t.Errorf("settings after AddSettings: %v", got)
	}
}

func keysSince(t *testing.T, s news.Store, after int64) []string {
	t.Helper()
	changes, err := s.Changes(context.Background(), after)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range changes {
		keys = append(keys, c.Keys...)
	}
	return keys
}

func testChangeLog(t *testing.T, s Engine) {
	ctx := context.Background()
	one := mustCreate(t, s, article(1, "World", "USA"))
	three := mustCreate(t, s, article(3, "World"))
	mark, err := s.LastChange(ctx)
	if err != nil || mark == 0 {
		t.Fatalf("last change %d, %v", mark, err)
	}
	// Publishing story 2 between 1 and 3 changes both neighbours' previous/next boxes.
	two := mustCreate(t, s, article(2, "World", "USA"))
	keys := keysSince(t, s, mark)
	for _, want := range []string{news.KeyArticle(two.ID), news.KeyArticle(one.ID), news.KeyArticle(three.ID),
		news.KeyLists, news.KeySection(two.Section.ID), news.KeyTag(two.Tags[0].ID), news.KeyAuthor(two.Author.ID)} {
		if !slices.Contains(keys, want) {
			t.Errorf("publishing: keys %v lack %s", keys, want)
		}
	}
	// Approving a comment changes its article's page.
	mark, _ = s.LastChange(ctx)
	c := &news.Comment{ArticleID: one.ID, Status: news.CommentPending, AuthorName: "x", Body: "x"}
	if err := s.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	if keys := keysSince(t, s, mark); len(keys) != 0 {
		t.Errorf("a pending comment changed %v; readers see nothing of it", keys)
	}
	if err := s.SetCommentStatus(ctx, c.ID, news.CommentApproved); err != nil {
		t.Fatal(err)
	}
	if keys := keysSince(t, s, mark); !slices.Contains(keys, news.KeyArticle(one.ID)) {
		t.Errorf("approving: keys %v lack the article", keys)
	}
	// Unpublishing story 2 changes its former neighbours again.
	mark, _ = s.LastChange(ctx)
	two.Status = news.StatusUnpublished
	if err := s.UpdateArticle(ctx, two); err != nil {
		t.Fatal(err)
	}
	keys = keysSince(t, s, mark)
	for _, want := range []string{news.KeyArticle(one.ID), news.KeyArticle(three.ID), news.KeyLists} {
		if !slices.Contains(keys, want) {
			t.Errorf("unpublishing: keys %v lack %s", keys, want)
		}
	}
}

func importItems() []news.ImportItem {
	var items []news.ImportItem
	for i := 1; i <= 3; i++ {
		a := article(i, "World", "USA")
		a.Source, a.SourceID = "corpus", fmt.Sprint(i)
		it := news.ImportItem{Article: a}
		it.Comments = []*news.Comment{
			{Status: news.CommentApproved, AuthorName: "Ivan", AuthorEmail: "ivan@example.net", Body: "first", BodyHTML: "<p>first</p>", Source: "corpus", SourceID: "1", CreatedAt: base},
			{Status: news.CommentApproved, AuthorName: "Tom", Body: "reply", BodyHTML: "<p>reply</p>", Source: "corpus", SourceID: "2", ParentSourceID: "1", CreatedAt: base.Add(time.Minute)},
		}
		items = append(items, it)
	}
	return items
}

func testImportIdempotent(t *testing.T, s Engine) {
	ctx := context.Background()
	res, err := s.Import(ctx, importItems())
	if err != nil {
		t.Fatal(err)
	}
	if res.Articles != 3 || res.Comments != 6 || res.Sections != 1 || res.Tags != 1 || res.Authors != 1 {
		t.Errorf("first import: %v", res)
	}
	res, err = s.Import(ctx, importItems())
	if err != nil {
		t.Fatal(err)
	}
	if res.Articles != 0 || res.Comments != 0 || res.SkippedArticles != 3 || res.SkippedComments != 6 {
		t.Errorf("second import: %v", res)
	}
	if n, _ := s.CountArticles(ctx, news.ArticleQuery{}); n != 3 {
		t.Errorf("%d articles after two imports, want 3", n)
	}
	a, _ := s.ArticleBySlug(ctx, "story-2")
	cs, _ := s.ApprovedComments(ctx, a.ID)
	if len(cs) != 2 || cs[1].ParentID != cs[0].ID {
		t.Errorf("imported thread: %+v", cs)
	}
}

func testImportAtomic(t *testing.T, s Engine) {
	ctx := context.Background()
	items := importItems()
	items[2].Comments[1].ParentSourceID = "99" // replies to nothing
	if _, err := s.Import(ctx, items); !errors.Is(err, news.ErrInvalid) {
		t.Fatalf("import with a broken thread: %v, want ErrInvalid", err)
	}
	if n, _ := s.CountArticles(ctx, news.ArticleQuery{}); n != 0 {
		t.Errorf("%d articles left by a failed import, want 0", n)
	}
	if secs, _ := s.Sections(ctx); len(secs) != 0 {
		t.Errorf("sections left by a failed import: %v", secs)
	}
}

func testUsers(t *testing.T, s Engine) {
	ctx := context.Background()
	u := &news.User{Email: "Ed@Example.org", Name: "Ed Itor", Role: news.RoleEditor, PasswordHash: "$argon2id$x"}
	if err := s.CreateUser(ctx, u); err != nil || u.ID == 0 {
		t.Fatalf("create: %v, id %d", err, u.ID)
	}
	if err := s.CreateUser(ctx, &news.User{Email: "ed@example.ORG", Name: "Twin", Role: news.RoleAuthor, PasswordHash: "x"}); !errors.Is(err, news.ErrConflict) {
		t.Errorf("same email in other case: %v, want ErrConflict", err)
	}
	for name, bad := range map[string]*news.User{
		"no email": {Name: "A", Role: news.RoleAuthor, PasswordHash: "x"},
		"no name":  {Email: "a@b.c", Role: news.RoleAuthor, PasswordHash: "x"},
		"bad role": {Email: "a@b.c", Name: "A", Role: "owner", PasswordHash: "x"},
		"no hash":  {Email: "a@b.c", Name: "A", Role: news.RoleAuthor},
	} {
		if err := s.CreateUser(ctx, bad); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	got, err := s.UserByEmail(ctx, "ed@example.org")
	if err != nil || got.ID != u.ID || got.Role != news.RoleEditor || got.Name != "Ed Itor" {
		t.Fatalf("by email: %+v, %v", got, err)
	}
	got.Role, got.Disabled = news.RoleAdministrator, true
	if err := s.UpdateUser(ctx, got); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.User(ctx, u.ID); again.Role != news.RoleAdministrator || !again.Disabled {
		t.Errorf("after update: %+v", again)
	}
	if n, _ := s.CountUsers(ctx); n != 1 {
		t.Errorf("%d users, want 1", n)
	}
	if _, err := s.UserByEmail(ctx, "nobody@example.org"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("missing user: %v", err)
	}
}

func testSessions(t *testing.T, s Engine) {
	ctx := context.Background()
	u := &news.User{Email: "a@example.org", Name: "A", Role: news.RoleAuthor, PasswordHash: "x"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"one", "two", "three"} {
		if err := s.CreateSession(ctx, &news.Session{TokenHash: h, UserID: u.ID, CreatedAt: base, LastSeen: base, ExpiresAt: base.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.Session(ctx, "one", base.Add(time.Minute)); err != nil || got.UserID != u.ID {
		t.Errorf("session: %+v, %v", got, err)
	}
	if _, err := s.Session(ctx, "one", base.Add(2*time.Hour)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("expired session: %v", err)
	}
	if err := s.DeleteUserSessions(ctx, u.ID, "two"); err != nil {
		t.Fatal(err)
	}
	left, _ := s.UserSessions(ctx, u.ID, base)
	if len(left) != 1 || left[0].TokenHash != "two" {
		t.Errorf("after signing out elsewhere: %+v", left)
	}
	s.DeleteSession(ctx, "two")
	if _, err := s.Session(ctx, "two", base); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("deleted session: %v", err)
	}
}

func testRevisionsAndSchedule(t *testing.T, s Engine) {
	ctx := context.Background()
	u := &news.User{Email: "w@example.org", Name: "Writer", Role: news.RoleAuthor, PasswordHash: "x"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	a := article(1, "World", "USA")
	a.Status, a.PublishedAt, a.OwnerID, a.EditedBy = news.StatusDraft, time.Time{}, u.ID, u.ID
	mustCreate(t, s, a)
	a.Title, a.BodyMarkdown = "Second title", "Second body"
	a.Status, a.PublishedAt = news.StatusScheduled, base.Add(48*time.Hour)
	if err := s.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	revs, _, err := s.RevisionPage(ctx, a.ID, news.MaxRevisions, 0)
	if err != nil || len(revs) != 2 {
		t.Fatalf("%d revisions, %v; want 2", len(revs), err)
	}
	if revs[0].Title != "Second title" || revs[1].Title != "Story 1" || revs[0].UserName != "Writer" || revs[0].Status != news.StatusScheduled ||
		revs[1].Section != "World" || len(revs[1].Tags) != 1 || revs[1].Tags[0] != "USA" {
		t.Errorf("revisions: %+v / %+v", revs[0], revs[1])
	}
	if one, err := s.Revision(ctx, revs[1].ID); err != nil || one.Markdown != "Body" {
		t.Errorf("one revision: %+v %v", one, err)
	}
	if got, _ := s.Article(ctx, a.ID); got.OwnerID != u.ID {
		t.Errorf("owner %d, want %d", got.OwnerID, u.ID)
	}
	// Not yet due; then due.
	if n, err := s.PublishDue(ctx, base.Add(47*time.Hour)); err != nil || n != 0 {
		t.Errorf("early: published %d, %v", n, err)
	}
	mark, _ := s.LastChange(ctx)
	if n, err := s.PublishDue(ctx, base.Add(49*time.Hour)); err != nil || n != 1 {
		t.Fatalf("due: published %d, %v", n, err)
	}
	got, _ := s.Article(ctx, a.ID)
	if got.Status != news.StatusPublished || !got.IsPublic(base.Add(49*time.Hour)) {
		t.Errorf("after going live: %s", got.Status)
	}
	if keys := keysSince(t, s, mark); !slices.Contains(keys, news.KeyLists) {
		t.Errorf("going live changed %v: the lists must be refreshed", keys)
	}
}

func testEditorialFilters(t *testing.T, s Engine) {
	ctx := context.Background()
	u := &news.User{Email: "w@example.org", Name: "Writer", Role: news.RoleAuthor, PasswordHash: "x"}
	s.CreateUser(ctx, u)
	mine := article(1, "")
	mine.Title, mine.OwnerID = "Budget 100% approved_now", u.ID
	mustCreate(t, s, mine)
	other := article(2, "")
	other.Title = "Budget rejected"
	mustCreate(t, s, other)
	trashed := article(3, "")
	trashed.Status = news.StatusTrash
	mustCreate(t, s, trashed)
	if got, _ := s.Articles(ctx, news.ArticleQuery{OwnerID: u.ID}); !slices.Equal(slugs(got), []string{"story-1"}) {
		t.Errorf("owner filter: %v", slugs(got))
	}
	if got, _ := s.Articles(ctx, news.ArticleQuery{Words: "budget"}); len(got) != 2 {
		t.Errorf("words filter: %v", slugs(got))
	}
	if got, _ := s.Articles(ctx, news.ArticleQuery{Words: "100%"}); !slices.Equal(slugs(got), []string{"story-1"}) {
		t.Errorf("words with %%: %v", slugs(got))
	}
	if got, _ := s.Articles(ctx, news.ArticleQuery{Words: "t_r"}); len(got) != 0 {
		t.Errorf("an underscore matched as a wildcard: %v", slugs(got))
	}
	if got, _ := s.Articles(ctx, news.ArticleQuery{}); len(got) != 2 {
		t.Errorf("trash listed by default: %v", slugs(got))
	}
	if got, _ := s.Articles(ctx, news.ArticleQuery{Status: news.StatusTrash}); !slices.Equal(slugs(got), []string{"story-3"}) {
		t.Errorf("trash: %v", slugs(got))
	}
}

func testCommentEditsAndBlocks(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, ""))
	n := 0
	add := func(email, ip string, status news.CommentStatus) *news.Comment {
		n++ // each one a text of its own: a repeated one is refused (testDuplicateComments)
		c := &news.Comment{ArticleID: a.ID, Status: status, AuthorName: "R", AuthorEmail: email, IPHash: ip, Body: fmt.Sprintf("text %d", n), BodyHTML: "<p>text</p>"}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	spammy := add("Spam@Example.net", "hash-1", news.CommentPending)
	other := add("other@example.net", "hash-2", news.CommentPending)
	approved := add("spam@example.net", "hash-1", news.CommentApproved)
	mark, _ := s.LastChange(ctx)
	approved.Body, approved.BodyHTML, approved.AuthorName = "edited", "<p>edited</p>", "Edited Name"
	if err := s.UpdateComment(ctx, approved); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Comment(ctx, approved.ID); got.Body != "edited" || got.AuthorName != "Edited Name" {
		t.Errorf("after edit: %+v", got)
	}
	if keys := keysSince(t, s, mark); !slices.Contains(keys, news.KeyArticle(a.ID)) {
		t.Errorf("an edit changed %v", keys)
	}
	if hist, _ := s.Comments(ctx, news.CommentQuery{Email: "SPAM@example.net"}); len(hist) != 2 {
		t.Errorf("history by email: %d comments, want 2", len(hist))
	}
	if err := s.Block(ctx, news.Block{Kind: "email", Value: "SPAM@example.net"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Comment(ctx, spammy.ID); got.Status != news.CommentSpam {
		t.Errorf("a blocked commenter's pending comment is %s", got.Status)
	}
	if got, _ := s.Comment(ctx, other.ID); got.Status != news.CommentPending {
		t.Errorf("another commenter's comment is %s", got.Status)
	}
	if got, _ := s.Comment(ctx, approved.ID); got.Status != news.CommentApproved {
		t.Errorf("a block unpublished an approved comment: %s", got.Status)
	}
	for _, tc := range []struct {
		email, ip string
		want      bool
	}{{"spam@EXAMPLE.net", "", true}, {"x@example.net", "hash-9", false}} {
		if got, _ := s.IsBlocked(ctx, tc.email, tc.ip); got != tc.want {
			t.Errorf("IsBlocked(%s, %s) = %v", tc.email, tc.ip, got)
		}
	}
	s.Block(ctx, news.Block{Kind: "ip", Value: "hash-2"})
	if got, _ := s.IsBlocked(ctx, "new@example.net", "hash-2"); !got {
		t.Error("an IP block does not hold")
	}
	if bs, _ := s.Blocks(ctx); len(bs) != 2 {
		t.Errorf("%d blocks", len(bs))
	}
	s.Unblock(ctx, "email", "spam@example.net")
	if got, _ := s.IsBlocked(ctx, "spam@example.net", ""); got {
		t.Error("unblock did not lift the block")
	}
	if err := s.Block(ctx, news.Block{Kind: "name", Value: "x"}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a block of an unknown kind: %v", err)
	}
}

func testKeptForms(t *testing.T, s Engine) {
	ctx := context.Background()
	if err := s.KeepForm(ctx, "user:1:0", news.KeptForm{ArticleID: 0, Data: "first", SavedAt: base}); err != nil {
		t.Fatal(err)
	}
	s.KeepForm(ctx, "user:1:0", news.KeptForm{Data: "second", SavedAt: base.Add(time.Minute)})
	f, err := s.KeptForm(ctx, "user:1:0")
	if err != nil || f.Data != "second" || !f.SavedAt.Equal(base.Add(time.Minute)) {
		t.Errorf("kept: %+v %v", f, err)
	}
	s.DropForm(ctx, "user:1:0")
	if _, err := s.KeptForm(ctx, "user:1:0"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("after drop: %v", err)
	}
}
