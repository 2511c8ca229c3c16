package admin

// The WordPress import screen (/admin/import), for administrators: a WXR file is
// uploaded, streamed to a temporary file; its first pass (wxr.Check) runs in the
// background and the administrator sees what the file holds; once confirmed, the
// import runs in the background and ends with its report. One import at a time for
// the whole site: the run is claimed in the store (news.ImportRunStore), so the rule
// holds across servers sharing the database. The pages refresh themselves without
// JavaScript (<meta http-equiv="refresh">).

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
	"broadsheet/internal/wxr"
)

// ImportPath is the import screen's address; POST to it uploads a file (cmd's route
// gives that request ImportUploadTime to arrive).
const ImportPath = "/admin/import"

// DefaultImportMaxBytes is the largest file the import takes unless Config says
// otherwise: 1 GiB, more than the exports of all but the largest WordPress sites
// (WordPress's own importer takes what PHP's upload_max_filesize allows, often 2–64 MB).
const DefaultImportMaxBytes = 1 << 30

// ImportUploadTime is the longest an upload to the import may take to arrive: 1 GiB in
// an hour is 300 KB/s. Only a signed-in administrator's body is read (the session is
// checked first), so the long window is not open to anyone.
const ImportUploadTime = time.Hour

// How long each step may take before the run is taken for abandoned (its server
// stopped) and the next upload may claim the site's slot; the check and the import are
// given these as deadlines, so a run never outlives its expiry while its server lives.
const (
	importCheckTime   = 30 * time.Minute
	importConfirmTime = time.Hour // a checked file waits this long for its confirmation
	importRunTime     = time.Hour
	importGrace       = 5 * time.Minute
)

// importer is the admin's share of the imports this process works on: their progress,
// in memory (the import's transaction holds the store's writer, so its progress cannot
// be written there), and a way for tests to wait for them.
type importer struct {
	node string // this process, as the runs name it
	mu   sync.Mutex
	runs map[int64]*importProgress
	live map[int64]int // runs this process works on (upload, check, import), never released
	wg   sync.WaitGroup
}

// How the runs tell whether a live process works on them: it writes the run's
// heartbeat every importBeat; a run silent for importSilence (eight missed beats) has
// none, and an administrator may release it. An import's second pass holds SQLite's
// one writer for its whole transaction, so its beats wait until it ends: the run looks
// silent, but a release from another server waits for the same writer and fails (the
// database is busy), and this process never releases a run it works on (live).
const (
	importBeat    = 15 * time.Second
	importSilence = 2 * time.Minute
)

// keepAlive marks the run as worked on by this process and writes its heartbeat every
// importBeat until the returned stop is called.
func (s *Server) keepAlive(id int64) (stop func()) {
	s.imports.mu.Lock()
	if s.imports.live == nil {
		s.imports.live = map[int64]int{}
	}
	s.imports.live[id]++
	s.imports.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(importBeat)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := s.store.BeatImportRun(ctx, id, s.cfg.Now()); errors.Is(err, news.ErrStale) {
					return
				} else if err != nil && ctx.Err() == nil {
					s.log.Error("import heartbeat", "run", id, "err", err)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
		s.imports.mu.Lock()
		if s.imports.live[id]--; s.imports.live[id] <= 0 {
			delete(s.imports.live, id)
		}
		s.imports.mu.Unlock()
	}
}

// worksOn reports whether this process works on the run.
func (s *Server) worksOn(id int64) bool {
	s.imports.mu.Lock()
	defer s.imports.mu.Unlock()
	return s.imports.live[id] > 0
}

type importProgress struct {
	mu          sync.Mutex
	phase       string // "checking", "importing"
	done, total int64  // bytes of the file read
}

func (p *importProgress) set(phase string, done, total int64) {
	p.mu.Lock()
	p.phase, p.done, p.total = phase, done, total
	p.mu.Unlock()
}

func (p *importProgress) get() (string, int64, int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.phase, p.done, p.total
}

func (s *Server) progressOf(id int64) *importProgress {
	s.imports.mu.Lock()
	defer s.imports.mu.Unlock()
	return s.imports.runs[id]
}

