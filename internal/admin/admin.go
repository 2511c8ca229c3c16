// Package admin is the newsroom's side of the site at /admin: the first
// administrator's setup, signing in and out, the dashboard and comment moderation.
// Every page is rendered on the server and works without JavaScript; every action is
// authorised here on the server by role, and every state-changing request carries a
// token bound to the session (beside net/http's cross-origin protection).
package admin

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"broadsheet/internal/auth"
	"broadsheet/internal/httpx"
	"broadsheet/internal/media"
	"broadsheet/internal/news"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/admin.css
var adminCSS []byte

//go:embed static/editor.js
var editorJS []byte

// Store is what the admin needs of storage. news.UserStore includes news.Limits, the
// store's rate-limit counters, so that the sign-in limits hold across processes.
type Store interface {
	news.Store
	news.UserStore
	news.ListStore          // the paged lists (lists.go)
	news.ManageStore        // the management screens (library.go, accounts.go, taxonomy.go)
	news.QueueStore         // the comment queue (queue.go)
	news.PreviewStore       // private preview links, the status before the trash (preview.go)
	news.WebhookStore       // webhooks and their deliveries (webhooks.go)
	news.AccountNoticeStore // what others did to one's account (accountnotices.go)
	news.APITokenStore      // the admin API's tokens (tokens.go)
	news.ImportRunStore     // the WordPress import's runs (wxrimport.go)
	news.WXRStore           // the WordPress import's writes (wxr.Import)
}

// Syncer applies the store's changes to the public site's cache; the admin calls it
// after every write, so that the site shows the write as soon as the admin answers.
type Syncer interface {
	Sync(ctx context.Context) error
}

// Config is how the admin runs.
type Config struct {
	BaseURL string // decides the Secure flag of the cookie (https)
	// ArticlePath gives an article's public address.
	ArticlePath func(a *news.Article) string
	// Location gives the site's time zone, in which the editor shows times.
	Location func() *time.Location
	// Media keeps uploaded images (nil: uploads are refused).
	Media media.Files
	// AutosaveEvery is how often the editor's script autosaves (default 15 s).
	AutosaveEvery time.Duration
	TrustProxy    bool
	// The WordPress import (wxrimport.go): the largest file taken (default
	// DefaultImportMaxBytes), the folder of its temporary files (default the system's;
	// give one on the database's disk, shared by every server of the site), and a copy
	// of the WordPress site's wp-content/uploads to copy images from ("": attachments
	// keep their original URLs).
	ImportMaxBytes int64
	ImportDir      string
	WXRUploads     string
	Logger         *slog.Logger
	Now            func() time.Time
}

// Session lifetimes: a session ends after SessionIdle without use, and in any case
// SessionMax after sign-in. A session that ended by time is remembered for
// KeepAfterEnd, so that a save from an editor tab left open is kept aside for its user;
// one ended by signing out (here or everywhere), a password change or disabling the
// account is deleted, and nothing sent with its cookie is kept.
const (
	SessionIdle  = 7 * 24 * time.Hour
	SessionMax   = 30 * 24 * time.Hour
	KeepAfterEnd = 24 * time.Hour
	cookieName   = "broadsheet_session"
)

// Limits of guesses (README: 5 per account and 20 per address in 15 minutes), counted
// in the store (news.Limits) so that they hold across concurrent requests and servers.
// An attempt is reserved before the secret is checked, and given back when it succeeds:
// only failures count.
const (
	guessWindow     = 15 * time.Minute
	guessPerAccount = 5
	guessPerAddress = 20
)

// anonymousFormBytes bounds what a form anyone may send (sign-in, its code step, the
// first administrator's setup) may weigh: a few fields, never megabytes.
const anonymousFormBytes = 64 << 10

// Server serves /admin.
type Server struct {
	store      Store
	site       Syncer
	cfg        Config
	log        *slog.Logger
	pages      map[string]*template.Template
	secret     []byte
	setupMu    sync.Mutex
	setupToken string // the one-time setup link's token while there is no user
	mux        *http.ServeMux
	handler    http.Handler
	imports    importer // the WordPress imports this process runs (wxrimport.go)
}

