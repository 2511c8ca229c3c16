package admin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"broadsheet/internal/news"
)

// A user added from the admin is stored as their byline will show: no control
// characters, one line, NFC; an email trimmed and in NFC. Before, a user named
// "Zoë\x0bCtl" was stored as typed and could never save an article ("the author's name
// holds the control character U+000B").
func TestNewAccountsAreCleaned(t *testing.T) {
	e := newEnv(t)
	admin := e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login(admin.Email)
	add := url.Values{"csrf": {b.csrf()}, "name": {"  Zoe\u0308\x0bCtl\n Writer "}, "email": {" zoe\u0301@newsroom.example\t"},
		"role": {"author"}, "password": {password}}
	if r := b.post("/admin/users", add); r.status != 303 {
		t.Fatalf("add a user: %d", r.status)
	}
	u, err := e.db.UserByEmail(context.Background(), "zoé@newsroom.example")
	if err != nil {
		t.Fatalf("the user is not found by the NFC email: %v", err)
	}
	if u.Name != "ZoëCtl Writer" || !norm.NFC.IsNormalString(u.Name) || u.Email != "zoé@newsroom.example" {
		t.Errorf("stored as %q <%q>", u.Name, u.Email)
	}
	// They sign in with the email as typed (decomposed), and their article saves.
	zoe := e.browser()
	if r := zoe.post("/admin/login", url.Values{"email": {"ZOE\u0301@newsroom.example"}, "password": {password}}); r.status != 303 {
		t.Fatalf("sign in with the decomposed email: %d", r.status)
	}
	if id, r := zoe.write("/admin/articles", "save", map[string]string{"title": "By Zoë", "body": "Words."}); id == 0 {
		t.Errorf("an article by the new user: %d\n%s", r.status, r.body)
	}
	// Names that show nothing, or that are a whole page, are refused and nothing is added.
	for _, bad := range []url.Values{
		{"name": {"\u200b\u3164 \x0b"}, "email": {"ghost@newsroom.example"}},
		{"name": {strings.Repeat("Long ", 100)}, "email": {"long@newsroom.example"}},
		{"name": {"Spaced"}, "email": {"spa ced@newsroom.example"}},
		{"name": {"Control"}, "email": {"con\x01trol@newsroom.example"}},
	} {
		bad.Set("csrf", b.csrf())
		bad.Set("role", "author")
		bad.Set("password", password)
		if r := b.post("/admin/users", bad); r.status != 422 || !strings.Contains(r.body, "Nothing was created") {
			t.Errorf("add %q <%q>: %d", bad.Get("name"), bad.Get("email"), r.status)
		}
	}
	if n, _ := e.db.CountUsers(context.Background()); n != 2 {
		t.Errorf("%d users, want 2", n)
	}
}

// The first administrator's name is cleaned the same way.
func TestFirstAdministratorIsCleaned(t *testing.T) {
	e := newEnv(t)
	link, err := e.admin.SetupLink(context.Background())
	if err != nil || link == "" {
		t.Fatalf("setup link: %q %v", link, err)
	}
	token := link[strings.Index(link, "token=")+len("token="):]
	r := e.browser().post("/admin/setup", url.Values{"token": {token}, "name": {"Ad\x7fmin\u0085 Istrator"}, "email": {" root@newsroom.example "}, "password": {password}})
	if r.status != 303 {
		t.Fatalf("setup: %d", r.status)
	}
	u, err := e.db.UserByEmail(context.Background(), "root@newsroom.example")
	if err != nil || u.Name != "Admin Istrator" || u.Email != "root@newsroom.example" {
		t.Errorf("stored as %+v %v", u, err)
	}
}

// The media library's alt text and caption are stored cleaned, and the uploader told.
// Before, they were stored as sent, control characters and all.
func TestMediaWordsAreCleaned(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	b := e.browser()
	b.login("contributor@newsroom.example")
	r := b.multipartPost("/admin/media", map[string]string{"csrf": b.csrf(), "alt": " A cafe\u0301\x0b terrace\r\nat noon ", "caption": "Photo:\x1b[31m the square"},
		"file", "photo.png", pngImage(40, 30))
	if r.status != 303 || !strings.Contains(b.told(r), "Control characters") {
		t.Fatalf("upload: %d to %q", r.status, r.header.Get("Location"))
	}
	items, _ := e.db.MediaLibrary(context.Background(), 10)
	if len(items) != 1 {
		t.Fatalf("%d items", len(items))
	}
	if got := items[0]; got.Alt != "A café terrace at noon" || got.Caption != "Photo:[31m the square" {
		t.Errorf("stored alt %q, caption %q", got.Alt, got.Caption)
	}
	// Alt text of nothing that shows is no alt text.
	if r := b.multipartPost("/admin/media", map[string]string{"csrf": b.csrf(), "alt": "\u200b\x0b "}, "file", "photo.png", pngImage(40, 30)); r.status != 422 ||
		!strings.Contains(r.body, "Please describe the image") {
		t.Errorf("an upload with invisible alt text: %d", r.status)
	}
}

// Settings are text like any other and are stored in NFC: a title typed with a
// combining accent is the same title.
func TestSettingsAreStoredInNFC(t *testing.T) {
	e := newEnv(t)
	admin := e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login(admin.Email)
	if r := b.post("/admin/settings", url.Values{"csrf": {b.csrf()}, "title": {"Le Cafe\u0301 du Soir"}}); r.status != 303 {
		t.Fatalf("save settings: %d", r.status)
	}
	stored, _ := e.db.Settings(context.Background())
	if stored["title"] != "Le Café du Soir" {
		t.Errorf("stored title %q", stored["title"])
	}
}
