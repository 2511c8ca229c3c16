package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	stdlog "log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"broadsheet/internal/admin"
	"broadsheet/internal/api"
	"broadsheet/internal/demo"
	"broadsheet/internal/httpx"
	"broadsheet/internal/jobs"
	"broadsheet/internal/media"
	"broadsheet/internal/news"
	"broadsheet/internal/rerender"
	"broadsheet/internal/site"
	"broadsheet/internal/sqlite"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dbPath := fs.String("db", "broadsheet.db", "SQLite database file (created if missing)")
	withDemo := fs.Bool("demo", false, "fill an empty site with demo articles and comments")
	baseURL := fs.String("base-url", "", "the site's public address, e.g. https://news.example.org (default: http://ADDR)")
	pageCache := fs.Bool("page-cache", true, "keep rendered pages in memory (turn off only to measure rendering)")
	cacheMB := fs.Int("cache-mb", 64, "most memory the page cache may use, in MiB")
	trustProxy := fs.Bool("trust-proxy", false, "take the client address from X-Forwarded-For (behind a reverse proxy)")
	minTime := fs.Duration("comment-min-time", 3*time.Second, "least time between loading a comment form and posting it")
	mediaDir := fs.String("media-dir", "", "directory of uploaded images (default: media beside the database)")
	burst := fs.Int("comment-burst", 5, "comments one address may post at once")
	every := fs.Duration("comment-every", 30*time.Second, "after the burst, one more comment per this interval")
	maxConns := fs.Int("max-conns", defaultMaxConns(), "most client connections open at once (default: what the descriptor limit allows)")
	writeTimeout := fs.Duration("write-timeout", 30*time.Second, "a client that takes longer to accept a write of its answer, or to send a body it declared on a GET, is cut off")
	maxPerClient := fs.Int("max-conns-per-client", 128, "most connections one address (an IPv6 /64) may hold; 0: no limit (off behind --trust-proxy)")
	hookTimeout := fs.Duration("webhook-timeout", 15*time.Second, "most time one webhook delivery may take; a delivery a stopped server was sending is sent again 4 times this after it started")
	importMaxMB := fs.Int64("import-max-mb", admin.DefaultImportMaxBytes>>20, "largest WordPress export the admin's import (/admin/import) takes, in MiB")
	wxrUploads := fs.String("wxr-uploads", "", "a copy of the WordPress site's wp-content/uploads, from which the admin's import copies images (default: attachments keep their original URLs)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *wxrUploads != "" {
		if info, err := os.Stat(*wxrUploads); err != nil || !info.IsDir() {
			return fmt.Errorf("--wxr-uploads %s: not a folder (a copy of wp-content/uploads)", *wxrUploads)
		}
	}
	if *importMaxMB <= 0 {
		return fmt.Errorf("--import-max-mb must be positive")
	}
	log := newLogger(stderr)
	tuneGC(*cacheMB)

	db, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := news.EnsureSecret(ctx, db); err != nil {
		return err
	}
	if *withDemo {
		if err := loadDemo(ctx, db, log.Info); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if *baseURL == "" {
		*baseURL = "http://" + ln.Addr().String()
	}
	if *minTime == 0 {
		*minTime = -1 // zero means "no minimum" here, not "the default"
	}
	srv, err := site.New(ctx, db, site.Config{
		BaseURL: *baseURL, PageCache: *pageCache, CacheBytes: *cacheMB << 20, TrustProxy: *trustProxy,
		CommentMinTime: *minTime, CommentBurst: *burst, CommentEvery: *every, Logger: log,
	})
	if err != nil {
		ln.Close()
		return err
	}
	if *mediaDir == "" {
		*mediaDir = filepath.Join(filepath.Dir(*dbPath), "media")
	}
	files := media.Dir(*mediaDir)
	adm, err := admin.New(db, srv, srv.Secret(), admin.Config{
		BaseURL: *baseURL, ArticlePath: srv.ArticlePath, Location: srv.Location, TrustProxy: *trustProxy, Logger: log, Media: files,
		// The import's temporary files beside the database: on its disk (not a
		// memory-backed /tmp), and seen by every server sharing the database.
		ImportMaxBytes: *importMaxMB << 20, ImportDir: filepath.Join(filepath.Dir(*dbPath), "imports"), WXRUploads: *wxrUploads,
	})
	if err != nil {
		ln.Close()
		return err
	}
	// A database that cannot be written still serves readers, but nothing can be saved:
	// the operator must hear it now, not from the first reader whose comment is lost.
	if err := srv.Register(ctx); err != nil {
		log.Error("the database cannot be written: readers can read the site, but comments, the admin and the scheduler cannot save anything. Check the file's permissions, its directory's and the free disk space", "db", *dbPath, "err", err)
		fmt.Fprintf(stderr, "broadsheet: WARNING: %s cannot be written (%v): the site is read-only until this is mended\n", *dbPath, err)
	}
	if link, err := adm.SetupLink(ctx); err != nil {
		ln.Close()
		return err
	} else if link != "" {
		fmt.Fprintf(stdout, "No account yet. Create the first administrator at:\n\n    %s\n\n(or run: broadsheet user add --email EMAIL --name NAME --role administrator)\n", link)
	}
	content := api.New(db, api.Config{
		BaseURL: *baseURL, ArticlePath: srv.ArticlePath, FeedIDBase: srv.FeedIDBase, Cache: srv.Cache(), Logger: log,
		Location: srv.Location, CommentPath: srv.CommentPath,
		Secret: srv.Secret(), Sync: srv.Sync, Media: files,
	})
	perClient := *maxPerClient
	if *trustProxy {
		perClient = 0 // every connection comes from the proxy, which limits its clients
	}
	limited := httpx.Listen(ln, *maxConns, perClient, *writeTimeout)
	httpSrv := &http.Server{
		Handler:           route(adm, media.Handler(files), content, srv, *writeTimeout),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    64 << 10,
		ConnState:         limited.ConnState,
		// net/http's own messages (a panic, a bad TLS handshake) name the client's
		// address; a reader's address belongs in no log line.
		ErrorLog: stdlog.New(redactAddresses{stderr}, "", 0),
	}
	var wg sync.WaitGroup
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The webhooks' deliveries (package jobs): claimed from the store's queue, so that
	// of several servers one sends each, and what a stopped server was sending is sent
	// by another (or by this one after a restart) once its lease runs out.
	hooks := jobs.NewWebhooks(db, jobs.Config{BaseURL: *baseURL, ArticlePath: srv.ArticlePath, Timeout: *hookTimeout, Logger: log})
	wg.Add(4)
	go func() { defer wg.Done(); srv.Run(runCtx) }()
	go func() { defer wg.Done(); publishScheduled(runCtx, db, srv, log) }()
	go func() { defer wg.Done(); hooks.Run(runCtx) }()
	go func() { defer wg.Done(); removeAbandonedUploads(runCtx, files, log) }()

	log.Info("serving", "url", *baseURL, "listen", ln.Addr().String(), "db", *dbPath, "page_cache", *pageCache, "max_conns", *maxConns)
	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(limited) }()
	select {
	case err := <-errc:
		cancel()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
	defer done()
	err = httpSrv.Shutdown(shutCtx)
	cancel()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// loadDemo imports the demo content into a site that has no article yet.
func loadDemo(ctx context.Context, db news.Store, logf func(string, ...any)) error {
	n, err := db.CountArticles(ctx, news.ArticleQuery{})
	if err != nil {
		return err
	}
	if n > 0 {
		logf("the site has articles: demo content not added", "articles", n)
		return nil
	}
	if err := db.SetSettings(ctx, demo.Settings); err != nil {
		return err
	}
	res, err := db.Import(ctx, demo.Items(time.Now()))
	if err != nil {
		return fmt.Errorf("demo content: %w", err)
	}
	logf("demo content added", "articles", res.Articles, "comments", res.Comments)
	return nil
}

// tuneGC trades memory for CPU unless the operator set GOGC or GOMEMLIMIT. A news
// server's live heap is small next to the garbage each request leaves, so Go's default
// target would collect every few hundred requests; a higher target with a memory limit
// above the page cache's budget collects far less often and still bounds the heap.
func tuneGC(cacheMB int) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// The soft limit leaves room for the images being processed at once, whose
		// memory the media package budgets separately.
		debug.SetMemoryLimit(int64(cacheMB+256)<<20 + media.MaxProcessingMemory)
	}
}