func (s *Server) track(id int64) *importProgress {
	s.imports.mu.Lock()
	defer s.imports.mu.Unlock()
	if s.imports.runs == nil {
		s.imports.runs = map[int64]*importProgress{}
	}
	p := &importProgress{}
	s.imports.runs[id] = p
	return p
}

func (s *Server) untrack(id int64) {
	s.imports.mu.Lock()
	delete(s.imports.runs, id)
	s.imports.mu.Unlock()
}

// WaitImports waits until the imports this process runs in the background have ended
// (for tests and for a clean shutdown).
func (s *Server) WaitImports() { s.imports.wg.Wait() }

func (s *Server) importMax() int64 {
	if s.cfg.ImportMaxBytes > 0 {
		return s.cfg.ImportMaxBytes
	}
	return DefaultImportMaxBytes
}

// importDir is the folder of imports' uploads, absolute: the run records its file's
// path, and a server restarted from another working directory (after a crash) must
// still find it to remove it when the run is released or taken for abandoned.
func (s *Server) importDir() string {
	dir := s.cfg.ImportDir
	if dir == "" {
		dir = os.TempDir()
	}
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

func (s *Server) routeImport(mux *http.ServeMux) {
	s.imports.node = newNodeName()
	mux.Handle("GET "+ImportPath, s.require(news.PermManageSettings, s.importPage))
	// The upload reads its own body as a stream (uploadImport): the token first, then
	// the file to disk.
	mux.Handle("POST "+ImportPath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := s.authorise(w, r, news.PermManageSettings); u != nil {
			s.uploadImport(w, r, u)
		}
	}))
	mux.Handle("POST "+ImportPath+"/{id}/start", s.require(news.PermManageSettings, s.startImport))
	mux.Handle("POST "+ImportPath+"/{id}/cancel", s.require(news.PermManageSettings, s.cancelImport))
	mux.Handle("POST "+ImportPath+"/{id}/release", s.require(news.PermManageSettings, s.releaseImport))
	mux.Handle("GET "+ImportPath+"/{id}/accounts.csv", s.require(news.PermManageSettings, s.importAccountsCSV))
}

func newNodeName() string {
	b := make([]byte, 6)
	rand.Read(b)
	host, _ := os.Hostname()
	return truncate(host, 60) + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(b)
}

// importView is what the import page shows.
type importView struct {
	Run       *news.ImportRun
	Mine      bool // this process works on it: the progress below is live
	Phase     string
	Percent   int
	Check     *checkView
	Report    *reportView
	MaxSize   string
	Uploads   bool // attachments' files are copied from the server's uploads folder
	Working   bool // the run is uploading, being checked or imported
	Refreshes bool // the page reloads itself (importRefresh)
	By        string
	// Silent: the run is under way (not waiting for a confirmation), no process of
	// this server works on it and its last sign of life (Run.HeartbeatAt) is older
	// than importSilence: the page offers to release it.
	Silent    bool
	SilentFor string // how long, in words
}

// checkView is what the first pass found, kept as JSON in the run.
type checkView struct {
	Rows     []countRow `json:"rows"`
	Statuses []string   `json:"statuses"`
	WillSkip []string   `json:"will_skip"`
	Warnings int        `json:"warnings"`
	Repeated int        `json:"repeated"`
}

type countRow struct {
	Kind string `json:"kind"`
	N    int    `json:"n"`
	Note string `json:"note,omitempty"`
}

// reportView is what the import did, kept as JSON in the run. The new accounts'
// set-password links are secrets: they are kept sealed (Links), opened only to show
// them to an administrator.
type reportView struct {
	Rows    []reportRow `json:"rows"`
	Notes   []string    `json:"notes"`
	Skipped []countRow  `json:"skipped"`
	Unknown []countRow  `json:"unknown"`
	Links   string      `json:"links,omitempty"` // sealed JSON of []accountLink
	Seconds float64     `json:"seconds"`
	// Accounts are the first shownAccounts links, of AccountsTotal (importAccountsCSV
	// gives them all): a large site's thousands would make every view megabytes.
	// Not in the stored JSON: the links are kept sealed only (Links).
	Accounts      []accountLink `json:"-"`
	AccountsTotal int           `json:"-"`
	RunID         int64         `json:"-"`
}

type reportRow struct {
	Kind                 string `json:"kind"`
	InFile, Added, There int
	Note                 string `json:"note,omitempty"`
}

