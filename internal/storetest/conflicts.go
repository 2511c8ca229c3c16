package storetest

// Two editors, one story: article versions, the refusal of a write based on an old
// one (also under concurrency), the writes that move the version, the revisions since a
// version, and presence.

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

func testConflicts(t *testing.T, s Engine) {
	t.Run("VersionedWrites", func(t *testing.T) { testVersionedWrites(t, s) })
	t.Run("ConcurrentSavesOneWins", func(t *testing.T) { testConcurrentSaves(t, s) })
	t.Run("ScheduledPublicationMovesTheVersion", func(t *testing.T) { testPublishDueVersion(t, s) })
	t.Run("RevisionsSince", func(t *testing.T) { testRevisionsSince(t, s) })
	t.Run("Presence", func(t *testing.T) { testPresence(t, s) })
	t.Run("PresenceEndsWithAccess", func(t *testing.T) { testPresenceEnds(t, s) })
	t.Run("ImportedArticlesHaveAVersion", func(t *testing.T) { testImportedVersion(t, s) })
	t.Run("OneArticlePerForm", func(t *testing.T) { testOneArticlePerForm(t, s) })
	t.Run("OneMediaItemPerKey", func(t *testing.T) { testOneMediaItemPerKey(t, s) })
}

// A new-article form sent twice (a double click, the back button and Save again) creates
// one article: the second CreateArticle, even at the same time as the first, creates
// nothing and names the first's article. The key is the owner's: another writer's form
// with the same key creates their own.
func testOneArticlePerForm(t *testing.T, s Engine) {
	ctx := context.Background()
	ana, ben := &news.User{Email: "ana.form@example.org", Name: "Ana", Role: news.RoleAuthor, PasswordHash: "x"},
		&news.User{Email: "ben.form@example.org", Name: "Ben", Role: news.RoleAuthor, PasswordHash: "x"}
	for _, u := range []*news.User{ana, ben} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	const n = 8
	arts, errs := make([]*news.Article, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		arts[i] = article(120, "")
		arts[i].Slug = fmt.Sprintf("fire-%d", i) // as a form's slug numbered after a clash
		arts[i].OwnerID, arts[i].CreateKey = ana.ID, "k3y-of-one-form"
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = s.CreateArticle(ctx, arts[i]) }()
	}
	wg.Wait()
	var created int64
	for i, err := range errs {
		if err == nil {
			if created != 0 {
				t.Fatalf("two articles from one form: %d and %d", created, arts[i].ID)
			}
			created = arts[i].ID
		}
	}
	if created == 0 {
		t.Fatalf("no article created: %v", errs)
	}
	for i, err := range errs {
		if err != nil && (!errors.Is(err, news.ErrAlreadyCreated) || arts[i].ID != created || arts[i].Version != 0) {
			t.Errorf("the form sent again: %v, ID %d (want %d), version %d", err, arts[i].ID, created, arts[i].Version)
		}
	}
	if id, err := s.ArticleCreatedFrom(ctx, ana.ID, "k3y-of-one-form"); err != nil || id != created {
		t.Errorf("ArticleCreatedFrom: %d, %v; want %d", id, err, created)
	}
	if _, err := s.ArticleCreatedFrom(ctx, ben.ID, "k3y-of-one-form"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("another owner's key: %v, want ErrNotFound", err)
	}
	other := article(121, "")
	other.OwnerID, other.CreateKey = ben.ID, "k3y-of-one-form"
	if err := s.CreateArticle(ctx, other); err != nil || other.ID == created {
		t.Errorf("another owner's form with the same key: %v", err)
	}
	plain := article(122, "")
	plain.OwnerID = ana.ID
	if err := s.CreateArticle(ctx, plain); err != nil {
		t.Errorf("an article without a form key: %v", err)
	}
}

