package storetest

// Private preview links and the status before the trash (news.PreviewStore).

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// A private preview link opens its story for PreviewLinkTTL, until it is revoked, and
// never while the story is in the trash; a story has at most MaxPreviewLinks live
// links, expired ones not counted; the trash remembers the status it took a story from.
func testPreviewLinks(t *testing.T, s Engine) {
	ctx := context.Background()
	ed := &news.User{Email: "ed@example.org", Name: "Ed Iting", Role: news.RoleEditor, PasswordHash: "x"}
	if err := s.CreateUser(ctx, ed); err != nil {
		t.Fatal(err)
	}
	draft := article(1, "")
	draft.Status, draft.PublishedAt = news.StatusDraft, time.Time{}
	mustCreate(t, s, draft)
	other := mustCreate(t, s, article(2, ""))

	n := 0
	make := func(a *news.Article, at time.Time) (*news.PreviewLink, error) {
		n++
		l := &news.PreviewLink{ArticleID: a.ID, TokenHash: fmt.Sprintf("hash-%d", n), CreatedBy: ed.ID, CreatedAt: at, ExpiresAt: at.Add(news.PreviewLinkTTL)}
		return l, s.CreatePreviewLink(ctx, l, news.MaxPreviewLinks)
	}
	opens := func(l *news.PreviewLink, at time.Time) bool {
		t.Helper()
		id, err := s.PreviewLinkArticle(ctx, l.TokenHash, at)
		if errors.Is(err, news.ErrNotFound) {
			return false
		}
		if err != nil {
			t.Fatal(err)
		}
		if id != l.ArticleID {
			t.Fatalf("link %d opens article %d, want %d", l.ID, id, l.ArticleID)
		}
		return true
	}

	first, err := make(draft, base)
	if err != nil || first.ID == 0 {
		t.Fatalf("a first link: %+v, %v", first, err)
	}
	if !opens(first, base.Add(time.Hour)) || !opens(first, first.ExpiresAt.Add(-time.Second)) {
		t.Errorf("a live link does not open its story")
	}
	if opens(first, first.ExpiresAt) {
		t.Errorf("a link opens its story when it expires")
	}
	if _, err := s.PreviewLinkArticle(ctx, "no-such-hash", base); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("an unknown token: %v", err)
	}
	if l, err := make(&news.Article{ID: other.ID + 100}, base); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a link to a missing story: %+v, %v", l, err)
	}

	// Ten live links a story; an eleventh waits until one is revoked or expires.
	links := []*news.PreviewLink{first}
	for range news.MaxPreviewLinks - 1 {
		l, err := make(draft, base.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		links = append(links, l)
	}
	if _, err := make(draft, base.Add(2*time.Minute)); !errors.Is(err, news.ErrLimit) {
		t.Errorf("an eleventh live link: %v, want ErrLimit", err)
	}
	if _, err := make(other, base.Add(2*time.Minute)); err != nil {
		t.Errorf("another story's link is not bounded by this one's: %v", err)
	}
	live, err := s.PreviewLinks(ctx, draft.ID, base.Add(2*time.Minute))
	if err != nil || len(live) != news.MaxPreviewLinks || live[0].ID != links[len(links)-1].ID || live[0].CreatedByName != "Ed Iting" {
		t.Fatalf("the live links, newest first, with their maker: %d, %v", len(live), err)
	}
	if err := s.RevokePreviewLink(ctx, other.ID, first.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("revoking a link through another story: %v, want ErrNotFound", err)
	}
	if err := s.RevokePreviewLink(ctx, draft.ID, first.ID); err != nil {
		t.Fatal(err)
	}
	if opens(first, base.Add(3*time.Minute)) {
		t.Errorf("a revoked link opens its story")
	}
	if err := s.RevokePreviewLink(ctx, draft.ID, first.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("revoking it again: %v", err)
	}
	if _, err := make(draft, base.Add(3*time.Minute)); err != nil {
		t.Errorf("a link after one was revoked: %v", err)
	}
	// A week later every link has expired: none counts, none is listed.
	later := base.Add(news.PreviewLinkTTL + time.Hour)
	if live, _ := s.PreviewLinks(ctx, draft.ID, later); len(live) != 0 {
		t.Errorf("%d links listed after they expired", len(live))
	}
	fresh, err := make(draft, later)
	if err != nil {
		t.Fatalf("a link after the others expired: %v", err)
	}

	// The trash: no link opens a story in it, none is made; the status it had is kept.
	if _, err := s.StatusBeforeTrash(ctx, draft.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("the status before the trash of a story never trashed: %v", err)
	}
	draft.Status, draft.Version = news.StatusReview, news.AnyVersion
	if err := s.UpdateArticle(ctx, draft); err != nil {
		t.Fatal(err)
	}
	draft.Status = news.StatusTrash
	if err := s.UpdateArticle(ctx, draft); err != nil {
		t.Fatal(err)
	}
	if opens(fresh, later.Add(time.Minute)) {
		t.Errorf("a link opens a story in the trash")
	}
	if _, err := make(draft, later.Add(time.Minute)); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a link made to a story in the trash: %v, want ErrInvalid", err)
	}
	if st, err := s.StatusBeforeTrash(ctx, draft.ID); err != nil || st != news.StatusReview {
		t.Errorf("the status before the trash: %q, %v", st, err)
	}
	other.Status, other.Version = news.StatusTrash, news.AnyVersion
	if err := s.UpdateArticle(ctx, other); err != nil {
		t.Fatal(err)
	}
	if st, err := s.StatusBeforeTrash(ctx, other.ID); err != nil || st != news.StatusPublished {
		t.Errorf("a published story's status before the trash: %q, %v", st, err)
	}
	// The trash ended its links: restored, the story opens only by a new one (a link
	// sent before the trash must not show a story someone chose to take away).
	draft.Status = news.StatusDraft
	if err := s.UpdateArticle(ctx, draft); err != nil {
		t.Fatal(err)
	}
	if opens(fresh, later.Add(2*time.Minute)) {
		t.Errorf("a link made before the trash opens the restored story")
	}
	again, err := make(draft, later.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !opens(again, later.Add(3*time.Minute)) {
		t.Errorf("a new link of a story restored from the trash does not open it")
	}
}