type accountLink struct {
	Name string `json:"name"`
	Link string `json:"link"`
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, u *news.User) {
	v := &importView{MaxSize: sizeWords(s.importMax()), Uploads: s.cfg.WXRUploads != ""}
	run, err := s.store.LatestImportRun(r.Context())
	if err != nil && !errors.Is(err, news.ErrNotFound) {
		s.fail(w, r, u, http.StatusInternalServerError, "Import", "The import's state could not be read. Please reload the page.")
		return
	}
	p := &page{Title: "Import from WordPress", User: u, CSRF: s.csrfToken(r), Nav: "import", Body: v}
	if run != nil {
		v.Run = run
		if run.UserID != 0 {
			if by, err := s.store.User(r.Context(), run.UserID); err == nil {
				v.By = by.Name
			}
		}
		if run.State.Active() && run.State != news.ImportChecked && !s.worksOn(run.ID) {
			if quiet := s.cfg.Now().Sub(run.HeartbeatAt); quiet > importSilence {
				v.Silent = true
				v.SilentFor = durationWords(quiet)
			}
		}
		if prog := s.progressOf(run.ID); prog != nil {
			v.Mine = true
			var done, total int64
			v.Phase, done, total = prog.get()
			if total > 0 {
				v.Percent = int(done * 100 / total)
			}
		}
		switch run.State {
		case news.ImportUploading, news.ImportChecking, news.ImportRunning:
			v.Working = true
			// The page reloads itself only when the administrator chose it (the
			// forms' "follow" box, or the page's link), and says how to stop it:
			// WCAG 2.2.1 allows a time limit the user may turn off.
			if r.URL.Query().Get("follow") == "1" {
				v.Refreshes = true
				p.Refresh = importRefresh
			}
		}
		if run.Checked != "" {
			v.Check = &checkView{}
			json.Unmarshal([]byte(run.Checked), v.Check)
		}
		if run.Report != "" {
			v.Report = &reportView{}
			json.Unmarshal([]byte(run.Report), v.Report)
			if v.Report.Links != "" {
				if plain, err := s.openSealed("import links", v.Report.Links); err == nil {
					json.Unmarshal(plain, &v.Report.Accounts)
				}
				v.Report.AccountsTotal, v.Report.RunID = len(v.Report.Accounts), run.ID
				v.Report.Accounts = v.Report.Accounts[:min(len(v.Report.Accounts), shownAccounts)]
			}
		}
	}
	s.render(w, r, http.StatusOK, "import", p)
}

// importRefused answers an upload refused before its file was read, closing the
// connection; what is left of the body is read after the answer (httpx.Linger, in
// cmd/broadsheet's route), so that a browser still sending the file shows the page
// that says why, not "connection reset".
func (s *Server) importRefused(w http.ResponseWriter, r *http.Request, u *news.User, status int, title, msg string) {
	w.Header().Set("Connection", "close")
	s.fail(w, r, u, status, title, msg)
}

func (s *Server) tooBigMessage() string {
	return fmt.Sprintf("That file is larger than %s, the most this site takes, so nothing was imported. Run the import from the server's command line (broadsheet import wxr FILE) for a larger export, or export the site in parts (Tools › Export by date or by author).", sizeWords(s.importMax()))
}