// A keyed upload sent again (news.Media.CreateKey: the admin API's Idempotency-Key
// retried after its server was killed) makes one library item, even at once: the
// second CreateMedia adds nothing and names the first's item. The key is the user's.
func testOneMediaItemPerKey(t *testing.T, s Engine) {
	ctx := context.Background()
	ana, ben := &news.User{Email: "ana.key@example.org", Name: "Ana", Role: news.RoleAuthor, PasswordHash: "x"},
		&news.User{Email: "ben.key@example.org", Name: "Ben", Role: news.RoleAuthor, PasswordHash: "x"}
	for _, u := range []*news.User{ana, ben} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	const n = 8
	items, errs := make([]*news.Media, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		items[i] = &news.Media{Name: fmt.Sprintf("quay-%d.jpg", i), ContentType: "image/jpeg", Width: 10, Height: 10, Alt: "Quay",
			UserID: ana.ID, CreateKey: "api:one-upload"}
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = s.CreateMedia(ctx, items[i]) }()
	}
	wg.Wait()
	var created int64
	for i, err := range errs {
		if err == nil {
			if created != 0 {
				t.Fatalf("two items from one key: %d and %d", created, items[i].ID)
			}
			created = items[i].ID
		}
	}
	if created == 0 {
		t.Fatalf("no item created: %v", errs)
	}
	for i, err := range errs {
		if err != nil && (!errors.Is(err, news.ErrAlreadyCreated) || items[i].ID != created) {
			t.Errorf("the upload sent again: %v, ID %d (want %d)", err, items[i].ID, created)
		}
	}
	other := &news.Media{Name: "quay-ben.jpg", ContentType: "image/jpeg", Width: 10, Height: 10, Alt: "Quay", UserID: ben.ID, CreateKey: "api:one-upload"}
	if err := s.CreateMedia(ctx, other); err != nil || other.ID == created {
		t.Errorf("another user's upload with the same key: %v", err)
	}
	if lib, _ := s.MediaLibrary(ctx, 100); len(lib) != 2 {
		t.Errorf("the library holds %d items, want 2", len(lib))
	}
}

// An imported article is at version 1, and the article given to Import says so, so
// that a caller may update it next as it would one it created.
func testImportedVersion(t *testing.T, s Engine) {
	ctx := context.Background()
	a := article(107, "")
	a.Source, a.SourceID = "corpus", "107"
	if _, err := s.Import(ctx, []news.ImportItem{{Article: a}}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Article(ctx, a.ID)
	if a.Version != 1 || got.Version != 1 {
		t.Fatalf("an imported article's version: %d (stored %d), want 1", a.Version, got.Version)
	}
	a.Title = "Edited after the import"
	if err := s.UpdateArticle(ctx, a); err != nil || a.Version != 2 {
		t.Errorf("an update of the imported article: %v, version %d", err, a.Version)
	}
}

// The fault at the store: two editors read version 1; the first saves a
// correction, the second, from version 1, a new headline. The second is refused and the
// correction stays.
func testVersionedWrites(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(101, "World"))
	if a.Version != 1 {
		t.Fatalf("a new article's version: %d, want 1", a.Version)
	}
	ana, _ := s.Article(ctx, a.ID)
	ben, _ := s.Article(ctx, a.ID)
	if ana.Version != 1 || ben.Version != 1 {
		t.Fatalf("read versions %d, %d, want 1", ana.Version, ben.Version)
	}
	ana.CorrectionNote = "Correction: the mayor is Ms Ruiz."
	ana.BodyMarkdown += "\n\nA new paragraph."
	if err := s.UpdateArticle(ctx, ana); err != nil {
		t.Fatal(err)
	}
	if ana.Version != 2 {
		t.Errorf("version after a save: %d, want 2", ana.Version)
	}
	ben.Title = "A new headline"
	err := s.UpdateArticle(ctx, ben)
	if !errors.Is(err, news.ErrStale) {
		t.Fatalf("a save based on version 1 after version 2: %v, want ErrStale", err)
	}
	if ben.Version != 1 {
		t.Errorf("a refused write changed the caller's version to %d", ben.Version)
	}
	got, _ := s.Article(ctx, a.ID)
	if got.CorrectionNote != ana.CorrectionNote || got.Title != a.Title || got.Version != 2 {
		t.Errorf("after the refused save: correction %q, title %q, version %d", got.CorrectionNote, got.Title, got.Version)
	}
	// Saved again from the version it now knows, it goes through.
	got.Title = "A new headline"
	if err := s.UpdateArticle(ctx, got); err != nil || got.Version != 3 {
		t.Fatalf("a save based on the stored version: %v, version %d", err, got.Version)
	}
	// A status change, a trash and a restore are writes like any other.
	for i, st := range []news.ArticleStatus{news.StatusUnpublished, news.StatusTrash, news.StatusDraft} {
		got.Status = st
		if err := s.UpdateArticle(ctx, got); err != nil {
			t.Fatal(err)
		}
		if want := int64(4 + i); got.Version != want {
			t.Errorf("version after the move to %s: %d, want %d", st, got.Version, want)
		}
	}
	// A write with no version to be based on is refused, unless it says it overwrites.
	blind := *got
	blind.Version = 0
	if err := s.UpdateArticle(ctx, &blind); !errors.Is(err, news.ErrStale) {
		t.Errorf("a write with no base version: %v, want ErrStale", err)
	}
	blind.Version = news.AnyVersion
	if err := s.UpdateArticle(ctx, &blind); err != nil || blind.Version != 7 {
		t.Errorf("a write over any version: %v, version %d, want 7", err, blind.Version)
	}
	// A missing article is still ErrNotFound, whatever the version.
	if err := s.UpdateArticle(ctx, &news.Article{ID: 99999, Title: "x", Slug: "x", Status: news.StatusDraft, Version: 1}); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("update of a missing article: %v, want ErrNotFound", err)
	}
}

