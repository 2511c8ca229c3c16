package api_test

// The admin API over real HTTP on a real SQLite file: every operation, every role,
// refused tokens, stale versions, uploads through the media pipeline, rate limits.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// token makes a token of the role for the env's administrator and returns its secret.
func (e *env) token(t testing.TB, role news.Role, change ...func(*news.APIToken)) string {
	t.Helper()
	ctx := context.Background()
	if e.admin == nil {
		e.admin = &news.User{Email: "chief@newsroom.example", Name: "Chief Editor", Role: news.RoleAdministrator, PasswordHash: "x"}
		if err := e.db.CreateUser(ctx, e.admin); err != nil {
			t.Fatal(err)
		}
	}
	secret, hash, err := news.NewAPITokenSecret()
	if err != nil {
		t.Fatal(err)
	}
	tok := &news.APIToken{Name: string(role) + " tool", Role: role, CreatedBy: e.admin.ID, Hash: hash}
	for _, f := range change {
		f(tok)
	}
	if err := e.db.CreateAPIToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	return secret
}

// call sends a request with a token (none when "") and a JSON body (none when nil).
func (e *env) call(t testing.TB, method, path, token string, body any) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res, out
}

type staffArticle struct {
	ID           int64   `json:"id"`
	Slug         string  `json:"slug"`
	Headline     string  `json:"headline"`
	BodyHTML     string  `json:"body_html"`
	BodyMarkdown string  `json:"body_markdown"`
	Status       string  `json:"status"`
	Kind         string  `json:"kind"`
	Version      int64   `json:"version"`
	Published    string  `json:"published"`
	URL          *string `json:"url"`
}

