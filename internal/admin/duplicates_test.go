package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// storiesTitled counts the articles whose headline starts with prefix.
func (e *env) storiesTitled(prefix string) []*news.Article {
	e.t.Helper()
	list, err := e.db.Articles(context.Background(), news.ArticleQuery{Limit: 100, WithTrash: true})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []*news.Article
	for _, a := range list {
		if strings.HasPrefix(a.Title, prefix) {
			out = append(out, a)
		}
	}
	return out
}

// Nothing duplicated: the new-article form sent twice at once (a double click on Save),
// then once more from the back button with a changed headline, is one story holding the
// last text; sent again after a colleague saved the story, it is the conflict, not a
// second story nor a write over the colleague's save.
func TestNewArticleFormCreatesOneStory(t *testing.T) {
	e := newEnv(t)
	e.addNamed("Ana Reyes", "ana@newsroom.example", news.RoleAuthor)
	e.addNamed("Ben Okafor", "ben@newsroom.example", news.RoleEditor)
	ana := e.browser()
	ana.login("ana@newsroom.example")
	page := ana.get("/admin/articles/new").body
	form := url.Values{"csrf": {ana.csrf()}, "action": {"save"}}
	for k, v := range browserForm(t, page) {
		form.Set(k, v)
	}
	if form.Get("create_key") == "" {
		t.Fatal("the new-article form carries no key")
	}
	form.Set("title", "Fire on Main Street")
	form.Set("body", "Crews are there.")
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range statuses {
		wg.Add(1)
		go func() { defer wg.Done(); statuses[i] = ana.post("/admin/articles", form).status }()
	}
	wg.Wait()
	stories := e.storiesTitled("Fire")
	if len(stories) != 1 || statuses[0] != 303 || statuses[1] != 303 {
		t.Fatalf("a double click on Save: %d stories (%v), answers %v", len(stories), slugs(stories), statuses)
	}
	id := stories[0].ID

	form.Set("title", "Fire on Main Street: two hurt")
	if r := ana.post("/admin/articles", form); r.status != 303 || r.header.Get("Location") != fmt.Sprintf("/admin/articles/%d", id) {
		t.Fatalf("the form sent again: %d %s", r.status, r.header.Get("Location"))
	}
	if got := e.storiesTitled("Fire"); len(got) != 1 || got[0].Title != "Fire on Main Street: two hurt" {
		t.Fatalf("the form sent again: %d stories, %q", len(got), got[0].Title)
	}

	ben := e.browser()
	ben.login("ben@newsroom.example")
	edit, _ := ben.openEditor(id)
	edit["correction"] = "Correction: three were hurt."
	if _, r := ben.write(fmt.Sprintf("/admin/articles/%d", id), "save", edit); r.status != 303 {
		t.Fatalf("Ben's save: %d", r.status)
	}
	form.Set("body", "Crews are there. Ana's late line.")
	r := ana.post("/admin/articles", form)
	if r.status != 409 || !strings.Contains(r.body, "Ben Okafor saved this story") || !strings.Contains(r.body, "Ana&#39;s late line.") {
		t.Errorf("the form sent after Ben's save: %d, want the conflict with Ana's text in it", r.status)
	}
	if got := e.storiesTitled("Fire"); len(got) != 1 || got[0].CorrectionNote != "Correction: three were hurt." {
		t.Errorf("after the stale form: %d stories, correction %q", len(got), got[0].CorrectionNote)
	}

	// Another writer's form naming Ana's key creates their own story.
	form.Set("csrf", ben.csrf())
	form.Set("title", "Fire: Ben's own")
	if r := ben.post("/admin/articles", form); r.status != 303 || len(e.storiesTitled("Fire: Ben's own")) != 1 {
		t.Errorf("Ben's form with Ana's key: %d", r.status)
	}
}

func slugs(arts []*news.Article) []string {
	var out []string
	for _, a := range arts {
		out = append(out, a.Slug)
	}
	return out
}