// New builds the admin. secret signs the forms' CSRF tokens.
func New(store Store, site Syncer, secret []byte, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.AutosaveEvery <= 0 {
		cfg.AutosaveEvery = 15 * time.Second
	}
	if len(secret) < 16 {
		return nil, errors.New("admin: secret too short")
	}
	s := &Server{store: store, site: site, cfg: cfg, log: cfg.Logger, secret: secret}
	funcs := template.FuncMap{"lower": strings.ToLower, "when": s.when, "message": s.messageHTML,
		"inc": func(i int) int { return i + 1 }, "bytes": byteWords}
	s.pages = map[string]*template.Template{}
	for _, name := range []string{"login", "dashboard", "comments", "settings", "users", "account", "articles", "edit", "history", "media", "comment", "blocks", "queueconfirm", "totp", "sections", "error", "privacy", "preview",
		"recovery", "resettotp", "notifications",
		"mediaitem", "useredit", "resetpassword", "sectiondelete", "tags", "tagedit", "webhooks", "tokens", "import"} { // the management screens; two-step sign-in's recovery codes and reset (recovery.go)
		files := []string{"templates/layout.html", "templates/" + name + ".html", "templates/notices.html"}
		if name == "edit" {
			files = append(files, "templates/conflict.html") // the conflict and presence sections
		}
		t, err := template.New("layout").Funcs(funcs).ParseFS(templateFS, files...)
		if err != nil {
			return nil, fmt.Errorf("admin templates: %w", err)
		}
		s.pages[name] = t
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/setup", s.setupForm)
	mux.HandleFunc("POST /admin/setup", s.anonymousForm(s.setup))
	mux.HandleFunc("GET /admin/login", s.loginForm)
	mux.HandleFunc("POST /admin/login", s.anonymousForm(s.login))
	mux.HandleFunc("POST /admin/login/code", s.anonymousForm(s.loginCode))
	mux.Handle("POST /admin/account/totp/start", s.require(news.PermManageOwnAccount, s.totpStart))
	mux.Handle("POST /admin/account/totp/enable", s.require(news.PermManageOwnAccount, s.totpEnable))
	mux.Handle("POST /admin/account/totp/disable", s.require(news.PermManageOwnAccount, s.totpDisable))
	// Two-step sign-in's recovery codes, and its reset by an administrator (recovery.go).
	mux.Handle("POST /admin/account/totp/recovery", s.require(news.PermManageOwnAccount, s.newRecoveryCodes))
	mux.Handle("GET "+recoveryPath, s.require(news.PermManageOwnAccount, s.recoveryCodesPage))
	mux.Handle("GET /admin/users/{id}/two-step", s.require(news.PermManageUsers, s.confirmResetTOTP))
	mux.Handle("POST /admin/users/{id}/two-step", s.require(news.PermManageUsers, s.resetTOTP))
	mux.Handle("POST /admin/logout", s.require(news.PermViewDashboard, s.logout))
	mux.Handle("GET /admin/{$}", s.require(news.PermViewDashboard, s.dashboard))
	mux.Handle("GET /admin/comments", s.require(news.PermModerate, s.comments))
	mux.Handle("POST /admin/comments", s.require(news.PermModerate, s.moderateMany))
	// The queue's search, deleting for good and emptying spam or the trash (queue.go).
	mux.Handle("POST /admin/comments/search", s.require(news.PermModerate, s.searchComments))
	mux.Handle("POST /admin/comments/delete", s.require(news.PermModerate, s.deleteComments))
	mux.Handle("POST /admin/comments/empty", s.require(news.PermModerate, s.emptyBin))
	mux.Handle("POST /admin/comments/{id}", s.require(news.PermModerate, s.moderate))
	mux.Handle("GET /admin/comments/{id}/edit", s.require(news.PermModerate, s.comment))
	mux.Handle("POST /admin/comments/{id}/edit", s.require(news.PermModerate, s.editComment))
	mux.Handle("POST /admin/comments/{id}/reply", s.require(news.PermModerate, s.replyToComment))
	mux.Handle("GET /admin/comments/blocks", s.require(news.PermModerate, s.blocks))
	mux.Handle("POST /admin/comments/blocks", s.require(news.PermModerate, s.block))
	mux.Handle("POST /admin/comments/blocks/remove", s.require(news.PermModerate, s.unblock))
	mux.Handle("POST /admin/comments/blocks/search", s.require(news.PermModerate, s.searchBlocks))
	mux.Handle("GET /admin/articles", s.require(news.PermWriteDrafts, s.articles))
	mux.Handle("POST /admin/articles/bulk", s.require(news.PermWriteDrafts, s.bulkArticles)) // lists.go
	// The full preview, private preview links, the trash's undo (preview.go).
	mux.Handle("GET /admin/articles/{id}/preview", s.require(news.PermWriteDrafts, s.fullPreview))
	mux.Handle("POST /admin/articles/preview", s.require(news.PermWriteDrafts, s.previewForm))
	mux.Handle("POST /admin/articles/{id}/preview", s.require(news.PermWriteDrafts, s.previewForm))
	mux.Handle("POST /admin/articles/{id}/preview-links", s.require(news.PermWriteDrafts, s.createPreviewLink))
	mux.Handle("POST /admin/articles/{id}/preview-links/{link}/revoke", s.require(news.PermWriteDrafts, s.revokePreviewLink))
	mux.Handle("POST /admin/articles/{id}/untrash", s.require(news.PermWriteDrafts, s.untrash))
	mux.Handle("POST /admin/articles/{id}/withdraw", s.require(news.PermWriteDrafts, s.withdraw))
	mux.Handle("GET /admin/articles/new", s.require(news.PermWriteDrafts, s.newArticle))
	mux.Handle("GET /admin/pages", s.require(news.PermWriteDrafts, s.pageList))    // lists.go
	mux.Handle("GET /admin/pages/new", s.require(news.PermWriteDrafts, s.newPage)) // pages.go
	mux.Handle("POST /admin/articles", s.require(news.PermWriteDrafts, s.saveArticle))
	mux.Handle("GET /admin/articles/{id}", s.require(news.PermWriteDrafts, s.editArticle))
	mux.Handle("POST /admin/articles/{id}", s.require(news.PermWriteDrafts, s.saveArticle))
	mux.Handle("GET /admin/articles/{id}/history", s.require(news.PermWriteDrafts, s.history))
	mux.Handle("POST /admin/articles/{id}/restore/{rev}", s.require(news.PermWriteDrafts, s.restore))
	mux.Handle("GET /admin/media", s.require(news.PermWriteDrafts, s.mediaLibrary))
	mux.Handle("POST /admin/media", s.require(news.PermWriteDrafts, s.uploadMedia))
	mux.Handle("GET /admin/sections", s.require(news.PermManageTaxonomy, s.sections))
	mux.Handle("POST /admin/sections", s.require(news.PermManageTaxonomy, s.addSection))
	mux.Handle("POST /admin/sections/{id}", s.require(news.PermManageTaxonomy, s.updateSection))
	mux.Handle("GET /admin/settings", s.require(news.PermManageSettings, s.settingsForm))
	mux.Handle("POST /admin/settings", s.require(news.PermManageSettings, s.saveSettings))
	mux.Handle("GET /admin/users", s.require(news.PermManageUsers, s.users))
	mux.Handle("POST /admin/users", s.require(news.PermManageUsers, s.addUser))
	mux.Handle("POST /admin/users/{id}", s.require(news.PermManageUsers, s.updateUser))
	mux.Handle("GET /admin/account", s.require(news.PermManageOwnAccount, s.account))
	mux.Handle("POST /admin/account/password", s.require(news.PermManageOwnAccount, s.changePassword))
	mux.Handle("POST /admin/account/sessions", s.require(news.PermManageOwnAccount, s.endOtherSessions))
	mux.HandleFunc("GET /admin/admin.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write(adminCSS)
	})
	mux.HandleFunc("GET /admin/editor.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(editorJS)
	})
	mux.Handle("POST /admin/preview", s.require(news.PermWriteDrafts, s.preview))
	mux.Handle("POST /admin/articles/autosave", s.require(news.PermWriteDrafts, s.autosave))
	mux.Handle("POST /admin/articles/{id}/autosave", s.require(news.PermWriteDrafts, s.autosave))
	s.routeNotifications(mux)  // notifications.go
	s.routeLibrary(mux)        // library.go
	s.routeAccounts(mux)       // accounts.go
	s.routeTaxonomy(mux)       // taxonomy.go
	s.routeInlineImages(mux)   // inlineimages.go: the editor's inline images
	s.routePrivacy(mux)        // privacy.go
	s.routeWebhooks(mux)       // webhooks.go
	s.routeTokens(mux)         // tokens.go
	s.routeAccountNotices(mux) // accountnotices.go
	s.routeImport(mux)         // wxrimport.go
	mux.Handle("POST /admin/articles/{id}/presence", s.require(news.PermWriteDrafts, s.presence))
	mux.HandleFunc("GET /admin", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/admin/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/admin/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, nil, http.StatusNotFound, "Not found", "There is no admin page at this address.")
	})
	s.mux = mux
	s.handler = http.NewCrossOriginProtection().Handler(http.HandlerFunc(s.serve))
	return s, nil
}

