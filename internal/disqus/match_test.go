package disqus_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"broadsheet/internal/disqus"
	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// A thread's address finds its story on a real site by each rule of Match, whatever
// the scheme and host, and an address of nothing the site has finds none.
func TestMatchFindsTheStory(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "site.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mk := func(slug string, kind news.Kind) int64 {
		a := &news.Article{Slug: slug, Title: slug, BodyMarkdown: "x", BodyHTML: "<p>x</p>", Status: news.StatusPublished,
			PublishedAt: time.Date(2019, 5, 6, 12, 0, 0, 0, time.UTC), Kind: kind}
		if err := db.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	imported, story, renamed, page := mk("imported", news.KindArticle), mk("council-vote", news.KindArticle), mk("tram-plan", news.KindArticle), mk("about-us", news.KindPage)
	for _, r := range []news.Redirect{
		{Kind: news.RedirectPath, Address: "/?p=42", ArticleID: imported},
		{Kind: news.RedirectPath, Address: "/archives/42", ArticleID: imported},
		{Kind: news.RedirectPath, Address: "/2019/05/old-permalink/", ArticleID: imported},
	} {
		if err := db.AddRedirect(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	a, err := db.Article(ctx, renamed)
	if err != nil {
		t.Fatal(err)
	}
	a.Slug = "tram-line-approved"
	if err := db.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginDisqus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, c := range []struct {
		link, ident string
		want        int64
	}{
		{"http://old.example.org/?p=42", "", imported},
		{"https://www.example.com/index.php?p=42&utm_source=x", "", imported},
		{"https://news.example/archives/42/", "", imported},
		{"https://news.example/2019/05/old-permalink", "", imported},
		{"https://news.example/blog/2019/05/old-permalink/", "", imported}, // WordPress in /blog/
		{"http://localhost:8080/2019/05/06/council-vote/?utm_medium=social#comments", "", story},
		{"https://news.example/council-vote", "", story},
		{"https://news.example/2020/01/01/tram-plan/", "", renamed}, // a former slug
		{"https://news.example/about-us/", "", page},
		{"", "42 http://old.example.org/?p=42", imported}, // the WordPress plug-in's identifier
		{"https://news.example/2019/05/06/never-here/", "", 0},
		{"https://news.example/?s=search", "", 0},
		{"https://news.example/", "", 0},
		{"not a :// link", "", 0},
	} {
		got, err := disqus.Match(ctx, tx, &disqus.Thread{Link: c.link, Identifier: c.ident})
		if err != nil || got != c.want {
			t.Errorf("Match(%q, %q) = %d, %v; want %d", c.link, c.ident, got, err, c.want)
		}
	}
}