// uploadImport takes the file: refused early when its declared size is too large or an
// import is under way; the form's token must come first (the page's form puts it
// before the file) and is checked before a byte of the file is read; the file goes to
// a temporary file, never whole into memory, counted against the cap as it arrives.
func (s *Server) uploadImport(w http.ResponseWriter, r *http.Request, u *news.User) {
	ctx := r.Context()
	max := s.importMax()
	if r.ContentLength > max+maxImportForm {
		s.importRefused(w, r, u, http.StatusRequestEntityTooLarge, "Too large", s.tooBigMessage())
		return
	}
	if run, err := s.store.LatestImportRun(ctx); err == nil && run.State.Active() && s.cfg.Now().Before(run.ExpiresAt) {
		s.importRefused(w, r, u, http.StatusConflict, "An import is under way", busyImportMessage)
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		s.importRefused(w, r, u, http.StatusBadRequest, "Form not readable", "The upload could not be read (it is not a file upload form), so nothing was done. Please reload the page and try again.")
		return
	}
	part, err := mr.NextPart()
	want := s.csrfToken(r)
	if err != nil || part.FormName() != "csrf" {
		s.refuseCSRF(w, r, u)
		return
	}
	token, _ := io.ReadAll(io.LimitReader(part, 256))
	if want == "" || subtle.ConstantTimeCompare(token, []byte(want)) != 1 {
		s.refuseCSRF(w, r, u)
		return
	}
	part, err = mr.NextPart()
	if err != nil || part.FormName() != "file" {
		if s.uploadDidNotArrive(w, r, u, err) {
			return
		}
		s.importRefused(w, r, u, http.StatusBadRequest, "No file", "Choose a WordPress export file (.xml) to upload.")
		return
	}
	name := cleanFileName(part.FileName())
	// The temporary file is made first and named in the run, so that a server that
	// stops while the file arrives leaves a run whose file the next upload removes
	// (BeginImportRun's abandoned runs), never a file no record names.
	f, err := s.createUpload()
	if err != nil {
		s.log.Error("make an import's temporary file", "err", err)
		s.importRefused(w, r, u, http.StatusInternalServerError, "Import", "The upload could not be saved on the server, so nothing was imported.")
		return
	}
	path := f.Name()
	now := s.cfg.Now()
	run := &news.ImportRun{Kind: "wxr", State: news.ImportUploading, UserID: u.ID, FileName: name, Node: s.imports.node,
		Path: path, ExpiresAt: now.Add(ImportUploadTime + importGrace)}
	_, abandoned, err := s.store.BeginImportRun(ctx, run, now)
	if err != nil {
		f.Close()
		removeFile(path)
	}
	if errors.Is(err, news.ErrImportBusy) {
		s.importRefused(w, r, u, http.StatusConflict, "An import is under way", busyImportMessage)
		return
	}
	if err != nil {
		s.log.Error("begin an import", "err", err)
		s.importRefused(w, r, u, http.StatusInternalServerError, "Import", "The import could not begin (the database could not be written), so nothing was done. Please try again in a moment.")
		return
	}
	for _, a := range abandoned {
		removeFile(a.Path)
	}
	// From here the run is the site's: what becomes of it is recorded whatever becomes
	// of the connection (a client gone once the file has arrived has still sent it; one
	// gone before ends the run). The request's context would leave the run "arriving",
	// refusing every other upload until it expires.
	ctx = context.WithoutCancel(ctx)
	stopBeat := s.keepAlive(run.ID)
	defer stopBeat()
	n, err := saveUpload(f, part, max)
	if err != nil {
		removeFile(path)
		run.State, run.Path = news.ImportFailed, ""
		var tooLarge *http.MaxBytesError
		// The request's fault (too large, cut short) is a 4xx; the server's (its disk)
		// is not: 507 for a full one, 500 otherwise.
		var status int
		switch {
		case errors.As(err, &tooLarge) || errors.Is(err, errImportTooLarge):
			run.Error, status = s.tooBigMessage(), http.StatusRequestEntityTooLarge
		case errors.As(err, new(*uploadReadError)) || bodyOf(r) != nil && bodyOf(r).err != nil:
			run.Error, status = "The upload did not arrive whole (the connection was too slow or cut), so nothing was imported.", http.StatusBadRequest
		case news.StorageFull(err):
			run.Error, status = storageFullMessage+" The upload could not be saved, so nothing was imported.", http.StatusInsufficientStorage
			s.log.Error("save an import's upload: storage full", "err", err)
		default:
			run.Error, status = "The upload could not be saved on the server, so nothing was imported.", http.StatusInternalServerError
			s.log.Error("save an import's upload", "err", err)
		}
		if err := s.store.MoveImportRun(ctx, run, news.ImportUploading, s.cfg.Now()); err != nil {
			s.log.Error("end an import that did not arrive", "err", err)
		}
		s.log.Info("import upload refused", "bytes", n, "user", u.ID)
		s.importRefused(w, r, u, status, "Upload refused", run.Error)
		return
	}
	// The fields after the file: the "follow" box (a few bytes; at most a few parts).
	follow := false
	for range 4 {
		part, err := mr.NextPart()
		if err != nil {
			break
		}
		v, _ := io.ReadAll(io.LimitReader(part, 16))
		if part.FormName() == "follow" && string(v) == "1" {
			follow = true
		}
	}
	run.State, run.Path, run.Bytes = news.ImportChecking, path, n
	run.ExpiresAt = s.cfg.Now().Add(importCheckTime + importGrace)
	if err := s.store.MoveImportRun(ctx, run, news.ImportUploading, s.cfg.Now()); err != nil {
		removeFile(path)
		s.log.Error("record an import's upload", "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Import", "The upload could not be recorded, so nothing was imported. Please try again.")
		return
	}
	s.log.Info("import uploaded", "run", run.ID, "bytes", n, "user", u.ID)
	prog := s.track(run.ID)
	prog.set("checking", 0, n)
	s.imports.wg.Add(1)
	go s.checkImport(run, prog, s.keepAlive(run.ID))
	s.redirectWith(w, r, afterImportForm(follow), "The file arrived; it is being checked.")
}

