package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
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

	"broadsheet/internal/jobs"
	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
)

// clock is a test's time, moved by hand: backoff is tested without sleeping.
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

func openDB(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "test.db")
	}
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var quiet = slog.New(slog.DiscardHandler)

// request is what a receiver got.
type request struct {
	header http.Header
	body   []byte
}

// receiver is a real HTTP server that records every request and answers with the
// statuses given in turn (the last one for ever after).
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	got      []request
	statuses []int
	answer   string
}

func newReceiver(t testing.TB, statuses ...int) *receiver {
	rc := &receiver{statuses: statuses, answer: "thanks"}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, request{r.Header.Clone(), body})
		status := 200
		if len(rc.statuses) > 0 {
			status = rc.statuses[min(len(rc.got), len(rc.statuses))-1]
		}
		answer := rc.answer
		rc.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]request(nil), rc.got...)
}

func addHook(t testing.TB, db *sqlite.DB, url string, events ...string) *news.Webhook {
	t.Helper()
	h := &news.Webhook{URL: url, Events: events, Secret: news.NewWebhookSecret(), Enabled: true}
	if err := db.CreateWebhook(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	return h
}

func worker(db *sqlite.DB, c *clock, allowPrivate bool) *jobs.Webhooks {
	cfg := jobs.Config{BaseURL: "https://news.example.org", Now: c.Now, Timeout: 5 * time.Second, Lease: 2 * time.Minute, Logger: quiet,
		ArticlePath: func(a *news.Article) string { return "/" + a.Slug + "/" }}
	if allowPrivate { // the tests' receivers listen on loopback
		cfg.AllowPrivate = func() bool { return true }
	}
	return jobs.NewWebhooks(db, cfg)
}

func runOnce(t *testing.T, w *jobs.Webhooks) int {
	t.Helper()
	n, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func delivery(t *testing.T, db *sqlite.DB, hookID int64) *news.WebhookDelivery {
	t.Helper()
	ds, err := db.WebhookDeliveries(context.Background(), hookID, 10)
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries of webhook %d: %v %v", hookID, ds, err)
	}
	return ds[0]
}

func publish(t *testing.T, db *sqlite.DB, slug string) *news.Article {
	t.Helper()
	a := &news.Article{Slug: slug, Title: "Council votes on the bridge", Standfirst: "A narrow vote.", BodyMarkdown: "Body",
		BodyHTML: "<p>Body</p>", Status: news.StatusPublished, PublishedAt: time.Now().Add(-time.Hour),
		Author: &news.Author{Name: "Anna Petrova", Email: "anna.private@example.org"}, Section: &news.Section{Name: "Local"},
		Tags: []*news.Tag{{Name: "Bridges"}}}
	if err := db.CreateArticle(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

// A receiver gets the article's event, signed: the signature verifies with the
// webhook's secret, and not with another secret, another body or an old time.
func TestDeliverySigned(t *testing.T) {
	db := openDB(t, "")
	rc := newReceiver(t)
	h := addHook(t, db, rc.URL+"/hook", news.EventArticlePublished)
	a := publish(t, db, "bridge-vote")
	c := &clock{t: time.Now()}
	if n := runOnce(t, worker(db, c, true)); n != 1 {
		t.Fatalf("claimed %d deliveries, want 1", n)
	}
	got := rc.requests()
	if len(got) != 1 {
		t.Fatalf("the receiver got %d requests, want 1", len(got))
	}
	r := got[0]
	sig := r.header.Get(jobs.SignatureHeader)
	if err := jobs.Verify(h.Secret, sig, r.body, c.Now(), 0); err != nil {
		t.Errorf("the signature does not verify: %v (%s)", err, sig)
	}
	for name, check := range map[string]error{
		"another secret": jobs.Verify(news.NewWebhookSecret(), sig, r.body, c.Now(), 0),
		"another body":   jobs.Verify(h.Secret, sig, append([]byte(" "), r.body...), c.Now(), 0),
		"a replay later": jobs.Verify(h.Secret, sig, r.body, c.Now().Add(10*time.Minute), 0),
		"no signature":   jobs.Verify(h.Secret, "", r.body, c.Now(), 0),
	} {
		if !errors.Is(check, jobs.ErrSignature) {
			t.Errorf("%s verified: %v", name, check)
		}
	}
	if r.header.Get(jobs.EventHeader) != news.EventArticlePublished || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers: %v", r.header)
	}
	var p struct {
		ID    int64  `json:"id"`
		Event string `json:"event"`
		Data  struct {
			ID      int64  `json:"id"`
			Title   string `json:"title"`
			URL     string `json:"url"`
			Section struct{ Name string }
			Authors []struct{ Name string }
			Tags    []struct{ Slug string }
		} `json:"data"`
	}
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("payload %s: %v", r.body, err)
	}
	d := delivery(t, db, h.ID)
	if p.Event != news.EventArticlePublished || p.ID != d.ID || fmt.Sprint(p.ID) != r.header.Get(jobs.DeliveryHeader) ||
		p.Data.ID != a.ID || p.Data.Title != a.Title || p.Data.URL != "https://news.example.org/bridge-vote/" ||
		p.Data.Section.Name != "Local" || len(p.Data.Authors) != 1 || p.Data.Authors[0].Name != "Anna Petrova" ||
		len(p.Data.Tags) != 1 || p.Data.Tags[0].Slug != "bridges" {
		t.Errorf("payload: %s", r.body)
	}
	if strings.Contains(string(r.body), "anna.private@example.org") {
		t.Errorf("the payload shows the author's email: %s", r.body)
	}
	if d.Status != news.DeliveryDelivered || d.LastCode != 200 || d.LastAnswer != "thanks" || d.Attempts != 1 {
		t.Errorf("the delivery as the admin shows it: %+v", d)
	}
	if n := runOnce(t, worker(db, c, true)); n != 0 || len(rc.requests()) != 1 {
		t.Errorf("a delivered event was sent again")
	}
}

// A comment's payload has what its page shows, never the commenter's email, IP hash
// or browser.
func TestCommentPayloadHasNoPersonalData(t *testing.T) {
	db := openDB(t, "")
	rc := newReceiver(t)
	addHook(t, db, rc.URL, news.EventCommentPosted, news.EventCommentApproved)
	a := publish(t, db, "story")
	com := &news.Comment{ArticleID: a.ID, Status: news.CommentPending, AuthorName: "Jo Reader", AuthorEmail: "jo.secret@example.org",
		AuthorURL: "https://jo.example.org/", Body: "Well put.", BodyHTML: "<p>Well put.</p>", IPHash: "iphash-6f1c2d",
		UserAgent: "SecretBrowser/9.1"}
	if err := db.CreateComment(context.Background(), com); err != nil {
		t.Fatal(err)
	}
	if err := db.SetCommentStatus(context.Background(), com.ID, news.CommentApproved); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Now()}
	runOnce(t, worker(db, c, true))
	got := rc.requests()
	if len(got) != 2 {
		t.Fatalf("the receiver got %d requests, want 2 (posted, approved)", len(got))
	}
	events := map[string]bool{}
	for _, r := range got {
		events[r.header.Get(jobs.EventHeader)] = true
		body := string(r.body)
		for _, secret := range []string{"jo.secret@example.org", "jo.secret", "iphash-6f1c2d", "SecretBrowser"} {
			if strings.Contains(body, secret) {
				t.Errorf("the payload shows %q: %s", secret, body)
			}
		}
		if !strings.Contains(body, `"author_name":"Jo Reader"`) || !strings.Contains(body, `"content_html":"\u003cp\u003eWell put.\u003c/p\u003e"`) ||
			!strings.Contains(body, `"article_url":"https://news.example.org/story/"`) {
			t.Errorf("the payload lacks the comment's public fields: %s", body)
		}
	}
	if !events[news.EventCommentPosted] || !events[news.EventCommentApproved] {
		t.Errorf("events received: %v", events)
	}
}

