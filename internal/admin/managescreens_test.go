package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"broadsheet/internal/media"
	"broadsheet/internal/news"
)

// upload puts an image in the library through the admin and returns it.
func (e *env) upload(b *browser, alt string) *news.Media {
	e.t.Helper()
	if r := b.multipartPost("/admin/media", map[string]string{"csrf": b.csrf(), "alt": alt}, "file", "p.png", pngImage(1200, 800)); r.status != 303 {
		e.t.Fatalf("upload: %d\n%s", r.status, r.body)
	}
	items, _ := e.db.MediaPage(context.Background(), news.MediaQuery{Limit: 1})
	return items[0]
}

// An image's page shows its address and sizes; its words change by POST; it cannot be
// deleted while an article shows it (featured or in the body), the page saying which;
// once unused, deleting it removes its files.
func TestMediaItemWordsUsesAndDeletion(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAuthor)
	b := e.browser()
	b.login("author@newsroom.example")
	m := e.upload(b, "Boats at dawn")
	path := fmt.Sprintf("/admin/media/%d", m.ID)
	r := b.get(path)
	if r.status != 200 || !strings.Contains(r.body, e.http.URL+"/media/"+m.Name) || !strings.Contains(r.body, "960 pixels wide") || !strings.Contains(r.body, "No article uses this image") {
		t.Fatalf("item page: %d\n%s", r.status, firstLine(r.body, ""))
	}
	if r := b.post(path, url.Values{"csrf": {b.csrf()}, "alt": {"  "}, "caption": {"kept"}}); r.status != 422 || !strings.Contains(r.body, `value="kept"`) {
		t.Errorf("empty alt: %d", r.status)
	}
	if r := b.post(path, url.Values{"csrf": {"forged"}, "alt": {"Forged"}}); r.status != 403 {
		t.Errorf("forged: %d", r.status)
	}
	if r := b.post(path, url.Values{"csrf": {b.csrf()}, "alt": {"Fishing boats at dawn"}, "caption": {"Harbour"}}); r.status != 303 {
		t.Fatalf("words: %d", r.status)
	}
	if got, _ := e.db.MediaItem(context.Background(), m.ID); got.Alt != "Fishing boats at dawn" || got.Caption != "Harbour" {
		t.Fatalf("stored words %q %q", got.Alt, got.Caption)
	}
	// Used in a body, by a variant's name.
	ctx := context.Background()
	variant := strings.Fields(strings.Split(m.Srcset, ",")[0])[0]
	a := &news.Article{Slug: "boats", Title: "The boats story", BodyMarkdown: "![x](" + variant + ")", BodyHTML: "<p>x</p>", Status: news.StatusDraft}
	if err := e.db.CreateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	r = b.post(path+"/delete", url.Values{"csrf": {b.csrf()}})
	if r.status != 409 || !strings.Contains(r.body, "The boats story") || !strings.Contains(r.body, "in the text") {
		t.Fatalf("delete while used in a body: %d\n%s", r.status, firstLine(r.body, ""))
	}
	// Taken out of the body, but the featured image of another.
	a.BodyMarkdown, a.Version = "No picture.", news.AnyVersion
	if err := e.db.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	e.article.FeaturedImage = &news.Image{URL: "/media/" + m.Name, Alt: "x", Width: 1200, Height: 800, Srcset: m.Srcset}
	e.article.Version = news.AnyVersion
	if err := e.db.UpdateArticle(ctx, e.article); err != nil {
		t.Fatal(err)
	}
	r = b.post(path+"/delete", url.Values{"csrf": {b.csrf()}})
	if r.status != 409 || !strings.Contains(r.body, "A story") || !strings.Contains(r.body, "featured image") || strings.Contains(r.body, "The boats story") {
		t.Fatalf("delete while featured: %d\n%s", r.status, firstLine(r.body, ""))
	}
	e.article.FeaturedImage, e.article.Version = nil, news.AnyVersion
	if err := e.db.UpdateArticle(ctx, e.article); err != nil {
		t.Fatal(err)
	}
	if r := b.post(path+"/delete", url.Values{"csrf": {b.csrf()}}); r.status != 303 {
		t.Fatalf("delete: %d\n%s", r.status, firstLine(r.body, ""))
	}
	if _, err := e.db.MediaItem(ctx, m.ID); err == nil {
		t.Error("the item is still in the library")
	}
	for _, name := range news.MediaFileNames(m) {
		if _, err := os.Stat(filepath.Join(string(e.files.(media.Dir)), name)); err == nil {
			t.Errorf("file %s is still stored", name)
		}
		if r := e.browser().get("/media/" + name); r.status != 404 {
			t.Errorf("file %s still served: %d", name, r.status)
		}
	}
}

