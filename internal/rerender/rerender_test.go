package rerender_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
	"broadsheet/internal/rerender"
	"broadsheet/internal/site"
	"broadsheet/internal/sqlite"
)

var published = time.Date(2023, 5, 4, 10, 0, 0, 0, time.UTC)

// env is a site on a real SQLite file, served over HTTP with its page cache on.
type env struct {
	t   *testing.T
	db  *sqlite.DB
	srv *site.Server
	web *httptest.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "site.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := news.EnsureSecret(ctx, db); err != nil {
		t.Fatal(err)
	}
	web := httptest.NewUnstartedServer(nil)
	srv, err := site.New(ctx, db, site.Config{BaseURL: "http://" + web.Listener.Addr().String(), PageCache: true,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	web.Config.Handler = srv
	web.Start()
	t.Cleanup(web.Close)
	return &env{t: t, db: db, srv: srv, web: web}
}

// create stores a published article with the Markdown md and the HTML html, as an
// older renderer (or an import) left it.
func (e *env) create(slug, md, html string) *news.Article {
	e.t.Helper()
	a := &news.Article{Slug: slug, Title: "Story " + slug, Standfirst: "What happened.", BodyMarkdown: md, BodyHTML: html,
		Status: news.StatusPublished, PublishedAt: published, Author: &news.Author{Name: "Ana Reyes"}}
	if err := e.db.CreateArticle(context.Background(), a); err != nil {
		e.t.Fatal(err)
	}
	if err := e.srv.Sync(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) page(a *news.Article) string {
	e.t.Helper()
	res, err := http.Get(e.web.URL + "/" + published.Format("2006/01/02") + "/" + a.Slug + "/")
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		e.t.Fatalf("%s: %d", a.Slug, res.StatusCode)
	}
	return string(b)
}

// run is one pass as the server's scheduler makes it: Run, then the page caches follow.
func (e *env) run(opt rerender.Options) rerender.Result {
	e.t.Helper()
	res, err := rerender.Run(context.Background(), e.db, opt)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.srv.Sync(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	return res
}

func (e *env) setHosts(hosts string) {
	e.t.Helper()
	if err := e.db.SetSettings(context.Background(), map[string]string{news.SettingEmbedHosts: hosts}); err != nil {
		e.t.Fatal(err)
	}
	if err := e.srv.Sync(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

const youtube = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"

// The example: a body saved before embeds were supported lost its YouTube
// iframe, though its Markdown holds the address on its own line. After a pass its page
// (cached before) shows the embed, and nothing says it was edited.
func TestOldArticleGetsItsEmbed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	md := "The council met.\n\n" + youtube + "\n\nIt voted."
	old := `<p>The council met.</p>` + "\n" + `<p><a href="` + youtube + `">` + youtube + `</a></p>` + "\n" + `<p>It voted.</p>`
	a := e.create("council", md, old)
	if p := e.page(a); strings.Contains(p, "<iframe") { // and now cached
		t.Fatal("the old HTML has an iframe already")
	}
	before, _ := e.db.Article(ctx, a.ID)
	_, revisions, _ := e.db.RevisionPage(ctx, a.ID, 0, 0)

	res := e.run(rerender.Options{})
	if res.Changed != 1 {
		t.Fatalf("pass: %+v, want 1 changed", res)
	}
	p := e.page(a)
	if !strings.Contains(p, `<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"`) {
		t.Errorf("the page has no YouTube embed after the pass (its cached copy kept?):\n%s", p)
	}
	if strings.Contains(p, `class="updated"`) {
		t.Error(`a re-render shows an "Updated" note`)
	}
	after, _ := e.db.Article(ctx, a.ID)
	if after.Version != before.Version || !after.UpdatedAt.Equal(before.UpdatedAt) || after.BodyMarkdown != md {
		t.Errorf("a re-render is an edit: version %d→%d, updated %v→%v", before.Version, after.Version, before.UpdatedAt, after.UpdatedAt)
	}
	if _, n, _ := e.db.RevisionPage(ctx, a.ID, 0, 0); n != revisions {
		t.Errorf("revisions %d→%d", revisions, n)
	}

	// A second pass finds nothing, writes nothing.
	last, _ := e.db.LastChange(ctx)
	if res := e.run(rerender.Options{}); res.Rendered()+res.Skipped != 0 {
		t.Errorf("second pass: %+v, want nothing", res)
	}
	if now, _ := e.db.LastChange(ctx); now != last {
		t.Errorf("the second pass recorded changes %d→%d", last, now)
	}
}

// A host taken out of embed_hosts loses its iframes in stored HTML, from Markdown and
// from an import that brought only HTML; a host added brings its iframes back from the
// Markdown. Every page shows it at once.
func TestEmbedHostsSettingRerenders(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.setHosts("maps.example.org")
	frame := `<iframe src="https://maps.example.org/embed?x=1" width="600" height="400"></iframe>`
	md := "Where it happened:\n\n" + frame + "\n\nThe end."
	hosts := render.Embeds{Hosts: []string{"maps.example.org"}}
	html, _, err := render.ArticleMarkdown(ctx, md, hosts)
	if err != nil || !strings.Contains(html, "maps.example.org") {
		t.Fatalf("setup: %q %v", html, err)
	}
	a := e.create("map", md, html)
	imported, _, _ := render.ArticleHTML("<p>Imported.</p>"+frame, hosts)
	b := e.create("imported-map", "", imported)
	if res := e.run(rerender.Options{}); res.Changed != 0 || res.Unchanged != 2 {
		t.Fatalf("first pass under the same hosts: %+v, want both unchanged", res)
	}
	for _, x := range []*news.Article{a, b} {
		if !strings.Contains(e.page(x), `src="https://maps.example.org/embed?x=1"`) {
			t.Fatalf("%s: no map before the change", x.Slug)
		}
	}

	e.setHosts("")
	if res := e.run(rerender.Options{}); res.Changed != 2 {
		t.Fatalf("pass after removing the host: %+v, want 2 changed", res)
	}
	for _, x := range []*news.Article{a, b} {
		got, _ := e.db.Article(ctx, x.ID)
		if strings.Contains(got.BodyHTML, "<iframe") || strings.Contains(e.page(x), "<iframe") {
			t.Errorf("%s keeps the iframe of a host no longer allowed: %q", x.Slug, got.BodyHTML)
		}
		if !strings.Contains(got.BodyHTML, "The end.") && !strings.Contains(got.BodyHTML, "Imported.") {
			t.Errorf("%s lost its text: %q", x.Slug, got.BodyHTML)
		}
	}

	e.setHosts("maps.example.org")
	if res := e.run(rerender.Options{}); res.Changed != 1 || res.Unchanged != 1 {
		t.Fatalf("pass after adding the host again: %+v, want the Markdown one changed", res)
	}
	if !strings.Contains(e.page(a), `src="https://maps.example.org/embed?x=1"`) {
		t.Error("the map is not back from the Markdown")
	}
}

// racingStore saves an edit of the article between the pass's read and its write, as
// an editor on another server would.
type racingStore struct {
	*sqlite.DB
	edit func()
	once sync.Once
}

func (r *racingStore) SetRenderedHTML(ctx context.Context, fp string, items []news.Rendered) (news.RerenderCount, error) {
	r.once.Do(r.edit)
	return r.DB.SetRenderedHTML(ctx, fp, items)
}

// An article edited while the pass renders it keeps the edit; the next pass renders
// the edit.
func TestConcurrentEditWins(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.create("edited", "Before.\n\n"+youtube, "<p>Before.</p>")
	st := &racingStore{DB: e.db, edit: func() {
		ed, _ := e.db.Article(ctx, a.ID)
		ed.BodyMarkdown, ed.BodyHTML = "After the edit.", "<p>After the edit.</p>\n" // as the editor renders it
		if err := e.db.UpdateArticle(ctx, ed); err != nil {
			t.Error(err)
		}
	}}
	res, err := rerender.Run(ctx, st, rerender.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != 1 || res.Changed != 0 {
		t.Errorf("pass over an article edited meanwhile: %+v, want it skipped", res)
	}
	got, _ := e.db.Article(ctx, a.ID)
	if got.BodyHTML != "<p>After the edit.</p>\n" || got.Version != a.Version+1 {
		t.Errorf("the edit was overwritten: %q, version %d", got.BodyHTML, got.Version)
	}
	// The edit's HTML is stamped by the next pass (the same HTML: no change named).
	if res := e.run(rerender.Options{}); res.Unchanged != 1 {
		t.Errorf("next pass: %+v, want the edit stamped", res)
	}
	if res := e.run(rerender.Options{}); res.Rendered() != 0 {
		t.Errorf("third pass: %+v", res)
	}
}

// countingStore records the size of each write.
type countingStore struct {
	*sqlite.DB
	writes []int
}

func (c *countingStore) SetRenderedHTML(ctx context.Context, fp string, items []news.Rendered) (news.RerenderCount, error) {
	c.writes = append(c.writes, len(items))
	return c.DB.SetRenderedHTML(ctx, fp, items)
}

// A pass writes at most Batch articles a transaction and renders at most Max.
func TestBatchesBounded(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var items []news.ImportItem
	for i := range 250 {
		items = append(items, news.ImportItem{Article: &news.Article{Slug: fmt.Sprintf("s-%d", i), Title: "S", BodyMarkdown: "Old *text*.",
			BodyHTML: "<p>Old text.</p>", Status: news.StatusPublished, PublishedAt: published, Source: "t", SourceID: fmt.Sprint(i)}})
	}
	if _, err := e.db.Import(ctx, items); err != nil {
		t.Fatal(err)
	}
	st := &countingStore{DB: e.db}
	res, err := rerender.Run(ctx, st, rerender.Options{Batch: 100, Max: 120})
	if err != nil || res.Changed != 120 || fmt.Sprint(st.writes) != "[100 20]" {
		t.Fatalf("Max 120: %+v %v, writes %v; want 120 in [100 20]", res, err, st.writes)
	}
	st.writes = nil
	res, err = rerender.Run(ctx, st, rerender.Options{Batch: 100})
	if err != nil || res.Changed != 130 || fmt.Sprint(st.writes) != "[100 30]" {
		t.Fatalf("the rest: %+v %v, writes %v; want 130 in [100 30]", res, err, st.writes)
	}
	got, _ := e.db.Articles(ctx, news.ArticleQuery{Limit: 1})
	if got[0].BodyHTML != "<p>Old <em>text</em>.</p>\n" {
		t.Errorf("rendered: %q", got[0].BodyHTML)
	}
}

// A body over the render budget keeps its HTML, is logged once, and is not tried
// again under the same fingerprint.
func TestTooComplexKeptOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	deep := strings.Repeat(">", render.MaxNesting+8) + " deep"
	a := e.create("deep", deep, "<p>As it was.</p>")
	var log bytes.Buffer
	opt := rerender.Options{Log: slog.New(slog.NewTextHandler(&log, nil))}
	if res := e.run(opt); res.Kept != 1 || res.Unchanged != 1 {
		t.Fatalf("pass: %+v, want 1 kept", res)
	}
	if got, _ := e.db.Article(ctx, a.ID); got.BodyHTML != "<p>As it was.</p>" {
		t.Errorf("kept HTML: %q", got.BodyHTML)
	}
	if res := e.run(opt); res.Rendered() != 0 {
		t.Errorf("tried again: %+v", res)
	}
	if n := strings.Count(log.String(), "keeps its HTML"); n != 1 || !strings.Contains(log.String(), fmt.Sprintf("article=%d", a.ID)) {
		t.Errorf("logged %d times:\n%s", n, log.String())
	}
}

// An embed_hosts setting that does not parse renders nothing (under no hosts, every
// site embed would be stripped).
func TestBadHostsSettingRendersNothing(t *testing.T) {
	e := newEnv(t)
	e.create("x", "Some *text*.", "<p>Some text.</p>")
	if err := e.db.SetSettings(context.Background(), map[string]string{news.SettingEmbedHosts: "*.example.org"}); err != nil {
		t.Fatal(err)
	}
	res, err := rerender.Run(context.Background(), e.db, rerender.Options{})
	if err == nil || res.Rendered() != 0 {
		t.Errorf("with a bad setting: %+v, %v; want an error and nothing rendered", res, err)
	}
}