// SetupLink returns, when the site has no user yet, the one-time address where the
// first administrator is created; "" once there is one.
func (s *Server) SetupLink(ctx context.Context) (string, error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	s.setupMu.Lock()
	defer s.setupMu.Unlock()
	if s.setupToken == "" {
		s.setupToken, _ = auth.NewToken()
	}
	return s.cfg.BaseURL + "/admin/setup?token=" + s.setupToken, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// serve sets the headers every admin response carries, then routes.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", adminCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "private, no-store")
	limit := int64(maxFormText)
	if isMultipart(r) {
		limit = media.MaxBytes + maxFormText // an image and the form around it
		if r.URL.Path == ImportPath {
			limit = s.importMax() + maxImportForm // a WordPress export, streamed to disk
		}
	}
	r.Body = &formBody{ReadCloser: http.MaxBytesReader(w, r.Body, limit)}
	s.mux.ServeHTTP(w, r)
}

// adminCSP is every admin page's Content-Security-Policy; the editor adds the embed
// hosts' frame-src so that its preview shows embeds (editorCSP); media-src lets its
// players load as on the site.
const adminCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' https: data:; media-src 'self' https:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// maxFormText bounds the text of every admin form, urlencoded or multipart: its fields'
// names and values together, counted as they are read — room for an article body of
// 1 MiB (the most Markdown rendering takes, and the most text a kept form holds) and
// the editor's other fields. A multipart form's files are not text: they go to
// temporary files, within the body's own limit (an image of media.MaxBytes and the
// form around it).
const maxFormText = maxKeptText + 64<<10