// want sends a request and wants the status; it decodes a JSON answer into out.
func (e *env) want(t testing.TB, status int, method, path, token string, body, out any) *http.Response {
	t.Helper()
	res, raw := e.call(t, method, path, token, body)
	if res.StatusCode != status {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return res
}

func (e *env) stored(t testing.TB, id int64) *news.Article {
	t.Helper()
	a, err := e.db.Article(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAdminAPIRefusesTokens(t *testing.T) {
	e := newEnv(t)
	good := e.token(t, news.RoleEditor)
	revoked := e.token(t, news.RoleEditor)
	toks, _ := e.db.APITokens(context.Background())
	for _, tk := range toks {
		if tk.Hash == news.APITokenHash(revoked) {
			if err := e.db.RevokeAPIToken(context.Background(), tk.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	expired := e.token(t, news.RoleEditor, func(tk *news.APIToken) { tk.ExpiresAt = now.Add(-time.Minute) })
	unknown, _, _ := news.NewAPITokenSecret()
	draft := e.hidden[0]
	for name, tok := range map[string]string{"unknown": unknown, "revoked": revoked, "expired": expired,
		"malformed": "bs_short", "plain secret's hash": news.APITokenHash(good)} {
		for _, path := range []string{"/api/v1/articles?status=draft", fmt.Sprintf("/api/v1/articles/%d/publish", draft.ID)} {
			method := "GET"
			var body any
			if strings.HasSuffix(path, "publish") {
				method, body = "POST", map[string]any{"version": draft.Version}
			}
			res, raw := e.call(t, method, path, tok, body)
			if res.StatusCode != 401 || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer ") ||
				res.Header.Get("Content-Type") != "application/problem+json" || strings.Contains(string(raw), "Secret Draft") {
				t.Errorf("%s token, %s %s: %d %v %s", name, method, path, res.StatusCode, res.Header, raw)
			}
		}
	}
	if a := e.stored(t, draft.ID); a.Status != news.StatusDraft {
		t.Errorf("a refused token published the draft: %s", a.Status)
	}
	// A write with a session cookie and no token is refused: cookies are not auth here.
	res, _ := e.call(t, "POST", "/api/v1/articles", "", map[string]any{"headline": "x"})
	if res.StatusCode != 401 || res.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("a write without a token: %d", res.StatusCode)
	}
	// The token works, and stops working when its administrator is no longer one.
	e.want(t, 200, "GET", "/api/v1/articles?status=draft", good, nil, nil)
	second := &news.User{Email: "deputy@newsroom.example", Name: "Deputy", Role: news.RoleAdministrator, PasswordHash: "x"}
	if err := e.db.CreateUser(context.Background(), second); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SetAccess(context.Background(), e.admin.ID, news.RoleEditor, false); err != nil {
		t.Fatal(err)
	}
	if res, _ := e.call(t, "GET", "/api/v1/articles?status=draft", good, nil); res.StatusCode != 401 {
		t.Errorf("a token of an account that is no longer an administrator: %d", res.StatusCode)
	}
	// The last use is recorded, for the administrators' list.
	toks, _ = e.db.APITokens(context.Background())
	for _, tk := range toks {
		if tk.Hash == news.APITokenHash(good) && !tk.LastUsedAt.Equal(now) {
			t.Errorf("last use %v, want %v", tk.LastUsedAt, now)
		}
	}
}

func TestAdminAPIRoles(t *testing.T) {
	e := newEnv(t)
	contributor, author, editor, moderator := e.token(t, news.RoleContributor), e.token(t, news.RoleAuthor),
		e.token(t, news.RoleEditor), e.token(t, news.RoleModerator)

	// A contributor writes a draft and submits it, and may not publish it.
	var c staffArticle
	e.want(t, 201, "POST", "/api/v1/articles", contributor, map[string]any{"headline": "Harbour fees rise", "body_markdown": "The *council* voted.",
		"section": e.public[0].Section.Slug, "tags": []string{"Harbour"}}, &c)
	if c.Status != "draft" || c.Version != 1 || !strings.Contains(c.BodyHTML, "<em>council</em>") || c.Published != "" || c.URL != nil {
		t.Fatalf("created %+v", c)
	}
	if a := e.stored(t, c.ID); a.OwnerID != e.admin.ID || a.Section == nil || len(a.Tags) != 1 {
		t.Errorf("stored owner %d (want the token's administrator %d), section %v, tags %v", a.OwnerID, e.admin.ID, a.Section, a.Tags)
	}
	e.want(t, 403, "POST", fmt.Sprintf("/api/v1/articles/%d/publish", c.ID), contributor, map[string]any{"version": c.Version}, nil)
	e.want(t, 403, "POST", fmt.Sprintf("/api/v1/articles/%d/schedule", c.ID), contributor,
		map[string]any{"version": c.Version, "published_at": now.Add(time.Hour).Format(time.RFC3339)}, nil)
	e.want(t, 200, "POST", fmt.Sprintf("/api/v1/articles/%d/submit", c.ID), contributor, map[string]any{"version": c.Version}, &c)
	if a := e.stored(t, c.ID); a.Status != news.StatusReview || c.Status != "review" {
		t.Errorf("after submit: stored %s, answered %s", a.Status, c.Status)
	}
	// A moderator may not write or publish.
	e.want(t, 403, "POST", "/api/v1/articles", moderator, map[string]any{"headline": "x"}, nil)
	e.want(t, 404, "POST", fmt.Sprintf("/api/v1/articles/%d/publish", c.ID), moderator, map[string]any{"version": c.Version}, nil)

	// An author publishes their own (the account's) story, not someone else's.
	other := e.public[3]
	e.want(t, 403, "POST", fmt.Sprintf("/api/v1/articles/%d/unpublish", other.ID), author, map[string]any{"version": other.Version}, nil)
	e.want(t, 403, "PATCH", fmt.Sprintf("/api/v1/articles/%d", other.ID), author, map[string]any{"version": other.Version, "headline": "Hijacked"}, nil)
	var list articlePage
	e.get(t, "/api/v1/articles?limit=1", 200, &list) // cached, before the publication
	e.want(t, 200, "POST", fmt.Sprintf("/api/v1/articles/%d/publish", c.ID), author, map[string]any{"version": c.Version}, &c)
	if a := e.stored(t, c.ID); a.Status != news.StatusPublished || c.URL == nil || !strings.HasSuffix(*c.URL, "/harbour-fees-rise/") || c.Published != "2026-05-04T12:00:00Z" {
		t.Fatalf("the author's publish: %s, answered %+v", a.Status, c)
	}
	// The next public read shows it (the write synced the page cache).
	e.get(t, "/api/v1/articles?limit=1", 200, &list)
	if len(list.Items) != 1 || list.Items[0].ID != c.ID {
		t.Errorf("the newest public article is %+v, want the one just published (%d)", list.Items, c.ID)
	}
	// An editor unpublishes anyone's; the public read stops showing it.
	e.get(t, fmt.Sprintf("/api/v1/articles/%d", other.ID), 200, nil)
	e.want(t, 200, "POST", fmt.Sprintf("/api/v1/articles/%d/unpublish", other.ID), editor, map[string]any{"version": e.stored(t, other.ID).Version}, nil)
	e.get(t, fmt.Sprintf("/api/v1/articles/%d", other.ID), 404, nil)

	// Comments: a moderator moderates; a contributor and an author may not.
	pending, err := e.db.Comments(context.Background(), news.CommentQuery{Status: news.CommentPending})
	if err != nil || len(pending) == 0 {
		t.Fatalf("pending comments: %v", err)
	}
	pc := pending[0]
	for _, tok := range []string{contributor, author} {
		e.want(t, 403, "POST", fmt.Sprintf("/api/v1/comments/%d/approve", pc.ID), tok, nil, nil)
	}
	e.want(t, 200, "POST", fmt.Sprintf("/api/v1/comments/%d/approve", pc.ID), moderator, nil, nil)
	var thread struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	e.get(t, fmt.Sprintf("/api/v1/articles/%d/comments?limit=100", pc.ArticleID), 200, &thread)
	found := false
	for _, it := range thread.Items {
		found = found || it.ID == pc.ID
	}
	if !found {
		t.Errorf("the approved comment %d is not in its article's public comments", pc.ID)
	}
	e.want(t, 200, "POST", fmt.Sprintf("/api/v1/comments/%d/spam", pc.ID), editor, nil, nil)
	if got, _ := e.db.Comment(context.Background(), pc.ID); got.Status != news.CommentSpam {
		t.Errorf("after spam: %s", got.Status)
	}
	e.want(t, 404, "POST", "/api/v1/comments/999999/trash", moderator, nil, nil)
}

func TestAdminAPIStaffReadsAndPages(t *testing.T) {
	e := newEnv(t)
	editor, contributor := e.token(t, news.RoleEditor), e.token(t, news.RoleContributor)
	var drafts struct {
		Items []staffArticle `json:"items"`
	}
	res := e.want(t, 200, "GET", "/api/v1/articles?status=draft", editor, nil, &drafts)
	if len(drafts.Items) != 1 || drafts.Items[0].ID != e.hidden[0].ID || drafts.Items[0].BodyMarkdown != "x" {
		t.Errorf("an editor's drafts: %+v", drafts.Items)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("a staff answer's Cache-Control: %q", cc)
	}
	// A contributor sees none of the others' drafts, by list or by ID.
	e.want(t, 200, "GET", "/api/v1/articles?status=draft", contributor, nil, &drafts)
	if len(drafts.Items) != 0 {
		t.Errorf("a contributor sees others' drafts: %+v", drafts.Items)
	}
	e.want(t, 404, "GET", fmt.Sprintf("/api/v1/articles/%d", e.hidden[0].ID), contributor, nil, nil)
	// The anonymous answer stays public-only after a staff read (never cached).
	e.get(t, fmt.Sprintf("/api/v1/articles/%d", e.hidden[0].ID), 404, nil)
	e.get(t, "/api/v1/articles?status=draft", 400, nil)

	// A static page: created as a page, published, at /{slug}/ on the site.
	var p staffArticle
	e.want(t, 201, "POST", "/api/v1/articles", editor, map[string]any{"kind": "page", "headline": "Corrections policy",
		"body_markdown": "We correct errors promptly.", "nav_position": 2}, &p)
	e.want(t, 200, "POST", fmt.Sprintf("/api/v1/articles/%d/publish", p.ID), editor, map[string]any{"version": p.Version}, &p)
	if p.Kind != "page" || p.Status != "published" {
		t.Errorf("the page: %+v", p)
	}
	if res, body := e.do(t, "GET", "/corrections-policy/", nil); res.StatusCode != 200 || !strings.Contains(string(body), "We correct errors promptly.") {
		t.Errorf("the published page on the site: %d", res.StatusCode)
	}
	// Schedule: a time to come; a past one is refused.
	var a staffArticle
	e.want(t, 201, "POST", "/api/v1/articles", editor, map[string]any{"headline": "Tomorrow's budget", "body_markdown": "Figures."}, &a)
	e.want(t, 422, "POST", fmt.Sprintf("/api/v1/articles/%d/schedule", a.ID), editor,
		map[string]any{"version": a.Version, "published_at": now.Add(-time.Hour).Format(time.RFC3339)}, nil)
	at := now.Add(20 * time.Hour)
	e.want(t, 200, "POST", fmt.Sprintf("/api/v1/articles/%d/schedule", a.ID), editor,
		map[string]any{"version": a.Version, "published_at": at.Format(time.RFC3339)}, &a)
	if st := e.stored(t, a.ID); st.Status != news.StatusScheduled || !st.PublishedAt.Equal(at) {
		t.Errorf("scheduled: %s at %v", st.Status, st.PublishedAt)
	}
	e.get(t, fmt.Sprintf("/api/v1/articles/%d", a.ID), 404, nil)
}

func TestAdminAPIStaleVersionLosesNothing(t *testing.T) {
	e := newEnv(t)
	editor := e.token(t, news.RoleEditor)
	var a staffArticle
	e.want(t, 201, "POST", "/api/v1/articles", editor, map[string]any{"headline": "Ferry strike", "body_markdown": "First text."}, &a)
	v1 := a.Version
	e.want(t, 200, "PATCH", fmt.Sprintf("/api/v1/articles/%d", a.ID), editor, map[string]any{"version": v1, "body_markdown": "Second text, from the desk."}, &a)
	if a.Version == v1 || a.Headline != "Ferry strike" {
		t.Fatalf("after a patch: %+v", a)
	}
	res, raw := e.call(t, "PATCH", fmt.Sprintf("/api/v1/articles/%d", a.ID), editor, map[string]any{"version": v1, "body_markdown": "Third text, from a stale copy."})
	var p struct {
		Status         int   `json:"status"`
		CurrentVersion int64 `json:"current_version"`
	}
	json.Unmarshal(raw, &p)
	if res.StatusCode != 409 || res.Header.Get("Content-Type") != "application/problem+json" || p.CurrentVersion != a.Version {
		t.Errorf("a stale patch: %d %s", res.StatusCode, raw)
	}
	if st := e.stored(t, a.ID); st.BodyMarkdown != "Second text, from the desk." || st.Version != a.Version {
		t.Errorf("a stale patch changed the story: %q v%d", st.BodyMarkdown, st.Version)
	}
	e.want(t, 409, "POST", fmt.Sprintf("/api/v1/articles/%d/publish", a.ID), editor, map[string]any{"version": v1}, nil)
	if st := e.stored(t, a.ID); st.Status != news.StatusDraft {
		t.Errorf("a stale publish: %s", st.Status)
	}
	e.want(t, 422, "PATCH", fmt.Sprintf("/api/v1/articles/%d", a.ID), editor, map[string]any{"headline": "No version"}, nil)
	// A story without a body is not published (news.CheckStory, the admin's rule too).
	var empty staffArticle
	e.want(t, 201, "POST", "/api/v1/articles", editor, map[string]any{"headline": "Nothing yet"}, &empty)
	e.want(t, 422, "POST", fmt.Sprintf("/api/v1/articles/%d/publish", empty.ID), editor, map[string]any{"version": empty.Version}, nil)
	if st := e.stored(t, empty.ID); st.Status != news.StatusDraft {
		t.Errorf("a story without a body: %s", st.Status)
	}
}

func TestAdminAPIBodiesBounded(t *testing.T) {
	e := newEnv(t)
	editor := e.token(t, news.RoleEditor)
	before, _ := e.db.CountArticles(context.Background(), news.ArticleQuery{WithTrash: true})
	e.want(t, 400, "POST", "/api/v1/articles", editor, map[string]any{"headline": "x", "author_email": "a@b.c"}, nil)
	e.want(t, 413, "POST", "/api/v1/articles", editor, map[string]any{"headline": "x", "body_markdown": strings.Repeat("a", 3<<20)}, nil)
	e.want(t, 422, "POST", "/api/v1/articles", editor, map[string]any{"headline": "  "}, nil)
	e.want(t, 422, "POST", "/api/v1/articles", editor, map[string]any{"headline": "x", "section": "no-such-desk"}, nil)
	req, _ := http.NewRequest("POST", e.http.URL+"/api/v1/articles", strings.NewReader("headline=x"))
	req.Header.Set("Authorization", "Bearer "+editor)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res, err := e.http.Client().Do(req); err != nil || res.StatusCode != 415 {
		t.Errorf("a form body: %v %v", res.StatusCode, err)
	}
	if after, _ := e.db.CountArticles(context.Background(), news.ArticleQuery{WithTrash: true}); after != before {
		t.Errorf("refused bodies stored %d articles", after-before)
	}
}

func pngImage(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

func (e *env) upload(t testing.TB, token string, fields map[string]string, data []byte) (*http.Response, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "photo.png")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", e.http.URL+"/api/v1/media", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, raw
}

func TestAdminAPIUploadThroughThePipeline(t *testing.T) {
	e := newEnv(t)
	author, moderator := e.token(t, news.RoleAuthor), e.token(t, news.RoleModerator)
	img := pngImage(1200, 800)
	if res, _ := e.upload(t, moderator, map[string]string{"alt": "Boats"}, img); res.StatusCode != 403 {
		t.Errorf("a moderator's upload: %d", res.StatusCode)
	}
	if res, _ := e.upload(t, author, map[string]string{"alt": " "}, img); res.StatusCode != 422 {
		t.Errorf("an upload without alt text: %d", res.StatusCode)
	}
	res, raw := e.upload(t, author, map[string]string{"alt": "Boats in the harbour", "caption": "Dawn"}, img)
	var m struct {
		ID     int64  `json:"id"`
		URL    string `json:"url"`
		Width  int    `json:"width"`
		Srcset string `json:"srcset"`
	}
	if res.StatusCode != 201 || json.Unmarshal(raw, &m) != nil || m.ID == 0 || m.Width != 1200 || !strings.Contains(m.Srcset, "480w") {
		t.Fatalf("upload: %d %s", res.StatusCode, raw)
	}
	files, _ := os.ReadDir(e.mediaDir)
	if len(files) < 2 {
		t.Errorf("the pipeline kept %d files, want the image and its variants", len(files))
	}
	stored, err := e.db.MediaItem(context.Background(), m.ID)
	if err != nil || stored.Alt != "Boats in the harbour" || stored.UserID != e.admin.ID || !strings.HasSuffix(m.URL, stored.Name) {
		t.Errorf("stored %+v, %v", stored, err)
	}
	if _, err := os.Stat(filepath.Join(e.mediaDir, stored.Name)); err != nil {
		t.Errorf("the image's file: %v", err)
	}
	// The upload bucket is the account's, shared with the admin's forms: spent there,
	// the API's upload is refused, and nothing is stored.
	for i := 0; i < news.UploadRate.Burst; i++ {
		e.db.TakeToken(context.Background(), news.WriterLimitKey(e.site.Secret(), news.UploadRate.Kind, e.admin.ID),
			news.UploadRate.Burst, news.UploadRate.Every, now)
	}
	res, raw = e.upload(t, author, map[string]string{"alt": "More boats"}, img)
	if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
		t.Errorf("an upload past the writer's limit: %d %s", res.StatusCode, raw)
	}
	if all, _ := e.db.MediaLibrary(context.Background(), 10); len(all) != 1 {
		t.Errorf("the library holds %d images, want 1", len(all))
	}
}

func TestAdminAPIRateLimitedPerToken(t *testing.T) {
	e := newEnv(t)
	tok, other := e.token(t, news.RoleEditor), e.token(t, news.RoleEditor)
	for i := 0; i < news.APIRate.Burst; i++ {
		if res, raw := e.call(t, "GET", "/api/v1/sections", tok, nil); res.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", i+1, res.StatusCode, raw)
		}
	}
	res, raw := e.call(t, "GET", "/api/v1/sections", tok, nil)
	if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("past the token's burst: %d %v %s", res.StatusCode, res.Header, raw)
	}
	e.want(t, 200, "GET", "/api/v1/sections", other, nil, nil)
}

// A shared cache (a CDN in front of the site) must neither store an answer given to a
// token nor give a token's request the answer it stored for readers: a token's reads
// that readers share (sections, a public article's comments) are no-store too, and
// every public answer varies on Authorization, so that the staff article of
// GET /api/v1/articles/{id} with a token is not the readers' copy a CDN kept.
func TestAdminAPITokenAnswersStayOutOfSharedCaches(t *testing.T) {
	e := newEnv(t)
	editor := e.token(t, news.RoleEditor)
	for _, p := range []string{"/api/v1/sections", "/api/v1/tags", "/api/v1/authors", "/api/v1/articles/by-slug/" + e.public[0].Slug} {
		res := e.want(t, 200, "GET", p, editor, nil, nil)
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s with a token: Cache-Control %q, want no-store", p, cc)
		}
		res = e.want(t, 200, "GET", p, "", nil, nil)
		if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Authorization") {
			t.Errorf("%s for readers: Vary %q, want it to name Authorization", p, res.Header.Values("Vary"))
		}
	}
	res := e.want(t, 200, "GET", fmt.Sprintf("/api/v1/articles/%d", e.public[0].ID), "", nil, nil)
	if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Authorization") {
		t.Errorf("a public article for readers: Vary %q, want it to name Authorization", res.Header.Values("Vary"))
	}
}
