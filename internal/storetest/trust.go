package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// A reader's comment appears at once only when the same name and email already have an
// approved comment; a staff member's reply, or any email of a newsroom account, vouches
// for nobody.
func testModerationRule(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, ""))
	ed := &news.User{Email: "ed@newsroom.example", Name: "Ed Itor", Role: news.RoleEditor, PasswordHash: "$argon2id$x"}
	if err := s.CreateUser(ctx, ed); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*news.Comment{
		{AuthorName: "Tom", AuthorEmail: "tom@example.net"},
		{AuthorName: "Léa Martin", AuthorEmail: "lea@example.net"},
		{AuthorName: "Ed Itor", AuthorEmail: "ed@newsroom.example", UserID: ed.ID},
		{AuthorName: "Old Hand", AuthorEmail: "ed.personal@example.net", UserID: ed.ID},
		// An approved reader's comment under a staff address (made before the account).
		{AuthorName: "Eddie", AuthorEmail: "ED@newsroom.example"},
	} {
		c.ArticleID, c.Status, c.Body, c.BodyHTML = a.ID, news.CommentApproved, "text", "<p>text</p>"
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Comment(ctx, c.ID); got.UserID != c.UserID {
			t.Errorf("comment by %s: user %d stored as %d", c.AuthorName, c.UserID, got.UserID)
		}
	}
	for _, tc := range []struct {
		name, email string
		want        bool
	}{
		{"Tom", "tom@example.net", true},
		{"tom", "TOM@example.net", true},
		{"LÉA MARTIN", "lea@example.net", true}, // Unicode case, and the name typed decomposed below
		{"Le\u0301a Martin", "lea@example.net", true},
		{"Tom Impostor", "tom@example.net", false}, // the email alone is not enough
		{"Tom", "other@example.net", false},
		{"Ed Itor", "ed@newsroom.example", false},        // a staff reply vouches for nobody
		{"Eddie (Editor)", "ed@newsroom.example", false}, // nor a staff address
		{"Eddie", "ed@newsroom.example", false},
		{"Old Hand", "ed.personal@example.net", false},
		{"", "tom@example.net", false},
	} {
		if got, err := s.HasApprovedComment(ctx, tc.name, tc.email); err != nil || got != tc.want {
			t.Errorf("%q <%s>: %v (%v), want %v", tc.name, tc.email, got, err, tc.want)
		}
	}
}

// Text that no page could show is refused by the store itself, whatever wrote it.
func testControlCharacters(t *testing.T, s Engine) {
	ctx := context.Background()
	for name, tweak := range map[string]func(a *news.Article){
		"headline":   func(a *news.Article) { a.Title = "Budget\u001d vote" },
		"standfirst": func(a *news.Article) { a.Standfirst = "A\u000bB" },
		"body":       func(a *news.Article) { a.BodyMarkdown = "x\u0010y" },
		"tag":        func(a *news.Article) { a.Tags = []*news.Tag{{Name: "Bad\u0008tag"}} },
		"section":    func(a *news.Article) { a.Section = &news.Section{Name: "World\u0085"} },
	} {
		a := article(7, "")
		tweak(a)
		if err := s.CreateArticle(ctx, a); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("%s with a control character: %v, want ErrInvalid", name, err)
		}
	}
	a := mustCreate(t, s, article(8, ""))
	if err := s.CreateComment(ctx, &news.Comment{ArticleID: a.ID, Status: news.CommentPending, AuthorName: "T\u0007m",
		Body: "hi", BodyHTML: "<p>hi</p>"}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("comment author with BEL: %v, want ErrInvalid", err)
	}
	if err := s.CreateSection(ctx, &news.Section{Name: "Sp\u001fort"}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("section with a control character: %v, want ErrInvalid", err)
	}
}

func testNodes(t *testing.T, s Engine) {
	ctx := context.Background()
	now := time.Now()
	if err := s.ReportNode(ctx, "a", 5, now); err != nil {
		t.Fatal(err)
	}
	if err := s.ReportNode(ctx, "b", 7, now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	// A report never moves a node back (reports may arrive out of order).
	if err := s.ReportNode(ctx, "a", 3, now); err != nil {
		t.Fatal(err)
	}
	live, err := s.Nodes(ctx, now.Add(-news.NodeTimeout))
	if err != nil || len(live) != 1 || live[0].ID != "a" || live[0].Applied != 5 {
		t.Fatalf("live nodes %+v (%v), want a at 5", live, err)
	}
	// Waiting ends at once when every live node but self has the change, and gives up
	// on one that has not, naming it.
	if behind, err := news.WaitForNodes(ctx, s, 5, "", time.Second); err != nil || len(behind) != 0 {
		t.Errorf("wait for change 5: %v %v", behind, err)
	}
	if behind, _ := news.WaitForNodes(ctx, s, 6, "a", time.Second); len(behind) != 0 {
		t.Errorf("a node waited for itself: %v", behind)
	}
	if behind, _ := news.WaitForNodes(ctx, s, 6, "", 50*time.Millisecond); len(behind) != 1 || behind[0].ID != "a" {
		t.Errorf("node a is behind change 6, got %v", behind)
	}
	if err := s.RemoveNode(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if live, _ := s.Nodes(ctx, now.Add(-time.Hour)); len(live) != 1 || live[0].ID != "b" {
		t.Errorf("after removing a: %+v", live)
	}
}

// A save that changes nothing is no new version, and an article keeps at most
// news.MaxRevisions versions, the newest: the history is bounded however often it is
// saved.
func testRevisionsBounded(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, ""))
	count := func() int {
		_, n, err := s.RevisionPage(ctx, a.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := s.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Errorf("%d versions after a save that changed nothing, want 1", n)
	}
	for i := range news.MaxRevisions + 5 {
		a.BodyMarkdown = fmt.Sprintf("Version %d", i)
		if err := s.UpdateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(); n != news.MaxRevisions {
		t.Errorf("%d versions kept, want %d", n, news.MaxRevisions)
	}
	page, total, err := s.RevisionPage(ctx, a.ID, 3, 1)
	if err != nil || total != news.MaxRevisions || len(page) != 3 || page[0].Markdown != fmt.Sprintf("Version %d", news.MaxRevisions+3) {
		t.Errorf("page %d of %d (%v), first %q", len(page), total, err, page[0].Markdown)
	}
}

// Turning a second factor on while it is on is refused by the store in the same step as
// the write: of two setups at once, one wins, and neither overwrites the other.
func testTOTPOnOnce(t *testing.T, s Engine) {
	ctx := context.Background()
	u := &news.User{Email: "two@newsroom.example", Name: "Two Step", Role: news.RoleAuthor, PasswordHash: "$argon2id$x"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.SetTOTP(ctx, u.ID, "FIRSTSECRETFIRSTSECRET", 1); err != nil {
		t.Fatal(err)
	}
	if err := s.SetTOTP(ctx, u.ID, "SECONDSECRETSECONDSE", 1); !errors.Is(err, news.ErrConflict) {
		t.Errorf("a second secret while on: %v, want ErrConflict", err)
	}
	if got, _ := s.User(ctx, u.ID); got.TOTPSecret != "FIRSTSECRETFIRSTSECRET" {
		t.Errorf("the secret was replaced: %q", got.TOTPSecret)
	}
	if err := s.SetTOTP(ctx, u.ID, "", 0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetTOTP(ctx, u.ID, "SECONDSECRETSECONDSE", 1); err != nil {
		t.Errorf("turning it on after turning it off: %v", err)
	}
}