// N saves from one version at once, as from N tabs or N servers: exactly one wins, the
// others are ErrStale, and the stored article is the winner's.
func testConcurrentSaves(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(102, ""))
	const n = 12
	var wg sync.WaitGroup
	errs := make([]error, n)
	copies := make([]*news.Article, n)
	for i := range n {
		c, err := s.Article(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		c.Title = "Headline from tab " + string(rune('A'+i))
		copies[i] = c
	}
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = s.UpdateArticle(ctx, copies[i])
		}()
	}
	close(start)
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won >= 0:
			t.Errorf("tabs %d and %d both saved from version 1", won, i)
		case err == nil:
			won = i
		case !errors.Is(err, news.ErrStale):
			t.Errorf("tab %d: %v, want ErrStale", i, err)
		}
	}
	if won < 0 {
		t.Fatal("no save won")
	}
	got, _ := s.Article(ctx, a.ID)
	if got.Title != copies[won].Title || got.Version != 2 {
		t.Errorf("stored %q version %d, want the winner's %q at version 2", got.Title, got.Version, copies[won].Title)
	}
}

// The scheduler's publication is a write: an editor's form loaded before it is stale.
func testPublishDueVersion(t *testing.T, s Engine) {
	ctx := context.Background()
	a := article(103, "")
	// Its time has just come: the scheduler has not run yet when the editor opens it.
	a.Status, a.PublishedAt = news.StatusScheduled, time.Now().Add(-time.Minute).Truncate(time.Second)
	mustCreate(t, s, a)
	form, _ := s.Article(ctx, a.ID)
	if n, err := s.PublishDue(ctx, time.Now()); err != nil || n != 1 {
		t.Fatalf("PublishDue: %d, %v", n, err)
	}
	got, _ := s.Article(ctx, a.ID)
	if got.Status != news.StatusPublished || got.Version != form.Version+1 {
		t.Errorf("after PublishDue: %s, version %d (was %d)", got.Status, got.Version, form.Version)
	}
	form.Title = "Edited from the form loaded before publication"
	if err := s.UpdateArticle(ctx, form); !errors.Is(err, news.ErrStale) {
		t.Errorf("a save from before the scheduled publication: %v, want ErrStale", err)
	}
}

