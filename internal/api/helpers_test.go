package api_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/api"
	"broadsheet/internal/demo"
	"broadsheet/internal/httpx"
	"broadsheet/internal/media"
	"broadsheet/internal/news"
	"broadsheet/internal/site"
	"broadsheet/internal/sqlite"
)

const baseURL = "http://news.example"

// env is a site and its API on a real SQLite file holding the demo site, with stories
// readers must never see through the API beside it.
type env struct {
	db   *sqlite.DB
	path string // the database file
	site *site.Server
	api  *api.Server
	http *httptest.Server
	now  time.Time
	// public is every public article, newest first; hidden are a draft, a story
	// scheduled for tomorrow and one in the trash, each with a tag and an author of its
	// own ("Secret …").
	public []*news.Article
	hidden []*news.Article
	// emails are every address the store holds (commenters', authors'); ipHashes the
	// comments' address hashes.
	emails, ipHashes []string
	// mediaDir holds uploaded images; admin is the administrator whose tokens the
	// admin API's tests use (tokens_test.go).
	mediaDir string
	admin    *news.User
}

var now = time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "site.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return now }
	if err := news.EnsureSecret(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSettings(ctx, demo.Settings); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Import(ctx, demo.Items(now)); err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, path: path, now: now}
	// A featured image with variants on the newest story, and comments readers must
	// not see (pending, spam) on it, with emails and address hashes.
	arts, err := db.Articles(ctx, news.ArticleQuery{PublicAt: now})
	if err != nil || len(arts) < 25 {
		t.Fatalf("demo: %d articles, %v", len(arts), err)
	}
	lead, _ := db.Article(ctx, arts[0].ID)
	lead.FeaturedImage = &news.Image{URL: "/media/harbour.jpg", Alt: "The harbour at dawn", Caption: "The harbour",
		Width: 1600, Height: 900, Srcset: "/media/harbour-480.jpg 480w, /media/harbour-960.jpg 960w"}
	lead.Version = news.AnyVersion
	if err := db.UpdateArticle(ctx, lead); err != nil {
		t.Fatal(err)
	}
	// A reader's approved comment, posted through the site (with an address hash).
	if err := db.CreateComment(ctx, &news.Comment{ArticleID: lead.ID, Status: news.CommentApproved, AuthorName: "Posted Reader",
		AuthorEmail: "posted@readers.example", AuthorURL: "https://posted.example/", Body: "Posted", BodyHTML: "<p>Posted</p>",
		IPHash: "iphash-approved-secret", UserAgent: "Mozilla/5.0 (Secret Agent)", CreatedAt: now.Add(-2 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	for i, st := range []news.CommentStatus{news.CommentPending, news.CommentSpam, news.CommentTrash} {
		c := &news.Comment{ArticleID: lead.ID, Status: st, AuthorName: "Hidden Reader", AuthorEmail: "hidden" + string(rune('a'+i)) + "@private.example",
			Body: "not for readers " + string(st), BodyHTML: "<p>not for readers</p>", IPHash: "iphash-" + string(rune('a'+i)) + "-secret", CreatedAt: now.Add(-time.Minute)}
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for i, st := range []news.ArticleStatus{news.StatusDraft, news.StatusScheduled, news.StatusTrash} {
		name := []string{"Draft", "Scheduled", "Trashed"}[i]
		a := &news.Article{Slug: "secret-" + strings.ToLower(name), Title: "Secret " + name + " Story", BodyMarkdown: "x", BodyHTML: "<p>x</p>",
			Status: st, Author: &news.Author{Name: "Secret " + name + " Writer", Email: strings.ToLower(name) + "@newsroom.example"},
			Tags: []*news.Tag{{Name: "Secret " + name + " Topic"}}, Section: &news.Section{Name: "City"}}
		if st == news.StatusScheduled {
			a.PublishedAt = now.Add(24 * time.Hour)
		}
		if st == news.StatusTrash {
			a.PublishedAt = now.Add(-48 * time.Hour)
		}
		if err := db.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		e.hidden = append(e.hidden, a)
	}
	if e.public, err = db.Articles(ctx, news.ArticleQuery{PublicAt: now}); err != nil {
		t.Fatal(err)
	}
	comments, err := db.Comments(ctx, news.CommentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range comments {
		if c.AuthorEmail != "" {
			e.emails = append(e.emails, c.AuthorEmail)
		}
		if c.IPHash != "" {
			e.ipHashes = append(e.ipHashes, c.IPHash)
		}
	}
	for _, a := range append(append([]*news.Article{}, e.public...), e.hidden...) {
		for _, au := range a.Byline() {
			if au.Email != "" {
				e.emails = append(e.emails, au.Email)
			}
		}
	}
	if len(e.emails) < 8 {
		t.Fatalf("the demo holds %d emails; the privacy checks need them", len(e.emails))
	}

	e.site, err = site.New(ctx, db, site.Config{BaseURL: baseURL, PageCache: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	e.mediaDir = t.TempDir()
	e.api = api.New(db, api.Config{BaseURL: baseURL, ArticlePath: e.site.ArticlePath, FeedIDBase: e.site.FeedIDBase,
		Cache: e.site.Cache(), Now: func() time.Time { return now }, Location: e.site.Location, CommentPath: e.site.CommentPath,
		Secret: e.site.Secret(), Sync: e.site.Sync, Media: media.Dir(e.mediaDir)})
	// As cmd/broadsheet routes: the API under its prefix, the site for the rest, bodies
	// within httpx.Bodies' deadlines and lingering.
	e.http = httptest.NewServer(httpx.Bodies(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, api.Prefix) || api.IsWP(r) {
			e.api.ServeHTTP(w, r)
			return
		}
		e.site.ServeHTTP(w, r)
	}), 30*time.Second, func(*http.Request) (time.Duration, time.Duration) { return 15 * time.Minute, 20 * time.Minute }))
	t.Cleanup(e.http.Close)
	return e
}

// rawExec writes to the database file behind the store's back (no change logged).
func (e *env) rawExec(t testing.TB, query string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatal(err)
	}
}

// do sends a request to the server and returns the answer with its body read.
func (e *env) do(t testing.TB, method, path string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.http.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// get GETs path, wants status, and decodes the JSON answer into out (when not nil).
func (e *env) get(t testing.TB, path string, status int, out any) *http.Response {
	t.Helper()
	res, body := e.do(t, "GET", path, nil)
	if res.StatusCode != status {
		t.Fatalf("GET %s: %d, want %d: %s", path, res.StatusCode, status, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("GET %s: %v: %s", path, err, body)
		}
	}
	return res
}

// articlePage is the answer of GET /articles, as a client reads it.
type articlePage struct {
	Items []struct {
		ID            int64  `json:"id"`
		Slug          string `json:"slug"`
		URL           string `json:"url"`
		Headline      string `json:"headline"`
		BodyHTML      string `json:"body_html"`
		Published     string `json:"published"`
		Modified      string `json:"modified"`
		CommentCount  int    `json:"comment_count"`
		FeaturedImage *struct {
			URL    string `json:"url"`
			Srcset string `json:"srcset"`
		} `json:"featured_image"`
		Section *struct {
			Slug string `json:"slug"`
		} `json:"section"`
		Tags []struct {
			Slug string `json:"slug"`
		} `json:"tags"`
		Byline []struct {
			Slug string `json:"slug"`
		} `json:"byline"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
	Next       *string `json:"next"`
}

// problemDoc is an RFC 9457 answer.
type problemDoc struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Parameter string `json:"parameter"`
}

// addPages adds static pages: Ethics (first in the navigation), About (second),
// Colophon (out of it, comments open) and a draft page readers must not see. It
// returns them in that order.
func (e *env) addPages(t testing.TB) []*news.Article {
	t.Helper()
	var out []*news.Article
	for _, p := range []struct {
		slug, title string
		nav         int
		status      news.ArticleStatus
	}{{"ethics", "Ethics policy", 1, news.StatusPublished}, {"about", "About us", 2, news.StatusPublished},
		{"colophon", "Colophon", 0, news.StatusPublished}, {"secret-page", "Secret Draft Page", 3, news.StatusDraft}} {
		a := &news.Article{Kind: news.KindPage, Slug: p.slug, Title: p.title, Standfirst: "Who we are",
			BodyMarkdown: "x", BodyHTML: "<p>" + p.title + " body</p>", Status: p.status, NavPosition: p.nav,
			PublishedAt: e.now.Add(-time.Hour), CommentsClosed: p.nav != 0}
		if err := e.db.CreateArticle(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}