func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

// formBody is a request's body that remembers the first error the connection gave
// while it was read (a read deadline that passed, a connection cut): a form that did
// not arrive is told apart from one that arrived and was wrong.
type formBody struct {
	io.ReadCloser
	err error
}

func (b *formBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var tooLarge *http.MaxBytesError
	if err != nil && err != io.EOF && !errors.As(err, &tooLarge) && b.err == nil {
		b.err = err
	}
	return n, err
}

// bodyOf is the request's formBody (nil when serve did not wrap it).
func bodyOf(r *http.Request) *formBody {
	b, _ := r.Body.(*formBody)
	return b
}

// readForm parses the request's form into r.PostForm, its text bounded by maxFormText.
// A multipart form is read by mime/multipart's ReadForm, which keeps in memory at most
// its maxMemory argument plus 10 MB "reserved for non-file parts" and writes the file
// parts that do not fit to temporary files: asked for maxFormText-10 MB (a negative
// amount), it keeps at most maxFormText of text in memory, counted while reading (the
// fields, their names and headers, 200 bytes a part), every file on disk, and returns
// multipart.ErrMessageTooLarge past it.
func readForm(r *http.Request) error {
	if isMultipart(r) {
		return r.ParseMultipartForm(maxFormText - 10<<20)
	}
	return r.ParseForm()
}