func testRevisionsSince(t *testing.T, s Engine) {
	ctx := context.Background()
	ana, ben := newUser(t, s, "ana@example.org", news.RoleEditor), newUser(t, s, "ben@example.org", news.RoleEditor)
	a := article(104, "")
	a.EditedBy = ana.ID
	mustCreate(t, s, a) // version 1, by Ana
	a.BodyMarkdown, a.EditedBy = "Body, second", ben.ID
	if err := s.UpdateArticle(ctx, a); err != nil { // version 2, by Ben
		t.Fatal(err)
	}
	a.CommentsClosed = true // version 3: only the switch, still a version of its own
	if err := s.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	a.CorrectionNote, a.EditedBy = "Correction: it was Tuesday.", ana.ID
	if err := s.UpdateArticle(ctx, a); err != nil { // version 4, by Ana
		t.Fatal(err)
	}
	since, base, err := s.RevisionsSince(ctx, a.ID, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(since) != 3 || since[0].Version != 4 || since[0].UserID != ana.ID || since[1].Version != 3 || since[2].Version != 2 || since[2].UserID != ben.ID {
		t.Errorf("revisions since version 1: %+v", since)
	}
	if base == nil || base.Version != 1 || base.Markdown != "Body" || !base.HasSwitches || base.CommentsClosed {
		t.Errorf("the revision at version 1: %+v", base)
	}
	// Version 3 changed only the comments switch: its revision keeps it, so that a form
	// loaded at 3 is compared with the switch as it was then.
	since, base, _ = s.RevisionsSince(ctx, a.ID, 3, 10)
	if len(since) != 1 || since[0].Version != 4 || base == nil || base.Version != 3 || !base.CommentsClosed || base.Markdown != "Body, second" {
		t.Errorf("since version 3: %+v, base %+v", since, base)
	}
	// Version 2 (Ben's) is where the switch was still open.
	if _, base, _ = s.RevisionsSince(ctx, a.ID, 2, 0); base == nil || base.Version != 2 || base.CommentsClosed {
		t.Errorf("the revision at version 2: %+v", base)
	}
	if since, base, _ = s.RevisionsSince(ctx, a.ID, 4, 10); len(since) != 0 || base == nil || base.Version != 4 {
		t.Errorf("since the current version: %+v, base %+v", since, base)
	}
	if since, _, _ = s.RevisionsSince(ctx, a.ID, 0, 1); len(since) != 1 || since[0].Version != 4 {
		t.Errorf("the limit: %+v", since)
	}
}

func testPresence(t *testing.T, s Engine) {
	ctx := context.Background()
	ana, ben := newUser(t, s, "ana.p@example.org", news.RoleEditor), newUser(t, s, "ben.p@example.org", news.RoleEditor)
	a := mustCreate(t, s, article(105, ""))
	other := mustCreate(t, s, article(106, ""))
	t0 := time.Date(2026, 5, 4, 14, 2, 0, 0, time.UTC)
	signIn(t, s, ana, "ana-s", t0, t0.Add(24*time.Hour))
	signIn(t, s, ben, "ben-s", t0, t0.Add(24*time.Hour))
	if err := s.TouchPresence(ctx, a.ID, ana.ID, "ana-s", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.TouchPresence(ctx, other.ID, ben.ID, "ben-s", t0); err != nil {
		t.Fatal(err)
	}
	// Heartbeats keep Ana's since; Ben opens the story a minute later.
	for i := 1; i <= 5; i++ {
		if err := s.TouchPresence(ctx, a.ID, ana.ID, "ana-s", t0.Add(time.Duration(i)*30*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	s.TouchPresence(ctx, a.ID, ben.ID, "ben-s", t0.Add(time.Minute))
	now := t0.Add(150 * time.Second)
	got, err := s.Present(ctx, a.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].UserID != ana.ID || got[0].UserName != ana.Name || !got[0].Since.Equal(t0) ||
		!got[0].SeenAt.Equal(now) || got[1].UserID != ben.ID || !got[1].Since.Equal(t0.Add(time.Minute)) {
		t.Errorf("present at 14:04:30: %+v", got)
	}
	// Ben's tab stops beating: gone after PresenceTTL, Ana stays.
	later := t0.Add(time.Minute + news.PresenceTTL + time.Second)
	s.TouchPresence(ctx, a.ID, ana.ID, "ana-s", later)
	if got, _ := s.Present(ctx, a.ID, later); len(got) != 1 || got[0].UserID != ana.ID {
		t.Errorf("after Ben's presence expired: %+v", got)
	}
	// Ana comes back after a pause longer than the TTL: her since starts again.
	back := later.Add(news.PresenceTTL + time.Minute)
	s.TouchPresence(ctx, a.ID, ana.ID, "ana-s", back)
	if got, _ := s.Present(ctx, a.ID, back); len(got) != 1 || !got[0].Since.Equal(back) {
		t.Errorf("after a return: %+v", got)
	}
	if err := s.LeavePresence(ctx, a.ID, ana.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Present(ctx, a.ID, back); len(got) != 0 {
		t.Errorf("after leaving: %+v", got)
	}
	if got, _ := s.Present(ctx, other.ID, back); len(got) != 0 {
		t.Errorf("another article's expired presence: %+v", got)
	}
}

func signIn(t *testing.T, s Engine, u *news.User, hash string, at, until time.Time) {
	t.Helper()
	if err := s.CreateSession(context.Background(), &news.Session{TokenHash: hash, UserID: u.ID, CreatedAt: at, ExpiresAt: until, LastSeen: at}); err != nil {
		t.Fatal(err)
	}
}

// "X is also editing" stops showing X once X may no longer be there: signed out, the
// session ended by time, disabled, demoted to a role that may not edit the story, or
// the story moved out of their reach; and no session but the user's own, live, shows
// them.
func testPresenceEnds(t *testing.T, s Engine) {
	ctx := context.Background()
	t0 := time.Date(2026, 5, 4, 14, 2, 0, 0, time.UTC)
	ana := newUser(t, s, "ana.e@example.org", news.RoleEditor)
	ben := newUser(t, s, "ben.e@example.org", news.RoleEditor)      // signs out
	eve := newUser(t, s, "eve.e@example.org", news.RoleEditor)      // her session ends by time
	fay := newUser(t, s, "fay.e@example.org", news.RoleEditor)      // disabled
	dee := newUser(t, s, "dee.e@example.org", news.RoleEditor)      // demoted to author
	cid := newUser(t, s, "cid.e@example.org", news.RoleContributor) // the writer: the story is published
	story := article(107, "")
	// A draft: the one state in which its contributor may edit it (news.User.CanEdit).
	story.Status, story.PublishedAt, story.OwnerID = news.StatusDraft, time.Time{}, cid.ID
	mustCreate(t, s, story)
	for _, u := range []*news.User{ana, ben, fay, dee, cid} {
		signIn(t, s, u, u.Email, t0, t0.Add(24*time.Hour))
	}
	signIn(t, s, eve, eve.Email, t0, t0.Add(90*time.Second))
	present := func(at time.Time) []string {
		t.Helper()
		got, err := s.Present(ctx, story.ID, at)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range got {
			out = append(out, p.UserName)
		}
		slices.Sort(out)
		return out
	}
	for _, u := range []*news.User{ana, ben, eve, fay, dee, cid} {
		if err := s.TouchPresence(ctx, story.ID, u.ID, u.Email, t0); err != nil {
			t.Fatal(err)
		}
	}
	if got := present(t0.Add(30 * time.Second)); len(got) != 6 {
		t.Fatalf("everyone at first: %v", got)
	}

	if err := s.DeleteSession(ctx, ben.Email); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAccess(ctx, fay.ID, news.RoleEditor, true); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAccess(ctx, dee.ID, news.RoleAuthor, false); err != nil {
		t.Fatal(err)
	}
	story.Status, story.PublishedAt, story.Version, story.EditedBy = news.StatusPublished, base, news.AnyVersion, ana.ID
	if err := s.UpdateArticle(ctx, story); err != nil {
		t.Fatal(err)
	}
	want := []string{ana.Name}
	if got := present(t0.Add(100 * time.Second)); !slices.Equal(got, want) {
		t.Errorf("after Ben signed out, Eve's session ended, Fay was disabled, Dee became an author and Cid's story was published: %v, want %v", got, want)
	}

	// A heartbeat from an ended session, or from someone else's, shows nobody.
	for name, try := range map[string]func() error{
		"a signed-out session":  func() error { return s.TouchPresence(ctx, story.ID, ben.ID, ben.Email, t0.Add(100*time.Second)) },
		"an ended session":      func() error { return s.TouchPresence(ctx, story.ID, eve.ID, eve.Email, t0.Add(100*time.Second)) },
		"another user's":        func() error { return s.TouchPresence(ctx, story.ID, ben.ID, ana.Email, t0.Add(100*time.Second)) },
		"a disabled user's own": func() error { return s.TouchPresence(ctx, story.ID, fay.ID, fay.Email, t0.Add(100*time.Second)) },
	} {
		if err := try(); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("a heartbeat from %s: %v, want ErrNotFound", name, err)
		}
	}
	if got := present(t0.Add(101 * time.Second)); !slices.Equal(got, want) {
		t.Errorf("after the refused heartbeats: %v, want %v", got, want)
	}
}
