package storetest

// The comment queue (news.QueueStore): keyset pages of one status, a search without
// case or accents, one commenter's comments, the tabs' counts, and deleting for good
// (spam and trash only), a comment that replies hang from left as a placeholder.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"broadsheet/internal/news"
)

func commentIDs(cs []*news.Comment) []int64 {
	var out []int64
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func testCommentQueue(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, ""))
	minute := 0
	add := func(status news.CommentStatus, name, email, body string, parent int64) *news.Comment {
		t.Helper()
		minute++
		c := &news.Comment{ArticleID: a.ID, ParentID: parent, Status: status, AuthorName: name, AuthorEmail: email,
			Body: body, BodyHTML: "<p>" + body + "</p>", CreatedAt: base.Add(time.Duration(minute) * time.Minute)}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	var pending []*news.Comment
	for i := range 7 {
		pending = append(pending, add(news.CommentPending, fmt.Sprintf("Reader %d", i), fmt.Sprintf("r%d@example.net", i), fmt.Sprintf("Comment number %d", i), 0))
	}
	pending = append(pending, add(news.CommentPending, "Zoë Ångström", "Zoe@Example.NET", "Is the tram running to the Hôtel de Ville?", 0))
	spamParent := add(news.CommentApproved, "Spammy", "spam@example.net", "Buy now", 0)
	reply := add(news.CommentApproved, "Reader 1", "r1@example.net", "Nobody wants it", spamParent.ID)
	if err := s.SetCommentStatus(ctx, spamParent.ID, news.CommentSpam); err != nil {
		t.Fatal(err)
	}
	spam := add(news.CommentSpam, "Spammy", "spam@example.net", "Cheap pills", 0)
	trash := []*news.Comment{add(news.CommentTrash, "Rude", "rude@example.net", "Rude one", 0), add(news.CommentTrash, "Rude", "rude@example.net", "Rude two", 0)}
	slices.Reverse(pending) // newest first

	page := func(q news.QueueQuery) *news.QueuePage {
		t.Helper()
		p, err := s.CommentQueue(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	// Pages of three, newest first, each once; an arrival between two pages does not
	// shift the next one; the newer page from a key reads back, still newest first.
	var seen []int64
	q := news.QueueQuery{Status: news.CommentPending, Limit: 3}
	var pages []*news.QueuePage
	for i := 0; ; i++ {
		p := page(q)
		pages = append(pages, p)
		seen = append(seen, commentIDs(p.Comments)...)
		if i == 0 {
			add(news.CommentPending, "Late", "late@example.net", "Arrived meanwhile", 0)
		}
		if !p.More || i > 5 {
			break
		}
		k := news.CommentKeyOf(p.Comments[len(p.Comments)-1])
		q.After = &k
	}
	if want := commentIDs(pending); !slices.Equal(seen, want) {
		t.Errorf("the pending tab page by page: %v, want %v", seen, want)
	}
	if len(pages) != 3 || pages[2].More {
		t.Errorf("%d pages, the last with More %v; want 3, the last without", len(pages), pages[len(pages)-1].More)
	}
	k := news.CommentKeyOf(pages[1].Comments[0])
	back := page(news.QueueQuery{Status: news.CommentPending, Limit: 3, Before: &k})
	if want := commentIDs(pending[:3]); !slices.Equal(commentIDs(back.Comments), want) {
		t.Errorf("the newer page before page 2: %v, want %v", commentIDs(back.Comments), want)
	}

	// Search: the text, the name or the email, without case or accents.
	for match, want := range map[string][]int64{
		"HOTEL DE":      {pending[0].ID},
		"zoe angstrom":  {pending[0].ID},
		"zoe@example":   {pending[0].ID},
		"number 3":      {pending[4].ID},
		"100%":          nil,
		"nobody at all": nil,
	} {
		p := page(news.QueueQuery{Status: news.CommentPending, Match: match})
		if !slices.Equal(commentIDs(p.Comments), want) {
			t.Errorf("search %q: %v, want %v", match, commentIDs(p.Comments), want)
		}
	}
	// One commenter's comments, every status, the email compared as one address.
	if p := page(news.QueueQuery{Email: "SPAM@example.net"}); !slices.Equal(commentIDs(p.Comments), []int64{spam.ID, spamParent.ID}) {
		t.Errorf("the spammer's comments: %v", commentIDs(p.Comments))
	}

	counts, err := s.CountCommentsByStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[news.CommentPending] != 9 || counts[news.CommentSpam] != 2 || counts[news.CommentTrash] != 2 || counts[news.CommentApproved] != 1 {
		t.Errorf("the tabs' counts: %v", counts)
	}

	// Deleting for good: only what is in spam or the trash. The spam comment Reader 1
	// replied to stays as a placeholder, the reply still under it on the page.
	got, err := s.DeleteComments(ctx, []int64{pending[0].ID, spamParent.ID, spam.ID})
	if err != nil || got.Comments != 2 || got.Placeholders != 1 {
		t.Fatalf("deleting a pending and two spam comments: %+v, %v; want 2 deleted, 1 placeholder", got, err)
	}
	byID, err := s.CommentsByID(ctx, []int64{pending[0].ID, spamParent.ID, spam.ID, reply.ID})
	if err != nil {
		t.Fatal(err)
	}
	if c := byID[pending[0].ID]; c == nil || c.Status != news.CommentPending {
		t.Errorf("a pending comment was deleted: %+v", c)
	}
	if c := byID[spamParent.ID]; c == nil || !c.Removed || c.AuthorEmail != "" || c.Body != "" {
		t.Errorf("the spam comment with a reply: %+v, want a placeholder with nothing of its author", c)
	}
	if _, ok := byID[spam.ID]; ok {
		t.Errorf("a deleted spam comment is still there")
	}
	if onPage, _ := s.ApprovedComments(ctx, a.ID); !slices.Contains(commentIDs(onPage), reply.ID) {
		t.Errorf("the reply left the page: %v", commentIDs(onPage))
	}
	if counts, _ := s.CountCommentsByStatus(ctx); counts[news.CommentSpam] != 0 {
		t.Errorf("the spam tab counts %d after it was deleted (a placeholder counts for nobody)", counts[news.CommentSpam])
	}

	// Emptying the trash in bounded steps.
	step, err := s.EmptyComments(ctx, news.CommentTrash, 1)
	if err != nil || step.Comments != 1 || !step.More {
		t.Errorf("the first step: %+v, %v", step, err)
	}
	step, err = s.EmptyComments(ctx, news.CommentTrash, 1)
	if err != nil || step.Comments != 1 {
		t.Errorf("the second step: %+v, %v", step, err)
	}
	step, err = s.EmptyComments(ctx, news.CommentTrash, 1)
	if err != nil || step.Comments != 0 || step.More {
		t.Errorf("the step after the trash is empty: %+v, %v", step, err)
	}
	if byID, _ := s.CommentsByID(ctx, commentIDs(trash)); len(byID) != 0 {
		t.Errorf("%d trashed comments left", len(byID))
	}
	if _, err := s.EmptyComments(ctx, news.CommentPending, 10); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("emptying the pending tab: %v, want ErrInvalid", err)
	}
	if p := page(news.QueueQuery{Status: news.CommentPending}); len(p.Comments) != 9 {
		t.Errorf("the pending tab after the emptying: %d comments", len(p.Comments))
	}
}

// A search looks through at most QueueSearchWindow comments a page, however rare its
// words: a page that found nothing says how far it looked, and the next goes on from
// there to the comment it was looking for.
func testQueueSearchWindow(t *testing.T, s Engine) {
	ctx := context.Background()
	n := news.QueueSearchWindow + 10
	a := article(1, "")
	a.Source, a.SourceID = "test", "window"
	item := news.ImportItem{Article: a}
	for i := range n {
		body := fmt.Sprintf("Comment %d", i)
		if i == 0 { // the oldest: beyond the first window
			body = "The needle in the haystack"
		}
		item.Comments = append(item.Comments, &news.Comment{Status: news.CommentPending, AuthorName: "Reader", AuthorEmail: "r@example.net",
			Body: body, BodyHTML: "<p>" + body + "</p>", CreatedAt: base.Add(time.Duration(i) * time.Minute), Source: "test", SourceID: fmt.Sprint(i)})
	}
	if _, err := s.Import(ctx, []news.ImportItem{item}); err != nil {
		t.Fatal(err)
	}
	q := news.QueueQuery{Status: news.CommentPending, Match: "needle"}
	first, err := s.CommentQueue(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	want := base.Add(time.Duration(n-news.QueueSearchWindow) * time.Minute) // the window's oldest
	if len(first.Comments) != 0 || !first.More || first.SearchedTo == nil || !first.SearchedTo.CreatedAt.Equal(want) {
		t.Fatalf("the first window: %d found, More %v, searched to %+v (want none, More, to %v)", len(first.Comments), first.More, first.SearchedTo, want)
	}
	q.After = first.SearchedTo
	next, err := s.CommentQueue(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(next.Comments) != 1 || next.Comments[0].Body != "The needle in the haystack" || next.More {
		t.Errorf("the next window: %d found, More %v", len(next.Comments), next.More)
	}
}