// maxImportForm is room for the upload form around the file: its token and headers.
const maxImportForm = 64 << 10

// importRefresh is the seconds between the progress page's reloads, when followed.
const importRefresh = 3

// afterImportForm is where a form of the import sends the administrator: the page,
// reloading itself while the file is worked on when they ticked "follow".
func afterImportForm(follow bool) string {
	if follow {
		return ImportPath + "?follow=1"
	}
	return ImportPath
}

const busyImportMessage = "Another import is under way on this site (one at a time), so this file was not taken. Wait for it to end, then upload again."

var errImportTooLarge = errors.New("upload too large")

func (s *Server) uploadDidNotArrive(w http.ResponseWriter, r *http.Request, u *news.User, err error) bool {
	if b := bodyOf(r); b != nil && b.err != nil {
		s.refuseForm(w, r, u, b, err, maxImportForm)
		return true
	}
	return false
}

// createUpload makes a new temporary file in the import folder for an upload.
func (s *Server) createUpload() (*os.File, error) {
	dir := s.importDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("import folder: %w", err)
	}
	f, err := os.CreateTemp(dir, "broadsheet-wxr-*.xml")
	if err != nil {
		return nil, fmt.Errorf("import's temporary file: %w", err)
	}
	return f, nil
}

// uploadReadError is a failure to read the upload (the client's form or connection:
// a body cut short, a file part without its boundary), not to write it (the server's
// disk): the administrator is told which.
type uploadReadError struct{ err error }

func (e *uploadReadError) Error() string { return "read the upload: " + e.err.Error() }
func (e *uploadReadError) Unwrap() error { return e.err }

type uploadReader struct{ r io.Reader }

func (u uploadReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	if err != nil && err != io.EOF {
		err = &uploadReadError{err}
	}
	return n, err
}

// saveUpload streams the file part to f, at most max bytes, and closes f; it returns
// the bytes written (the caller removes the file on error). A failure to read the part
// is an *uploadReadError.
func saveUpload(f *os.File, part *multipart.Part, max int64) (int64, error) {
	n, err := io.Copy(f, io.LimitReader(uploadReader{part}, max+1))
	if err == nil && n > max {
		err = errImportTooLarge
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return n, err
}

func removeFile(path string) {
	if path != "" {
		os.Remove(path)
	}
}

// cleanFileName is the browser's name of the file, for display: its base name, visible
// text, at most 200 bytes.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name, _ = news.CleanText(name)
	name = truncate(strings.TrimSpace(name), 200)
	if name == "" || name == "." || name == "/" {
		return "export.xml"
	}
	return name
}

// checkImport runs the first pass over the uploaded file, in the background, and
// records what it found, or the error naming the line (the file is then removed).
func (s *Server) checkImport(run *news.ImportRun, prog *importProgress, stopBeat func()) {
	defer s.imports.wg.Done()
	defer stopBeat()
	defer s.untrack(run.ID)
	ctx, cancel := context.WithTimeout(context.Background(), importCheckTime)
	defer cancel()
	cv, err := s.checkFile(ctx, run.Path, prog)
	if err != nil {
		removeFile(run.Path)
		run.State, run.Path, run.Error = news.ImportFailed, "", checkErrorMessage(err)
		s.log.Info("import check refused the file", "run", run.ID)
	} else {
		b, _ := json.Marshal(cv)
		run.State, run.Checked = news.ImportChecked, string(b)
		run.ExpiresAt = s.cfg.Now().Add(importConfirmTime)
	}
	if err := s.store.MoveImportRun(context.WithoutCancel(ctx), run, news.ImportChecking, s.cfg.Now()); err != nil {
		s.log.Error("record an import's check", "run", run.ID, "err", err)
		if run.State == news.ImportChecked {
			removeFile(run.Path)
		}
	}
}

