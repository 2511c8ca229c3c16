package admin_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"

	"broadsheet/internal/admin"
	"broadsheet/internal/news"
)

// An iframe from a host off the list is removed with a message that names the host and
// says why, on save (the editor's message after the redirect) and in both previews
// (the live one and the form's Preview button); allowed embeds are kept, and a hostile
// paste never reaches the stored HTML. Before, the iframe vanished without a word.
func TestEditorNamesWhatTheSanitiserRemoved(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	body := "The tram, filmed.\n\n" +
		`<iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="The tram" allowfullscreen></iframe>` + "\n\n" +
		"https://vimeo.com/76979871\n\n" +
		`<iframe src="https://evil.example/player?id=1"></iframe>` + "\n\n" +
		`<iframe src="https://www.youtube-nocookie.com@evil.example/"></iframe>` + "\n\n" +
		`<iframe srcdoc="<script>alert(1)</script>"></iframe>` + "\n\n" +
		`<iframe src="javascript:alert(1)"></iframe>` + "\n\n" +
		`<p onclick="alert(1)">Click</p> <script>alert(2)</script>`
	wantSaid := []string{
		"Removed an embed from evil.example: not an allowed embed provider (an administrator can allow its host in Settings, under Embeds).",
		"Removed an embed with inline content (srcdoc)",
		"Removed an embed with a javascript: address",
		"Removed an event handler (onclick) on <p>",
		"Removed a script (<script>)",
	}
	id, r := b.write("/admin/articles", "publish", map[string]string{"title": "Tram", "body": body})
	if id == 0 {
		t.Fatalf("save refused: %d %s", r.status, r.body)
	}
	done := b.told(r) // the confirmation on the editor, after saving
	for _, w := range wantSaid {
		if !strings.Contains(done, w) {
			t.Errorf("the message after saving lacks %q:\n%s", w, done)
		}
	}
	stored := e.stored(id).BodyHTML
	mustHave(t, "the stored HTML", stored, `<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="The tram"`,
		`<iframe src="https://player.vimeo.com/video/76979871?dnt=1"`)
	for _, bad := range []string{"evil", "srcdoc", "javascript", "alert", "onclick", "<script"} {
		if strings.Contains(stored, bad) {
			t.Errorf("the stored HTML holds %q:\n%s", bad, stored)
		}
	}

	// The live preview says the same above the text, and shows the embeds.
	p := b.preview(b.csrf(), body)
	text := html.UnescapeString(p.body)
	mustHave(t, "the live preview", text, wantSaid...)
	mustHave(t, "the live preview", p.body, `<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"`)
	// The form's Preview button too; the editor's page may frame the embeds' hosts.
	form := url.Values{"csrf": {b.csrf()}, "action": {"preview"}, "title": {"Tram"}, "body": {body}}
	p = b.post("/admin/articles", form)
	mustHave(t, "the editor's preview", html.UnescapeString(p.body), wantSaid[0])
	mustHave(t, "the editor's CSP", p.header.Get("Content-Security-Policy"), "frame-src https://www.youtube-nocookie.com https://player.vimeo.com")
}

// A host added in Settings (validated) is allowed on the next save.
func TestEmbedHostsSetting(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	csrf := b.csrf()
	r := b.post("/admin/settings", url.Values{"csrf": {csrf}, news.SettingEmbedHosts: {"*.example.org"}})
	if r.status != 422 || !strings.Contains(html.UnescapeString(r.body), "no wildcards") {
		t.Errorf("a wildcard host: %d", r.status)
	}
	r = b.post("/admin/settings", url.Values{"csrf": {csrf}, news.SettingEmbedHosts: {"http://maps.example.org"}})
	if r.status != 422 || !strings.Contains(html.UnescapeString(r.body), "https only") {
		t.Errorf("an http host: %d", r.status)
	}
	if r := b.get("/admin/settings"); !strings.Contains(r.body, `name="embed_hosts"`) {
		t.Error("the settings page has no embed hosts field")
	}
	r = b.post("/admin/settings", url.Values{"csrf": {csrf}, news.SettingEmbedHosts: {"maps.example.org"}})
	if r.status != 303 {
		t.Fatalf("saving a host: %d %s", r.status, r.body)
	}
	id, r := b.write("/admin/articles", "publish", map[string]string{"title": "Map", "body": `<iframe src="https://maps.example.org/embed?x=1"></iframe>`})
	if id == 0 {
		t.Fatalf("save refused: %d", r.status)
	}
	mustHave(t, "the stored HTML", e.stored(id).BodyHTML, `<iframe src="https://maps.example.org/embed?x=1" title="Embedded content from maps.example.org"`)
	if done := b.told(r); strings.Contains(done, "Removed") {
		t.Errorf("an allowed host was reported removed: %s", done)
	}
}

func mustHave(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// The site's own host cannot be an embed host: the embeds' sandbox keeps
// allow-same-origin (the players need it), which in a frame of the page's own origin
// would let the frame lift its sandbox. The form refuses it, saying why; an iframe of
// the site's own pages is removed with a message.
func TestEmbedHostsRefuseTheSitesOwnHost(t *testing.T) {
	e := newEnvWith(t, func(c *admin.Config) { c.BaseURL = "http://News.Example.org" })
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	r := b.post("/admin/settings", url.Values{"csrf": {b.csrf()}, news.SettingEmbedHosts: {"maps.example.org\nhttps://news.example.org/"}})
	if r.status != 422 || !strings.Contains(html.UnescapeString(r.body), `"news.example.org" is this site's own host`) {
		t.Errorf("the site's own host as an embed host: %d", r.status)
	}
	if stored, _ := e.db.Settings(context.Background()); stored[news.SettingEmbedHosts] != "" {
		hosts := stored[news.SettingEmbedHosts]
		t.Errorf("stored %q", hosts)
	}
	id, r := b.write("/admin/articles", "publish", map[string]string{"title": "Self", "body": `<iframe src="https://news.example.org/admin/users"></iframe>`})
	if id == 0 {
		t.Fatalf("save refused: %d", r.status)
	}
	if strings.Contains(e.stored(id).BodyHTML, "<iframe") {
		t.Errorf("an iframe of the site itself was kept: %s", e.stored(id).BodyHTML)
	}
	mustHave(t, "the message after saving", b.told(r), "that is this site's own address")
}

// A removal names the paste's host, which may hold markup when it is no host at all:
// the editor's message and both previews show it as text.
func TestRemovalMessageShowsMarkupAsText(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	body := `<iframe src="https://ev<b>il.example/"></iframe>` + "\n\n" + `<p on<b>x=1>p</p>`
	id, r := b.write("/admin/articles", "save", map[string]string{"title": "Markup", "body": body})
	if id == 0 {
		t.Fatalf("save refused: %d", r.status)
	}
	for what, page := range map[string]string{
		"the editor after saving": b.get(r.header.Get("Location")).body,
		"the live preview":        b.preview(b.csrf(), body).body,
		"the editor's preview":    b.post("/admin/articles", url.Values{"csrf": {b.csrf()}, "action": {"preview"}, "title": {"M"}, "body": {body}}).body,
	} {
		mustHave(t, what, page, `&#34;ev&lt;b&gt;il.example&#34;`, "(on&lt;b)")
		if strings.Contains(page, "ev<b>il") || strings.Contains(page, "(on<b)") {
			t.Errorf("%s holds the paste's markup", what)
		}
	}
}
