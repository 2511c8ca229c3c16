package storetest

// Notifications inside the newsroom (news.NotificationStore): one row per recipient,
// read per recipient, current while the story still asks for attention, bounded.

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

func testNotifications(t *testing.T, s Engine) {
	ctx := context.Background()
	users := map[string]*news.User{}
	for _, name := range []string{"writer", "ed", "eve"} {
		u := &news.User{Email: name + "@example.org", Name: name, Role: news.RoleEditor, PasswordHash: "$argon2id$x"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		users[name] = u
	}
	writer, ed, eve := users["writer"], users["ed"], users["eve"]
	a := article(1, "")
	a.Status, a.OwnerID, a.EditedBy = news.StatusReview, writer.ID, writer.ID
	mustCreate(t, s, a) // the store tells those who may publish it (workflow.go)

	unread := func(u *news.User) int {
		t.Helper()
		n, err := s.CountUnreadNotifications(ctx, u.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	at := base.Add(48 * time.Hour)
	if unread(ed) != 1 || unread(eve) != 1 || unread(writer) != 0 {
		t.Fatalf("after a submission: ed %d, eve %d, writer %d unread; want 1, 1, 0", unread(ed), unread(eve), unread(writer))
	}
	list, total, err := s.Notifications(ctx, news.NotificationQuery{UserID: ed.ID})
	if err != nil || total != 1 || len(list) != 1 {
		t.Fatalf("ed's list: %d of %d, %v", len(list), total, err)
	}
	if n := list[0]; n.Kind != news.NotifySubmitted || n.ArticleID != a.ID || n.ActorID != writer.ID || n.ActorName != "writer" ||
		n.ArticleTitle != a.Title || n.ArticleStatus != news.StatusReview || n.CreatedAt.IsZero() || !n.ReadAt.IsZero() || n.UserID != ed.ID {
		t.Errorf("read back: %+v", n)
	}

	// Ed reads his; Eve's stays unread. Nobody marks another's.
	if n, err := s.MarkNotificationsRead(ctx, writer.ID, []int64{list[0].ID}, false, base); err != nil || n != 0 {
		t.Errorf("the writer marked ed's notification: %d, %v", n, err)
	}
	if n, err := s.MarkNotificationsRead(ctx, ed.ID, []int64{list[0].ID}, false, base); err != nil || n != 1 {
		t.Errorf("ed marks his: %d, %v", n, err)
	}
	if unread(ed) != 0 || unread(eve) != 1 {
		t.Errorf("after ed read his: ed %d, eve %d", unread(ed), unread(eve))
	}

	// Sent back with a note: the review request is no longer current for Eve (the story
	// left review), the writer has the note.
	a.Status, a.Version = news.StatusDraft, news.AnyVersion
	if err := s.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	note := "Two sources, please.\nAnd a better headline."
	if err := s.Notify(ctx, news.Notification{Kind: news.NotifySentBack, ArticleID: a.ID, ActorID: ed.ID, ActorName: "ed", Note: note}, []int64{writer.ID}); err != nil {
		t.Fatal(err)
	}
	if unread(eve) != 0 || unread(writer) != 1 {
		t.Errorf("after sending back: eve %d (a request of a story no longer in review), writer %d", unread(eve), unread(writer))
	}
	if cur, _, _ := s.Notifications(ctx, news.NotificationQuery{UserID: eve.ID, Unread: true, Current: true}); len(cur) != 0 {
		t.Errorf("eve's current unread: %d", len(cur))
	}
	if all, total, _ := s.Notifications(ctx, news.NotificationQuery{UserID: eve.ID}); total != 1 || all[0].ArticleStatus != news.StatusDraft {
		t.Errorf("eve's history keeps the request with the story's status now: %d", total)
	}
	notes, _, err := s.Notifications(ctx, news.NotificationQuery{UserID: writer.ID, ArticleID: a.ID, Kind: news.NotifySentBack, Unread: true})
	if err != nil || len(notes) != 1 || notes[0].Note != note {
		t.Fatalf("the writer's note: %+v, %v", notes, err)
	}
	if err := s.MarkArticleNotificationsRead(ctx, writer.ID, a.ID, news.NotifySentBack, base); err != nil || unread(writer) != 0 {
		t.Errorf("resubmitting dismisses the note: %d unread, %v", unread(writer), err)
	}

	// A story in the trash asks nobody's attention.
	if err := s.Notify(ctx, news.Notification{Kind: news.NotifyScheduled, ArticleID: a.ID, ActorID: ed.ID, At: at}, []int64{writer.ID, writer.ID}); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := s.Notifications(ctx, news.NotificationQuery{UserID: writer.ID, Kind: news.NotifyScheduled}); len(got) != 1 || !got[0].At.Equal(at) {
		t.Errorf("a schedule names its time, once for a recipient named twice: %+v", got)
	}
	a.Status = news.StatusTrash
	if err := s.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if unread(writer) != 0 {
		t.Errorf("a trashed story's notification counts: %d", unread(writer))
	}

	// Refusals.
	for name, bad := range map[string]news.Notification{
		"unknown kind": {Kind: "liked", ArticleID: a.ID},
		"no article":   {Kind: news.NotifyPublished},
		"long note":    {Kind: news.NotifySentBack, ArticleID: a.ID, Note: strings.Repeat("é", news.MaxNoteRunes+1)},
	} {
		if err := s.Notify(ctx, bad, []int64{writer.ID}); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if err := s.Notify(ctx, news.Notification{Kind: news.NotifyPublished, ArticleID: a.ID + 1000}, []int64{writer.ID}); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a missing article: %v, want ErrNotFound", err)
	}

	// Bounded: a user keeps the newest MaxNotifications; the count stops at its max.
	b := mustCreate(t, s, article(2, ""))
	for i := range news.MaxNotifications + 5 {
		if err := s.Notify(ctx, news.Notification{Kind: news.NotifyPublished, ArticleID: b.ID, Note: string(rune('a' + i%26))}, []int64{eve.ID}); err != nil {
			t.Fatal(err)
		}
	}
	all, total, err := s.Notifications(ctx, news.NotificationQuery{UserID: eve.ID, Limit: 5})
	if err != nil || total != news.MaxNotifications || len(all) != 5 {
		t.Errorf("eve keeps %d (page of %d), want %d: %v", total, len(all), news.MaxNotifications, err)
	}
	// The newest word of a kind about a story replaces the earlier ones.
	if n := unread(eve); n != 1 {
		t.Errorf("%d unread of one kind about one story, want 1", n)
	}
	for i := range 12 {
		c := mustCreate(t, s, article(10+i, ""))
		if err := s.Notify(ctx, news.Notification{Kind: news.NotifyPublished, ArticleID: c.ID}, []int64{eve.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := s.CountUnreadNotifications(ctx, eve.ID, 10); n != 10 {
		t.Errorf("bounded count: %d, want 10", n)
	}
	if n, err := s.MarkNotificationsRead(ctx, eve.ID, nil, true, base); err != nil || n != 13 {
		t.Errorf("mark all read: %d, %v", n, err)
	}
	if unread(eve) != 0 {
		t.Errorf("after marking all read: %d", unread(eve))
	}
}
