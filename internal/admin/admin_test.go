package admin_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/admin"
	"broadsheet/internal/auth"
	"broadsheet/internal/httpx"
	"broadsheet/internal/media"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
	"broadsheet/internal/site"
	"broadsheet/internal/sqlite"
)

// clock is the test's time: fixed and moved by hand, or the real time once Real is
// called (for browser tests, where a person's pauses are real).
type clock struct {
	mu   sync.Mutex
	t    time.Time
	real bool
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.real {
		return time.Now()
	}
	return c.t
}
func (c *clock) Real() { c.mu.Lock(); c.real = true; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	t       *testing.T
	db      *sqlite.DB
	site    *site.Server
	admin   *admin.Server
	http    *httptest.Server
	clock   *clock
	article *news.Article
	pending *news.Comment
	files   media.Files
	dbPath  string // the database's file, for a test that writes what no method would
}

const password = "a long enough password"

func newEnv(t *testing.T) *env { t.Helper(); return newEnvWith(t, nil) }

// newEnvWith lets a test change the admin's configuration (e.g. TrustProxy).
func newEnvWith(t *testing.T, configure func(*admin.Config)) *env {
	t.Helper()
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "admin.db")
	db, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := news.EnsureSecret(ctx, db); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, dbPath: dbPath, clock: &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}}
	db.Now = e.clock.Now
	body, _ := render.Markdown("The text.")
	e.article = &news.Article{Slug: "a-story", Title: "A story", BodyMarkdown: "The text.", BodyHTML: body,
		Status: news.StatusPublished, PublishedAt: e.clock.t.Add(-time.Hour)}
	if err := db.CreateArticle(ctx, e.article); err != nil {
		t.Fatal(err)
	}
	e.pending = &news.Comment{ArticleID: e.article.ID, Status: news.CommentPending, AuthorName: "Waiting Reader",
		AuthorEmail: "waiting@example.net", Body: "Please let me in", BodyHTML: "<p>Please let me in</p>", CreatedAt: e.clock.t}
	if err := db.CreateComment(ctx, e.pending); err != nil {
		t.Fatal(err)
	}
	e.http = httptest.NewUnstartedServer(nil)
	base := "http://" + e.http.Listener.Addr().String()
	e.site, err = site.New(ctx, db, site.Config{BaseURL: base, PageCache: true, Now: e.clock.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e.files = media.Dir(t.TempDir())
	cfg := admin.Config{BaseURL: base, ArticlePath: e.site.ArticlePath, Location: e.site.Location, Now: e.clock.Now, Media: e.files, AutosaveEvery: 700 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if configure != nil {
		configure(&cfg)
	}
	e.admin, err = admin.New(db, e.site, e.site.Secret(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	files := media.Handler(e.files)
	// As cmd/broadsheet routes, bodies within httpx.Bodies' deadlines and lingering.
	e.http.Config.Handler = httpx.Bodies(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/admin"):
			e.admin.ServeHTTP(w, r)
		case strings.HasPrefix(r.URL.Path, "/media/"):
			files.ServeHTTP(w, r)
		default:
			e.site.ServeHTTP(w, r)
		}
	}), 30*time.Second, func(*http.Request) (time.Duration, time.Duration) {
		return admin.ImportUploadTime, admin.ImportUploadTime
	})
	e.http.Start()
	t.Cleanup(e.http.Close)
	return e
}

func (e *env) addUser(role news.Role) *news.User {
	e.t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		e.t.Fatal(err)
	}
	u := &news.User{Email: string(role) + "@newsroom.example", Name: "The " + string(role), Role: role, PasswordHash: hash}
	if err := e.db.CreateUser(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// browser is a client with its own cookies that follows no redirect.
type browser struct {
	e      *env
	client *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e, &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	status int
	header http.Header
	body   string
}

func bodyRequest(e *env, method, path string, body io.Reader) *http.Request {
	req, err := http.NewRequest(method, e.http.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	return req
}

func (b *browser) do(method, path string, form url.Values, headers ...string) resp {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := bodyRequest(b.e, method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.send(req)
}

func (b *browser) send(req *http.Request) resp {
	b.e.t.Helper()
	r, err := b.client.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer r.Body.Close()
	out, _ := io.ReadAll(r.Body)
	return resp{r.StatusCode, r.Header, string(out)}
}

func (b *browser) get(path string) resp { return b.do("GET", path, nil) }
func (b *browser) post(path string, form url.Values, headers ...string) resp {
	return b.do("POST", path, form, headers...)
}

func (b *browser) login(email string) {
	b.e.t.Helper()
	r := b.post("/admin/login", url.Values{"email": {email}, "password": {password}, "next": {"/admin/"}})
	if r.status != http.StatusSeeOther {
		b.e.t.Fatalf("sign in as %s: %d\n%s", email, r.status, r.body)
	}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) csrf() string {
	b.e.t.Helper()
	m := csrfRe.FindStringSubmatch(b.get("/admin/").body)
	if m == nil {
		b.e.t.Fatal("no CSRF token on the dashboard")
	}
	return m[1]
}

func (e *env) commentStatus() news.CommentStatus {
	c, err := e.db.Comment(context.Background(), e.pending.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Status
}

func TestSetupCreatesTheFirstAdministratorOnce(t *testing.T) {
	e := newEnv(t)
	link, err := e.admin.SetupLink(context.Background())
	if err != nil || !strings.Contains(link, "/admin/setup?token=") {
		t.Fatalf("setup link %q, %v", link, err)
	}
	token := link[strings.Index(link, "token=")+6:]
	b := e.browser()
	if r := b.get("/admin/setup?token=wrong"); r.status != 404 {
		t.Errorf("setup with a wrong token: %d", r.status)
	}
	if r := b.get("/admin/setup?token=" + token); r.status != 200 || !strings.Contains(r.body, "Create the first administrator") {
		t.Errorf("setup form: %d", r.status)
	}
	r := b.post("/admin/setup", url.Values{"token": {token}, "name": {"Ada Admin"}, "email": {"ada@newsroom.example"}, "password": {"short"}})
	if r.status != 422 || !strings.Contains(r.body, "at least 10 characters") || !strings.Contains(r.body, `value="ada@newsroom.example"`) {
		t.Errorf("short password: %d\n%s", r.status, r.body)
	}
	if n, _ := e.db.CountUsers(context.Background()); n != 0 {
		t.Fatalf("%d users after a refused setup", n)
	}
	r = b.post("/admin/setup", url.Values{"token": {token}, "name": {"Ada Admin"}, "email": {"ada@newsroom.example"}, "password": {password}})
	if r.status != 303 || r.header.Get("Location") != "/admin/" {
		t.Fatalf("setup: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	cookie := r.header.Get("Set-Cookie")
	for _, want := range []string{"broadsheet_session=", "HttpOnly", "SameSite=Lax", "Path=/admin"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	if r := b.get("/admin/"); r.status != 200 || !strings.Contains(r.body, "Ada Admin (administrator)") {
		t.Errorf("dashboard after setup: %d", r.status)
	}
	u, _ := e.db.UserByEmail(context.Background(), "ada@newsroom.example")
	if u == nil || u.Role != news.RoleAdministrator || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		t.Errorf("the administrator: %+v", u)
	}
	// The link works once.
	if r := e.browser().post("/admin/setup", url.Values{"token": {token}, "name": {"Eve"}, "email": {"eve@evil.example"}, "password": {password}}); r.status != 404 {
		t.Errorf("second setup: %d", r.status)
	}
	if n, _ := e.db.CountUsers(context.Background()); n != 1 {
		t.Errorf("%d users, want 1", n)
	}
	if link, _ := e.admin.SetupLink(context.Background()); link != "" {
		t.Errorf("a setup link once an administrator exists: %q", link)
	}
}

func TestSignInAndOut(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	if r := b.get("/admin/comments"); r.status != 303 || r.header.Get("Location") != "/admin/login?next=%2Fadmin%2Fcomments" {
		t.Errorf("signed out: %d to %q", r.status, r.header.Get("Location"))
	}
	r := b.post("/admin/login", url.Values{"email": {"editor@newsroom.example"}, "password": {"wrong password!"}})
	if r.status != 401 || !strings.Contains(r.body, "do not match an account") || r.header.Get("Set-Cookie") != "" {
		t.Errorf("wrong password: %d, cookie %q", r.status, r.header.Get("Set-Cookie"))
	}
	r = b.post("/admin/login", url.Values{"email": {"Editor@Newsroom.example"}, "password": {password}, "next": {"/admin/comments"}})
	if r.status != 303 || r.header.Get("Location") != "/admin/comments" {
		t.Fatalf("sign in: %d to %q", r.status, r.header.Get("Location"))
	}
	// A next address outside the admin is not followed.
	if r := e.browser().post("/admin/login", url.Values{"email": {"editor@newsroom.example"}, "password": {password}, "next": {"//evil.example/"}}); r.header.Get("Location") != "/admin/" {
		t.Errorf("next=//evil.example/ led to %q", r.header.Get("Location"))
	}
	if r := b.get("/admin/comments"); r.status != 200 || !strings.Contains(r.body, "Please let me in") {
		t.Fatalf("queue: %d", r.status)
	}
	// Signing out needs the session's token, and ends the session in the store.
	if r := b.post("/admin/logout", url.Values{"csrf": {"forged"}}); r.status != 403 {
		t.Errorf("sign out with a forged token: %d", r.status)
	}
	if r := b.post("/admin/logout", url.Values{"csrf": {b.csrf()}}); r.status != 303 {
		t.Errorf("sign out: %d", r.status)
	}
	if r := b.get("/admin/"); r.status != 303 {
		t.Errorf("after signing out: %d", r.status)
	}
}

func TestFailedSignInsAreLimited(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	for i := 0; i < 5; i++ {
		b.post("/admin/login", url.Values{"email": {"editor@newsroom.example"}, "password": {"guess number " + fmt.Sprint(i)}})
	}
	r := b.post("/admin/login", url.Values{"email": {"editor@newsroom.example"}, "password": {password}})
	if r.status != 429 || !strings.Contains(r.body, "Too many failed attempts") || r.header.Get("Retry-After") == "" || r.header.Get("Set-Cookie") != "" {
		t.Errorf("sixth attempt, right password: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	e.clock.Add(16 * time.Minute)
	b.login("editor@newsroom.example")
}

// Each role is refused what it may not do — through the page and through the
// endpoint alike — and nothing changes.
func TestRolesOnModeration(t *testing.T) {
	for _, role := range news.Roles {
		t.Run(string(role), func(t *testing.T) {
			e := newEnv(t)
			e.addUser(role)
			b := e.browser()
			b.login(string(role) + "@newsroom.example")
			allowed := role.Can(news.PermModerate)
			queue := b.get("/admin/comments")
			dash := b.get("/admin/")
			r := b.post(fmt.Sprintf("/admin/comments/%d", e.pending.ID), url.Values{"csrf": {b.csrf()}, "action": {"approved"}})
			if !allowed {
				if queue.status != 403 || r.status != 403 || strings.Contains(dash.body, `href="/admin/comments"`) {
					t.Errorf("%s: queue %d, approve %d", role, queue.status, r.status)
				}
				if e.commentStatus() != news.CommentPending {
					t.Errorf("%s changed a comment", role)
				}
				return
			}
			if queue.status != 200 || r.status != 303 {
				t.Fatalf("%s: queue %d, approve %d", role, queue.status, r.status)
			}
			if e.commentStatus() != news.CommentApproved {
				t.Errorf("not approved")
			}
			// The public page shows it as soon as the admin answered.
			page := e.browser().get(e.site.ArticlePath(e.article)).body
			if !strings.Contains(page, "Please let me in") {
				t.Errorf("the approved comment is not on the article page")
			}
		})
	}
}

func TestForgedRequestsChangeNothing(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	path := fmt.Sprintf("/admin/comments/%d", e.pending.ID)
	if r := b.post(path, url.Values{"action": {"approved"}}); r.status != 403 || !strings.Contains(r.body, "nothing was changed") {
		t.Errorf("no CSRF token: %d", r.status)
	}
	other := e.browser()
	e.addUser(news.RoleAdministrator)
	other.login("administrator@newsroom.example")
	if r := b.post(path, url.Values{"action": {"approved"}, "csrf": {other.csrf()}}); r.status != 403 {
		t.Errorf("another session's token: %d", r.status)
	}
	if r := b.post(path, url.Values{"action": {"approved"}, "csrf": {b.csrf()}}, "Sec-Fetch-Site", "cross-site"); r.status != 403 {
		t.Errorf("cross-site request: %d", r.status)
	}
	if r := b.post(path, url.Values{"action": {"published"}, "csrf": {b.csrf()}}); r.status != 400 {
		t.Errorf("unknown action: %d", r.status)
	}
	if e.commentStatus() != news.CommentPending {
		t.Errorf("a forged request changed the comment")
	}
}

func TestExpiredSessionChangesNothing(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("editor@newsroom.example")
	token := b.csrf()
	e.clock.Add(admin.SessionIdle + time.Hour)
	if r := b.get("/admin/comments"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/admin/login?next=") {
		t.Errorf("GET after the session ended: %d to %q", r.status, r.header.Get("Location"))
	}
	r := b.post(fmt.Sprintf("/admin/comments/%d", e.pending.ID), url.Values{"csrf": {token}, "action": {"approved"}})
	if r.status != 401 || !strings.Contains(r.body, "Your session has ended, so nothing was changed") {
		t.Errorf("POST after the session ended: %d", r.status)
	}
	if e.commentStatus() != news.CommentPending {
		t.Errorf("an expired session changed a comment")
	}
}

func TestRolePermissions(t *testing.T) {
	for _, tc := range []struct {
		role  news.Role
		can   []news.Permission
		canot []news.Permission
	}{
		{news.RoleContributor, []news.Permission{news.PermWriteDrafts}, []news.Permission{news.PermPublishOwn, news.PermModerate, news.PermManageUsers}},
		{news.RoleAuthor, []news.Permission{news.PermPublishOwn}, []news.Permission{news.PermEditAll, news.PermModerate}},
		{news.RoleEditor, []news.Permission{news.PermEditAll, news.PermModerate, news.PermManageTaxonomy}, []news.Permission{news.PermManageUsers, news.PermManageSettings}},
		{news.RoleAdministrator, []news.Permission{news.PermManageUsers, news.PermManageSettings, news.PermModerate}, nil},
		{"owner", nil, []news.Permission{news.PermViewDashboard}},
	} {
		for _, p := range tc.can {
			if !tc.role.Can(p) {
				t.Errorf("%s cannot %s", tc.role, p)
			}
		}
		for _, p := range tc.canot {
			if tc.role.Can(p) {
				t.Errorf("%s can %s", tc.role, p)
			}
		}
	}
}

func TestSettingsScreen(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAdministrator)
	e.addUser(news.RoleEditor)
	ed := e.browser()
	ed.login("editor@newsroom.example")
	if r := ed.get("/admin/settings"); r.status != 403 {
		t.Errorf("editor reads settings: %d", r.status)
	}
	if r := ed.post("/admin/settings", url.Values{"csrf": {ed.csrf()}, "title": {"Hijacked"}}); r.status != 403 {
		t.Errorf("editor saves settings: %d", r.status)
	}
	b := e.browser()
	b.login("administrator@newsroom.example")
	form := url.Values{"csrf": {b.csrf()}, "title": {"The Evening Post"}, "per_page": {"0"}}
	if r := b.post("/admin/settings", form); r.status != 422 || !strings.Contains(r.body, "Nothing was saved") || !strings.Contains(r.body, `value="The Evening Post"`) {
		t.Errorf("bad per_page: %d", r.status)
	}
	if strings.Contains(e.browser().get("/").body, "The Evening Post") {
		t.Fatal("a refused form changed the site")
	}
	form.Set("per_page", "5")
	form.Set("social_links", "Mastodon https://m.example/@post\r\nBluesky https://b.example/post")
	if r := b.post("/admin/settings", form); r.status != 303 {
		t.Fatalf("save: %d", r.status)
	}
	front := e.browser().get("/").body
	if !strings.Contains(front, "The Evening Post") || !strings.Contains(front, `href="https://b.example/post"`) {
		t.Error("the site does not show the new settings at once")
	}
}

func TestUsersScreen(t *testing.T) {
	e := newEnv(t)
	admin := e.addUser(news.RoleAdministrator)
	e.addUser(news.RoleEditor)
	b := e.browser()
	b.login("administrator@newsroom.example")
	add := url.Values{"csrf": {b.csrf()}, "name": {"Ann Author"}, "email": {"ann@newsroom.example"}, "role": {"author"}, "password": {password}}
	if r := b.post("/admin/users", add); r.status != 303 {
		t.Fatalf("add: %d", r.status)
	}
	if r := b.post("/admin/users", add); r.status != 422 || !strings.Contains(r.body, "already an account") {
		t.Errorf("duplicate email: %d", r.status)
	}
	ann := e.browser()
	ann.login("ann@newsroom.example")
	annUser, _ := e.db.UserByEmail(context.Background(), "ann@newsroom.example")
	if r := ann.post("/admin/users", url.Values{"csrf": {ann.csrf()}, "name": {"X"}, "email": {"x@x.example"}, "role": {"administrator"}, "password": {password}}); r.status != 403 {
		t.Errorf("an author adds a user: %d", r.status)
	}
	if r := ann.post(fmt.Sprintf("/admin/users/%d", annUser.ID), url.Values{"csrf": {ann.csrf()}, "role": {"administrator"}}); r.status != 403 {
		t.Errorf("an author promotes herself: %d", r.status)
	}
	// The last administrator cannot be demoted.
	if r := b.post(fmt.Sprintf("/admin/users/%d", admin.ID), url.Values{"csrf": {b.csrf()}, "role": {"editor"}}); r.status != 409 {
		t.Errorf("demoting the only administrator: %d", r.status)
	}
	// Disabling ends the user's sessions.
	if r := b.post(fmt.Sprintf("/admin/users/%d", annUser.ID), url.Values{"csrf": {b.csrf()}, "role": {"author"}, "disabled": {"1"}}); r.status != 303 {
		t.Fatalf("disable: %d", r.status)
	}
	if r := ann.get("/admin/"); r.status != 303 {
		t.Errorf("a disabled user still signed in: %d", r.status)
	}
	if r := ann.post("/admin/login", url.Values{"email": {"ann@newsroom.example"}, "password": {password}}); r.status != 401 {
		t.Errorf("a disabled user signs in: %d", r.status)
	}
}

func TestOwnAccount(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	here, there := e.browser(), e.browser()
	here.login("contributor@newsroom.example")
	there.login("contributor@newsroom.example")
	if r := here.get("/admin/account"); r.status != 200 || !strings.Contains(r.body, "(this browser)") {
		t.Fatalf("account page: %d", r.status)
	}
	if r := here.post("/admin/account/password", url.Values{"csrf": {here.csrf()}, "current": {"not it at all"}, "new": {"a brand new password"}}); r.status != 422 {
		t.Errorf("wrong current password: %d", r.status)
	}
	if r := here.post("/admin/account/password", url.Values{"csrf": {here.csrf()}, "current": {password}, "new": {"a brand new password"}}); r.status != 303 {
		t.Fatalf("change password: %d", r.status)
	}
	if r := here.get("/admin/"); r.status != 200 {
		t.Errorf("this session ended with the password change: %d", r.status)
	}
	if r := there.get("/admin/"); r.status != 303 {
		t.Errorf("the other session survived the password change: %d", r.status)
	}
	if r := e.browser().post("/admin/login", url.Values{"email": {"contributor@newsroom.example"}, "password": {password}}); r.status != 401 {
		t.Errorf("the old password still works: %d", r.status)
	}
}

// A refused setting is named in the admin by the label its field has, not by the
// key the shell's settings command uses, and the typed value stays in the form.
func TestRefusedSettingNamedByItsLabel(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	for _, c := range []struct{ key, value, label string }{
		{"timezone", "Mars/Olympus", "Nothing was saved: “Time zone”: unknown time zone Mars/Olympus."},
		// The server's own zone, which LoadLocation accepts, is no zone of the list.
		{"timezone", "Local", "Nothing was saved: “Time zone”: unknown time zone Local"},
		{"embed_hosts", "*.example.org", "Nothing was saved: “Embeds: more allowed hosts”: "},
		{"comments_close_days", "-1", "Nothing was saved: “Close comments after (days)”: "},
	} {
		r := b.post("/admin/settings", url.Values{"csrf": {b.csrf()}, c.key: {c.value}})
		if r.status != 422 || !strings.Contains(html.UnescapeString(r.body), c.label) {
			m := regexp.MustCompile(`(?s)class="error"[^>]*>(.*?)</p>`).FindStringSubmatch(r.body)
			t.Errorf("%s=%q: %d %q", c.key, c.value, r.status, m)
		}
		if !strings.Contains(html.UnescapeString(r.body), c.value) {
			t.Errorf("%s=%q: the typed value is not in the form", c.key, c.value)
		}
	}
}