// redactAddresses writes log lines with every IP address (and port) replaced.
type redactAddresses struct{ w io.Writer }

var ipAddress = regexp.MustCompile(`\[?[0-9a-fA-F:]*:[0-9a-fA-F:]+\]?(:\d+)?|\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b`)

func (r redactAddresses) Write(p []byte) (int, error) {
	if _, err := r.w.Write(ipAddress.ReplaceAll(p, []byte("[address]"))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// route sends /admin to the admin, /media/ to the uploaded files, /api/v1/ and
// WordPress's /wp-json/ and /?rest_route= (api.IsWP) to the content API, and everything
// else to the public site, with a few prefix tests on the public site's hot path.
//
// A request with a body gets deadlines to send it and to take the answer (httpx.Bodies),
// so that a client dribbling bytes cannot hold a connection for ever, and an answer
// given before its body was read reaches a client still sending it.
func route(adm, files, content, public http.Handler, stall time.Duration) http.Handler {
	return httpx.Bodies(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case strings.HasPrefix(p, "/admin"):
			adm.ServeHTTP(w, r)
		case strings.HasPrefix(p, "/media/"):
			files.ServeHTTP(w, r)
		case strings.HasPrefix(p, api.Prefix), api.IsWP(r): // the content API, and WordPress's shape of it
			content.ServeHTTP(w, r)
		default:
			public.ServeHTTP(w, r)
		}
	}), stall, bodyTimes)
}

