package storetest

// A change of a story's status and the notification it owes are one write
// (news.WorkflowNotice): the store call that publishes, schedules, submits or sends
// back also stores the word of it, so that no crash between two steps can lose it.
// Nothing here calls Notify: what the users see is what the article writes stored.

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

func testWorkflowNotices(t *testing.T, s Engine) {
	ctx := context.Background()
	person := func(name string, role news.Role) *news.User {
		u := &news.User{Email: strings.ToLower(name) + "@example.org", Name: name, Role: role, PasswordHash: "x"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	cora := person("Cora", news.RoleContributor)
	wren := person("Wren", news.RoleAuthor)
	ed := person("Ed", news.RoleEditor)
	eve := person("Eve", news.RoleEditor)
	dan := person("Dan", news.RoleEditor)
	mo := person("Mo", news.RoleModerator)
	if err := s.SetAccess(ctx, dan.ID, news.RoleEditor, true); err != nil {
		t.Fatal(err)
	}
	notices := func(u *news.User, kind news.NotificationKind, unread bool) []*news.Notification {
		t.Helper()
		list, _, err := s.Notifications(ctx, news.NotificationQuery{UserID: u.ID, Kind: kind, Unread: unread})
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	save := func(a *news.Article, by *news.User, status news.ArticleStatus) error {
		a.Status, a.EditedBy, a.Version = status, by.ID, news.AnyVersion
		return s.UpdateArticle(ctx, a)
	}

	// Cora submits her draft: those who may publish it are told, in the same write.
	story := article(1, "")
	story.Status, story.PublishedAt, story.OwnerID, story.EditedBy = news.StatusDraft, time.Time{}, cora.ID, cora.ID
	mustCreate(t, s, story)
	if err := save(story, cora, news.StatusReview); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*news.User{ed, eve} {
		if got := notices(u, news.NotifySubmitted, true); len(got) != 1 || got[0].ArticleID != story.ID || got[0].ActorID != cora.ID || got[0].ActorName != "Cora" {
			t.Errorf("%s after Cora's submission: %+v", u.Name, got)
		}
	}
	for _, u := range []*news.User{cora, wren, dan, mo} { // the submitter; who may not publish it
		if got := notices(u, news.NotifySubmitted, false); len(got) != 0 {
			t.Errorf("%s was told of Cora's submission: %+v", u.Name, got)
		}
	}

	// Ed sends it back with a note: a note too long refuses the whole write.
	story.SendBackNote = strings.Repeat("é", news.MaxNoteRunes+1)
	if err := save(story, ed, news.StatusDraft); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a send-back with a note too long: %v, want ErrInvalid", err)
	}
	if got, _ := s.Article(ctx, story.ID); got.Status != news.StatusReview || len(notices(cora, news.NotifySentBack, false)) != 0 {
		t.Errorf("a refused send-back changed the story (%s) or told Cora", got.Status)
	}
	story.SendBackNote = "Two sources, please."
	if err := save(story, ed, news.StatusDraft); err != nil {
		t.Fatal(err)
	}
	if got := notices(cora, news.NotifySentBack, true); len(got) != 1 || got[0].Note != "Two sources, please." || got[0].ActorName != "Ed" {
		t.Errorf("Cora's note: %+v", got)
	}
	if got, _ := s.Article(ctx, story.ID); got.SendBackNote != "" {
		t.Errorf("the store returned the note with the article: %q", got.SendBackNote)
	}
	// Submitted again, the note is answered.
	story.SendBackNote = ""
	if err := save(story, cora, news.StatusReview); err != nil {
		t.Fatal(err)
	}
	if got := notices(cora, news.NotifySentBack, true); len(got) != 0 {
		t.Errorf("the note is still unread after Cora resubmitted: %+v", got)
	}

	// Ed publishes it: Cora is told by that write.
	story.PublishedAt = base
	if err := save(story, ed, news.StatusPublished); err != nil {
		t.Fatal(err)
	}
	if got := notices(cora, news.NotifyPublished, true); len(got) != 1 || got[0].ActorID != ed.ID {
		t.Errorf("Cora after Ed published her story: %+v", got)
	}

	// To the trash and back, published: told again.
	if err := save(story, ed, news.StatusTrash); err != nil {
		t.Fatal(err)
	}
	if err := save(story, ed, news.StatusPublished); err != nil {
		t.Fatal(err)
	}
	if got := notices(cora, news.NotifyPublished, false); len(got) != 2 {
		t.Errorf("Cora's word of the publications after the restore: %d, want 2", len(got))
	}

	// Ed schedules another of Cora's, then moves it: she has the new time.
	later := mustCreate(t, s, &news.Article{Slug: "later", Title: "Later", BodyMarkdown: "x", BodyHTML: "<p>x</p>",
		Status: news.StatusDraft, OwnerID: cora.ID})
	t1, t2 := time.Now().Add(48*time.Hour).Truncate(time.Second), time.Now().Add(72*time.Hour).Truncate(time.Second)
	later.PublishedAt = t1
	if err := save(later, ed, news.StatusScheduled); err != nil {
		t.Fatal(err)
	}
	later.PublishedAt = t2
	if err := save(later, ed, news.StatusScheduled); err != nil {
		t.Fatal(err)
	}
	if got := notices(cora, news.NotifyScheduled, true); len(got) != 1 || !got[0].At.Equal(t2) {
		t.Errorf("Cora's unread word of the schedule: %+v, want one, at the new time", got)
	}

	// Wren schedules her own story (nobody is told), and the scheduler publishes it:
	// the publication's write tells her, once however often the scheduler runs.
	due := mustCreate(t, s, &news.Article{Slug: "due", Title: "Due", BodyMarkdown: "x", BodyHTML: "<p>x</p>",
		Status: news.StatusDraft, OwnerID: wren.ID})
	when := time.Now().Add(-time.Minute).Truncate(time.Second)
	due.PublishedAt = when
	if err := save(due, wren, news.StatusScheduled); err != nil {
		t.Fatal(err)
	}
	if got := notices(wren, "", false); len(got) != 0 {
		t.Errorf("Wren was told of her own scheduling: %+v", got)
	}
	for run := range 2 {
		if _, err := s.PublishDue(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
		got := notices(wren, news.NotifyPublished, false)
		if len(got) != 1 || got[0].ArticleID != due.ID || got[0].ActorID != 0 || !got[0].At.Equal(due.PublishedAt) {
			t.Errorf("after the scheduler's run %d, Wren's word of it: %+v (want one, by nobody, at the publication time)", run+1, got)
		}
	}

	// A story created published by nobody's account (a command) tells nobody.
	made := &news.Article{Slug: "made", Title: "Made", BodyMarkdown: "x", BodyHTML: "<p>x</p>", Status: news.StatusPublished, PublishedAt: base, OwnerID: wren.ID}
	mustCreate(t, s, made)
	if got := notices(wren, news.NotifyPublished, false); slices.ContainsFunc(got, func(n *news.Notification) bool { return n.ArticleID == made.ID }) {
		t.Errorf("Wren was told of a story a command created")
	}

	// A writer who publishes her own story is not told of it.
	own := mustCreate(t, s, &news.Article{Slug: "own", Title: "Own", BodyMarkdown: "x", BodyHTML: "<p>x</p>", Status: news.StatusDraft, OwnerID: wren.ID})
	own.PublishedAt = base
	if err := save(own, wren, news.StatusPublished); err != nil {
		t.Fatal(err)
	}
	if got := notices(wren, news.NotifyPublished, false); slices.ContainsFunc(got, func(n *news.Notification) bool { return n.ArticleID == own.ID }) {
		t.Errorf("Wren was told she published her own story")
	}
}
