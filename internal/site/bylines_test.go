package site_test

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"broadsheet/internal/news"
)

// coWrite makes story 3 (James Miller's) co-written by Anna Petrova and Ben Okafor.
func coWrite(t *testing.T, e *env) *news.Article {
	t.Helper()
	ctx := context.Background()
	a, err := e.db.Article(ctx, e.arts[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	a.CoAuthors = []*news.Author{{Name: "Anna Petrova"}, {Name: "Ben Okafor"}}
	if err := e.db.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	return a
}

// A co-written story names every author, in order, on its page (each linking to their
// archive), in its JSON-LD and in every feed format; a co-author's archive and feeds
// list it.
func TestCoAuthorsOnThePageJSONLDAndFeeds(t *testing.T) {
	e := newEnv(t, 4, nil)
	a := coWrite(t, e)
	body := e.get(e.url(a)).body
	mustContain(t, "the byline", body, `By <a href="/author/james-miller/" rel="author"><bdi>James Miller</bdi></a>, `+
		`<a href="/author/anna-petrova/" rel="author"><bdi>Anna Petrova</bdi></a> and `+
		`<a href="/author/ben-okafor/" rel="author"><bdi>Ben Okafor</bdi></a> · `)

	m := regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	var ld struct {
		Author []struct {
			Type string `json:"@type"`
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"author"`
	}
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ld.Author {
		got = append(got, p.Type+" "+p.Name+" "+strings.TrimPrefix(p.URL, e.http.URL))
	}
	if want := []string{"Person James Miller /author/james-miller/", "Person Anna Petrova /author/anna-petrova/", "Person Ben Okafor /author/ben-okafor/"}; !reflect.DeepEqual(got, want) {
		t.Errorf("JSON-LD authors %q, want %q", got, want)
	}

	want := []string{"James Miller", "Anna Petrova", "Ben Okafor"}
	for _, path := range []string{"/feed.xml", "/atom.xml", "/feed.json", "/author/ben-okafor/feed.xml", "/author/ben-okafor/atom.xml", "/author/ben-okafor/feed.json"} {
		f, err := gofeed.NewParser().ParseString(e.get(path).body)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var item *gofeed.Item
		for _, it := range f.Items {
			if strings.HasPrefix(it.Title, "Story number 3") {
				item = it
			}
		}
		if item == nil {
			t.Errorf("%s does not list the co-written story", path)
			continue
		}
		var names []string
		if f.FeedType == "rss" {
			// One dc:creator per author (RSS 2.0's own <author> needs an email).
			if item.DublinCoreExt != nil {
				names = item.DublinCoreExt.Creator
			}
		} else {
			for _, p := range item.Authors {
				names = append(names, p.Name)
			}
		}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("%s (%s): authors %q, want %q", path, f.FeedType, names, want)
		}
		if strings.HasPrefix(path, "/author/") && len(f.Items) != 1 {
			t.Errorf("%s lists %d stories; Ben Okafor co-wrote one", path, len(f.Items))
		}
	}
	raw := e.get("/atom.xml").body
	mustContain(t, "Atom", raw, "<uri>"+e.http.URL+"/author/ben-okafor/</uri>")

	// The co-author's archive lists the story, with its whole byline.
	archive := e.get("/author/ben-okafor/")
	if archive.status != 200 {
		t.Fatalf("Ben Okafor's archive: %d", archive.status)
	}
	mustContain(t, "the co-author's archive", archive.body, "Story number 3", `<a href="/author/anna-petrova/" rel="author">`)
	mustNotContain(t, "the co-author's archive", archive.body, "Story number 1", "Story number 2", "Story number 4")
	// Anna Petrova's own archive lists it beside her own stories.
	mustContain(t, "Anna Petrova's archive", e.get("/author/anna-petrova/").body, "Story number 3", "Story number 2", "Story number 4")
}

// A byline change purges every author's archive and feeds, those taken off the byline
// as well as those put on it, even when they were cached.
func TestBylineChangePurgesEveryAuthorsPages(t *testing.T) {
	e := newEnv(t, 4, nil)
	a := coWrite(t, e)
	cached := map[string]string{"/author/ben-okafor/": "", "/author/ben-okafor/feed.json": "", "/author/james-miller/": "", "/author/james-miller/atom.xml": ""}
	for u := range cached {
		mustContain(t, u, e.get(u).body, "Story number 3")
	}
	// Story 3 is now Anna Petrova's alone: James Miller and Ben Okafor are taken off.
	ctx := context.Background()
	a, _ = e.db.Article(ctx, a.ID)
	a.SetByline([]*news.Author{{Name: "Anna Petrova", Slug: "anna-petrova"}})
	if err := e.db.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for u := range cached {
		if p := e.get(u); p.status == 200 {
			mustNotContain(t, u, p.body, "Story number 3")
		}
	}
	if p := e.get("/author/ben-okafor/"); p.status != 404 {
		t.Errorf("Ben Okafor, on no public story's byline any more: archive %d", p.status)
	}
	mustContain(t, "the story", e.get(e.url(a)).body, `By <a href="/author/anna-petrova/" rel="author"><bdi>Anna Petrova</bdi></a> · `)
}
