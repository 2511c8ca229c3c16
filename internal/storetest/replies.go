package storetest

// Staff replies (news.ReplyStore): replying approves a pending parent in the reply's
// own transaction; a parent in spam or the trash is refused and left alone.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/news"
)

func testApproveAndReply(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, ""))
	other := mustCreate(t, s, article(2, ""))
	staff := &news.User{Email: "desk@example.org", Name: "News Desk", Role: news.RoleEditor, PasswordHash: "x"}
	if err := s.CreateUser(ctx, staff); err != nil {
		t.Fatal(err)
	}
	minute := 0
	add := func(status news.CommentStatus) *news.Comment {
		minute++
		c := &news.Comment{ArticleID: a.ID, Status: status, AuthorName: "Tom", AuthorEmail: "tom@example.net",
			Body: fmt.Sprintf("Is the tram running? (%d)", minute), BodyHTML: "<p>?</p>", CreatedAt: base.Add(time.Duration(minute) * time.Minute)}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	reply := func(to *news.Comment) *news.Comment {
		minute++
		return &news.Comment{ArticleID: to.ArticleID, ParentID: to.ID, Status: news.CommentApproved, AuthorName: staff.Name,
			AuthorEmail: staff.Email, Body: "Thanks Tom, it is.", BodyHTML: "<p>Thanks Tom, it is.</p>", UserID: staff.ID,
			CreatedAt: base.Add(time.Duration(minute) * time.Minute)}
	}
	status := func(id int64) news.CommentStatus {
		c, err := s.Comment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return c.Status
	}
	onPage := func() []int64 {
		got, err := s.ApprovedComments(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, c := range got {
			ids = append(ids, c.ID)
		}
		return ids
	}

	// A pending comment: the reply is stored under it and it is approved, the change
	// log naming the article's pages.
	pending := add(news.CommentPending)
	before, _ := s.LastChange(ctx)
	r := reply(pending)
	was, approved, err := s.ApproveAndReply(ctx, r)
	if err != nil || was != news.CommentPending || approved != 1 {
		t.Fatalf("reply to a pending comment: %v (was %q, %d approved)", err, was, approved)
	}
	if status(pending.ID) != news.CommentApproved {
		t.Errorf("the comment replied to is %s, want approved", status(pending.ID))
	}
	if got, _ := s.Comment(ctx, r.ID); got.ParentID != pending.ID || got.UserID != staff.ID || got.Status != news.CommentApproved {
		t.Errorf("the reply is stored as %+v", got)
	}
	if ids := onPage(); !slices.Contains(ids, pending.ID) || !slices.Contains(ids, r.ID) {
		t.Errorf("approved comments %v lack the comment or its reply", ids)
	}
	changes, _ := s.Changes(ctx, before)
	if len(changes) == 0 || !slices.Contains(changes[len(changes)-1].Keys, news.KeyArticle(a.ID)) {
		t.Errorf("no change names the article's pages: %+v", changes)
	}

	// An approved comment stays approved.
	again := reply(pending)
	again.Body, again.BodyHTML = "And the bus too.", "<p>And the bus too.</p>"
	if was, approved, err := s.ApproveAndReply(ctx, again); err != nil || was != news.CommentApproved || approved != 0 {
		t.Errorf("reply to an approved comment: %v (was %q, %d approved)", err, was, approved)
	}

	// The same reply sent ten times at once (a double press, a resent form): one is
	// stored, the others are refused as duplicates; another account's same words are not.
	twice := add(news.CommentPending)
	same := make([]*news.Comment, 10)
	for i := range same {
		same[i] = reply(twice)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(same))
	for i := range same {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = s.ApproveAndReply(ctx, same[i])
		}()
	}
	wg.Wait()
	stored := 0
	for _, err := range errs {
		switch {
		case err == nil:
			stored++
		case !errors.Is(err, news.ErrDuplicateReply):
			t.Errorf("one of ten same replies at once: %v, want ErrDuplicateReply", err)
		}
	}
	if n, _ := s.CountComments(ctx, news.CommentQuery{Email: staff.Email}); stored != 1 || n != 3 {
		t.Errorf("ten same replies at once: %d accepted, the account has %d replies; want 1 more (3)", stored, n)
	}
	desk2 := &news.User{Email: "desk2@example.org", Name: "Night Desk", Role: news.RoleModerator, PasswordHash: "x"}
	if err := s.CreateUser(ctx, desk2); err != nil {
		t.Fatal(err)
	}
	other2 := reply(twice)
	other2.UserID, other2.AuthorName, other2.AuthorEmail = desk2.ID, desk2.Name, desk2.Email
	if _, _, err := s.ApproveAndReply(ctx, other2); err != nil {
		t.Errorf("another account's reply of the same words: %v", err)
	}

	// A waiting reply to a waiting comment: replying approves both ("I agree with
	// Tom" never shows without Tom), walking up until a comment that is not pending —
	// here one in spam, which stays there, as does the approved one above it.
	addTo := func(parent *news.Comment, status news.CommentStatus) *news.Comment {
		minute++
		c := &news.Comment{ArticleID: a.ID, ParentID: parent.ID, Status: status, AuthorName: "Zoë", AuthorEmail: "zoe@example.net",
			Body: fmt.Sprintf("I agree with Tom (%d)", minute), BodyHTML: "<p>I agree</p>", CreatedAt: base.Add(time.Duration(minute) * time.Minute)}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	top := add(news.CommentApproved)
	hidden := addTo(top, news.CommentSpam)
	tom := addTo(hidden, news.CommentPending)
	zoe := addTo(tom, news.CommentPending)
	rita := addTo(zoe, news.CommentPending)
	if got, n, err := s.PendingAncestors(ctx, rita.ID, 1); err != nil || n != 2 || len(got) != 1 || got[0].ID != zoe.ID {
		t.Errorf("pending ancestors of a reply to a reply: %d in all, %v, %v; want 2, the nearest first", n, got, err)
	}
	if got, n, err := s.PendingAncestors(ctx, tom.ID, 5); err != nil || n != 0 || len(got) != 0 {
		t.Errorf("pending ancestors of a reply to spam: %d, %v, %v; want none", n, got, err)
	}
	if was, approved, err := s.ApproveAndReply(ctx, reply(rita)); err != nil || was != news.CommentPending || approved != 3 {
		t.Errorf("reply to the end of a waiting thread: %v (was %q, %d approved; want 3)", err, was, approved)
	}
	for _, c := range []*news.Comment{tom, zoe, rita} {
		if st := status(c.ID); st != news.CommentApproved {
			t.Errorf("comment %d of the waiting thread is %s after the reply, want approved", c.ID, st)
		}
	}
	if st := status(hidden.ID); st != news.CommentSpam {
		t.Errorf("the spam comment the thread answers is %s after the reply, want spam", st)
	}

	// Spam and trash: refused, nothing stored, the comment where it was.
	for _, st := range []news.CommentStatus{news.CommentSpam, news.CommentTrash} {
		c := add(st)
		n, _ := s.CountComments(ctx, news.CommentQuery{ArticleID: a.ID})
		if _, _, err := s.ApproveAndReply(ctx, reply(c)); !errors.Is(err, news.ErrReplyToHidden) {
			t.Errorf("reply to a comment in %s: %v, want ErrReplyToHidden", st, err)
		}
		if status(c.ID) != st {
			t.Errorf("the comment in %s moved to %s", st, status(c.ID))
		}
		if m, _ := s.CountComments(ctx, news.CommentQuery{ArticleID: a.ID}); m != n {
			t.Errorf("a refused reply to a comment in %s was stored", st)
		}
	}

	// What is not a staff reply, a missing parent, a parent on another article.
	bad := reply(pending)
	bad.UserID = 0
	if _, _, err := s.ApproveAndReply(ctx, bad); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a reply without its account: %v, want ErrInvalid", err)
	}
	gone := reply(pending)
	gone.ParentID = pending.ID + 1000
	if _, _, err := s.ApproveAndReply(ctx, gone); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a reply to no comment: %v, want ErrNotFound", err)
	}
	elsewhere := reply(add(news.CommentPending))
	elsewhere.ArticleID = other.ID
	if _, _, err := s.ApproveAndReply(ctx, elsewhere); !errors.Is(err, news.ErrInvalid) || status(elsewhere.ParentID) != news.CommentPending {
		t.Errorf("a reply on another article than its parent: %v, parent %s", err, status(elsewhere.ParentID))
	}
}