// A receiver that fails twice gets the delivery a third time, after the backoff's
// waits and not before, with the same body and delivery ID, signed afresh each time;
// the admin sees each failure's status and answer, bounded.
func TestRetriesWithBackoff(t *testing.T) {
	db := openDB(t, "")
	rc := newReceiver(t, 500, 503, 200)
	rc.answer = strings.Repeat("é", 5000) // a long answer, cut at a character's end
	h := addHook(t, db, rc.URL, news.EventArticlePublished)
	publish(t, db, "story")
	c := &clock{t: time.Now()}
	w := worker(db, c, true)
	runOnce(t, w)
	d := delivery(t, db, h.ID)
	if d.Status != news.DeliveryPending || d.LastCode != 500 || d.Attempts != 1 || !strings.Contains(d.LastError, "500") {
		t.Fatalf("after the first failure: %+v", d)
	}
	if len(d.LastAnswer) > news.MaxWebhookAnswer || !strings.HasPrefix(d.LastAnswer, "éé") || strings.ContainsRune(d.LastAnswer, '\uFFFD') {
		t.Errorf("the kept answer (%d bytes) is not a clean excerpt: %q…", len(d.LastAnswer), d.LastAnswer[:10])
	}
	steps := []struct {
		wait     time.Duration
		requests int
	}{
		{10 * time.Second, 1}, // too early: the first retry waits 30 s
		{20 * time.Second, 2}, // 30 s after the failure
		{30 * time.Second, 2}, // the second retry waits twice as long
		{30 * time.Second, 3},
		{time.Hour, 3}, // delivered: no more
	}
	for i, s := range steps {
		c.Add(s.wait)
		runOnce(t, w)
		got := rc.requests()
		if len(got) != s.requests {
			t.Fatalf("step %d: the receiver has had %d requests, want %d", i, len(got), s.requests)
		}
		// Each attempt is signed afresh: it verifies at the time it arrives.
		last := got[len(got)-1]
		if err := jobs.Verify(h.Secret, last.header.Get(jobs.SignatureHeader), last.body, c.Now(), 0); err != nil && s.wait != time.Hour {
			t.Errorf("step %d: %v", i, err)
		}
	}
	got := rc.requests()
	for i, r := range got {
		if string(r.body) != string(got[0].body) || r.header.Get(jobs.DeliveryHeader) != got[0].header.Get(jobs.DeliveryHeader) {
			t.Errorf("attempt %d sent another delivery: %s %s", i+1, r.header.Get(jobs.DeliveryHeader), r.body)
		}
	}
	if d := delivery(t, db, h.ID); d.Status != news.DeliveryDelivered || d.Attempts != 3 || d.LastCode != 200 || d.LastError != "" {
		t.Errorf("after the third attempt: %+v", d)
	}
}

