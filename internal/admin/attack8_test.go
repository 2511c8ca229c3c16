package admin_test

import (
	"broadsheet/internal/admin"
	"broadsheet/internal/auth"
	"broadsheet/internal/sqlite"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// A writer's uploads are a rate in the store like their saves: a batch at once, then
// a pace, whichever form sends them (the library's, the inline upload), so that no
// account fills the disk or keeps the image processing busy in a loop.
func TestUploadsAreRateLimited(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	b := e.browser()
	b.login("contributor@newsroom.example")
	csrf := b.csrf()
	img := pngImage(8, 8)
	n := 0
	var last resp
	for i := 0; i < 100; i++ {
		if i%2 == 0 {
			last = b.multipartPost("/admin/media/inline", map[string]string{"csrf": csrf, "alt": "A dot"}, "file", "dot.png", img)
		} else {
			last = b.multipartPost("/admin/media", map[string]string{"csrf": csrf, "alt": "A dot"}, "file", "dot.png", img)
		}
		if last.status != http.StatusOK && last.status != http.StatusSeeOther {
			break
		}
		n++
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" || !strings.Contains(last.body, "Nothing was uploaded") {
		t.Fatalf("after %d uploads in a loop: %d, Retry-After %q\n%.300s", n, last.status, last.header.Get("Retry-After"), last.body)
	}
	items, _ := e.db.MediaLibrary(context.Background(), 1000)
	if len(items) != n || n >= 100 {
		t.Errorf("%d uploads accepted, the library holds %d", n, len(items))
	}
	// The editor's featured image upload counts too.
	r := b.multipartPost("/admin/articles", map[string]string{"csrf": csrf, "title": "With a picture", "body": "Text.", "image_alt": "A dot", "action": "save"}, "image_file", "dot.png", img)
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "With a picture") {
		t.Errorf("a featured image upload past the rate: %d\n%.300s", r.status, r.body)
	}
	e.clock.Add(time.Minute)
	if r := b.multipartPost("/admin/media/inline", map[string]string{"csrf": csrf, "alt": "A dot"}, "file", "dot.png", img); r.status != http.StatusOK {
		t.Errorf("an upload a minute later: %d %s", r.status, r.body)
	}
}

// moveArticle moves one article as the list's form does, with the version it has now.
func (b *browser) moveArticle(a *news.Article, action string) resp {
	b.e.t.Helper()
	v := b.e.stored(a.ID).Version
	return b.post("/admin/articles/bulk", url.Values{"csrf": {b.csrf()}, "action": {action}, "ids": {fmt.Sprint(a.ID)}, fmt.Sprintf("v%d", a.ID): {fmt.Sprint(v)}})
}

// A private preview link is for a story before it goes out: publishing it, or moving it
// to the trash, ends its links for good (as WordPress's Public Post Preview does), so
// that a story pulled after publication, or restored from the trash, is not readable
// again by every link once sent to a source or a lawyer.
func TestPreviewLinksEndWhenTheStoryIsPublishedOrTrashed(t *testing.T) {
	e := newEnv(t)
	ed := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login(ed.Email)
	anon := e.browser()

	a := e.storyOf(ed, "Pulled story", news.StatusDraft, time.Time{})
	link := makeLink(t, b, a)
	if r := anon.get(link); r.status != 200 {
		t.Fatalf("the draft's link: %d", r.status)
	}
	if r := b.moveArticle(a, "publish"); r.status != 303 {
		t.Fatalf("publish: %d\n%s", r.status, r.body)
	}
	if r := b.moveArticle(a, "unpublish"); r.status != 303 {
		t.Fatalf("unpublish: %d\n%s", r.status, r.body)
	}
	if r := anon.get(link); r.status != 404 || strings.Contains(r.body, "Pulled story") {
		t.Errorf("the link of a story published then pulled: %d", r.status)
	}

	d := e.storyOf(ed, "Binned draft", news.StatusDraft, time.Time{})
	link = makeLink(t, b, d)
	if r := b.moveArticle(d, "trash"); r.status != 303 {
		t.Fatalf("trash: %d\n%s", r.status, r.body)
	}
	if r := b.moveArticle(d, "restore"); r.status != 303 {
		t.Fatalf("restore: %d\n%s", r.status, r.body)
	}
	if e.stored(d.ID).Status != news.StatusDraft {
		t.Fatalf("restored as %s", e.stored(d.ID).Status)
	}
	if r := anon.get(link); r.status != 404 || strings.Contains(r.body, "Binned draft") {
		t.Errorf("the link of a story trashed then restored: %d", r.status)
	}
	// The story's preview screen lists no link that no longer works.
	if page := b.get(fmt.Sprintf("/admin/articles/%d/preview", d.ID)).body; strings.Contains(page, "/revoke") {
		t.Error("the preview screen still lists an ended link")
	}
}

