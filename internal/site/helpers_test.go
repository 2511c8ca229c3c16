package site_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
	"broadsheet/internal/site"
	"broadsheet/internal/sqlite"
)

// clock is a test's time, moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// syncBuffer is a log destination that tests read while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

type env struct {
	t     *testing.T
	db    *sqlite.DB
	path  string // the database file
	srv   *site.Server
	http  *httptest.Server
	clock *clock
	log   *syncBuffer
	arts  []*news.Article // oldest first
}

var start = time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)

// newEnv makes a site on a real SQLite file with n published articles, one a day from
// start (article i has i%4 comments, threaded), its clock a week after the last one.
func newEnv(t *testing.T, n int, tweak func(*site.Config)) *env {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "site.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := news.EnsureSecret(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSettings(ctx, map[string]string{
		"title": "The Test Gazette", "social_links": "Mastodon https://social.example/@gazette\nBluesky https://bsky.example/gazette",
	}); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, path: path, clock: &clock{t: start.Add(time.Duration(n+7) * 24 * time.Hour)}, log: &syncBuffer{}}
	var items []news.ImportItem
	for i := 1; i <= n; i++ {
		md := fmt.Sprintf("Paragraph one of story %d, which \"quotes\" someone -- at length.\n\n> A quotation in story %d.\n\nThe last paragraph of story %d.", i, i, i)
		body, _ := render.Markdown(md)
		a := &news.Article{
			Slug: fmt.Sprintf("story-number-%d", i), Title: fmt.Sprintf("Story number %d's headline", i),
			Standfirst:   fmt.Sprintf("The standfirst of story %d says what happened, to whom and why it matters, in a sentence long enough to need cutting for an excerpt box.", i),
			BodyMarkdown: md, BodyHTML: body, Status: news.StatusPublished,
			PublishedAt: start.Add(time.Duration(i-1) * 24 * time.Hour),
			Author:      &news.Author{Name: []string{"Anna Petrova", "James Miller"}[i%2], Email: "staff@example.org"},
			Section:     &news.Section{Name: []string{"World", "Business", "Sport"}[i%3]},
			Tags:        []*news.Tag{{Name: "Diplomacy"}, {Name: fmt.Sprintf("Topic %d", i%2)}},
			Source:      "test", SourceID: fmt.Sprint(i),
		}
		it := news.ImportItem{Article: a}
		for j := 1; j <= i%4; j++ {
			c := &news.Comment{Status: news.CommentApproved, AuthorName: fmt.Sprintf("Reader %d", j),
				AuthorEmail: fmt.Sprintf("reader%d@private.example", j), Body: fmt.Sprintf("Comment %d on story %d", j, i),
				CreatedAt: a.PublishedAt.Add(time.Duration(j) * time.Hour), Source: "test", SourceID: fmt.Sprint(j)}
			if j == 3 {
				c.ParentSourceID = "1" // the third replies to the first
			}
			c.BodyHTML = render.Comment(c.Body)
			it.Comments = append(it.Comments, c)
		}
		items = append(items, it)
		e.arts = append(e.arts, a)
	}
	if n > 0 {
		if _, err := db.Import(ctx, items); err != nil {
			t.Fatal(err)
		}
	}
	e.start(tweak)
	return e
}

func (e *env) start(tweak func(*site.Config)) {
	e.http = httptest.NewUnstartedServer(nil)
	cfg := site.Config{
		BaseURL: "http://" + e.http.Listener.Addr().String(), PageCache: true, Now: e.clock.Now,
		Logger: slog.New(slog.NewTextHandler(e.log, nil)), TrustProxy: true, CommentBurst: 1000,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	srv, err := site.New(context.Background(), e.db, cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.srv = srv
	e.http.Config.Handler = srv
	e.http.Start()
	e.t.Cleanup(e.http.Close)
}

func (e *env) url(a *news.Article) string {
	if a.IsPage() {
		return e.http.URL + "/" + a.Slug + "/"
	}
	return e.http.URL + fmt.Sprintf("/%s/%s/", a.PublishedAt.Format("2006/01/02"), a.Slug)
}

type page struct {
	status int
	header http.Header
	body   string
}

var client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (e *env) get(u string, headers ...string) page {
	e.t.Helper()
	if strings.HasPrefix(u, "/") {
		u = e.http.URL + u
	}
	req, _ := http.NewRequest("GET", u, nil)
	return e.do(req, headers)
}

func (e *env) post(path string, form url.Values, headers ...string) page {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.http.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.do(req, headers)
}

// do sends the request with the headers (name, value, name, value, …), following no
// redirect.
func (e *env) do(req *http.Request, headers []string) page {
	e.t.Helper()
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(b)}
}

var tokenRe = regexp.MustCompile(`name="token" value="([^"]+)"`)

// commentForm loads an article's comment form as a reader would and fills it in; the
// clock moves on past the minimum fill time.
func (e *env) commentForm(a *news.Article, name, email, text string) url.Values {
	e.t.Helper()
	p := e.get(e.url(a))
	m := tokenRe.FindStringSubmatch(p.body)
	if m == nil {
		e.t.Fatalf("no comment form on %s", e.url(a))
	}
	e.clock.Add(10 * time.Second)
	return url.Values{"article": {fmt.Sprint(a.ID)}, "parent": {"0"}, "token": {m[1]},
		"author": {name}, "email": {email}, "url": {""}, "comment": {text}, "subject": {""}}
}

func (e *env) countComments() int {
	e.t.Helper()
	n := 0
	for _, st := range []news.CommentStatus{news.CommentPending, news.CommentApproved, news.CommentSpam, news.CommentTrash} {
		cs, err := e.db.Comments(context.Background(), news.CommentQuery{Status: st})
		if err != nil {
			e.t.Fatal(err)
		}
		n += len(cs)
	}
	return n
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what, body string, bads ...string) {
	t.Helper()
	for _, b := range bads {
		if strings.Contains(body, b) {
			t.Errorf("%s contains %q", what, b)
		}
	}
}

// withoutToken is a page with its comment form's token (which is made afresh for each
// response) blanked, to compare two loads of a page.
func withoutToken(body string) string {
	return tokenRe.ReplaceAllString(body, `name="token" value=""`)
}

// sneak changes the database behind the store's back (no change log entry), so that a
// test can tell a page served from the cache from one rendered afresh.
func (e *env) sneak(query string, args ...any) {
	e.t.Helper()
	raw, err := sql.Open("sqlite", e.path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(query, args...); err != nil {
		e.t.Fatal(err)
	}
}