// A receiver that never answers 2xx is given up within a day, its last answer kept,
// and "retry now" sends it again.
func TestGivenUp(t *testing.T) {
	db := openDB(t, "")
	rc := newReceiver(t, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500,
		500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 204)
	h := addHook(t, db, rc.URL, news.EventArticlePublished)
	publish(t, db, "story")
	c := &clock{t: time.Now()}
	w := worker(db, c, true)
	start := c.Now()
	for c.Now().Sub(start) < 30*time.Hour {
		runOnce(t, w)
		c.Add(10 * time.Minute)
	}
	d := delivery(t, db, h.ID)
	if d.Status != news.DeliveryFailed || d.LastCode != 500 {
		t.Fatalf("after a day of failures: %+v", d)
	}
	if n := len(rc.requests()); n < 10 || n > 40 {
		t.Errorf("%d attempts in a day", n)
	}
	if err := db.RetryWebhookDelivery(context.Background(), d.ID, c.Now()); err != nil {
		t.Fatal(err)
	}
	before := len(rc.requests())
	runOnce(t, w)
	if len(rc.requests()) != before+1 {
		t.Errorf("retry now sent nothing")
	}
}

// A server that dies while sending loses nothing: its lease runs out, and another
// server (another handle on the same file) sends the delivery, once.
func TestDeadWorkersDeliveryTakenOver(t *testing.T) {
	path := filepath.Join(t.TempDir(), "site.db")
	first := openDB(t, path)
	release := make(chan struct{})
	hung := make(chan struct{})
	var mu sync.Mutex
	requests, answered := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		mu.Lock()
		requests++
		first := requests == 1
		mu.Unlock()
		if first { // the first request hangs until its sender dies
			close(hung)
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		mu.Lock()
		answered++
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	defer close(release)
	h := addHook(t, first, srv.URL, news.EventArticlePublished)
	publish(t, first, "story")
	c := &clock{t: time.Now()}

	ctx, die := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		worker(first, c, true).RunOnce(ctx)
	}()
	<-hung // the first server is sending…
	die()  // …and dies
	<-done
	first.Close()

	second := openDB(t, path)
	w := worker(second, c, true)
	c.Add(30 * time.Second)
	if n := runOnce(t, w); n != 0 {
		t.Fatalf("the delivery was taken while its lease ran")
	}
	c.Add(2 * time.Minute)
	if n := runOnce(t, w); n != 1 {
		t.Fatalf("claimed %d after the lease, want 1", n)
	}
	d := delivery(t, second, h.ID)
	mu.Lock()
	defer mu.Unlock()
	if answered != 1 || d.Status != news.DeliveryDelivered || d.Attempts != 2 || d.LastCode != 204 {
		t.Errorf("answered %d, delivery %+v", answered, d)
	}
}