var accountNoticesRe = regexp.MustCompile(`(?s)<section class="account-notices".*?</section>`)

// accountNotices is what a page tells its reader about changes others made to their
// account, as text ("" when it tells nothing).
func accountNoticesText(page string) string {
	return html.UnescapeString(text(accountNoticesRe.FindString(page)))
}

// An administrator may change another administrator's email, make them a password
// reset link and use it — the way to take an account over — as WordPress allows; the
// person is told at their next sign-in, on every page until they say they have seen it,
// and the log records each change without a secret or an email in it.
func TestAnotherAdministratorsChangesAreToldAndLogged(t *testing.T) {
	logs := &syncBuffer{}
	e := newEnvWith(t, func(c *admin.Config) { c.Logger = slog.New(slog.NewTextHandler(logs, nil)) })
	ctx := context.Background()
	eve := e.addUser(news.RoleAdministrator)
	hash, _ := auth.HashPassword(password)
	bob := &news.User{Email: "bob@newsroom.example", Name: "Bob Admin", Role: news.RoleAdministrator, PasswordHash: hash}
	if err := e.db.CreateUser(ctx, bob); err != nil {
		t.Fatal(err)
	}
	attacker := e.browser()
	attacker.login(eve.Email)
	victim := e.browser()
	victim.login(bob.Email)
	if got := accountNoticesText(victim.get("/admin/").body); got != "" {
		t.Fatalf("told of changes before any: %q", got)
	}

	path := fmt.Sprintf("/admin/users/%d", bob.ID)
	if r := attacker.post(path+"/details", url.Values{"csrf": {attacker.csrf()}, "name": {"Bob Admin"}, "email": {"eve.owns.this@evil.example"}}); r.status != 303 {
		t.Fatalf("change the email: %d", r.status)
	}
	told := accountNoticesText(victim.get("/admin/articles").body)
	if !strings.Contains(told, "The administrator changed your email from bob@newsroom.example to eve.owns.this@evil.example") {
		t.Errorf("after the email change, the victim's next page tells: %q", told)
	}
	r := attacker.post(path+"/reset", url.Values{"csrf": {attacker.csrf()}})
	i := strings.Index(r.body, e.http.URL+"/admin/reset/")
	if r.status != 200 || i < 0 {
		t.Fatalf("reset link: %d", r.status)
	}
	link := r.body[i+len(e.http.URL) : i+strings.Index(r.body[i:], `"`)]
	token := strings.TrimPrefix(link, "/admin/reset/")
	if r := attacker.post(link, url.Values{"password": {"eve's password now"}}); r.status != 303 {
		t.Fatalf("use the link: %d", r.status)
	}
	// The victim is signed out; once they are back (another administrator helps), they
	// are told all three, on whatever page they land.
	if r := victim.get("/admin/"); r.status != 303 {
		t.Fatalf("the victim's session after the reset: %d", r.status)
	}
	back := e.browser()
	if r := back.post("/admin/login", url.Values{"email": {"eve.owns.this@evil.example"}, "password": {"eve's password now"}, "next": {"/admin/comments"}}); r.status != 303 {
		t.Fatalf("sign in: %d", r.status)
	}
	page := back.get("/admin/comments").body
	told = accountNoticesText(page)
	for _, want := range []string{"changed your email", "made a link to reset your password", "Your password was changed through a reset link The administrator made", "tell another administrator"} {
		if !strings.Contains(told, want) {
			t.Errorf("the banner does not say %q: %q", want, told)
		}
	}
	// Seen: gone from every page, and the form needs the session's token.
	m := regexp.MustCompile(`name="upto" value="(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no “I have seen these” form")
	}
	if r := back.post("/admin/account/notices/seen", url.Values{"csrf": {"forged"}, "upto": {m[1]}}); r.status != 403 {
		t.Errorf("a forged mark: %d", r.status)
	}
	if r := back.post("/admin/account/notices/seen", url.Values{"csrf": {back.csrf()}, "upto": {m[1]}, "next": {"//evil.example/"}}); r.status != 303 || r.header.Get("Location") != "/admin/" {
		t.Errorf("mark seen: %d to %q", r.status, r.header.Get("Location"))
	}
	if got := accountNoticesText(back.get("/admin/").body); got != "" {
		t.Errorf("told again after saying seen: %q", got)
	}
	// The one who made the changes is told nothing of their own.
	if got := accountNoticesText(attacker.get("/admin/").body); got != "" {
		t.Errorf("the acting administrator is told: %q", got)
	}
	// The log says who changed what of whom, and holds no email, token or password.
	l := logs.String()
	for _, kind := range []string{"email", "reset_link", "password_reset"} {
		if !strings.Contains(l, fmt.Sprintf(`msg="account changed by someone else" user=%d change=%s by=%d`, bob.ID, kind, eve.ID)) {
			t.Errorf("no log line of the %s change:\n%s", kind, l)
		}
	}
	for _, secret := range []string{"eve.owns.this", "bob@newsroom", token, "eve's password"} {
		if strings.Contains(l, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

// A role changed, an account enabled again and two-step sign-in turned off by an
// administrator are told to the person too.
func TestRoleAndTwoStepChangesAreTold(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(news.RoleAdministrator)
	ed := e.addUser(news.RoleEditor)
	if err := e.db.SetTOTP(ctx, ed.ID, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 1); err != nil {
		t.Fatal(err)
	}
	adm := e.browser()
	adm.login("administrator@newsroom.example")
	path := fmt.Sprintf("/admin/users/%d", ed.ID)
	if r := adm.post(path, url.Values{"csrf": {adm.csrf()}, "role": {"author"}, "disabled": {"1"}}); r.status != 303 {
		t.Fatalf("demote and disable: %d", r.status)
	}
	if r := adm.post(path, url.Values{"csrf": {adm.csrf()}, "role": {"author"}}); r.status != 303 {
		t.Fatalf("enable: %d", r.status)
	}
	if r := adm.post(path+"/two-step", url.Values{"csrf": {adm.csrf()}, "password": {password}}); r.status != 303 {
		t.Fatalf("reset two-step: %d", r.status)
	}
	b := e.browser()
	b.login(ed.Email) // two-step sign-in is off now
	told := accountNoticesText(b.get("/admin/").body)
	for _, want := range []string{"changed your role from editor to author", "enabled your account again", "turned your two-step sign-in off"} {
		if !strings.Contains(told, want) {
			t.Errorf("the banner does not say %q: %q", want, told)
		}
	}
}

// An editor made a moderator (or disabled) keeps a session, but what the editor's desk
// showed them goes: the review requests of stories they may no longer open (a title of a
// draft, on their dashboard and in their menu's count), and their "is also editing"
// presence beside colleagues in the stories they can no longer edit.
func TestADemotedEditorLosesTheDesk(t *testing.T) {
	e := newEnv(t)
	cora := e.addPerson("Cora Contributor", news.RoleContributor)
	eddie := e.addPerson("Eddie Editor", news.RoleEditor)
	erin := e.addPerson("Erin Editor", news.RoleEditor)
	ada := e.addPerson("Ada Admin", news.RoleAdministrator)
	writer, demoted, colleague, admin := e.signedIn(cora), e.signedIn(eddie), e.signedIn(erin), e.signedIn(ada)

	id := createdID(t, writer.post("/admin/articles", url.Values{"csrf": {writer.csrf()}, "action": {"submit"},
		"title": {"Secret merger talks"}, "body": {"Not yet."}}))
	path := fmt.Sprintf("/admin/articles/%d", id)
	if got := menuCount(demoted.get("/admin/").body); got != "1" {
		t.Fatalf("the editor's count before: %q", got)
	}
	version := fmt.Sprint(e.stored(id).Version)
	for _, b := range []*browser{demoted, colleague} {
		if r := b.post(path+"/presence", url.Values{"csrf": {b.csrf()}, "version": {version}}); r.status != 200 {
			t.Fatalf("presence: %d", r.status)
		}
	}
	if r := admin.post(fmt.Sprintf("/admin/users/%d", eddie.ID), url.Values{"csrf": {admin.csrf()}, "role": {"moderator"}}); r.status != 303 {
		t.Fatalf("make a moderator: %d", r.status)
	}
	d := demoted.get("/admin/").body
	if got := menuCount(d); got != "" || strings.Contains(d, "Secret merger talks") {
		t.Errorf("the moderator's dashboard still shows the story in review (count %q)", got)
	}
	if r := demoted.get("/admin/notifications"); strings.Contains(r.body, "Secret merger talks") {
		t.Errorf("the moderator's notifications still name the story in review")
	}
	r := colleague.post(path+"/presence", url.Values{"csrf": {colleague.csrf()}, "version": {version}})
	if r.status != 200 || strings.Contains(r.body, "Eddie Editor") {
		t.Errorf("the colleague is told the moderator is editing the story: %d %s", r.status, r.body)
	}
}

// A password reset link is shown once, to the administrator who made it. When that
// administrator leaves (disabled) or is no longer an administrator, the links they made
// for others end: they must not keep a way into a colleague's account.
func TestResetLinksEndWithTheirMakersAdministratorRole(t *testing.T) {
	for _, c := range []struct {
		name     string
		role     string
		disabled bool
	}{{"disabled", "administrator", true}, {"made an editor", "editor", false}} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			leaver := e.addPerson("Lee Leaving", news.RoleAdministrator)
			e.addPerson("Ada Admin", news.RoleAdministrator)
			ed := e.addUser(news.RoleEditor)
			lb, ab := e.signedIn(leaver), e.browser()
			ab.login("ada@newsroom.example")
			r := lb.post(fmt.Sprintf("/admin/users/%d/reset", ed.ID), url.Values{"csrf": {lb.csrf()}})
			i := strings.Index(r.body, e.http.URL+"/admin/reset/")
			if r.status != 200 || i < 0 {
				t.Fatalf("reset link: %d", r.status)
			}
			link := r.body[i+len(e.http.URL) : i+strings.Index(r.body[i:], `"`)]
			form := url.Values{"csrf": {ab.csrf()}, "role": {c.role}}
			if c.disabled {
				form.Set("disabled", "1")
			}
			if r := ab.post(fmt.Sprintf("/admin/users/%d", leaver.ID), form); r.status != 303 {
				t.Fatalf("change the maker's access: %d", r.status)
			}
			if r := e.browser().post(link, url.Values{"password": {"the leaver's way in"}}); r.status != 404 {
				t.Errorf("the link after its maker was %s: %d", c.name, r.status)
			}
			if r := e.browser().post("/admin/login", url.Values{"email": {ed.Email}, "password": {password}}); r.status != 303 {
				t.Errorf("the editor's own password after: %d", r.status)
			}
		})
	}
}

