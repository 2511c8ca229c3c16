package wxr_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
	"broadsheet/internal/wxr"
)

// WordPress keeps a post's title as HTML and prints it as it is, and keeps term names,
// display names and commenters' names escaped (_wp_specialchars on pre_term_name,
// pre_user_display_name, pre_comment_author_name: "&" stored as "&amp;"), printing
// them without encoding twice; its exporter writes both as stored. A reader of the
// WordPress site saw "Council & Politics", "Q&A: What’s next…"; the imported site must
// show the same, not "Council &amp;amp; Politics" or a title with "<em>" in it. And
// exported again and imported into an empty site, every one comes back the same.
func TestImportShowsWordPressTextAsReadersSawIt(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "escaped-text.xml"))
	if err != nil {
		t.Fatal(err)
	}
	db := openStore(t)
	rep, err := wxr.Import(context.Background(), db, bytes.NewReader(raw), wxr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Changes) != 0 {
		t.Errorf("changes to fit %v, want none", rep.Changes)
	}
	checkEscapedText(t, db)

	var out bytes.Buffer
	if _, err := wxr.Export(context.Background(), db, &out, wxr.ExportOptions{BaseURL: "https://news.example.org"}); err != nil {
		t.Fatal(err)
	}
	again := openStore(t)
	if _, err := wxr.Import(context.Background(), again, bytes.NewReader(out.Bytes()), wxr.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Run("exported and imported again", func(t *testing.T) { checkEscapedText(t, again) })
}

func checkEscapedText(t *testing.T, db *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	// A category's description is HTML in WordPress (kses makes a typed "&" "&amp;").
	if s, err := db.SectionBySlug(ctx, "council"); err != nil || s.Name != "Council & Politics" || s.Description != "The town hall & the council.\nEvery week." {
		t.Errorf("section: %+v, %v; want the name Council & Politics, the description The town hall & the council.\\nEvery week.", s, err)
	}
	if tg, err := db.TagBySlug(ctx, "rock-roll"); err != nil || tg.Name != "Rock & Roll &amp; <b>" {
		t.Errorf("tag: %+v, %v; want the name Rock & Roll &amp; <b>", tg, err)
	}
	if au, err := db.AuthorBySlug(ctx, "jsmith"); err != nil || au.Name != "Smith & Sons" {
		t.Errorf("author: %+v, %v; want the name Smith & Sons", au, err)
	}
	a, err := db.ArticleBySlug(ctx, "qa-library")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Q&A: What’s next for the library"; a.Title != want {
		t.Errorf("post title %q, want %q", a.Title, want)
	}
	cs, err := db.Comments(ctx, news.CommentQuery{ArticleID: a.ID, Limit: 10})
	if err != nil || len(cs) != 1 || cs[0].AuthorName != "Tom & Jerry" {
		var names []string
		for _, c := range cs {
			names = append(names, c.AuthorName)
		}
		t.Errorf("comments by %q (%v), want one by Tom & Jerry", names, err)
	}
	p, err := db.ArticleBySlug(ctx, "about")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Markup: Title With Markup"; p.Title != want {
		t.Errorf("page title %q, want %q", p.Title, want)
	}
	lib, err := db.MediaPage(ctx, news.MediaQuery{Limit: 10})
	if err != nil || len(lib) != 1 || lib[0].Title != "Tom & Jerry’s photo <3 &amp;" {
		var titles []string
		for _, m := range lib {
			titles = append(titles, m.Title)
		}
		t.Errorf("media library titles %q (%v), want [Tom & Jerry’s photo <3 &amp;]", titles, err)
	}
}