// Unless the setting allows them, no delivery reaches a loopback, private or
// link-local address, written as an IP address or as a name that resolves to one.
func TestPrivateAddressesRefused(t *testing.T) {
	db := openDB(t, "")
	rc := newReceiver(t)
	_, p, _ := strings.Cut(strings.TrimPrefix(rc.URL, "http://"), ":")
	targets := map[string]string{
		"loopback":        "http://127.0.0.1:" + p + "/",
		"IPv6 loopback":   "http://[::1]:" + p + "/",
		"private":         "http://10.1.2.3:" + p + "/",
		"cloud metadata":  "http://169.254.169.254/latest/meta-data/",
		"a name for it":   "http://localhost:" + p + "/",
		"IPv4-mapped":     "http://[::ffff:127.0.0.1]:" + p + "/",
		"unspecified":     "http://0.0.0.0:" + p + "/",
		"IPv6 link-local": "http://[fe80::1]:" + p + "/",
	}
	hooks := map[string]*news.Webhook{}
	for name, u := range targets {
		hooks[name] = addHook(t, db, u, news.EventArticlePublished)
	}
	publish(t, db, "story")
	c := &clock{t: time.Now()}
	w := worker(db, c, false) // the site's setting: off by default
	if n := runOnce(t, w); n != len(targets) {
		t.Fatalf("claimed %d, want %d", n, len(targets))
	}
	if got := rc.requests(); len(got) != 0 {
		t.Fatalf("the loopback receiver got %d requests", len(got))
	}
	for name, h := range hooks {
		if d := delivery(t, db, h.ID); d.Status != news.DeliveryPending || !strings.Contains(d.LastError, "refused to connect") {
			t.Errorf("%s (%s): %+v", name, h.URL, d)
		}
	}
	// The administrator allows private addresses: the same receivers are reached.
	if err := db.SetSettings(context.Background(), map[string]string{news.SettingWebhooksAllowPrivate: "yes"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"loopback", "a name for it", "IPv4-mapped"} {
		if err := db.RetryWebhookDelivery(context.Background(), delivery(t, db, hooks[name].ID).ID, c.Now()); err != nil {
			t.Fatal(err)
		}
	}
	runOnce(t, w)
	if got := len(rc.requests()); got != 3 {
		t.Errorf("with private addresses allowed, the receiver got %d requests, want 3", got)
	}
	for _, name := range []string{"loopback", "a name for it", "IPv4-mapped"} {
		if d := delivery(t, db, hooks[name].ID); d.Status != news.DeliveryDelivered {
			t.Errorf("%s, allowed: %+v", name, d)
		}
	}
}

// A redirect is not followed (it could lead to an internal address): the delivery
// fails with the 3xx, and the address it names gets nothing.
func TestRedirectNotFollowed(t *testing.T) {
	db := openDB(t, "")
	target := newReceiver(t)
	redirect := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusFound))
	defer redirect.Close()
	h := addHook(t, db, redirect.URL, news.EventArticlePublished)
	publish(t, db, "story")
	runOnce(t, worker(db, &clock{t: time.Now()}, true))
	if len(target.requests()) != 0 {
		t.Errorf("the redirect was followed")
	}
	if d := delivery(t, db, h.ID); d.Status != news.DeliveryPending || d.LastCode != http.StatusFound || !strings.Contains(d.LastError, "redirect") {
		t.Errorf("after a redirect: %+v", d)
	}
}

// What went wrong is said without the address, which may hold a token: it goes to the
// log as well as to the admin.
func TestErrorsNameNoAddress(t *testing.T) {
	db := openDB(t, "")
	closed := httptest.NewServer(http.NotFoundHandler())
	addr := closed.URL
	closed.Close() // nothing listens there any more
	h := addHook(t, db, addr+"/services/T123/secret-token-9f8e7d", news.EventArticlePublished)
	publish(t, db, "story")
	runOnce(t, worker(db, &clock{t: time.Now()}, true))
	d := delivery(t, db, h.ID)
	if d.Status != news.DeliveryPending || d.LastError == "" || strings.Contains(d.LastError, "secret-token") {
		t.Errorf("the error kept: %q", d.LastError)
	}
}