// The library finds images by part of their words and pages past the first 50 by keyset.
func TestMediaLibrarySearchAndPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := range 60 {
		m := &news.Media{Name: fmt.Sprintf("img%02d.png", i), ContentType: "image/png", Width: 10, Height: 10, Alt: fmt.Sprintf("Picture number %02d", i)}
		if i == 7 {
			m.Caption = "Le Café du port"
		}
		if err := e.db.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	e.addUser(news.RoleContributor)
	b := e.browser()
	b.login("contributor@newsroom.example")
	r := b.get("/admin/media")
	if strings.Count(r.body, `<li><a href="/admin/media/`) != 50 || !strings.Contains(r.body, "img59.png") || strings.Contains(r.body, "img09.png") {
		t.Fatalf("first page: %d items", strings.Count(r.body, `<li><a href="/admin/media/`))
	}
	next := strings.Split(strings.Split(r.body, `rel="next"`)[0], `href="`)
	link := strings.ReplaceAll(next[len(next)-1][:strings.Index(next[len(next)-1], `"`)], "&amp;", "&")
	r = b.get(link)
	if strings.Count(r.body, `<li><a href="/admin/media/`) != 10 || !strings.Contains(r.body, "img00.png") || strings.Contains(r.body, "img10.png") {
		t.Fatalf("second page (%s): %d items", link, strings.Count(r.body, `<li><a href="/admin/media/`))
	}
	r = b.get("/admin/media?q=CAFE")
	if strings.Count(r.body, `<li><a href="/admin/media/`) != 1 || !strings.Contains(r.body, "img07.png") {
		t.Errorf("search by caption: %d items", strings.Count(r.body, `<li><a href="/admin/media/`))
	}
	if r := b.get("/admin/media?q=100%25"); strings.Count(r.body, `<li><a href="/admin/media/`) != 0 {
		t.Error("a % in the search matched everything")
	}
}

