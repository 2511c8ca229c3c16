package site_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// "Comment removed." stands only where replies readers see hang from it: when the last
// visible reply under an erased comment is trashed, held back or marked spam (not
// erased, so the store keeps the placeholder for it), the page shows no empty
// placeholder, nested ones included.
func TestRemovedCommentShownOnlyOverVisibleReplies(t *testing.T) {
	e := newEnv(t, 1, nil)
	ctx := context.Background()
	a := e.arts[0]
	at := a.PublishedAt.Add(24 * time.Hour)
	mk := func(email, body string, parent int64) *news.Comment {
		at = at.Add(time.Minute)
		c := &news.Comment{ArticleID: a.ID, ParentID: parent, Status: news.CommentApproved, AuthorName: "Someone", AuthorEmail: email,
			Body: body, BodyHTML: "<p>" + body + "</p>", CreatedAt: at}
		if err := e.db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	top := mk("gone@example.net", "Top by the erased one", 0)
	mid := mk("gone@example.net", "Her own reply", top.ID)
	reply := mk("other@example.net", "A reply that will be trashed", mid.ID)
	if _, err := e.db.ErasePersonalData(ctx, "gone@example.net"); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	body := e.get(e.url(a)).body
	if strings.Count(body, news.CommentRemovedText) != 2 || !strings.Contains(body, reply.Body) {
		t.Fatalf("after the erasure: want two placeholders over the reply\n%s", body)
	}
	for _, status := range []news.CommentStatus{news.CommentTrash, news.CommentSpam, news.CommentPending} {
		if err := e.db.SetCommentStatus(ctx, reply.ID, status); err != nil {
			t.Fatal(err)
		}
		if err := e.srv.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		body := e.get(e.url(a)).body
		if strings.Contains(body, news.CommentRemovedText) || strings.Contains(body, `class="comment removed"`) {
			t.Errorf("reply %s: the page still shows %q over nothing", status, news.CommentRemovedText)
		}
	}
}