// bodyTimes is how long a request's body may take to arrive and its answer to be taken:
// a body must arrive whole in time for its size, within 15 minutes; the admin's
// WordPress import takes files of a gigabyte, up to an hour.
func bodyTimes(r *http.Request) (body, answer time.Duration) {
	if r.Method == http.MethodPost && r.URL.Path == admin.ImportPath {
		return admin.ImportUploadTime, admin.ImportUploadTime + 5*time.Minute
	}
	return 15 * time.Minute, 20 * time.Minute
}

// publishScheduled puts scheduled articles live when their time comes: at start (an
// article whose time passed while the server was down goes live at once) and then
// every 15 seconds; it also applies the comments' retention, at start and every minute,
// and renders again, at most rerenderPerTick a tick, the articles whose HTML an older
// renderer or other embed hosts made (package rerender).
func publishScheduled(ctx context.Context, db news.Store, srv *site.Server, log *slog.Logger) {
	t := time.NewTicker(15 * time.Second)
	defer t.Stop()
	var purged time.Time
	for {
		if now := time.Now(); now.Sub(purged) >= purgeEvery { // the retention (privacycmd.go)
			applyRetention(ctx, db, srv, log, now)
			purged = now
		}
		rerenderStale(ctx, db, srv, log)
		if n, err := db.PublishDue(ctx, time.Now()); err != nil { // each writer told in the publication's transaction
			if ctx.Err() == nil {
				log.Error("publish scheduled articles", "err", err)
			}
		} else if n > 0 {
			log.Info("scheduled articles published", "count", n)
			if err := srv.Sync(ctx); err != nil {
				log.Error("apply scheduled articles to the page cache", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// removeAbandonedUploads removes, at start and then hourly, the temporary files of
// uploads and imports' images that a killed or crashed process (this server before its
// restart, a command, another server sharing the folder) left in the media folder:
// nothing else would, and each may be hundreds of megabytes.
func removeAbandonedUploads(ctx context.Context, files media.Dir, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := files.RemoveAbandoned(); err != nil {
			log.Error("remove abandoned uploads", "dir", string(files), "err", err)
		} else if n > 0 {
			log.Info("abandoned uploads removed", "dir", string(files), "files", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// rerenderPerTick bounds the re-render pass of one scheduler tick: about a second of
// one core for ordinary articles every 15 s, so 100,000 articles are brought up to date
// in under half an hour while the server goes on serving.
const rerenderPerTick = 1000

// rerenderStale runs one bounded re-render pass and shows its result on every node.
func rerenderStale(ctx context.Context, db news.Store, srv *site.Server, log *slog.Logger) {
	res, err := rerender.Run(ctx, db, rerender.Options{Max: rerenderPerTick, Log: log})
	if err != nil && ctx.Err() == nil {
		log.Error("render stored articles again", "err", err)
	}
	if res.Rendered() > 0 {
		log.Info("stored articles rendered again", "changed", res.Changed, "unchanged", res.Unchanged, "kept", res.Kept, "fingerprint", res.Fingerprint)
	}
	if res.Changed > 0 {
		if err := srv.Sync(ctx); err != nil {
			log.Error("apply re-rendered articles to the page cache", "err", err)
		}
	}
}