// An administrator renames a user and changes their email (normalised, unique); a
// reset link works once, sets the password and ends the user's sessions.
func TestAccountDetailsAndPasswordReset(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAdministrator)
	author := e.addUser(news.RoleAuthor)
	e.addUser(news.RoleEditor)
	admin := e.browser()
	admin.login("administrator@newsroom.example")
	theirs := e.browser()
	theirs.login("author@newsroom.example")
	path := fmt.Sprintf("/admin/users/%d", author.ID)
	if r := admin.post(path+"/details", url.Values{"csrf": {admin.csrf()}, "name": {"Ann Author"}, "email": {" EDITOR@Newsroom.example "}}); r.status != 409 || !strings.Contains(r.body, `value="Ann Author"`) {
		t.Errorf("taken email: %d", r.status)
	}
	if r := admin.post(path+"/details", url.Values{"csrf": {admin.csrf()}, "name": {"Ann Author"}, "email": {"no-at-sign"}}); r.status != 422 {
		t.Errorf("invalid email: %d", r.status)
	}
	if r := admin.post(path+"/details", url.Values{"csrf": {admin.csrf()}, "name": {"  Ann\tAuthor "}, "email": {" Ann@Newsroom.example "}}); r.status != 303 {
		t.Fatalf("details: %d", r.status)
	}
	if u, _ := e.db.User(context.Background(), author.ID); u.Name != "Ann Author" || u.Email != "Ann@Newsroom.example" {
		t.Fatalf("stored %q %q", u.Name, u.Email)
	}
	if r := theirs.post(path+"/reset", url.Values{"csrf": {theirs.csrf()}}); r.status != 403 {
		t.Errorf("an author made a reset link: %d", r.status)
	}
	r := admin.post(path+"/reset", url.Values{"csrf": {admin.csrf()}})
	i := strings.Index(r.body, e.http.URL+"/admin/reset/")
	if r.status != 200 || i < 0 {
		t.Fatalf("reset link: %d", r.status)
	}
	link := r.body[i+len(e.http.URL) : i+strings.Index(r.body[i:], `"`)]
	anon := e.browser()
	if r := anon.get(link); r.status != 200 || !strings.Contains(r.body, "Ann Author") {
		t.Fatalf("reset page: %d", r.status)
	}
	if r := anon.post(link, url.Values{"password": {"short"}}); r.status != 422 {
		t.Errorf("short password: %d", r.status)
	}
	if r := anon.post(link, url.Values{"password": {"a brand new password"}}); r.status != 303 {
		t.Fatalf("reset: %d\n%s", r.status, firstLine(r.body, ""))
	}
	if r := theirs.get("/admin/"); r.status != 303 {
		t.Errorf("their old session still works: %d", r.status)
	}
	if r := anon.post(link, url.Values{"password": {"another new password"}}); r.status != 404 {
		t.Errorf("a used link worked again: %d", r.status)
	}
	if r := anon.post("/admin/login", url.Values{"email": {"ann@newsroom.example"}, "password": {"a brand new password"}, "next": {"/admin/"}}); r.status != 303 {
		t.Errorf("sign in with the new password: %d", r.status)
	}
	// An expired link does not work.
	r = admin.post(path+"/reset", url.Values{"csrf": {admin.csrf()}})
	i = strings.Index(r.body, e.http.URL+"/admin/reset/")
	link = r.body[i+len(e.http.URL) : i+strings.Index(r.body[i:], `"`)]
	e.clock.Add(news.PasswordResetLife + 1e9)
	if r := e.browser().get(link); r.status != 404 {
		t.Errorf("expired link: %d", r.status)
	}
}

// Sections move up and down by buttons; a deleted section's stories go where the
// confirmation step says.
func TestSectionsReorderAndDelete(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var secs []*news.Section
	for i, name := range []string{"World", "Sport", "Arts"} {
		s := &news.Section{Name: name, Position: i + 1}
		if err := e.db.CreateSection(ctx, s); err != nil {
			t.Fatal(err)
		}
		secs = append(secs, s)
	}
	e.article.Section, e.article.Version = secs[0], news.AnyVersion
	if err := e.db.UpdateArticle(ctx, e.article); err != nil {
		t.Fatal(err)
	}
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	order := func() string {
		all, _ := e.db.Sections(ctx)
		var names []string
		for _, s := range all {
			names = append(names, s.Name)
		}
		return strings.Join(names, ",")
	}
	if r := b.post(fmt.Sprintf("/admin/sections/%d/move", secs[2].ID), url.Values{"csrf": {b.csrf()}, "direction": {"up"}}); r.status != 303 || order() != "World,Arts,Sport" {
		t.Fatalf("move up: %d %s", r.status, order())
	}
	if r := b.post(fmt.Sprintf("/admin/sections/%d/move", secs[0].ID), url.Values{"csrf": {b.csrf()}, "direction": {"up"}}); r.status != 303 || order() != "World,Arts,Sport" {
		t.Errorf("move the first up: %d %s", r.status, order())
	}
	if r := b.post(fmt.Sprintf("/admin/sections/%d/move", secs[0].ID), url.Values{"csrf": {b.csrf()}, "direction": {"down"}}); r.status != 303 || order() != "Arts,World,Sport" {
		t.Errorf("move down: %d %s", r.status, order())
	}
	if r := e.browser().get("/"); !strings.Contains(r.body, "Arts") || strings.Index(r.body, ">Arts<") > strings.Index(r.body, ">World<") {
		t.Errorf("the site's navigation is not in the new order")
	}
	del := fmt.Sprintf("/admin/sections/%d/delete", secs[0].ID)
	if r := b.get(del); r.status != 200 || !strings.Contains(r.body, "holds 1 story") {
		t.Fatalf("confirmation: %d\n%s", r.status, firstLine(r.body, ""))
	}
	if r := b.post(del, url.Values{"csrf": {b.csrf()}}); r.status != 422 || order() != "Arts,World,Sport" {
		t.Errorf("delete without a choice: %d", r.status)
	}
	if r := b.post(del, url.Values{"csrf": {b.csrf()}, "move_to": {fmt.Sprint(secs[1].ID)}}); r.status != 303 || order() != "Arts,Sport" {
		t.Fatalf("delete: %d %s", r.status, order())
	}
	if a, _ := e.db.Article(ctx, e.article.ID); a.Section == nil || a.Section.ID != secs[1].ID {
		t.Errorf("the story is in section %+v", a.Section)
	}
	if r := e.browser().get("/section/world/"); r.status != 404 {
		t.Errorf("the deleted section's page: %d", r.status)
	}
}

