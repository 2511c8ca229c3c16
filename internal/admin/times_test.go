package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// inZone sets the site's time zone as an administrator's settings save does.
func (e *env) inZone(zone string) {
	e.t.Helper()
	if err := e.db.SetSettings(context.Background(), map[string]string{news.SettingTimezone: zone}); err != nil {
		e.t.Fatal(err)
	}
	if err := e.site.Sync(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// flash follows a save's redirect and returns the page's confirmation, as text.
func (b *browser) flash(r resp) string {
	b.e.t.Helper()
	loc := r.header.Get("Location")
	if loc == "" {
		b.e.t.Fatalf("no redirect: %d", r.status)
	}
	page := b.get(loc).body
	m := regexp.MustCompile(`(?s)<p class="flash" role="status">(.*?)</p>`).FindStringSubmatch(page)
	if m == nil {
		b.e.t.Fatalf("no confirmation on %s", loc)
	}
	return m[1]
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

func text(html string) string { return tagRe.ReplaceAllString(html, "") }

// A time typed into the spring-forward gap is not stored an hour before it as if
// nothing happened: the editor is told that it does not exist, nothing is saved and
// nothing typed is lost; choosing one of the two times offered schedules it, and the
// confirmation names the time.
func TestTimeInTheGapIsNotMovedSilently(t *testing.T) {
	e := newEnv(t)
	e.inZone("America/New_York")
	e.clock.Add(time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC).Sub(e.clock.Now()))
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	fields := map[string]string{"title": "Clocks go forward", "body": "Spring.", "published": "2027-03-14T02:30"}
	id, r := b.write("/admin/articles", "publish", fields)
	if id != 0 {
		t.Fatalf("a time that does not exist was saved as %v", e.stored(id).PublishedAt.UTC())
	}
	if r.status != 422 || !strings.Contains(text(r.body), "14 March 2027 02:30 does not exist in America/New_York (clocks go forward from 02:00 EST to 03:00 EDT)") ||
		!strings.Contains(text(r.body), "03:30 EDT") || !strings.Contains(text(r.body), "01:30 EST") {
		t.Fatalf("refusal %d does not say why or offer the times:\n%s", r.status, r.body)
	}
	form := browserForm(t, r.body)
	if form["title"] != "Clocks go forward" || form["body"] != "Spring." || form["published"] != "2027-03-14T02:30" {
		t.Errorf("the form lost what was typed: %v", form)
	}
	if n, _ := e.db.CountArticles(context.Background(), news.ArticleQuery{Status: news.StatusScheduled}); n != 0 {
		t.Error("something was saved")
	}
	// The form offers the two readings, the one after the gap first chosen.
	if form["published_choice"] != "2027-03-14T07:30:00Z" || !strings.Contains(r.body, `value="2027-03-14T06:30:00Z"`) {
		t.Fatalf("choice %q", form["published_choice"])
	}
	id, r = b.write("/admin/articles", "publish", form)
	if id == 0 {
		t.Fatalf("the chosen time was refused: %d", r.status)
	}
	a := e.stored(id)
	if a.Status != news.StatusScheduled || !a.PublishedAt.Equal(time.Date(2027, 3, 14, 7, 30, 0, 0, time.UTC)) {
		t.Errorf("scheduled %s at %v, want 03:30 EDT (07:30Z)", a.Status, a.PublishedAt.UTC())
	}
	if got := b.flash(r); text(got) != "Scheduled for Sunday 14 March 2027, 03:30 EDT." ||
		!strings.Contains(got, `<time datetime="2027-03-14T07:30:00Z">`) {
		t.Errorf("confirmation %q", got)
	}
	// The other reading may be chosen too.
	form = browserForm(t, b.get(fmt.Sprintf("/admin/articles/%d", id)).body)
	form["published"], form["published_choice"] = "2027-03-14T02:30", "2027-03-14T06:30:00Z"
	if _, r := b.write(fmt.Sprintf("/admin/articles/%d", id), "save", form); r.status != 303 {
		t.Fatalf("choose 01:30 EST: %d", r.status)
	}
	if got := e.stored(id).PublishedAt.UTC(); !got.Equal(time.Date(2027, 3, 14, 6, 30, 0, 0, time.UTC)) {
		t.Errorf("chose 01:30 EST, stored %v", got)
	}
}

// Every time the admin shows is in the site's zone and says which: the article list,
// the dashboard and the editor agree, each in a <time> element with the instant; and
// a change of the site's zone shows them in the new one.
func TestAdminTimesAreInTheSiteZone(t *testing.T) {
	e := newEnv(t)
	e.inZone("America/New_York")
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	ctx := context.Background()
	at := time.Date(2027, 3, 14, 6, 30, 0, 0, time.UTC) // 01:30 EST
	a := &news.Article{Slug: "later", Title: "Later", BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>", Status: news.StatusScheduled, PublishedAt: at}
	if err := e.db.CreateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	e.site.Sync(ctx)
	stamp := `<time datetime="2027-03-14T06:30:00Z">`
	list := b.get("/admin/articles").body
	if !strings.Contains(list, stamp+"14 Mar 2027 01:30 EST</time>") {
		t.Errorf("the article list does not show 01:30 EST:\n%s", list)
	}
	if dash := b.get("/admin/").body; !strings.Contains(dash, stamp+"14 Mar 2027 01:30 EST</time>") {
		t.Errorf("the dashboard does not show 01:30 EST:\n%s", dash)
	}
	edit := b.get(fmt.Sprintf("/admin/articles/%d", a.ID)).body
	if f := browserForm(t, edit); f["published"] != "2027-03-14T01:30" || f["published_zone"] != "America/New_York" {
		t.Errorf("the editor shows %q in %q", f["published"], f["published_zone"])
	}
	if hist := b.get(fmt.Sprintf("/admin/articles/%d/history", a.ID)).body; !regexp.MustCompile(`<time datetime="[0-9T:-]+Z">[^<]+ (EDT|EST)</time>`).MatchString(hist) {
		t.Errorf("the history's times carry no zone:\n%s", hist)
	}
	// The comment queue and the account's sessions too.
	if q := b.get("/admin/comments").body; !strings.Contains(q, `<time datetime="2025-06-01T12:00:00Z">1 Jun 2025 08:00 EDT</time>`) {
		t.Errorf("the comment queue's time:\n%s", q)
	}
	if acc := b.get("/admin/account").body; !regexp.MustCompile(`since <time datetime="[^"]+Z">[^<]+ E[SD]T</time>`).MatchString(acc) {
		t.Errorf("the sessions' times:\n%s", acc)
	}
	// The administrator moves the site to London: nothing is stored in wall time.
	r := b.post("/admin/settings", url.Values{"csrf": {b.csrf()}, "timezone": {"Europe/London"}})
	if r.status != 303 {
		t.Fatalf("settings: %d", r.status)
	}
	if list := b.get("/admin/articles").body; !strings.Contains(list, stamp+"14 Mar 2027 06:30 GMT</time>") {
		t.Errorf("after the change the list does not show 06:30 GMT:\n%s", list)
	}
	if f := browserForm(t, b.get(fmt.Sprintf("/admin/articles/%d", a.ID)).body); f["published"] != "2027-03-14T06:30" {
		t.Errorf("after the change the editor shows %q", f["published"])
	}
	if got := e.stored(a.ID).PublishedAt; !got.Equal(at) {
		t.Errorf("the zone's change moved the article to %v", got)
	}
}

// A story at the second 01:30 (EST) of the night the clocks go back, its time with
// seconds, saved unchanged keeps its instant to the second and tells readers of no
// update; the editor offers the other 01:30 and takes it when chosen; a newly typed
// 01:30 is the first (EDT), and the confirmation says so and how to choose the other.
func TestTimeInTheOverlapKeepsItsInstant(t *testing.T) {
	e := newEnv(t)
	e.inZone("America/New_York")
	e.clock.Add(time.Date(2026, 10, 20, 12, 0, 0, 0, time.UTC).Sub(e.clock.Now()))
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	// Typed anew, 01:30 is the first; the editor is told, and may choose the second.
	id, r := b.write("/admin/articles", "publish", map[string]string{"title": "Twice", "body": "Text.", "published": "2026-11-01T01:30"})
	if id == 0 {
		t.Fatalf("publish: %d\n%s", r.status, r.body)
	}
	if got := e.stored(id).PublishedAt.UTC(); !got.Equal(time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC)) {
		t.Errorf("a typed 01:30 is %v, want the first (EDT)", got)
	}
	msg := b.flash(r)
	if !strings.HasPrefix(text(msg), "Scheduled for Sunday 1 November 2026, 01:30 EDT.") ||
		!strings.Contains(text(msg), "1 November 2026 01:30 happens twice in America/New_York") || !strings.Contains(text(msg), "01:30 EST") {
		t.Errorf("confirmation %q", msg)
	}
	form := browserForm(t, b.get(fmt.Sprintf("/admin/articles/%d", id)).body)
	form["published_choice"] = "2026-11-01T06:30:00Z"
	if _, r := b.write(fmt.Sprintf("/admin/articles/%d", id), "save", form); r.status != 303 {
		t.Fatalf("save: %d", r.status)
	}
	if got := e.stored(id).PublishedAt.UTC(); !got.Equal(time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC)) {
		t.Errorf("chose 01:30 EST, stored %v", got)
	}
	// Readers' side: stories at either 01:30, with seconds, saved unchanged.
	e.clock.Add(time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC).Sub(e.clock.Now()))
	b.login("editor@newsroom.example")
	for _, at := range []time.Time{time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC), time.Date(2026, 11, 1, 6, 30, 45, 0, time.UTC),
		time.Date(2026, 11, 1, 5, 30, 45, 0, time.UTC)} {
		a := &news.Article{Slug: fmt.Sprintf("fall-back-%d", at.Unix()), Title: "Fall back", BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>",
			Status: news.StatusPublished, PublishedAt: at}
		if err := e.db.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		e.site.Sync(ctx)
		path := fmt.Sprintf("/admin/articles/%d", a.ID)
		form := browserForm(t, b.get(path).body)
		if form["published"] != "2026-11-01T01:30" {
			t.Fatalf("the editor shows %q", form["published"])
		}
		// As the form is sent, then as a browser that shows seconds sends it (the
		// field's time to the second), then as a client that sends only the field.
		withSeconds := map[string]string{}
		for k, v := range form {
			withSeconds[k] = v
		}
		withSeconds["published"] = at.In(ny).Format("2006-01-02T15:04:05")
		bare := map[string]string{"title": form["title"], "body": form["body"], "published": form["published"]}
		for _, sent := range []map[string]string{form, withSeconds, bare} {
			delete(sent, "version") // each one a form loaded just now (b.write sends its version)
			if _, r := b.write(path, "save", sent); r.status != 303 {
				t.Fatalf("save %v: %d\n%s", sent, r.status, r.body)
			}
			got := e.stored(a.ID)
			if !got.PublishedAt.Equal(at) || got.WasUpdated() {
				t.Errorf("%v saved unchanged (%q): now %v, updated %v", at, sent["published"], got.PublishedAt.UTC(), got.WasUpdated())
			}
		}
		if page := e.browser().get(e.site.ArticlePath(e.stored(a.ID))).body; strings.Contains(page, "Updated") {
			t.Errorf("%v: readers are told of an update", at)
		}
	}
	// The other 01:30, chosen in the editor, keeps the seconds.
	a := &news.Article{Slug: "choose", Title: "Choose", BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>", Status: news.StatusPublished,
		PublishedAt: time.Date(2026, 11, 1, 6, 30, 45, 0, time.UTC)}
	if err := e.db.CreateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/admin/articles/%d", a.ID)
	page := b.get(path).body
	form = browserForm(t, page)
	if form["published_choice"] != "2026-11-01T06:30:45Z" || !strings.Contains(page, `value="2026-11-01T05:30:45Z"`) {
		t.Fatalf("the editor does not offer both 01:30s: %q", form["published_choice"])
	}
	form["published_choice"] = "2026-11-01T05:30:45Z"
	if _, r := b.write(path, "save", form); r.status != 303 {
		t.Fatalf("save: %d", r.status)
	}
	if got := e.stored(a.ID).PublishedAt.UTC(); !got.Equal(time.Date(2026, 11, 1, 5, 30, 45, 0, time.UTC)) {
		t.Errorf("chose 01:30 EDT, stored %v", got)
	}
}

// A form loaded before the site's zone changed means the zone it showed.
func TestFormMeansTheZoneItShowed(t *testing.T) {
	e := newEnv(t)
	e.inZone("America/New_York")
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	page := b.get("/admin/articles/new").body
	form := browserForm(t, page)
	e.inZone("Asia/Kolkata")
	form["title"], form["body"], form["published"] = "Later", "Text.", "2025-06-02T09:00"
	id, r := b.write("/admin/articles", "publish", form)
	if id == 0 {
		t.Fatalf("publish: %d", r.status)
	}
	if got := e.stored(id).PublishedAt.UTC(); !got.Equal(time.Date(2025, 6, 2, 13, 0, 0, 0, time.UTC)) {
		t.Errorf("09:00 typed in New York stored as %v", got)
	}
	if got := text(b.flash(r)); got != "Scheduled for Monday 2 June 2025, 18:30 IST." {
		t.Errorf("confirmation %q", got)
	}
}