// checkErrorMessage says why the check refused a file, naming the line.
func checkErrorMessage(err error) string {
	var we *wxr.Error
	var ae *wxr.ArchiveError
	switch {
	case errors.As(err, &ae):
		return fmt.Sprintf("This file is a %s, not the export itself (WordPress.com's export arrives zipped): %s on your computer and upload the .xml file inside. Nothing was imported.", ae.Kind, ae.Do)
	case errors.As(err, &we) && errors.As(err, new(*render.TooComplexError)):
		// A post too long for the site: the file is sound, the advice is in the error
		// (shorten it in WordPress, export again).
		return fmt.Sprintf("The file cannot be imported: %s. Nothing was imported.", strings.TrimSuffix(strings.TrimPrefix(we.Error(), "wxr: "), "."))
	case errors.As(err, &we):
		return fmt.Sprintf("The file is not a WordPress export this site can read: %s. Nothing was imported. Export the site again (Tools › Export) and upload the new file; if it happens again, the line named is where the file is damaged.", strings.TrimPrefix(we.Error(), "wxr: "))
	case errors.Is(err, context.DeadlineExceeded):
		return "Checking the file took longer than allowed, so nothing was imported. Import it from the server's command line (broadsheet import wxr FILE)."
	}
	return "The file could not be checked (" + err.Error() + "), so nothing was imported."
}

// imported is the post statuses the import takes (cmd's wxrStatus; the rest are
// skipped): private becomes unpublished.
var importedStatuses = map[string]bool{"publish": true, "draft": true, "auto-draft": true, "pending": true, "future": true, "private": true, "trash": true}

func newCheckView(c wxr.Counts, uploads bool) *checkView {
	v := &checkView{Warnings: c.Warnings, Repeated: c.Skipped}
	byType := map[string]int{}
	for ts, n := range c.Items {
		byType[ts.Type] += n
		switch ts.Type {
		case "post", "page":
			v.Statuses = append(v.Statuses, fmt.Sprintf("%s %s: %d", ts.Type, ts.Status, n))
			if !importedStatuses[ts.Status] {
				v.WillSkip = append(v.WillSkip, fmt.Sprintf("%d %ss of status %q", n, ts.Type, ts.Status))
			}
		}
	}
	sort.Strings(v.Statuses)
	comments := 0
	for _, n := range c.Comments {
		comments += n
	}
	att := "in the media library, kept at their original URLs"
	if uploads {
		att = "in the media library: images, PDF, audio and video copied from the server's copy of wp-content/uploads, the rest kept at their original URLs"
	}
	v.Rows = []countRow{
		{Kind: "posts", N: byType["post"]},
		{Kind: "pages", N: byType["page"]},
		{Kind: "categories", N: c.Categories, Note: "become sections"},
		{Kind: "tags", N: c.Tags},
		{Kind: "authors", N: c.Authors, Note: "become bylines; those with an email, accounts (role author) with a set-password link"},
		{Kind: "comments", N: comments, Note: "pingbacks and trackbacks among them are not imported"},
		{Kind: "attachments", N: byType["attachment"], Note: att},
	}
	if n := byType["nav_menu_item"]; n > 0 {
		v.WillSkip = append(v.WillSkip, fmt.Sprintf("%d navigation menu items (pages can be put in the navigation from their editor)", n))
	}
	var others []string
	for t := range byType {
		switch t {
		case "post", "page", "attachment", "nav_menu_item":
		default:
			others = append(others, t)
		}
	}
	slices.Sort(others)
	for _, t := range others {
		v.WillSkip = append(v.WillSkip, fmt.Sprintf("%d items of post type %q", byType[t], t))
	}
	if c.Terms > 0 {
		v.WillSkip = append(v.WillSkip, fmt.Sprintf("terms of other taxonomies than categories and tags, among the file's %d <wp:term> entries", c.Terms))
	}
	if c.Skipped > 0 {
		v.WillSkip = append(v.WillSkip, fmt.Sprintf("%d items repeating a post ID (as WordPress's importer skips them)", c.Skipped))
	}
	for _, k := range slices.Sorted(maps.Keys(c.Changes)) { // made to fit the site (wxr.Fit…)
		v.WillSkip = append(v.WillSkip, fmt.Sprintf("%d %s", c.Changes[k], k))
	}
	for _, ch := range c.Changed {
		v.WillSkip = append(v.WillSkip, ch)
	}
	return v
}