// Tags are renamed, merged and deleted; their old addresses answer 301 to the tag
// that has them now, the cached pages included.
func TestTagsRenameMergeDelete(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.article.Tags = []*news.Tag{{Name: "Climate"}, {Name: "Weather"}}
	e.article.Version = news.AnyVersion
	if err := e.db.UpdateArticle(ctx, e.article); err != nil {
		t.Fatal(err)
	}
	pub := e.browser()
	if r := pub.get("/tag/climate/"); r.status != 200 {
		t.Fatalf("tag page: %d", r.status)
	}
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	r := b.get("/admin/tags?q=clim")
	if !strings.Contains(r.body, "Climate") || strings.Contains(r.body, "Weather") {
		t.Fatalf("tag search:\n%s", firstLine(r.body, ""))
	}
	climate, _ := e.db.TagBySlug(ctx, "climate")
	weather, _ := e.db.TagBySlug(ctx, "weather")
	if r := b.post(fmt.Sprintf("/admin/tags/%d", climate.ID), url.Values{"csrf": {b.csrf()}, "name": {"Climate crisis"}}); r.status != 303 {
		t.Fatalf("rename: %d", r.status)
	}
	if r := pub.get("/tag/climate/"); r.status != 301 || r.header.Get("Location") != "/tag/climate-crisis/" {
		t.Fatalf("old address: %d %q", r.status, r.header.Get("Location"))
	}
	if r := pub.get("/tag/climate/feed.xml"); r.status != 301 || r.header.Get("Location") != "/tag/climate-crisis/feed.xml" {
		t.Errorf("old feed: %d %q", r.status, r.header.Get("Location"))
	}
	if r := b.post(fmt.Sprintf("/admin/tags/%d", weather.ID), url.Values{"csrf": {b.csrf()}, "name": {"Weather"}, "slug": {"climate-crisis"}}); r.status != 409 {
		t.Errorf("a taken address: %d", r.status)
	}
	if r := b.post(fmt.Sprintf("/admin/tags/%d/merge", climate.ID), url.Values{"csrf": {b.csrf()}, "into": {"Weather"}}); r.status != 303 {
		t.Fatalf("merge: %d\n%s", r.status, firstLine(r.body, ""))
	}
	for _, old := range []string{"/tag/climate/", "/tag/climate-crisis/"} {
		if r := pub.get(old); r.status != 301 || r.header.Get("Location") != "/tag/weather/" {
			t.Errorf("%s after the merge: %d %q", old, r.status, r.header.Get("Location"))
		}
	}
	if a, _ := e.db.Article(ctx, e.article.ID); len(a.Tags) != 1 || a.Tags[0].Slug != "weather" {
		t.Errorf("the article's tags: %+v", a.Tags)
	}
	if r := b.post(fmt.Sprintf("/admin/tags/%d/delete", weather.ID), url.Values{"csrf": {b.csrf()}}); r.status != 303 {
		t.Fatalf("delete: %d", r.status)
	}
	for _, old := range []string{"/tag/weather/", "/tag/climate/"} {
		if r := pub.get(old); r.status != 404 {
			t.Errorf("%s after the deletion: %d", old, r.status)
		}
	}
}

