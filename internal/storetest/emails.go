package storetest

import (
	"context"
	"slices"
	"testing"

	"broadsheet/internal/news"
)

// Every comparison of email addresses follows news.NormalEmail (trimmed, NFC, lower case
// by Unicode's rules), not SQL's ASCII-only lower(): a block, the moderation rule, a
// commenter's history and a staff address catch "ÉMILIE@…" as "émilie@…", written
// composed or decomposed; plus-addressing is a different address.
func testEmailsCompared(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, ""))
	mk := func(status news.CommentStatus, name, email string, user int64) *news.Comment {
		c := &news.Comment{ArticleID: a.ID, Status: status, AuthorName: name, AuthorEmail: email, Body: "text from " + email, BodyHTML: "<p>text</p>", UserID: user}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	pending := mk(news.CommentPending, "Émilie", "E\u0301MILIE@example.net", 0) // decomposed É
	plus := mk(news.CommentPending, "Émilie", "émilie+news@example.net", 0)
	if err := s.Block(ctx, news.Block{Kind: "email", Value: " émilie@example.net "}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Comment(ctx, pending.ID); got.Status != news.CommentSpam {
		t.Errorf("pending comment as %q after a block on émilie@: %s, want spam", pending.AuthorEmail, got.Status)
	}
	if got, _ := s.Comment(ctx, plus.ID); got.Status != news.CommentPending {
		t.Errorf("plus-addressed comment after a block on émilie@: %s, want pending (another address)", got.Status)
	}
	for email, want := range map[string]bool{"ÉMILIE@example.net": true, "E\u0301milie@EXAMPLE.net": true, " émilie@example.net": true,
		"émilie+news@example.net": false, "emilie@example.net": false} {
		if got, err := s.IsBlocked(ctx, email, ""); err != nil || got != want {
			t.Errorf("IsBlocked(%q) = %v, %v; want %v", email, got, err, want)
		}
	}
	if err := s.Unblock(ctx, "email", "ÉMILIE@EXAMPLE.NET"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.IsBlocked(ctx, "émilie@example.net", ""); got {
		t.Error("unblocking ÉMILIE@EXAMPLE.NET left the block on émilie@example.net")
	}

	mk(news.CommentApproved, "Zoë", "zoë@example.net", 0)
	if ok, err := s.HasApprovedComment(ctx, "Zoë", "ZOË@example.net"); err != nil || !ok {
		t.Errorf("moderation rule: ZOË@ with zoë@'s approved comment: %v, %v; want trusted", ok, err)
	}
	if ok, _ := s.HasApprovedComment(ctx, "Zoë", "zoë+x@example.net"); ok {
		t.Error("moderation rule: zoë+x@ trusted on zoë@'s comment")
	}
	// A reader's approved comment under a staff address, in another case: it vouches
	// for nobody.
	staff := &news.User{Email: "édith@newsroom.example", Name: "Édith", Role: news.RoleEditor, PasswordHash: "$argon2id$x"}
	if err := s.CreateUser(ctx, staff); err != nil {
		t.Fatal(err)
	}
	mk(news.CommentApproved, "Edie", "ÉDITH@newsroom.example", 0)
	if ok, _ := s.HasApprovedComment(ctx, "Edie", "ÉDITH@newsroom.example"); ok {
		t.Error("moderation rule: a staff address in upper case is trusted")
	}

	var ids []int64
	cs, err := s.Comments(ctx, news.CommentQuery{Email: "ÉMILIE@example.net"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []int64{pending.ID}) {
		t.Errorf("history of ÉMILIE@: %v, want [%d]", ids, pending.ID)
	}
	if n, _ := s.CountComments(ctx, news.CommentQuery{Email: "émilie@example.net"}); n != 1 {
		t.Errorf("count of émilie@'s comments: %d, want 1", n)
	}
	// An edit that changes the address moves the comment to the new one's history.
	pending.AuthorEmail = "Zoë@example.net"
	if err := s.UpdateComment(ctx, pending); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountComments(ctx, news.CommentQuery{Email: "ZOË@EXAMPLE.NET"}); n != 2 {
		t.Errorf("zoë@'s comments after an edit gave her one: %d, want 2", n)
	}

	p, err := s.PersonalData(ctx, "zoë@example.net")
	if err != nil || len(p.Comments) != 2 {
		t.Fatalf("export of zoë@: %v comments, %v; want 2", p, err)
	}
	if e, err := s.ErasePersonalData(ctx, "ZOË@example.net"); err != nil || e.Comments != 2 {
		t.Errorf("erase ZOË@: %+v, %v; want 2 comments", e, err)
	}
	if n, _ := s.CountComments(ctx, news.CommentQuery{Email: "émilie+news@example.net"}); n != 1 {
		t.Errorf("erasing zoë@ touched émilie+news@: %d comments left, want 1", n)
	}
}