// refuseForm answers a form readForm could not read: one that did not arrive whole
// (408: the connection was too slow or cut), one too large (413), or one that is not a
// form (400). u is nil on the forms anyone may send.
func (s *Server) refuseForm(w http.ResponseWriter, r *http.Request, u *news.User, body *formBody, err error, maxBytes int64) {
	w.Header().Set("Connection", "close") // what is left of the body is not read
	switch {
	case body != nil && body.err != nil:
		s.log.Info("form did not arrive", "path", httpx.LogPath(r.URL.Path), "timeout", errors.Is(body.err, os.ErrDeadlineExceeded))
		what := "form"
		if isMultipart(r) {
			what = "form and its upload"
		}
		s.fail(w, r, u, http.StatusRequestTimeout, "The form did not arrive",
			"The "+what+" did not arrive in time (your connection is slow or was interrupted), so nothing was saved. What you typed is still in the page you came from: please send it again.")
	case tooLarge(err) && isMultipart(r):
		s.fail(w, r, u, http.StatusRequestEntityTooLarge, "Too large",
			fmt.Sprintf("That upload is larger than %d MB, so nothing was saved. What you typed is still in the page you came from: choose a smaller image and send it again.", media.MaxBytes>>20))
	case tooLarge(err), errors.Is(err, multipart.ErrMessageTooLarge):
		s.fail(w, r, u, http.StatusRequestEntityTooLarge, "Form too large",
			fmt.Sprintf("This form holds more than %s of text (or more than 1,000 fields), the most a form here may hold, so nothing was saved. What you typed is still in the page you came from: shorten it, then send it again.", sizeWords(maxBytes)))
	default:
		s.fail(w, r, u, http.StatusBadRequest, "Form not readable", "The form could not be read, so nothing was done. Please reload the page and try again.")
	}
}

// sizeWords says a size in words: "1 MB", "64 KB".
func sizeWords(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d KB", n>>10)
}

// page is what the layout shows around a page's content.
type page struct {
	Title, SiteTitle, CSS, Nav string
	User                       *news.User
	CSRF                       string
	CanModerate, CanManage     bool
	CanWrite, CanTaxonomy      bool // the menu's Articles and Media; Sections (a moderator has neither)
	Pending                    int
	Flash, Error               string
	Action                     string
	Body                       any
	Notify                     *notifyView     // the menu's count, and notifications a page shows (notifications.go)
	Undo                       int64           // the story the message's Undo restores from the trash (preview.go)
	Account                    *accountNotices // what others did to the user's account (accountnotices.go)
	Refresh                    int             // seconds after which the page reloads itself (0: never)
}

// siteTitle is the site's title in the settings read, "Broadsheet" when it is empty
// (or the settings could not be read).
func siteTitle(settings map[string]string) string {
	if t := settings[news.SettingTitle]; t != "" {
		return t
	}
	return "Broadsheet"
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	if p.SiteTitle == "" { // a handler that read the settings already gives it
		settings, _ := s.store.Settings(r.Context())
		p.SiteTitle = siteTitle(settings)
	}
	p.CSS = "/admin/admin.css"
	// The one-time message of the write before (flash.go) is shown by this page and
	// consumed; a message the handler gave itself comes first.
	if msg := s.takeFlash(w, r); p.Flash == "" {
		p.Flash = msg
	}
	p.Flash, p.Undo = cutUndo(p.Flash)
	if u := p.User; u != nil {
		p.CanModerate = u.Role.Can(news.PermModerate)
		p.CanManage = u.Role.Can(news.PermManageUsers)
		p.CanWrite, p.CanTaxonomy = u.Role.Can(news.PermWriteDrafts), u.Role.Can(news.PermManageTaxonomy)
		if p.CanModerate {
			p.Pending, _ = s.store.CountComments(r.Context(), news.CommentQuery{Status: news.CommentPending})
		}
		p.Notify = s.withUnread(r.Context(), u, p.Notify)
		p.Account = s.unseenAccountNotices(r, u, p.Nav == "account")
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render admin page", "page", name, "err", err)
		http.Error(w, "Something went wrong.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, u *news.User, status int, title, message string) {
	p := &page{Title: title, User: u, Body: message}
	if u != nil {
		p.CSRF = s.csrfToken(r)
	}
	s.render(w, r, status, "error", p)
}

// csrfToken is the session's form token: an HMAC of the session, so that a form can
// only be sent by a page the session was shown.
func (s *Server) csrfToken(r *http.Request) string {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return ""
	}
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("csrf\x00" + auth.HashToken(c.Value)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// require lets through only a signed-in user whose role has the permission; others
// are sent to sign in (the address they wanted kept) or refused with 403. A
// state-changing request must also bring the session's CSRF token.
func (s *Server) require(perm news.Permission, next func(w http.ResponseWriter, r *http.Request, u *news.User)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := s.authorise(w, r, perm)
		if u == nil {
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			want := s.csrfToken(r)
			if err := readForm(r); err != nil {
				s.refuseForm(w, r, u, bodyOf(r), err, maxFormText)
				return
			}
			if want == "" || subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(want)) != 1 {
				s.refuseCSRF(w, r, u)
				return
			}
		}
		next(w, r, u)
	})
}

