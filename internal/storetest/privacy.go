package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// news.PrivacyStore: an address's export holds its comments in every status, matched
// without case; its erasure leaves placeholders only where replies hang, lifts its
// blocks, is idempotent and names the changed article; placeholders are no one's
// comments; the retention empties what is due, in bounded batches.
func testPrivacy(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, ""))
	now := time.Now().UTC().Truncate(time.Second)
	mk := func(status news.CommentStatus, email, body string, parent int64, age time.Duration) *news.Comment {
		c := &news.Comment{ArticleID: a.ID, ParentID: parent, Status: status, AuthorName: "Émilie Rousseau", AuthorEmail: email,
			Body: body, BodyHTML: "<p>" + body + "</p>", IPHash: "hash-" + body, UserAgent: "UA " + body, CreatedAt: now.Add(-age)}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if err := s.Block(ctx, news.Block{Kind: "email", Value: "émilie@example.fr"}); err != nil {
		t.Fatal(err)
	}
	top := mk(news.CommentApproved, "émilie@example.fr", "top", 0, 3*time.Hour)
	// Her own reply to her own comment, and someone else's reply to her second one.
	own := mk(news.CommentApproved, "ÉMILIE@example.fr", "own reply", top.ID, 2*time.Hour)
	second := mk(news.CommentApproved, "Émilie@Example.FR", "second", 0, 2*time.Hour)
	other := mk(news.CommentApproved, "other@example.org", "other's reply", second.ID, time.Hour)
	trash := mk(news.CommentTrash, "emilie@example.fr", "different address", 0, time.Hour) // not hers: no accent

	if _, err := s.PersonalData(ctx, "  "); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("export of no address: %v, want ErrInvalid", err)
	}
	p, err := s.PersonalData(ctx, " ÉMILIE@EXAMPLE.FR")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range p.Comments {
		ids = append(ids, c.ID)
	}
	if want := []int64{top.ID, own.ID, second.ID}; !slices.Equal(ids, want) {
		t.Errorf("export's comments %v, want %v (oldest first, Unicode case)", ids, want)
	}
	if len(p.Blocks) != 1 || p.Comments[0].Article.Title != a.Title || p.Comments[0].IPHash != "hash-top" {
		t.Errorf("export: blocks %v, first comment %+v", p.Blocks, p.Comments[0])
	}
	// The export as written one comment at a time is the export as a whole, to the
	// byte, with comments and without.
	for _, email := range []string{" ÉMILIE@EXAMPLE.FR", "nobody@example.org"} {
		var got, want []byte
		for range 3 { // again if the two reads fell in two seconds (exported_at)
			var buf bytes.Buffer
			n, err := news.WritePersonalData(ctx, s, email, &buf, nil)
			if err != nil {
				t.Fatal(err)
			}
			whole, err := s.PersonalData(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(whole.Comments) {
				t.Errorf("WritePersonalData(%q) wrote %d comments, want %d", email, n, len(whole.Comments))
			}
			want, _ = json.MarshalIndent(whole, "", "  ")
			if got = buf.Bytes(); bytes.Equal(got, append(want, '\n')) {
				break
			}
		}
		if !bytes.Equal(got, append(want, '\n')) {
			t.Errorf("WritePersonalData(%q) wrote\n%s\nwant\n%s", email, got, want)
		}
	}

	last, _ := s.LastChange(ctx)
	e, err := s.ErasePersonalData(ctx, "émilie@example.fr")
	if err != nil {
		t.Fatal(err)
	}
	if e.Comments != 3 || e.Placeholders != 1 || e.Blocks != 1 || !slices.Equal(e.Articles, []int64{a.ID}) {
		t.Errorf("erasure %+v: want 3 comments, 1 placeholder, 1 block, article %d", e, a.ID)
	}
	for _, id := range []int64{top.ID, own.ID} {
		if _, err := s.Comment(ctx, id); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("comment %d, with only her own reply under it, is still stored: %v", id, err)
		}
	}
	ph, err := s.Comment(ctx, second.ID)
	if err != nil || !ph.Removed || ph.AuthorName != "" || ph.AuthorEmail != "" || ph.Body != "" || ph.BodyHTML != "" || ph.IPHash != "" || ph.UserAgent != "" {
		t.Errorf("her comment with a reply: %+v, %v; want a bare placeholder", ph, err)
	}
	if got, _ := s.Comment(ctx, other.ID); got == nil || got.ParentID != second.ID {
		t.Errorf("the reply lost its place: %+v", got)
	}
	if got, _ := s.Comment(ctx, trash.ID); got == nil || got.Body != trash.Body {
		t.Error("another address's comment was erased")
	}
	approved, _ := s.ApprovedComments(ctx, a.ID)
	if len(approved) != 2 || approved[0].ID != second.ID || !approved[0].Removed {
		t.Errorf("approved comments after the erasure: %d, want the placeholder and the reply", len(approved))
	}
	if n, _ := s.CountComments(ctx, news.CommentQuery{ArticleID: a.ID}); n != 2 {
		t.Errorf("the queue counts %d comments, want 2 (a placeholder is no one's comment)", n)
	}
	if art, _ := s.Article(ctx, a.ID); art.CommentCount != 1 {
		t.Errorf("comment count %d after the erasure, want 1", art.CommentCount)
	}
	if bs, _ := s.Blocks(ctx); len(bs) != 0 {
		t.Errorf("blocks left: %v", bs)
	}
	if !changed(ctx, t, s, last, news.KeyArticle(a.ID)) {
		t.Error("the erasure recorded no change of the article's page")
	}
	if e, err := s.ErasePersonalData(ctx, "ÉMILIE@EXAMPLE.FR"); err != nil || e.Comments != 0 || e.Blocks != 0 {
		t.Errorf("a second erasure: %+v %v, want nothing", e, err)
	}
	// When the last reply under a placeholder goes, so does the placeholder.
	if _, err := s.ErasePersonalData(ctx, "other@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Comment(ctx, second.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a placeholder with nothing under it stays: %v", err)
	}

	// Retention: 3 trash comments due, emptied 2 at a time; a newer one kept.
	const day = 24 * time.Hour
	var due []*news.Comment
	for i := range 3 {
		due = append(due, mk(news.CommentSpam, "x@example.net", fmt.Sprintf("due %d", i), 0, 40*day))
	}
	kept := mk(news.CommentTrash, "x@example.net", "kept", 0, 10*day)
	if _, err := s.PurgeComments(ctx, now.Add(-30*day), time.Time{}, 0); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a purge of no rows: %v, want ErrInvalid", err)
	}
	got, err := s.PurgeComments(ctx, now.Add(-30*day), time.Time{}, 2)
	if err != nil || got.Comments != 2 || !got.More {
		t.Errorf("first batch: %+v %v, want 2 and more", got, err)
	}
	got, err = s.PurgeComments(ctx, now.Add(-30*day), time.Time{}, 2)
	if err != nil || got.Comments != 1 || got.More {
		t.Errorf("second batch: %+v %v, want 1 and no more", got, err)
	}
	for _, c := range due {
		if _, err := s.Comment(ctx, c.ID); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("due comment %d still stored", c.ID)
		}
	}
	if c, _ := s.Comment(ctx, kept.ID); c == nil || c.IPHash == "" {
		t.Error("a comment not due was touched")
	}
	sum, err := news.PurgeExpired(ctx, s, news.Retention{EmptyTrashDays: 30, TraceDays: 5}, now, 0)
	if err != nil || sum.Comments != 0 || sum.Traces != 1 || sum.More {
		t.Errorf("retention of 5 days: %+v %v, want one comment's traces dropped", sum, err)
	}
	if c, _ := s.Comment(ctx, kept.ID); c == nil || c.IPHash != "" || c.UserAgent != "" {
		t.Error("a comment 10 days old keeps its IP hash and user agent past a 5-day retention")
	}
	if c, _ := s.Comment(ctx, trash.ID); c == nil || c.IPHash == "" {
		t.Error("a comment an hour old lost its IP hash")
	}
}

// changed reports whether a change after the one with ID after names key.
func changed(ctx context.Context, t *testing.T, s Engine, after int64, key string) bool {
	t.Helper()
	cs, err := s.Changes(ctx, after)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if slices.Contains(c.Keys, key) {
			return true
		}
	}
	return false
}
