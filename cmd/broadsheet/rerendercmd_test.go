package main

import (
	"context"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// `broadsheet rerender` brings every stale article up to date at once (flags before or
// after), says how many, and a second run finds none.
func TestRerenderCommand(t *testing.T) {
	ctx := context.Background()
	dbPath, db := importedCorpus(t)
	arts, err := db.Articles(ctx, news.ArticleQuery{Limit: 1})
	if err != nil || len(arts) == 0 {
		t.Fatal(err)
	}
	a, _ := db.Article(ctx, arts[0].ID)
	a.BodyMarkdown, a.BodyHTML = "Watch:\n\nhttps://youtu.be/dQw4w9WgXcQ", "<p>Watch:</p>" // as saved before embeds
	if err := db.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "rerender", "--batch", "7", "--db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "40 articles rendered again: ") || !strings.Contains(out, "; 0 saved meanwhile") {
		t.Errorf("first run: %q", out)
	}
	got, _ := db.Article(ctx, a.ID)
	if !strings.Contains(got.BodyHTML, "youtube-nocookie.com/embed/dQw4w9WgXcQ") || got.Version != a.Version {
		t.Errorf("after the command: version %d→%d, %q", a.Version, got.Version, got.BodyHTML)
	}
	out, _, err = runCmd(t, "rerender", "--db", dbPath)
	if err != nil || !strings.HasPrefix(out, "0 articles rendered again") {
		t.Errorf("second run: %q, %v", out, err)
	}
	if _, _, err := runCmd(t, "rerender", "extra", "--db", dbPath); err == nil {
		t.Error("an argument was accepted")
	}
}