// refuseCSRF answers a write that did not bring the session's form token.
func (s *Server) refuseCSRF(w http.ResponseWriter, r *http.Request, u *news.User) {
	s.fail(w, r, u, http.StatusForbidden, "Form expired", "This form was not sent from your current session, so nothing was changed. Please reload the page and try again.")
}

// authorise returns the signed-in user when the role has the permission; otherwise it
// answers (sign in, or 403) and returns nil. Nothing of the body is read.
func (s *Server) authorise(w http.ResponseWriter, r *http.Request, perm news.Permission) *news.User {
	// Nothing of the body is read before the session is found: a request that cannot
	// be authorised costs no parsing.
	u, err := s.currentUser(r)
	if err != nil {
		switch next, kept := s.keepExpiredSave(r); kept {
		case keptSave:
			http.Redirect(w, r, "/admin/login?expired=1&next="+url.QueryEscape(next), http.StatusSeeOther)
			return nil
		case keptTooLarge:
			s.fail(w, r, nil, http.StatusRequestEntityTooLarge, "Signed out", fmt.Sprintf("Your session has ended, and this save holds more than %d MB of text, so it could not be kept aside and nothing was changed. Your text is still in the page you came from: sign in again in another tab, then save it from there.", maxKeptText>>20))
			return nil
		}
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		s.fail(w, r, nil, http.StatusUnauthorized, "Signed out", "Your session has ended, so nothing was changed. Please sign in again, then repeat what you were doing.")
		return nil
	}
	if !u.Role.Can(perm) {
		s.log.Info("refused", "user", u.ID, "role", u.Role, "action", string(perm), "path", httpx.LogPath(r.URL.Path))
		s.fail(w, r, u, http.StatusForbidden, "Not allowed", fmt.Sprintf("Your role (%s) may not %s.", u.Role, perm))
		return nil
	}
	return u
}

// sessionEnd is when a session ends by time: SessionIdle after it was last used, and
// at the latest at its ExpiresAt (SessionMax after sign-in, which using it never moves).
func sessionEnd(sess *news.Session) time.Time {
	if idle := sess.LastSeen.Add(SessionIdle); idle.Before(sess.ExpiresAt) {
		return idle
	}
	return sess.ExpiresAt
}

// currentUser reads the session cookie and returns its user while the session lives
// and the account is active, keeping the last-seen time fresh (at most once every few
// minutes, to spare the writer). A session past its end stays in the store (see
// KeepAfterEnd), ended all the same.
func (s *Server) currentUser(r *http.Request) (*news.User, error) {
	c, err := r.Cookie(cookieName)
	if err != nil || c.Value == "" {
		return nil, news.ErrNotFound
	}
	now := s.cfg.Now()
	hash := auth.HashToken(c.Value)
	sess, err := s.store.Session(r.Context(), hash, now)
	if err != nil {
		return nil, err
	}
	if !now.Before(sessionEnd(sess)) {
		return nil, news.ErrNotFound
	}
	u, err := s.store.User(r.Context(), sess.UserID)
	if err != nil || u.Disabled {
		return nil, news.ErrNotFound
	}
	if now.Sub(sess.LastSeen) > 5*time.Minute {
		s.store.TouchSession(r.Context(), hash, now)
	}
	return u, nil
}