// checkedRun reads the run the form names, refusing one that is not checked.
func (s *Server) checkedRun(w http.ResponseWriter, r *http.Request, u *news.User) *news.ImportRun {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var run *news.ImportRun
	if err == nil {
		run, err = s.store.ImportRun(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "Not found", "There is no such import.")
		return nil
	}
	if run.State != news.ImportChecked {
		s.redirectWith(w, r, ImportPath, "That import is no longer waiting for a confirmation: nothing was done.")
		return nil
	}
	return run
}

func (s *Server) cancelImport(w http.ResponseWriter, r *http.Request, u *news.User) {
	run := s.checkedRun(w, r, u)
	if run == nil {
		return
	}
	path := run.Path
	run.State, run.Path = news.ImportCancelled, ""
	if err := s.store.MoveImportRun(r.Context(), run, news.ImportChecked, s.cfg.Now()); err != nil {
		s.redirectWith(w, r, ImportPath, "That import is no longer waiting for a confirmation: nothing was done.")
		return
	}
	removeFile(path)
	s.redirectWith(w, r, ImportPath, "The import was cancelled and its file removed: nothing was imported.")
}

func (s *Server) startImport(w http.ResponseWriter, r *http.Request, u *news.User) {
	run := s.checkedRun(w, r, u)
	if run == nil {
		return
	}
	run.State = news.ImportRunning
	run.Node = s.imports.node
	run.ExpiresAt = s.cfg.Now().Add(importRunTime + importGrace)
	if err := s.store.MoveImportRun(r.Context(), run, news.ImportChecked, s.cfg.Now()); err != nil {
		s.redirectWith(w, r, ImportPath, "That import is no longer waiting for a confirmation: nothing was done.")
		return
	}
	s.log.Info("import started", "run", run.ID, "bytes", run.Bytes, "user", u.ID)
	prog := s.track(run.ID)
	prog.set("importing", 0, run.Bytes)
	s.imports.wg.Add(1)
	go s.runImport(run, prog, s.keepAlive(run.ID))
	s.redirectWith(w, r, afterImportForm(r.PostForm.Get("follow") == "1"), "The import has begun.")
}

// releaseImport ends an import run that no live process works on (its server crashed
// or was stopped mid-way), so that the site's one import slot is free before the run's
// expiry (up to ImportUploadTime or importRunTime and importGrace later). Asked from a
// confirmation on the import page (the form sends confirm=yes); refused for a run this
// process works on whatever its heartbeat says, and by the store for one that beat
// within importSilence. Kept in the log (the admin has no audit log): who released
// which run, started by whom on which server.
func (s *Server) releaseImport(w http.ResponseWriter, r *http.Request, u *news.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, u, http.StatusNotFound, "Not found", "There is no such import.")
		return
	}
	if r.PostForm.Get("confirm") != "yes" {
		s.redirectWith(w, r, ImportPath, "Nothing was released: confirm the release with its button.")
		return
	}
	if s.worksOn(id) {
		s.log.Info("import release refused: running here", "run", id, "user", u.ID)
		s.redirectWith(w, r, ImportPath, "That import is running on this server right now, so it was not released.")
		return
	}
	now := s.cfg.Now()
	msg := fmt.Sprintf("Released by %s: the server working on this import had given no sign of life for more than %s, so it was taken for stopped. An import either wrote everything or nothing; importing the same file again adds only what is missing.",
		u.Name, durationWords(importSilence))
	run, err := s.store.ReleaseImportRun(r.Context(), id, now.Add(-importSilence), msg, now)
	switch {
	case errors.Is(err, news.ErrNotFound):
		s.fail(w, r, u, http.StatusNotFound, "Not found", "There is no such import.")
		return
	case errors.Is(err, news.ErrStale):
		s.redirectWith(w, r, ImportPath, "That import is no longer under way, so nothing was released.")
		return
	case errors.Is(err, news.ErrImportAlive):
		s.redirectWith(w, r, ImportPath, "That import gave a sign of life within the last "+durationWords(importSilence)+", so it is still running and was not released.")
		return
	case err != nil:
		// A run whose import holds the database's writer ends here too (busy): alive.
		s.log.Error("release an import run", "run", id, "err", err)
		s.redirectWith(w, r, ImportPath, "The import could not be released: the database is busy, perhaps with this very import. Nothing was changed; reload the page in a few minutes.")
		return
	}
	removeFile(run.Path) // on this server's disk, if it was this server's
	s.log.Info("import run released", "run", run.ID, "by", u.ID, "started_by", run.UserID, "state", string(run.State),
		"node", run.Node, "silent_since", run.HeartbeatAt)
	s.redirectWith(w, r, ImportPath, fmt.Sprintf("The import of %s, begun %s, was released: nothing of it was written, and a new file may be uploaded.", run.FileName, atMarker(run.CreatedAt)))
}