// A save that changes nothing (Update pressed with nothing typed) is no new version: a
// colleague's form loaded before it saves without a conflict about nothing.
func TestASaveOfNothingIsNoConflict(t *testing.T) {
	x := twoEditorsOpen(t)
	x.e.clock.Add(time.Minute)
	if _, r := x.ana.write(x.path, "save", x.anaForm); r.status != 303 {
		t.Fatalf("Ana's save of nothing: %d", r.status)
	}
	x.benForm["title"] = "Tram line 4 back in service"
	if _, r := x.ben.write(x.path, "save", x.benForm); r.status != 303 {
		t.Fatalf("Ben's save after Ana saved nothing: %d, want it applied", r.status)
	}
	if a := x.e.stored(x.e.article.ID); a.Title != "Tram line 4 back in service" {
		t.Errorf("Ben's headline: %q", a.Title)
	}
}

// The image and the comments switch are compared three ways like the texts: Ana closes
// the comments and sets a featured image, Ben (from the form loaded before) changes the
// headline. The conflict shows her changes, offers the merge, and the merge keeps both
// hers and his; Ben reopening the comments from his old form is his change, merged too.
func TestMergeKeepsTheOthersImageAndSwitch(t *testing.T) {
	x := twoEditorsOpen(t)
	csrf := x.ana.csrf()
	if r := x.ana.multipartPost("/admin/media", map[string]string{"csrf": csrf, "alt": "The tram depot"}, "file", "depot.png", pngImage(800, 400)); r.status != 303 {
		t.Fatalf("upload: %d", r.status)
	}
	items, _ := x.e.db.MediaLibrary(context.Background(), 10)
	x.e.clock.Add(time.Minute)
	x.anaForm["comments_closed"] = "1"
	x.anaForm["image_media"] = fmt.Sprint(items[0].ID)
	if _, r := x.ana.write(x.path, "save", x.anaForm); r.status != 303 {
		t.Fatalf("Ana's save: %d\n%s", r.status, r.body)
	}
	x.benForm["title"] = "Tram line 4 back in service"
	_, r := x.ben.write(x.path, "save", x.benForm)
	if r.status != 409 {
		t.Fatalf("Ben's save: %d", r.status)
	}
	conflict := r.body[strings.Index(r.body, `class="conflict"`):]
	if !strings.Contains(conflict, "<h3>Comments</h3>") || !strings.Contains(conflict, "<h3>Featured image</h3>") ||
		!strings.Contains(conflict, `value="merge"`) {
		t.Fatalf("the conflict does not show Ana's image and switch, or offers no merge:\n%s", conflict)
	}
	if _, r := x.ben.write(x.path, "merge", conflictForm(t, r.body)); r.status != 303 {
		t.Fatalf("merge: %d\n%s", r.status, r.body)
	}
	a := x.e.stored(x.e.article.ID)
	if a.Title != "Tram line 4 back in service" || !a.CommentsClosed || a.FeaturedImage == nil || a.FeaturedImage.Alt != "The tram depot" {
		t.Fatalf("after the merge: %q, comments closed %v, image %+v", a.Title, a.CommentsClosed, a.FeaturedImage)
	}

	// Ben, from the form before Ana's next save, reopens the comments; Ana changes the
	// headline. Merged: her headline, his switch, the image kept.
	ben, _ := x.ben.openEditor(x.e.article.ID)
	ana, _ := x.ana.openEditor(x.e.article.ID)
	ana["comments_closed"] = "1"
	ana["title"] = "Tram line 4: service resumes"
	x.e.clock.Add(time.Minute)
	if _, r := x.ana.write(x.path, "save", ana); r.status != 303 {
		t.Fatalf("Ana's second save: %d", r.status)
	}
	_, r = x.ben.write(x.path, "save", ben) // no comments_closed: he reopened them
	if r.status != 409 {
		t.Fatalf("Ben's second save: %d", r.status)
	}
	if _, r := x.ben.write(x.path, "merge", conflictForm(t, r.body)); r.status != 303 {
		t.Fatalf("second merge: %d\n%s", r.status, r.body)
	}
	if a := x.e.stored(x.e.article.ID); a.Title != "Tram line 4: service resumes" || a.CommentsClosed || a.FeaturedImage == nil {
		t.Errorf("after the second merge: %q, comments closed %v, image %+v", a.Title, a.CommentsClosed, a.FeaturedImage)
	}
}