// endedSessionUser returns the user of the request's session when that session ended
// by time less than KeepAfterEnd ago and the account is still active; nil for anything
// else (no cookie, a live session, one deleted by signing out, an unknown token).
func (s *Server) endedSessionUser(r *http.Request) *news.User {
	c, err := r.Cookie(cookieName)
	if err != nil || c.Value == "" {
		return nil
	}
	now := s.cfg.Now()
	sess, err := s.store.Session(r.Context(), auth.HashToken(c.Value), now.Add(-KeepAfterEnd))
	if err != nil {
		return nil
	}
	if end := sessionEnd(sess); now.Before(end) || !now.Before(end.Add(KeepAfterEnd)) {
		return nil
	}
	u, err := s.store.User(r.Context(), sess.UserID)
	if err != nil || u.Disabled {
		return nil
	}
	return u
}

// clientKey is what the sign-in limits count a client by: its address, or its IPv6 /64.
func (s *Server) clientKey(r *http.Request) string {
	return httpx.LimitKey(httpx.ClientIP(r, s.cfg.TrustProxy))
}

// startSession signs the user in: a new random token in an HttpOnly, SameSite=Lax
// cookie (Secure behind https), only its hash in the store.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *news.User) error {
	token, hash := auth.NewToken()
	now := s.cfg.Now()
	err := s.store.CreateSession(r.Context(), &news.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, LastSeen: now,
		ExpiresAt: now.Add(SessionMax), UserAgent: truncate(r.UserAgent(), 200)})
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, Path: "/admin", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: strings.HasPrefix(s.cfg.BaseURL, "https://"), MaxAge: int(SessionMax / time.Second)})
	return nil
}

func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	for len(s) > n {
		s = s[:n]
		s = strings.ToValidUTF8(s, "")
	}
	return s
}

// safeNext keeps a post-sign-in redirect inside the admin.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/admin/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/admin/"
	}
	return next
}

// anonymousForm bounds and parses the body of a form anyone may send, before the
// handler: at most anonymousFormBytes, a clear refusal past it.
func (s *Server) anonymousForm(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body := bodyOf(r)
		r.Body = http.MaxBytesReader(w, r.Body, anonymousFormBytes)
		var err error
		if r.ContentLength > anonymousFormBytes {
			// Declared too large: refused before a byte is read, not after waiting.
			err = &http.MaxBytesError{Limit: anonymousFormBytes}
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			if tooLarge(err) && (body == nil || body.err == nil) {
				w.Header().Set("Connection", "close")
				s.fail(w, r, nil, http.StatusRequestEntityTooLarge, "Form too large",
					fmt.Sprintf("This form may hold at most %d KB, so nothing was done. Please go back and send it again.", anonymousFormBytes>>10))
				return
			}
			s.refuseForm(w, r, nil, body, err, anonymousFormBytes)
			return
		}
		next(w, r)
	}
}

// limit is one counter a guess is counted on: a key and the most failures it may have
// in guessWindow; kind says in words what it counts, for the refusal.
type limit struct {
	kind limitKind
	key  string
	max  int
}

type limitKind int

const (
	limitAddress limitKind = iota // failures from one address (an IPv6 /64)
	limitAccount                  // wrong passwords for one account
	limitCode                     // wrong codes of two-step sign-in for one account
)

// limitKey names a counter without the value in plain (an email, an address): the
// store keeps the key, and this way it holds only a keyed hash of it.
func (s *Server) limitKey(kind, value string) string {
	return news.LimitKey(s.secret, kind, value) // the rule news.SignInLimitKey follows too
}

func (s *Server) addressLimit(r *http.Request) limit {
	return limit{limitAddress, s.limitKey("guess-address", s.clientKey(r)), guessPerAddress}
}

func (s *Server) accountLimit(email string) limit {
	return limit{limitAccount, s.limitKey("guess-account", normalEmail(email)), guessPerAccount}
}

// normalEmail is an email as accounts are looked up and counted by: trimmed, in NFC
// and lower case.
func normalEmail(email string) string {
	return strings.ToLower(news.NFC(strings.TrimSpace(email)))
}

// codeLimit counts wrong codes of two-step sign-in per account, apart from the
// password's count, so that signing in with the right password again does not give a
// code guesser new tries.
func (s *Server) codeLimit(u *news.User) limit {
	return limit{limitCode, s.limitKey("guess-code", fmt.Sprint(u.ID)), guessPerAccount}
}

