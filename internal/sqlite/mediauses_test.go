package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// An article is written from a connection that is not the store's — the sqlite3 shell
// (which has none of the binary's SQL functions, and foreign keys off), or a script
// through database/sql — and the write works; the store then still says rightly where
// each image is used, and deletes an image nobody shows any more.
func TestArticlesWrittenPastTheStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "site.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	plain, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	// No schema object calls a function only the binary registers: every connection can
	// write every table.
	rows, err := plain.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var kind, name, text string
		if err := rows.Scan(&kind, &name, &text); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(text), "bs_") {
			t.Errorf("%s %s calls a function of the binary's:\n%s", kind, name, text)
		}
	}
	rows.Close()

	add := func(name string) *news.Media {
		m := &news.Media{Name: name, ContentType: "image/jpeg", Width: 800, Height: 600, Bytes: 100, Alt: name, CreatedAt: time.Now()}
		if err := db.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	harbour, chart, map_ := add("harbour.jpg"), add("chart.png"), add("map.png")
	story := &news.Article{Slug: "harbour", Title: "The harbour", BodyMarkdown: "![The harbour](/media/harbour.jpg)",
		BodyHTML: `<p><img src="/media/harbour.jpg" alt="The harbour"></p>`, Status: news.StatusDraft}
	other := &news.Article{Slug: "maps", Title: "Maps", BodyMarkdown: "![A map](/media/map.png)",
		BodyHTML: `<p><img src="/media/map.png" alt="A map"></p>`, Status: news.StatusDraft}
	for _, a := range []*news.Article{story, other} {
		if err := db.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}

	writes := []string{
		// The story now shows the chart instead of the harbour.
		`UPDATE articles SET body_markdown = '![A chart](/media/chart.png)', body_html = '<p><img src="/media/chart.png"></p>' WHERE slug = 'harbour'`,
		// A story added by hand shows the harbour again.
		`INSERT INTO articles (slug, title, body_markdown, body_html, status, created_at, image_url)
			VALUES ('by-hand', 'By hand', '', '', 'draft', 1700000000, '/media/harbour.jpg')`,
		// The story with the map is deleted (foreign keys off in the shell: no cascade).
		`DELETE FROM articles WHERE slug = 'maps'`,
	}
	if shell, err := exec.LookPath("sqlite3"); err == nil {
		for _, w := range writes {
			if out, err := exec.Command(shell, path, w).CombinedOutput(); err != nil {
				t.Fatalf("the sqlite3 shell's write %q: %v\n%s", w, err, out)
			}
		}
	} else {
		t.Logf("no sqlite3 shell (%v): writing through database/sql", err)
		for _, w := range writes {
			if _, err := plain.ExecContext(ctx, w); err != nil {
				t.Fatalf("a plain connection's write %q: %v", w, err)
			}
		}
	}

	byHand, err := db.ArticleBySlug(ctx, "by-hand")
	if err != nil {
		t.Fatal(err)
	}
	usedBy := func(m *news.Media) []int64 {
		t.Helper()
		list, total, err := db.MediaUses(ctx, m, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, u := range list {
			ids = append(ids, u.ArticleID)
		}
		if total != len(ids) {
			t.Errorf("%s: %d uses listed, %d counted", m.Name, len(ids), total)
		}
		return ids
	}
	if got := usedBy(chart); len(got) != 1 || got[0] != story.ID {
		t.Errorf("the chart is used by %v, want the story the shell changed (%d)", got, story.ID)
	}
	if got := usedBy(harbour); len(got) != 1 || got[0] != byHand.ID {
		t.Errorf("the harbour is used by %v, want the story added by hand (%d)", got, byHand.ID)
	}
	if err := db.DeleteMedia(ctx, map_.ID); err != nil {
		t.Errorf("deleting the map, whose story the shell deleted: %v", err)
	}
	if err := db.DeleteMedia(ctx, chart.ID); !errors.Is(err, news.ErrConflict) {
		t.Errorf("deleting the chart the shell put in a story: %v, want ErrConflict", err)
	}

	// The store's own writes after the shell's keep the index right too.
	cur, err := db.Article(ctx, story.ID)
	if err != nil {
		t.Fatal(err)
	}
	cur.BodyMarkdown, cur.BodyHTML = "No pictures.", "<p>No pictures.</p>"
	if err := db.UpdateArticle(ctx, cur); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteMedia(ctx, chart.ID); err != nil {
		t.Errorf("deleting the chart once the editor removed it: %v", err)
	}
}