// Settings show choices in words with the value behind, and the time zone as a list by
// region; a zone chosen from it is stored.
func TestSettingsInWordsAndZoneList(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	r := b.get("/admin/settings")
	for _, want := range []string{`<option value="first" selected>Hold a commenter`, `<optgroup label="Europe">`, `<option value="Europe/London">London</option>`, `<option value="America/Argentina/Buenos_Aires">Argentina – Buenos Aires</option>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("settings page lacks %s", want)
		}
	}
	if strings.Contains(r.body, `>first<`) {
		t.Error("a raw value is shown")
	}
	if r := b.post("/admin/settings", url.Values{"csrf": {b.csrf()}, news.SettingTimezone: {"Asia/Tokyo"}}); r.status != 303 {
		t.Fatalf("save: %d", r.status)
	}
	if r := b.get("/admin/settings"); !strings.Contains(r.body, `<option value="Asia/Tokyo" selected>`) {
		t.Error("the chosen zone is not selected")
	}
}

// Anyone who writes may use any library image, but only its uploader or an editor may
// rewrite its alt text or delete it: a contributor's forged form changes nothing.
func TestMediaItemChangedOnlyByItsUploaderOrAnEditor(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAuthor)
	e.addUser(news.RoleContributor)
	e.addUser(news.RoleEditor)
	author := e.browser()
	author.login("author@newsroom.example")
	m := e.upload(author, "Boats at dawn")
	path := fmt.Sprintf("/admin/media/%d", m.ID)
	ctx := context.Background()

	contributor := e.browser()
	contributor.login("contributor@newsroom.example")
	if r := contributor.get(path); r.status != 200 || strings.Contains(r.body, "Delete the image") || strings.Contains(r.body, "Save the words") {
		t.Errorf("another's item offers changes to a contributor: %d", r.status)
	}
	if r := contributor.post(path, url.Values{"csrf": {contributor.csrf()}, "alt": {"Vandalised"}, "caption": {"x"}}); r.status != 403 {
		t.Errorf("contributor rewrote another's alt text: %d", r.status)
	}
	if r := contributor.post(path+"/delete", url.Values{"csrf": {contributor.csrf()}}); r.status != 403 {
		t.Errorf("contributor deleted another's upload: %d", r.status)
	}
	if got, err := e.db.MediaItem(ctx, m.ID); err != nil || got.Alt != "Boats at dawn" {
		t.Fatalf("after the contributor: %v %+v", err, got)
	}
	// The contributor's own upload is theirs to change.
	mine := e.upload(contributor, "My picture")
	if r := contributor.post(fmt.Sprintf("/admin/media/%d", mine.ID), url.Values{"csrf": {contributor.csrf()}, "alt": {"My better words"}}); r.status != 303 {
		t.Errorf("own item: %d", r.status)
	}
	editor := e.browser()
	editor.login("editor@newsroom.example")
	if r := editor.post(path, url.Values{"csrf": {editor.csrf()}, "alt": {"Fishing boats at dawn"}}); r.status != 303 {
		t.Errorf("editor's words: %d", r.status)
	}
	if r := editor.post(path+"/delete", url.Values{"csrf": {editor.csrf()}}); r.status != 303 {
		t.Errorf("editor's delete: %d", r.status)
	}
}

// The front page's lead (set by a WordPress import's sticky post) is chosen by headline,
// never typed as a raw ID; the stored choice is selected.
func TestLeadStoryChosenByHeadline(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	page := b.get("/admin/settings").body
	if !strings.Contains(page, `<label for="lead_article">Front page lead</label>`) {
		t.Error("the lead's field has no label")
	}
	if strings.Contains(page, `name="lead_article" type="text"`) {
		t.Error("the lead is a raw ID to type")
	}
	for _, want := range []string{`<option value="0" selected>The newest story</option>`,
		fmt.Sprintf(`<option value="%d">A story</option>`, e.article.ID)} {
		if !strings.Contains(page, want) {
			t.Errorf("the lead's choices lack %s", want)
		}
	}
	id := fmt.Sprint(e.article.ID)
	if r := b.post("/admin/settings", url.Values{"csrf": {b.csrf()}, news.SettingLeadArticle: {id}}); r.status != 303 {
		t.Fatalf("save: %d", r.status)
	}
	if page := b.get("/admin/settings").body; !strings.Contains(page, `<option value="`+id+`" selected>A story</option>`) {
		t.Error("the chosen lead is not selected")
	}
}