// refusal is why a guess was not checked: the limit that was full and how long until it
// takes an attempt again, or the store's error (nothing could be counted).
type refusal struct {
	full limit
	wait time.Duration
	err  error
}

// reserve takes one attempt on each limit, in order, before a secret is checked, so
// that concurrent guesses cannot all pass a check made before any was counted. When a
// limit is full it gives back what it took (nothing was checked) and says which and
// for how long. A store error is returned as well: the caller refuses (fails closed).
func (s *Server) reserve(r *http.Request, now time.Time, limits ...limit) *refusal {
	for i, l := range limits {
		wait, err := s.store.TakeAttempt(r.Context(), l.key, l.max, guessWindow, now)
		if err != nil || wait > 0 {
			s.giveBack(r, now, limits[:i]...)
			return &refusal{full: l, wait: wait, err: err}
		}
	}
	return nil
}

// giveBack returns attempts reserve took for a secret that was not checked after all
// (or was right: only failures count). It runs even when the request has ended.
func (s *Server) giveBack(r *http.Request, now time.Time, limits ...limit) {
	ctx := context.WithoutCancel(r.Context())
	for _, l := range limits {
		if err := s.store.ReturnAttempt(ctx, l.key, now); err != nil {
			s.log.Error("give back an attempt", "err", err)
		}
	}
}

// succeeded is what a right guess does to its limits: the address's attempt is given
// back (only failures count), and the account's and code's counts are cleared.
func (s *Server) succeeded(r *http.Request, now time.Time, address limit, cleared ...limit) {
	s.giveBack(r, now, address)
	for _, l := range cleared {
		if err := s.store.ClearAttempts(r.Context(), l.key); err != nil {
			s.log.Error("clear attempts", "err", err)
		}
	}
}

// tooMany answers a guess refused by its limits, or by a store that could not count
// it: which limit, and the time (in the site's zone) from which an attempt is checked
// again, so that a person locked out of their own account knows when to come back.
func (s *Server) tooMany(w http.ResponseWriter, now time.Time, ref *refusal) (status int, msg string) {
	if ref.err != nil {
		s.log.Error("count an attempt", "err", ref.err)
		return http.StatusServiceUnavailable, "Your attempt could not be counted just now, so it was not checked. Please try again in a minute."
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(ref.wait.Seconds())+1))
	at := now.Add(ref.wait).In(s.location())
	if at.Truncate(time.Minute) != at {
		at = at.Truncate(time.Minute).Add(time.Minute)
	}
	// The time with its zone, and its date when that is not today (soonMarker).
	when := fmt.Sprintf("until %s, in %s", soonMarker(at), roundUp(ref.wait))
	switch ref.full.kind {
	case limitAddress:
		return http.StatusTooManyRequests, fmt.Sprintf("Too many failed attempts from your network (%d in %d minutes). For the accounts' safety, nothing sent from it is checked %s; you can try again then.",
			guessPerAddress, int(guessWindow.Minutes()), when)
	case limitCode:
		return http.StatusTooManyRequests, fmt.Sprintf("Too many failed attempts with codes for this account (%d in %d minutes). For its safety, no code is checked %s, not even the right one; you can try again then. Nothing else about the account has changed.",
			guessPerAccount, int(guessWindow.Minutes()), when)
	default:
		return http.StatusTooManyRequests, fmt.Sprintf("Too many failed attempts for this account (%d in %d minutes; perhaps someone else is guessing its password). For its safety, no password for it is checked %s, not even the right one; you can try again then. Nothing else about the account has changed.",
			guessPerAccount, int(guessWindow.Minutes()), when)
	}
}

// busyMessage answers a password check refused because the process is hashing as much
// as it may (auth.TakeSlot): it was not checked and does not count.
const busyMessage = "Too many sign-ins at once; try again in a moment. Nothing was checked, and this attempt does not count against the account."

// takeSlot takes a place in the process's line for argon2id work (auth.TakeSlot)
// before a password is hashed or checked; nil, with Retry-After set, when the line is
// full (the caller gives back any attempt it reserved: nothing was checked).
func (s *Server) takeSlot(w http.ResponseWriter) *auth.Slot {
	slot, err := auth.TakeSlot()
	if err != nil {
		w.Header().Set("Retry-After", "1")
		return nil
	}
	return slot
}