// durationWords says a duration for people: "45 seconds", "3 minutes", "2 hours 5 minutes".
func durationWords(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return strconv.FormatInt(n, 10) + " " + unit + "s"
	}
	switch {
	case d < time.Minute:
		return plural(int64(d/time.Second), "second")
	case d < time.Hour:
		return plural(int64(d/time.Minute), "minute")
	case d%time.Hour < time.Minute:
		return plural(int64(d/time.Hour), "hour")
	}
	return plural(int64(d/time.Hour), "hour") + " " + plural(int64(d%time.Hour/time.Minute), "minute")
}

// runImport imports the checked file in the background, records the report or why it
// failed, and removes the file.
func (s *Server) runImport(run *news.ImportRun, prog *importProgress, stopBeat func()) {
	defer s.imports.wg.Done()
	defer stopBeat()
	defer s.untrack(run.ID)
	ctx, cancel := context.WithTimeout(context.Background(), importRunTime)
	defer cancel()
	start := time.Now()
	rep, err := s.importFile(ctx, run.ID, run.Path, prog)
	removeFile(run.Path)
	run.Path = ""
	if err != nil {
		run.State = news.ImportFailed
		run.Error = importErrorMessage(err)
		// Only the run and how long: the error may quote the file, which stays out of logs.
		s.log.Info("import failed", "run", run.ID, "timeout", errors.Is(err, context.DeadlineExceeded))
	} else {
		rep.Seconds = time.Since(start).Seconds()
		if len(rep.Accounts) > 0 {
			b, _ := json.Marshal(rep.Accounts)
			rep.Links = s.seal("import links", b)
		}
		b, _ := json.Marshal(rep)
		run.State, run.Report = news.ImportDone, string(b)
		s.log.Info("import done", "run", run.ID, "seconds", rep.Seconds)
	}
	if err := s.store.MoveImportRun(context.WithoutCancel(ctx), run, news.ImportRunning, s.cfg.Now()); err != nil {
		s.log.Error("record an import's end", "run", run.ID, "err", err)
	}
	if s.site != nil {
		if err := s.site.Sync(context.WithoutCancel(ctx)); err != nil {
			s.log.Error("apply an import to the page cache", "err", err)
		}
	}
}

// importErrorMessage says why an import failed; the site is as it was.
func importErrorMessage(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "The import took longer than allowed and was stopped; the site is as it was. Import the file from the server's command line (broadsheet import wxr FILE)."
	}
	return "The import failed and the site is as it was: " + err.Error()
}

// seal encrypts plain for the store under the site's secret (the flash messages'
// cipher, its own label as additional data); openSealed reverses it.
func (s *Server) seal(label string, plain []byte) string {
	aead := s.flashAEAD()
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, []byte(label)))
}

func (s *Server) openSealed(label, sealed string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	aead := s.flashAEAD()
	if err != nil || len(b) < aead.NonceSize() {
		return nil, errors.New("not sealed")
	}
	return aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], []byte(label))
}

// byteWords says a file's size in words: "812 bytes", "14.2 MB".
func byteWords(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.2f GB", float64(n)/(1<<30))
}
