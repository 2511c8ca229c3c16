package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"broadsheet/internal/news"
)

// A reader's comment that repeats one already on the article (same parent, same text,
// same name or email) is refused with ErrDuplicate, even when ten arrive at once; a
// trashed one does not count, nor does the same text under another comment, by someone
// else, from the newsroom or from an import.
func testDuplicateComments(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, ""))
	mk := func(name, email, body string, parent int64, mod func(*news.Comment)) (*news.Comment, error) {
		c := &news.Comment{ArticleID: a.ID, ParentID: parent, Status: news.CommentPending, AuthorName: name, AuthorEmail: email,
			Body: body, BodyHTML: "<p>" + body + "</p>"}
		if mod != nil {
			mod(c)
		}
		return c, s.CreateComment(ctx, c)
	}
	first, err := mk("Tom", "tom@example.net", "Great piece.", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, again := range []struct{ name, email string }{{"Tom", "tom@example.net"}, {"Tom", "TOM@Example.net"}, {"Thomas", "tom@example.net"},
		{"Tom", "other@example.net"}} {
		if _, err := mk(again.name, again.email, "Great piece.", 0, nil); !errors.Is(err, news.ErrDuplicate) {
			t.Errorf("%s <%s> says it again: %v, want ErrDuplicate", again.name, again.email, err)
		}
	}
	// Ten at once: one is stored.
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = mk("Ann", "ann@example.net", "Same words.", 0, nil)
		}()
	}
	wg.Wait()
	stored := 0
	for _, err := range errs {
		if err == nil {
			stored++
		} else if !errors.Is(err, news.ErrDuplicate) {
			t.Errorf("a concurrent post: %v", err)
		}
	}
	if stored != 1 {
		t.Errorf("ten identical comments at once: %d stored, want 1", stored)
	}
	// Once the first is in the trash, it may be said again.
	if err := s.SetCommentStatus(ctx, first.ID, news.CommentTrash); err != nil {
		t.Fatal(err)
	}
	if _, err := mk("Tom", "tom@example.net", "Great piece.", 0, nil); err != nil {
		t.Errorf("said again after the first was trashed: %v", err)
	}
	for _, ok := range []struct {
		what              string
		name, email, body string
		parent            int64
		mod               func(*news.Comment)
	}{
		{"the same words by someone else", "Bea", "bea@example.net", "Great piece.", 0, nil},
		{"the same words as a reply", "Tom", "tom@example.net", "Great piece.", first.ID, nil},
		{"other words", "Tom", "tom@example.net", "Great piece, again.", 0, nil},
		{"an import of the same", "Tom", "tom@example.net", "Great piece.", 0, func(c *news.Comment) { c.Source, c.SourceID = "wp", "9" }},
	} {
		if _, err := mk(ok.name, ok.email, ok.body, ok.parent, ok.mod); err != nil {
			t.Errorf("%s: %v", ok.what, err)
		}
	}
}