// A renamed tag's old address answers 301 (cached) until a new tag takes that address
// again: then its own page shows, not the redirect cached before.
func TestANewTagTakesBackAFormerTagAddress(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.article.Tags = []*news.Tag{{Name: "Climate"}}
	e.article.Version = news.AnyVersion
	if err := e.db.UpdateArticle(ctx, e.article); err != nil {
		t.Fatal(err)
	}
	ed := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login(ed.Email)
	climate, _ := e.db.TagBySlug(ctx, "climate")
	if r := b.post(fmt.Sprintf("/admin/tags/%d", climate.ID), url.Values{"csrf": {b.csrf()}, "name": {"Climate crisis"}}); r.status != 303 {
		t.Fatalf("rename: %d", r.status)
	}
	pub := e.browser()
	if r := pub.get("/tag/climate/"); r.status != 301 {
		t.Fatalf("old address: %d", r.status)
	}
	if _, r := b.write("/admin/articles", "publish", map[string]string{"title": "Climate, the science", "body": "Text.", "tags": "Climate"}); r.status != 303 {
		t.Fatalf("publish with the tag: %d\n%s", r.status, firstLine(r.body, "error"))
	}
	if got, err := e.db.TagBySlug(ctx, "climate"); err != nil || got.ID == climate.ID {
		t.Fatalf("the new tag: %+v %v", got, err)
	}
	r := pub.get("/tag/climate/")
	if r.status != 200 || !strings.Contains(r.body, "Climate, the science") {
		t.Errorf("the new tag's address: %d %q", r.status, r.header.Get("Location"))
	}
}

