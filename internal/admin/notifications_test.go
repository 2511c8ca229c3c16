package admin_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
)

// addPerson adds a user with a name and role of the test's choosing.
func (e *env) addPerson(name string, role news.Role) *news.User {
	e.t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		e.t.Fatal(err)
	}
	u := &news.User{Email: strings.ToLower(strings.Fields(name)[0]) + "@newsroom.example", Name: name, Role: role, PasswordHash: hash}
	if err := e.db.CreateUser(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) signedIn(u *news.User) *browser {
	e.t.Helper()
	b := e.browser()
	b.login(u.Email)
	return b
}

// menuCount is the unread count the menu's Dashboard link shows ("" for none).
var menuCountRe = regexp.MustCompile(`>Dashboard <span class="badge">([^<]+)<span class="visually-hidden"> unread notifications</span></span></a>`)

func menuCount(page string) string {
	if m := menuCountRe.FindStringSubmatch(page); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// createdID is the article a save redirected to.
func createdID(t *testing.T, r resp) int64 {
	t.Helper()
	m := regexp.MustCompile(`^/admin/articles/(\d+)`).FindStringSubmatch(r.header.Get("Location"))
	if r.status != 303 || m == nil {
		t.Fatalf("save: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

var noticeIDRe = regexp.MustCompile(`name="id" value="(\d+)"`)

// The newsroom's round trip over HTTP on a real database: a contributor submits; every
// editor (and only those who may publish it) sees it on the dashboard, the menu saying
// 1; an editor sends it back with a note, which reaches the writer's dashboard, menu and
// editor, and no longer asks the other editors' attention; the writer resubmits (the
// note goes); an editor publishes and the writer is told, with a link to the story.
func TestSubmitSendBackPublishNotifiesTheNewsroom(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cora := e.addPerson("Cora Contributor", news.RoleContributor)
	other := e.addPerson("Otto Contributor", news.RoleContributor)
	aria := e.addPerson("Aria Author", news.RoleAuthor)
	eddie := e.addPerson("Eddie Editor", news.RoleEditor)
	ada := e.addPerson("Ada Admin", news.RoleAdministrator)
	gone := e.addPerson("Gone Editor", news.RoleEditor)
	if err := e.db.SetAccess(ctx, gone.ID, news.RoleEditor, true); err != nil {
		t.Fatal(err)
	}
	writer, ed, admin, author, stranger := e.signedIn(cora), e.signedIn(eddie), e.signedIn(ada), e.signedIn(aria), e.signedIn(other)

	id := createdID(t, writer.post("/admin/articles", url.Values{"csrf": {writer.csrf()}, "action": {"submit"},
		"title": {"Harbour <b>dredging</b> delayed"}, "body": {"The barge is late."}}))
	editorPath := fmt.Sprintf("/admin/articles/%d", id)

	for who, b := range map[string]*browser{"the editor": ed, "the administrator": admin} {
		d := b.get("/admin/").body
		if got := menuCount(d); got != "1" {
			t.Errorf("%s's menu count: %q, want 1", who, got)
		}
		if !strings.Contains(d, `Cora Contributor submitted <a href="`+editorPath+`">“Harbour &lt;b&gt;dredging&lt;/b&gt; delayed”</a> for review.`) {
			t.Errorf("%s's dashboard does not list the submission with a link:\n%s", who, d)
		}
	}
	for who, b := range map[string]*browser{"the writer who submitted": writer, "an author (may not publish others')": author, "another contributor": stranger} {
		d := b.get("/admin/").body
		if got := menuCount(d); got != "" || strings.Contains(d, "submitted <a") {
			t.Errorf("%s is notified of the submission (count %q)", who, got)
		}
	}
	if n, _ := e.db.CountUnreadNotifications(ctx, gone.ID, 10); n != 0 {
		t.Errorf("a disabled editor was notified")
	}
	// A writer's dashboard lists only their own stories in review.
	if d := stranger.get("/admin/").body; strings.Contains(d, "Harbour") {
		t.Errorf("another contributor's dashboard shows the story in review:\n%s", d)
	}

	// The send-back form is the editors'; a writer has none, and may not post it.
	if !strings.Contains(ed.get(editorPath).body, `action="`+editorPath+`/send-back"`) {
		t.Fatal("the editor's view of a story in review has no send-back form")
	}
	if strings.Contains(writer.get(editorPath).body, "/send-back") {
		t.Error("the writer is offered to send their own story back")
	}
	if r := writer.post(editorPath+"/send-back", url.Values{"csrf": {writer.csrf()}, "note": {"x"}, "version": {"1"}}); r.status != 403 || e.stored(id).Status != news.StatusReview {
		t.Errorf("a contributor sends back: %d, status %s", r.status, e.stored(id).Status)
	}
	// Without the form's token, nothing happens; without a note, the editor is asked for one.
	version := strconv.FormatInt(e.stored(id).Version, 10)
	if r := ed.post(editorPath+"/send-back", url.Values{"note": {"Fix it"}, "version": {version}}); r.status != 403 || e.stored(id).Status != news.StatusReview {
		t.Errorf("a send-back without CSRF: %d", r.status)
	}
	r := ed.post(editorPath+"/send-back", url.Values{"csrf": {ed.csrf()}, "note": {"  \n "}, "version": {version}})
	if r.status != 422 || !strings.Contains(r.body, "Write a note") || e.stored(id).Status != news.StatusReview {
		t.Errorf("a send-back without a note: %d, status %s", r.status, e.stored(id).Status)
	}
	// A stale version is refused with the note given back.
	r = ed.post(editorPath+"/send-back", url.Values{"csrf": {ed.csrf()}, "note": {"Kept words"}, "version": {"99"}})
	if r.status != 409 || !strings.Contains(r.body, "Kept words</textarea>") || e.stored(id).Status != news.StatusReview {
		t.Errorf("a stale send-back: %d, note kept %v", r.status, strings.Contains(r.body, "Kept words</textarea>"))
	}

	note := "Please add the harbour master's comment.\n<script>alert(1)</script>"
	r = ed.post(editorPath+"/send-back", url.Values{"csrf": {ed.csrf()}, "note": {note}, "version": {version}})
	if r.status != 303 || r.header.Get("Location") != editorPath || !strings.Contains(ed.get(editorPath).body, "Sent back to Cora Contributor") {
		t.Fatalf("send back: %d %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if st := e.stored(id).Status; st != news.StatusDraft {
		t.Errorf("sent back, the story is %s, want draft", st)
	}
	escaped := "Please add the harbour master&#39;s comment.\n&lt;script&gt;alert(1)&lt;/script&gt;"
	d := writer.get("/admin/").body
	if menuCount(d) != "1" || !strings.Contains(d, `Eddie Editor sent <a href="`+editorPath+`">`) || !strings.Contains(d, escaped) {
		t.Errorf("the writer's dashboard after the send-back (count %q):\n%s", menuCount(d), d)
	}
	page := writer.get(editorPath).body
	if !strings.Contains(page, `class="sent-back"`) || !strings.Contains(page, escaped) {
		t.Errorf("the writer's editor does not show the note at the top:\n%s", page)
	}
	if menuCount(admin.get("/admin/").body) != "" || menuCount(ed.get("/admin/").body) != "" {
		t.Error("the review request still counts for editors once the story was sent back")
	}

	// The writer dismisses the note: gone from the count and the editor.
	m := regexp.MustCompile(`name="id" value="(\d+)"><input type="hidden" name="dismiss"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no dismiss form")
	}
	r = writer.post("/admin/notifications/read", url.Values{"csrf": {writer.csrf()}, "id": {m[1]}, "dismiss": {"1"}, "next": {editorPath}})
	if r.status != 303 || r.header.Get("Location") != editorPath {
		t.Errorf("dismiss: %d %q", r.status, r.header.Get("Location"))
	}
	if page := writer.get(editorPath).body; strings.Contains(page, `class="sent-back"`) || menuCount(page) != "" || !strings.Contains(page, "Note dismissed") {
		t.Error("the dismissed note is still shown or counted")
	}
	// …but the writer's full list keeps it, read.
	if all := writer.get("/admin/notifications").body; !strings.Contains(all, escaped) || strings.Contains(all, "notice unread") {
		t.Errorf("the full list:\n%s", all)
	}

	// Resubmitted: the editors are asked again.
	r = writer.post(editorPath, url.Values{"csrf": {writer.csrf()}, "action": {"submit"}, "title": {"Harbour dredging delayed"},
		"body": {"The barge is late, said the harbour master."}, "version": {strconv.FormatInt(e.stored(id).Version, 10)}})
	if r.status != 303 {
		t.Fatalf("resubmit: %d\n%s", r.status, r.body)
	}
	if got := menuCount(ed.get("/admin/").body); got != "1" {
		t.Errorf("after resubmission, the editor's count: %q", got)
	}

	// Published by the editor: the writer is told, the story linked on the site (a
	// contributor may not open a published story in the editor).
	r = ed.post(editorPath, url.Values{"csrf": {ed.csrf()}, "action": {"publish"}, "title": {"Harbour dredging delayed"},
		"body": {"The barge is late, said the harbour master."}, "version": {strconv.FormatInt(e.stored(id).Version, 10)}})
	if r.status != 303 || e.stored(id).Status != news.StatusPublished {
		t.Fatalf("publish: %d\n%s", r.status, r.body)
	}
	d = writer.get("/admin/").body
	public := e.site.ArticlePath(e.stored(id))
	if menuCount(d) != "1" || !strings.Contains(d, `Eddie Editor published <a href="`+public+`">“Harbour dredging delayed”</a>.`) {
		t.Errorf("the writer is not told of the publication (count %q):\n%s", menuCount(d), d)
	}
	if menuCount(ed.get("/admin/").body) != "" {
		t.Error("the published story's review request still counts")
	}

	// Marking read: only one's own.
	ids := noticeIDRe.FindAllStringSubmatch(d, -1)
	if len(ids) == 0 {
		t.Fatal("no mark-read form on the writer's dashboard")
	}
	edList, _, _ := e.db.Notifications(ctx, news.NotificationQuery{UserID: eddie.ID, Unread: true})
	if len(edList) == 0 {
		t.Fatal("set-up: the editor has no unread notification")
	}
	r = writer.post("/admin/notifications/read", url.Values{"csrf": {writer.csrf()}, "id": {strconv.FormatInt(edList[0].ID, 10)}, "next": {"/admin/"}})
	if r.status != 303 {
		t.Errorf("mark another's: %d", r.status)
	}
	if after, _, _ := e.db.Notifications(ctx, news.NotificationQuery{UserID: eddie.ID, Unread: true}); len(after) != len(edList) {
		t.Errorf("the writer marked the editor's notification read")
	}
	if r := writer.post("/admin/notifications/read", url.Values{"id": {ids[0][1]}, "next": {"/admin/"}}); r.status != 403 {
		t.Errorf("mark read without CSRF: %d", r.status)
	}
	r = writer.post("/admin/notifications/read", url.Values{"csrf": {writer.csrf()}, "id": {ids[0][1]}, "next": {"https://evil.example/"}})
	if r.status != 303 || r.header.Get("Location") != "/admin/" {
		t.Errorf("mark read: %d to %q (must stay in the admin)", r.status, r.header.Get("Location"))
	}
	if d := writer.get("/admin/").body; menuCount(d) != "" || !strings.Contains(d, "Nothing new.") {
		t.Errorf("after marking read, count %q", menuCount(d))
	}

	// The story goes to the trash: its notifications ask for nobody's attention, and the
	// list says where it went without a link the writer could not follow.
	e.db.Notify(ctx, news.Notification{Kind: news.NotifyPublished, ArticleID: id, ActorID: eddie.ID, ActorName: "Eddie Editor"}, []int64{cora.ID})
	if menuCount(writer.get("/admin/").body) != "1" {
		t.Fatal("set-up: a fresh notification")
	}
	r = ed.post(editorPath, url.Values{"csrf": {ed.csrf()}, "action": {"trash"}, "title": {"Harbour dredging delayed"},
		"body": {"x"}, "version": {strconv.FormatInt(e.stored(id).Version, 10)}})
	if r.status != 303 || e.stored(id).Status != news.StatusTrash {
		t.Fatalf("trash: %d", r.status)
	}
	if d := writer.get("/admin/").body; menuCount(d) != "" {
		t.Errorf("a trashed story's notification still counts: %q", menuCount(d))
	}
	if all := writer.get("/admin/notifications").body; !strings.Contains(all, "<strong>“Harbour dredging delayed”</strong>") || !strings.Contains(all, "now in the trash") {
		t.Errorf("the full list after trashing:\n%s", all)
	}
}

// An editor schedules an author's story: the author is told when, in the site's zone
// with its label; rescheduling replaces the notice with the new time, an unchanged save tells nothing.
func TestSchedulingTellsTheWriterWhen(t *testing.T) {
	e := newEnv(t)
	e.inZone("America/New_York")
	aria := e.addPerson("Aria Author", news.RoleAuthor)
	eddie := e.addPerson("Eddie Editor", news.RoleEditor)
	writer, ed := e.signedIn(aria), e.signedIn(eddie)
	id := createdID(t, writer.post("/admin/articles", url.Values{"csrf": {writer.csrf()}, "action": {"submit"}, "title": {"Regatta"}, "body": {"Sails."}}))
	path := fmt.Sprintf("/admin/articles/%d", id)
	form := func(published string) url.Values {
		return url.Values{"csrf": {ed.csrf()}, "action": {"publish"}, "title": {"Regatta"}, "body": {"Sails."}, "published": {published},
			"published_zone": {"America/New_York"}, "version": {strconv.FormatInt(e.stored(id).Version, 10)}}
	}
	if r := ed.post(path, form("2025-07-04T09:30")); r.status != 303 || e.stored(id).Status != news.StatusScheduled {
		t.Fatalf("schedule: %d %s", r.status, e.stored(id).Status)
	}
	d := writer.get("/admin/").body
	want := `Eddie Editor scheduled <a href="` + path + `">“Regatta”</a> to be published <time datetime="2025-07-04T13:30:00Z">Friday 4 July 2025, 09:30 EDT</time>.`
	if menuCount(d) != "1" || !strings.Contains(d, want) {
		t.Errorf("the author's dashboard (count %q) lacks %s:\n%s", menuCount(d), want, d)
	}
	// An unchanged save tells nobody; a new time tells again.
	f := form("2025-07-04T09:30")
	f.Set("action", "save")
	f.Set("published_at", "2025-07-04T13:30:00Z")
	if r := ed.post(path, f); r.status != 303 {
		t.Fatalf("update: %d", r.status)
	}
	if n, _ := e.db.CountUnreadNotifications(context.Background(), aria.ID, 10); n != 1 {
		t.Errorf("an unchanged schedule notified again: %d unread", n)
	}
	f = form("2025-07-05T10:00")
	f.Set("action", "save")
	if r := ed.post(path, f); r.status != 303 {
		t.Fatalf("reschedule: %d", r.status)
	}
	if d := writer.get("/admin/").body; menuCount(d) != "1" || !strings.Contains(d, "Saturday 5 July 2025, 10:00 EDT") || strings.Contains(d, "4 July") {
		t.Errorf("rescheduled (count %q):\n%s", menuCount(d), d)
	}
	// The author schedules their own story: nobody is told (they did it).
	id2 := createdID(t, writer.post("/admin/articles", url.Values{"csrf": {writer.csrf()}, "action": {"publish"}, "title": {"Own"}, "body": {"x"},
		"published": {"2025-08-01T09:00"}, "published_zone": {"America/New_York"}}))
	if e.stored(id2).Status != news.StatusScheduled {
		t.Fatal("set-up: not scheduled")
	}
	if n, _ := e.db.CountUnreadNotifications(context.Background(), aria.ID, 10); n != 1 {
		t.Errorf("one's own schedule notified: %d unread", n)
	}
}

// The menu's count is bounded ("9+") and the dashboard shows the newest ten, with how
// many more and a full list that pages.
func TestNotificationCountIsBounded(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	eddie := e.addPerson("Eddie Editor", news.RoleEditor)
	for i := range 25 {
		a := &news.Article{Slug: fmt.Sprintf("story-%d", i), Title: fmt.Sprintf("Story %d", i), Status: news.StatusReview}
		if err := e.db.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := e.db.Notify(ctx, news.Notification{Kind: news.NotifySubmitted, ArticleID: a.ID, ActorName: "Cora", CreatedAt: e.clock.Now().Add(time.Duration(i) * time.Minute)}, []int64{eddie.ID}); err != nil {
			t.Fatal(err)
		}
	}
	b := e.signedIn(eddie)
	d := b.get("/admin/").body
	if got := menuCount(d); got != "9+" {
		t.Errorf("menu count %q, want 9+", got)
	}
	if n := strings.Count(d, `class="notice unread"`); n != 10 || !strings.Contains(d, "15 more unread") || !strings.Contains(d, "“Story 24”") {
		t.Errorf("the dashboard shows %d notifications (want the newest 10 and “15 more unread”)", n)
	}
	all := b.get("/admin/notifications").body
	if n := strings.Count(all, `class="notice unread"`); n != 20 || !strings.Contains(all, "Page 1 of 2") || !strings.Contains(all, `href="/admin/notifications?page=2"`) {
		t.Errorf("the full list's first page shows %d", n)
	}
	if p2 := b.get("/admin/notifications?page=2").body; strings.Count(p2, `class="notice unread"`) != 5 {
		t.Errorf("page 2 shows %d", strings.Count(p2, `class="notice unread"`))
	}
	r := b.post("/admin/notifications/read", url.Values{"csrf": {b.csrf()}, "all": {"1"}, "next": {"/admin/notifications"}})
	if r.status != 303 || r.header.Get("Location") != "/admin/notifications" || !strings.Contains(b.get("/admin/notifications").body, "25 notifications marked") {
		t.Errorf("mark all: %d %q", r.status, r.header.Get("Location"))
	}
	if menuCount(b.get("/admin/").body) != "" {
		t.Error("count after marking all read")
	}
}
