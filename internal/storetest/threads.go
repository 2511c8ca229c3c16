package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// testCommentPages checks the comment pages (news.Store.ApprovedCommentPage and
// CommentThreadIndex): a page holds whole threads, however deep; threads are counted
// as readers see them (a reply whose parent is not approved is a thread of its own);
// pages are disjoint and cover every approved comment; and a comment's thread index
// is where its page shows it.
func testCommentPages(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, ""))
	other := mustCreate(t, s, article(2, ""))
	minute := 0
	add := func(art *news.Article, parent int64, name string, status news.CommentStatus) *news.Comment {
		minute++
		c := &news.Comment{ArticleID: art.ID, ParentID: parent, Status: status, AuthorName: name, AuthorEmail: "r@example.net",
			Body: "text by " + name, BodyHTML: "<p>text</p>", CreatedAt: base.Add(time.Duration(minute) * time.Minute)}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatalf("comment %s: %v", name, err)
		}
		return c
	}
	// Threads t0…t6, in order; t1 has a chain of replies deeper than any page nests,
	// posted after later threads; t3 is trashed, and its reply becomes a thread.
	var threads []*news.Comment
	for i := range 7 {
		threads = append(threads, add(a, 0, fmt.Sprintf("t%d", i), news.CommentApproved))
		add(other, 0, fmt.Sprintf("elsewhere%d", i), news.CommentApproved)
	}
	parent := threads[1].ID
	var deepest *news.Comment
	for d := range news.MaxThreadDepth + 3 {
		deepest = add(a, parent, fmt.Sprintf("t1-r%d", d), news.CommentApproved)
		parent = deepest.ID
	}
	orphan := add(a, threads[3].ID, "t3-reply", news.CommentApproved)
	if err := s.SetCommentStatus(ctx, threads[3].ID, news.CommentTrash); err != nil {
		t.Fatal(err)
	}
	pendingReply := add(a, threads[5].ID, "t5-pending", news.CommentPending)
	pendingThread := add(a, 0, "pending-thread", news.CommentPending)
	add(a, threads[0].ID, "t0-spam", news.CommentSpam)
	// The threads in reading order: t0 t1 t2 t4 t5 t6, then t3's reply (by its own time).
	order := []int64{threads[0].ID, threads[1].ID, threads[2].ID, threads[4].ID, threads[5].ID, threads[6].ID, orphan.ID}

	names := func(cs []*news.Comment) []string {
		var out []string
		for _, c := range news.Thread(cs) {
			out = append(out, c.AuthorName)
		}
		return out
	}
	page := func(limit, offset int) *news.CommentPage {
		t.Helper()
		p, err := s.ApprovedCommentPage(ctx, a.ID, limit, offset)
		if err != nil {
			t.Fatalf("page %d from %d: %v", limit, offset, err)
		}
		if p.Threads != 7 || p.Total != 7-1+news.MaxThreadDepth+3+1 {
			t.Errorf("page %d from %d counts %d threads, %d comments; want 7 and %d", limit, offset, p.Threads, p.Total, 7-1+news.MaxThreadDepth+3+1)
		}
		return p
	}
	first := page(2, 0)
	want := []string{"t0", "t1"}
	for d := range news.MaxThreadDepth + 3 {
		want = append(want, fmt.Sprintf("t1-r%d", d))
	}
	if got := names(first.Comments); !slices.Equal(got, want) {
		t.Errorf("page 1 of 2 threads: %v, want %v (a thread whole, however deep and late its replies)", got, want)
	}
	if got := names(page(2, 2).Comments); !slices.Equal(got, []string{"t2", "t4"}) {
		t.Errorf("page 2: %v, want [t2 t4] (a trashed comment is no thread)", got)
	}
	if got := names(page(2, 6).Comments); !slices.Equal(got, []string{"t3-reply"}) {
		t.Errorf("page 4: %v, want [t3-reply] (a reply to a trashed comment is a thread of its own)", got)
	}
	if p := page(2, 8); len(p.Comments) != 0 {
		t.Errorf("a page past the end holds %d comments", len(p.Comments))
	}
	// Every page together is every approved comment, once.
	all, err := s.ApprovedComments(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var paged []int64
	for off := 0; off < 7; off += 3 {
		for _, c := range page(3, off).Comments {
			paged = append(paged, c.ID)
		}
	}
	var ids []int64
	for _, c := range all {
		ids = append(ids, c.ID)
	}
	slices.Sort(paged)
	if !slices.Equal(paged, ids) {
		t.Errorf("pages of 3 hold %v, want every approved comment %v", paged, ids)
	}
	if whole := page(0, 0); len(whole.Comments) != len(all) {
		t.Errorf("limit 0 gives %d comments, want all %d", len(whole.Comments), len(all))
	}
	if _, err := s.ApprovedCommentPage(ctx, a.ID, -1, 0); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a negative limit: %v, want ErrInvalid", err)
	}

	index := func(c *news.Comment) int {
		t.Helper()
		n, err := s.CommentThreadIndex(ctx, c.ID)
		if err != nil {
			t.Fatalf("thread index of %s: %v", c.AuthorName, err)
		}
		return n
	}
	for i, id := range order {
		if c, _ := s.Comment(ctx, id); index(c) != i {
			t.Errorf("thread index of %s = %d, want %d", c.AuthorName, index(c), i)
		}
	}
	if n := index(deepest); n != 1 {
		t.Errorf("the deepest reply's thread index %d, want 1 (its thread's)", n)
	}
	if n := index(pendingReply); n != 4 {
		t.Errorf("a pending reply's thread index %d, want 4 (its parent's thread)", n)
	}
	if n := index(pendingThread); n != 7 {
		t.Errorf("a pending new thread's index %d, want 7 (after every thread)", n)
	}
	if _, err := s.CommentThreadIndex(ctx, 1<<40); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a missing comment's thread index: %v, want ErrNotFound", err)
	}
	// Two threads posted in the same second are ordered by ID, on pages and in indexes.
	twin := &news.Comment{ArticleID: a.ID, Status: news.CommentApproved, AuthorName: "twin", AuthorEmail: "r@example.net",
		Body: "text", BodyHTML: "<p>text</p>", CreatedAt: orphan.CreatedAt}
	if err := s.CreateComment(ctx, twin); err != nil {
		t.Fatal(err)
	}
	if n := index(twin); n != 7 {
		t.Errorf("a thread posted in the same second as the last: index %d, want 7", n)
	}
	if n := index(orphan); n != 6 {
		t.Errorf("the earlier of two threads of one second: index %d, want 6", n)
	}
	last, err := s.ApprovedCommentPage(ctx, a.ID, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(last.Comments); !slices.Equal(got, []string{"twin"}) {
		t.Errorf("last page: %v, want [twin]", got)
	}
}