// sectionStore is the database, with a section deleted (as an editor on the Sections
// screen would) right before an article's write: the race of a save with a deletion.
type sectionStore struct {
	*sqlite.DB
	del func()
}

func (s sectionStore) UpdateArticle(ctx context.Context, a *news.Article) error {
	if s.del != nil {
		s.del()
	}
	return s.DB.UpdateArticle(ctx, a)
}

// A section deleted (its stories moved) is not brought back by a save: neither by a
// form loaded before the deletion, nor by one whose write comes right after it. The
// writer is told, with the text kept, and the story stays where the deletion moved it.
func TestASectionDeletedIsNotBroughtBackByASave(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addSections("Sport", "World")
	sport, _ := e.db.SectionBySlug(ctx, "sport")
	world, _ := e.db.SectionBySlug(ctx, "world")
	ed := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login(ed.Email)
	id, r := b.write("/admin/articles", "save", map[string]string{"title": "Cup final", "body": "Text.", "section": "Sport"})
	if id == 0 {
		t.Fatalf("save: %d", r.status)
	}
	path := fmt.Sprintf("/admin/articles/%d", id)
	version := fmt.Sprint(e.stored(id).Version)
	// Another editor deletes Sport, moving its stories to World.
	if r := b.post(fmt.Sprintf("/admin/sections/%d/delete", sport.ID), url.Values{"csrf": {b.csrf()}, "move_to": {fmt.Sprint(world.ID)}, "confirm": {"1"}}); r.status != 303 {
		t.Fatalf("delete the section: %d\n%s", r.status, firstLine(r.body, "error"))
	}
	if a := e.stored(id); a.Section == nil || a.Section.ID != world.ID {
		t.Fatalf("the story after the deletion: %+v", a.Section)
	}
	// The form loaded before it is saved.
	r = b.post(path, url.Values{"csrf": {b.csrf()}, "action": {"save"}, "version": {version}, "title": {"Cup final, extra time"}, "body": {"Text."}, "section": {"Sport"}})
	if r.status != 422 || !strings.Contains(r.body, "There is no section “Sport”") || !strings.Contains(r.body, "Cup final, extra time") {
		t.Errorf("a save naming the deleted section: %d\n%s", r.status, firstLine(r.body, "error"))
	}
	if _, err := e.db.SectionBySlug(ctx, "sport"); err == nil {
		t.Fatal("the deleted section is back")
	}

	// The race: the section is deleted between the form's reading and the write.
	e.addSections("Arts")
	arts, _ := e.db.SectionBySlug(ctx, "arts")
	cur := e.stored(id)
	racing := httptest.NewServer(nil)
	t.Cleanup(racing.Close)
	adm, err := admin.New(sectionStore{e.db, func() {
		if err := e.db.DeleteSection(ctx, arts.ID, world.ID); err != nil && !errors.Is(err, news.ErrNotFound) {
			t.Error(err)
		}
	}}, e.site, e.site.Secret(), admin.Config{BaseURL: racing.URL, ArticlePath: e.site.ArticlePath, Location: e.site.Location, Now: e.clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	racing.Config.Handler = adm
	form := url.Values{"csrf": {b.csrf()}, "action": {"save"}, "version": {fmt.Sprint(cur.Version)}, "title": {"Cup final, on stage"}, "body": {"Text."}, "section": {"Arts"}}
	req, _ := http.NewRequest("POST", racing.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r = b.send(req) // the same host: the browser sends the session's cookie
	if r.status != 422 || !strings.Contains(r.body, "There is no section “Arts”") || !strings.Contains(r.body, "Cup final, on stage") {
		t.Errorf("a save racing the section's deletion: %d\n%s", r.status, firstLine(r.body, "error"))
	}
	if _, err := e.db.SectionBySlug(ctx, "arts"); err == nil {
		t.Error("the section deleted during the save is back")
	}
	if a := e.stored(id); a.Title != "Cup final" || a.Section == nil || a.Section.ID != world.ID {
		t.Errorf("the story after the racing save: %q in %+v", a.Title, a.Section)
	}
}

// Restoring a version filed in a section deleted since keeps the story where it is,
// and says so: the restore does not bring the section back.
func TestRestoreDoesNotBringBackADeletedSection(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addSections("Sport", "World")
	sport, _ := e.db.SectionBySlug(ctx, "sport")
	world, _ := e.db.SectionBySlug(ctx, "world")
	ed := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login(ed.Email)
	id, _ := b.write("/admin/articles", "save", map[string]string{"title": "Cup final", "body": "First text.", "section": "Sport"})
	path := fmt.Sprintf("/admin/articles/%d", id)
	if _, r := b.write(path, "save", map[string]string{"title": "Cup final", "body": "Second text.", "section": "World"}); r.status != 303 {
		t.Fatalf("second save: %d", r.status)
	}
	if err := e.db.DeleteSection(ctx, sport.ID, 0); err != nil {
		t.Fatal(err)
	}
	revs, _, _ := e.db.RevisionPage(ctx, id, 10, 0)
	first := revs[len(revs)-1]
	if first.Section != "Sport" {
		t.Fatalf("the first version's section: %q", first.Section)
	}
	r := b.post(fmt.Sprintf("%s/restore/%d", path, first.ID), url.Values{"csrf": {b.csrf()}, "version": {fmt.Sprint(e.stored(id).Version)}})
	if r.status != 303 {
		t.Fatalf("restore: %d\n%s", r.status, firstLine(r.body, "error"))
	}
	if msg := b.told(r); !strings.Contains(msg, "Its section “Sport” no longer exists, so the story stays where it is.") {
		t.Errorf("the restore says: %q", msg)
	}
	a := e.stored(id)
	if a.BodyMarkdown != "First text." || a.Section == nil || a.Section.ID != world.ID {
		t.Errorf("after the restore: %q in %+v", a.BodyMarkdown, a.Section)
	}
	if _, err := e.db.SectionBySlug(ctx, "sport"); err == nil {
		t.Error("the restore brought the deleted section back")
	}
}

// Changing one's own password takes the current one (Your account); a reset link for
// oneself would not, so whoever holds an administrator's session — a browser left open,
// a stolen cookie — could choose a new password and lock the owner out. No such link
// is made.
func TestNoResetLinkForOnesOwnAccount(t *testing.T) {
	e := newEnv(t)
	me := e.addUser(news.RoleAdministrator)
	e.addPerson("Other Admin", news.RoleAdministrator)
	b := e.browser()
	b.login(me.Email)
	path := fmt.Sprintf("/admin/users/%d", me.ID)
	if page := b.get(path + "/edit").body; strings.Contains(page, `action="`+path+`/reset"`) {
		t.Error("one's own page offers a reset link")
	}
	r := b.post(path+"/reset", url.Values{"csrf": {b.csrf()}})
	if r.status != http.StatusConflict || strings.Contains(r.body, "/admin/reset/") || !strings.Contains(r.body, "Your account") {
		t.Fatalf("a reset link for oneself: %d\n%s", r.status, firstLine(r.body, "error"))
	}
}

// mediaStore is the database, with a library item deleted right before an article's
// write (as an editor deleting an image that no saved story uses yet would): the race of
// a save with a deletion.
type mediaStore struct {
	*sqlite.DB
	del func()
}

func (s mediaStore) UpdateArticle(ctx context.Context, a *news.Article) error {
	if s.del != nil {
		s.del()
	}
	return s.DB.UpdateArticle(ctx, a)
}

// Deleting a library image is refused while a saved story uses it; and once deleted,
// no save may name it: not text typed before the deletion with the image in it, nor a
// featured image chosen before it and saved right after. The writer is told, with the
// text kept; no story shows a broken image.
func TestADeletedImageIsNotSavedIntoAStory(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ed := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login(ed.Email)
	id, r := b.write("/admin/articles", "save", map[string]string{"title": "Harbour", "body": "Text."})
	if id == 0 {
		t.Fatalf("save: %d", r.status)
	}
	path := fmt.Sprintf("/admin/articles/%d", id)

	// Text with an inline image, typed while the image was unused, saved after its deletion.
	inline := e.upload(b, "Boats")
	if r := b.post(fmt.Sprintf("/admin/media/%d/delete", inline.ID), url.Values{"csrf": {b.csrf()}}); r.status != 303 {
		t.Fatalf("delete the unused image: %d", r.status)
	}
	body := "Text.\n\n![Boats](/media/" + inline.Name + ")"
	if _, r := b.write(path, "save", map[string]string{"title": "Harbour", "body": body}); r.status != 422 || !strings.Contains(r.body, "deleted from the library") || !strings.Contains(r.body, "/media/"+inline.Name) {
		t.Errorf("a save naming a deleted image in its text: %d\n%s", r.status, firstLine(r.body, "error"))
	}
	if a := e.stored(id); strings.Contains(a.BodyMarkdown, inline.Name) {
		t.Error("the story names the deleted image")
	}

	// A featured image chosen before its deletion, the write right after it.
	featured := e.upload(b, "Cranes")
	racing := httptest.NewServer(nil)
	t.Cleanup(racing.Close)
	adm, err := admin.New(mediaStore{e.db, func() {
		if err := e.db.DeleteMedia(ctx, featured.ID); err != nil && !errors.Is(err, news.ErrNotFound) {
			t.Error(err)
		}
	}}, e.site, e.site.Secret(), admin.Config{BaseURL: racing.URL, ArticlePath: e.site.ArticlePath, Location: e.site.Location, Now: e.clock.Now,
		Media: e.files, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	racing.Config.Handler = adm
	form := url.Values{"csrf": {b.csrf()}, "action": {"save"}, "version": {fmt.Sprint(e.stored(id).Version)}, "title": {"Harbour, pictured"}, "body": {"Text."},
		"image_media": {fmt.Sprint(featured.ID)}, "image_alt": {"Cranes"}}
	req, _ := http.NewRequest("POST", racing.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r = b.send(req)
	if r.status != 422 || !strings.Contains(r.body, "deleted from the library") || !strings.Contains(r.body, "Harbour, pictured") {
		t.Errorf("a save racing the image's deletion: %d\n%s", r.status, firstLine(r.body, "error"))
	}
	if a := e.stored(id); a.FeaturedImage != nil || a.Title != "Harbour" {
		t.Errorf("after the racing save: %q with %+v", a.Title, a.FeaturedImage)
	}
}

// The users screen's row form says the access it was loaded with: an administrator's
// row left open while another disabled the account does not enable it again by
// changing its role (a lost update: a dismissed employee let back in).
func TestAStaleUsersRowDoesNotUndoADisable(t *testing.T) {
	e := newEnv(t)
	e.addPerson("Ada Admin", news.RoleAdministrator)
	e.addPerson("Bea Admin", news.RoleAdministrator)
	leaver := e.addPerson("Lee Leaving", news.RoleEditor)
	ada, bea := e.browser(), e.browser()
	ada.login("ada@newsroom.example")
	bea.login("bea@newsroom.example")
	page := ada.get("/admin/users").body // Ada's page, loaded while Lee is an active editor
	m := regexp.MustCompile(fmt.Sprintf(`action="/admin/users/%d" class="actions">\s*<input type="hidden" name="csrf" value="[^"]+"><input type="hidden" name="was" value="([^"]*)">`, leaver.ID)).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no row form for Lee with the access it shows:\n%s", page)
	}
	if r := bea.post(fmt.Sprintf("/admin/users/%d", leaver.ID), url.Values{"csrf": {bea.csrf()}, "was": {"editor"}, "role": {"editor"}, "disabled": {"1"}}); r.status != 303 {
		t.Fatalf("Bea disables Lee: %d", r.status)
	}
	r := ada.post(fmt.Sprintf("/admin/users/%d", leaver.ID), url.Values{"csrf": {ada.csrf()}, "was": {m[1]}, "role": {"author"}})
	if r.status != http.StatusConflict || !strings.Contains(r.body, "changed by someone else") {
		t.Errorf("Ada's row saved after Lee was disabled: %d", r.status)
	}
	if u, _ := e.db.User(context.Background(), leaver.ID); !u.Disabled || u.Role != news.RoleEditor {
		t.Errorf("Lee after Ada's stale save: %s, disabled %v", u.Role, u.Disabled)
	}
}

// A version that showed an image deleted since is not restored (the story would show it
// broken): the editor is told why, and the story stays as it is.
func TestRestoreOfAVersionWithADeletedImageIsRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ed := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login(ed.Email)
	img := e.upload(b, "Boats")
	id, _ := b.write("/admin/articles", "save", map[string]string{"title": "Harbour", "body": "![Boats](/media/" + img.Name + ")"})
	path := fmt.Sprintf("/admin/articles/%d", id)
	if _, r := b.write(path, "save", map[string]string{"title": "Harbour", "body": "No picture now."}); r.status != 303 {
		t.Fatalf("second save: %d", r.status)
	}
	if r := b.post(fmt.Sprintf("/admin/media/%d/delete", img.ID), url.Values{"csrf": {b.csrf()}}); r.status != 303 {
		t.Fatalf("delete the image no story uses now: %d", r.status)
	}
	revs, _, _ := e.db.RevisionPage(ctx, id, 10, 0)
	r := b.post(fmt.Sprintf("%s/restore/%d", path, revs[len(revs)-1].ID), url.Values{"csrf": {b.csrf()}, "version": {fmt.Sprint(e.stored(id).Version)}})
	if r.status != 422 || !strings.Contains(r.body, "deleted from the library") {
		t.Errorf("restoring the version with the deleted image: %d\n%s", r.status, firstLine(r.body, "deleted"))
	}
	if a := e.stored(id); a.BodyMarkdown != "No picture now." {
		t.Errorf("the story after the refused restore: %q", a.BodyMarkdown)
	}
}

// One's own email — what one signs in with — changes only with one's current password,
// as one's password does: whoever holds an administrator's open session cannot take the
// sign-in away from its owner. Another's email and one's own name need none.
func TestOwnEmailChangeNeedsThePassword(t *testing.T) {
	e := newEnv(t)
	me := e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login(me.Email)
	path := fmt.Sprintf("/admin/users/%d/details", me.ID)
	r := b.post(path, url.Values{"csrf": {b.csrf()}, "name": {me.Name}, "email": {"thief@evil.example"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "current password") {
		t.Errorf("own email changed without the password: %d", r.status)
	}
	r = b.post(path, url.Values{"csrf": {b.csrf()}, "name": {me.Name}, "email": {"thief@evil.example"}, "current": {"a wrong guess"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("own email changed with a wrong password: %d", r.status)
	}
	if u, _ := e.db.User(context.Background(), me.ID); u.Email != me.Email {
		t.Fatalf("the email is now %q", u.Email)
	}
	if r := b.post(path, url.Values{"csrf": {b.csrf()}, "name": {"Renamed Admin"}, "email": {strings.ToUpper(me.Email)}}); r.status != 303 {
		t.Errorf("own name changed (email as typed, same address): %d", r.status)
	}
	if r := b.post(path, url.Values{"csrf": {b.csrf()}, "name": {"Renamed Admin"}, "email": {"me@newsroom.example"}, "current": {password}}); r.status != 303 {
		t.Errorf("own email with the password: %d", r.status)
	}
	if u, _ := e.db.User(context.Background(), me.ID); u.Email != "me@newsroom.example" {
		t.Errorf("the email is %q", u.Email)
	}
}
