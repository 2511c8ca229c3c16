package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/news"
)

// WXRImport is one WordPress import's write (wxr.Import; news.WXRTx): every call
// runs in one immediate transaction on the write connection, so nothing is visible
// before Commit, and an error, a cancelled ctx or a crash leaves the site as it was
// (Rollback, or no Commit). Things are matched by what WordPress calls them, so that a
// second import of the same file changes nothing: articles and comments by source
// "wordpress" and WordPress's post and comment IDs, sections by the category's
// nicename, tags by slug, authors by login (their slug) and users by email.
//
// In a site with no article yet, rows are inserted with WordPress's own IDs when those
// are free (posts, pages, comments, categories, tags, users), so that addresses and
// API answers built on IDs (/?p=ID, WordPress's REST shape) keep them.
type WXRImport struct {
	conn  *sql.Conn
	tx    *sql.Tx
	now   time.Time
	keep  bool             // keep WordPress's IDs (the site had no article)
	cache int64            // the connection's page cache size before the import
	secs  map[string]int64 // section slug → ID
	slugs map[string]int   // slug → next number tried (see importer.uniqueSlug)
	im    *importer
	done  bool
	added map[int64]bool // the articles this import added
	// Statements run once a comment or an old address, prepared once (preparing an
	// INSERT with its triggers cost more than running it).
	stmts map[string]*sql.Stmt
}

// stmt returns the transaction's prepared statement for query.
func (w *WXRImport) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := w.stmts[query]; ok {
		return st, nil
	}
	st, err := w.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("wxr import: prepare: %w", err)
	}
	w.stmts[query] = st
	return st, nil
}

func (w *WXRImport) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(uncancelled(ctx), args...)
}

// uncancelled is ctx for one statement of the import's rows: without its end, which
// the driver would watch for each statement with a goroutine of its own and SQLite's
// progress handler (a sixth of the writer's time in Go). The import still ends with
// ctx: database/sql rolls the transaction back once ctx is done, so the next
// statement fails, and wxr.Import checks ctx between entries; a row's statement
// takes microseconds.
func uncancelled(ctx context.Context) context.Context {
	if ctx.Done() == nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

// prepared is the transaction as a queryer whose statements are prepared once (the
// shared helpers, writeAuthors and indexArticleMedia, run once an article).
func (w *WXRImport) prepared() queryer { return preparedTx{w} }

type preparedTx struct{ w *WXRImport }

func (p preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.w.exec(ctx, query, args...)
}

func (p preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.w.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(uncancelled(ctx), args...)
}

func (p preparedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.w.stmt(ctx, query)
	if err != nil {
		return p.w.tx.QueryRowContext(ctx, query, args...) // carries the same error
	}
	return st.QueryRowContext(uncancelled(ctx), args...)
}

func (w *WXRImport) closeStmts() {
	for _, st := range w.stmts {
		st.Close()
	}
	clear(w.stmts)
}

// BeginWXR starts a WordPress import (a *WXRImport). The caller must call Commit or
// Rollback.
func (db *DB) BeginWXR(ctx context.Context) (news.WXRTx, error) {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("wxr import: %w", err)
	}
	w := &WXRImport{conn: conn, now: db.Now(), secs: map[string]int64{}, slugs: map[string]int{}, stmts: map[string]*sql.Stmt{}, added: map[int64]bool{}}
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&w.cache); err != nil {
		conn.Close()
		return nil, fmt.Errorf("wxr import: %w", err)
	}
	conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, -importCacheKiB))
	// Every INSERT of the import runs triggers and updates many indexes, so SQLite
	// keeps a statement journal for it: a copy of each page it changes (in WAL mode
	// all of them), written to a temporary file once over 64 KiB. In memory it costs
	// at most one statement's pages (a few dozen) instead of a write system call a
	// page: the import spent a sixth of its time there.
	conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`)
	if w.tx, err = conn.BeginTx(ctx, nil); err != nil {
		w.release()
		return nil, fmt.Errorf("wxr import: begin: %w", err)
	}
	var any1 bool
	if err := w.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM articles)`).Scan(&any1); err != nil {
		w.Rollback()
		return nil, fmt.Errorf("wxr import: %w", err)
	}
	w.keep = !any1
	if w.im, err = newImporter(ctx, w.tx, w.now); err != nil {
		w.Rollback()
		return nil, err
	}
	return w, nil
}

func (w *WXRImport) release() {
	w.conn.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA cache_size = %d`, w.cache))
	w.conn.ExecContext(context.Background(), `PRAGMA temp_store = DEFAULT`)
	w.conn.Close()
}

// Rollback ends the import, writing nothing; after Commit it does nothing.
func (w *WXRImport) Rollback() {
	if w.done {
		return
	}
	w.done = true
	if w.im != nil {
		w.im.close()
	}
	w.closeStmts()
	w.tx.Rollback()
	w.release()
}

// StillRunning implements news.WXRTx.
func (w *WXRImport) StillRunning(ctx context.Context, runID int64) error {
	var state string
	err := w.tx.QueryRowContext(ctx, `SELECT state FROM import_runs WHERE id = ?`, runID).Scan(&state)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("import run %d is gone: %w", runID, news.ErrStale)
	case err != nil:
		return fmt.Errorf("import run %d: %w", runID, err)
	case state != string(news.ImportRunning):
		return fmt.Errorf("import run %d is %s, no longer running (released): %w", runID, state, news.ErrStale)
	}
	return nil
}

// Commit records the change (every page: KeyAll, as the corpus import does) when
// anything was added, and commits.
func (w *WXRImport) Commit(ctx context.Context, changed bool) error {
	if w.done {
		return errors.New("wxr import: already ended")
	}
	if changed {
		if err := dropTakenSlugRedirects(ctx, w.tx); err != nil {
			w.Rollback()
			return fmt.Errorf("wxr import: drop redirects from taken slugs: %w", err)
		}
		if err := recordChange(ctx, w.tx, w.now, news.KeyAll); err != nil {
			w.Rollback()
			return fmt.Errorf("wxr import: record change: %w", err)
		}
	}
	w.im.close()
	w.im = nil
	w.closeStmts()
	w.done = true
	err := w.tx.Commit()
	if err == nil {
		w.conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	w.release()
	if err != nil {
		return fmt.Errorf("wxr import: commit: %w", err)
	}
	return nil
}

// freeID returns id when WordPress's IDs are kept and table has no row with it, else
// nil (the engine picks one).
func (w *WXRImport) freeID(ctx context.Context, table string, id int64) (any, error) {
	if !w.keep || id <= 0 {
		return nil, nil
	}
	var taken bool
	st, err := w.stmt(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+` WHERE id = ?)`)
	if err != nil {
		return nil, err
	}
	if err := st.QueryRowContext(ctx, id).Scan(&taken); err != nil {
		return nil, err
	}
	if taken {
		return nil, nil
	}
	return id, nil
}

// wantID is id when WordPress's IDs are kept, else nil: the argument, given twice, of
// an INSERT's id column written as freeIDSQL(table), which checks in the statement
// itself that the ID is free (a query of its own for each of 500,000 comments cost a
// sixth of their inserts).
func (w *WXRImport) wantID(id int64) any {
	if !w.keep || id <= 0 {
		return nil
	}
	return id
}

// freeIDSQL is the value of an INSERT's id column given wantID's value twice: that ID
// when table has no row with it, else NULL (the engine picks one).
func freeIDSQL(table string) string {
	return `(SELECT ? WHERE NOT EXISTS (SELECT 1 FROM ` + table + ` WHERE id = ?))`
}

// Section finds the section with s.Slug or adds it (under parentSlug's section, which
// must come first, as WordPress writes parents before children; "" for the top) with
// wpID as its ID when free. It sets s.ID and reports whether it was added.
func (w *WXRImport) Section(ctx context.Context, s *news.Section, wpID int64, parentSlug string) (bool, error) {
	if err := news.CheckText("the section's name", s.Name); err != nil {
		return false, err
	}
	err := w.tx.QueryRowContext(ctx, `SELECT id FROM sections WHERE slug = ?`, s.Slug).Scan(&s.ID)
	if err == nil {
		w.secs[s.Slug] = s.ID
		return false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("section %q: %w", s.Slug, err)
	}
	// wxr gives a category a page has the slug of another (wxr.FitSectionSlug); should a
	// page have it still, the section takes the next free one rather than hide the page.
	for base, n := s.Slug, 2; ; n++ {
		var page bool
		if err := w.tx.QueryRowContext(ctx, qPageSlugAnyCase, s.Slug).Scan(&page); err != nil {
			return false, fmt.Errorf("section %q: %w", s.Slug, err)
		}
		if !page {
			break
		}
		s.Slug = base + "-" + strconv.Itoa(n)
		err := w.tx.QueryRowContext(ctx, `SELECT id FROM sections WHERE slug = ?`, s.Slug).Scan(&s.ID)
		if err == nil {
			w.secs[s.Slug] = s.ID
			return false, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("section %q: %w", s.Slug, err)
		}
	}
	var parent any
	if parentSlug != "" {
		id, ok := w.secs[parentSlug]
		if !ok {
			return false, fmt.Errorf("section %q: its parent %q is not before it: %w", s.Slug, parentSlug, news.ErrInvalid)
		}
		parent, s.ParentID = id, id
	}
	id, err := w.freeID(ctx, "sections", wpID)
	if err != nil {
		return false, fmt.Errorf("section %q: %w", s.Slug, err)
	}
	r, err := w.tx.ExecContext(ctx, `INSERT INTO sections (id, slug, name, description, position, parent_id)
		VALUES (?, ?, ?, ?, (`+qNextSectionPosition+`), ?)`, id, s.Slug, s.Name, s.Description, parent)
	if err != nil {
		return false, fmt.Errorf("section %q: %w", s.Slug, err)
	}
	s.ID, _ = r.LastInsertId()
	w.secs[s.Slug] = s.ID
	return true, nil
}

// Tag finds the tag with t.Slug or adds it with wpID as its ID when free; it sets t.ID.
func (w *WXRImport) Tag(ctx context.Context, t *news.Tag, wpID int64) (bool, error) {
	if err := news.CheckText("the tag's name", t.Name); err != nil {
		return false, err
	}
	err := w.tx.QueryRowContext(ctx, `SELECT id FROM tags WHERE slug = ?`, t.Slug).Scan(&t.ID)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("tag %q: %w", t.Slug, err)
	}
	id, err := w.freeID(ctx, "tags", wpID)
	if err != nil {
		return false, fmt.Errorf("tag %q: %w", t.Slug, err)
	}
	r, err := w.tx.ExecContext(ctx, `INSERT INTO tags (id, slug, name) VALUES (?, ?, ?)`, id, t.Slug, t.Name)
	if err != nil {
		return false, fmt.Errorf("tag %q: %w", t.Slug, err)
	}
	t.ID, _ = r.LastInsertId()
	w.im.tags[t.Slug] = t.ID
	return true, nil
}

// Author finds or adds the byline author with a.Slug (WordPress's login), and the
// newsroom account u (role author) with u.Email. A new account gets no password: it
// cannot sign in until its person uses the one-time link whose token hash is
// resetHash (news.PasswordReset, as an administrator's reset link). userMade reports
// a new account (its link is then to be given out); an account already there is left
// as it is.
func (w *WXRImport) Author(ctx context.Context, a *news.Author, u *news.User, wpID int64, resetHash string) (authorMade, userMade bool, err error) {
	if err := news.CheckText("the author's name", a.Name); err != nil {
		return false, false, err
	}
	err = w.tx.QueryRowContext(ctx, `SELECT id FROM authors WHERE slug = ?`, a.Slug).Scan(&a.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		r, err := w.tx.ExecContext(ctx, `INSERT INTO authors (slug, name, bio) VALUES (?, ?, ?)`, a.Slug, a.Name, a.Bio)
		if err != nil {
			return false, false, fmt.Errorf("author %q: %w", a.Slug, err)
		}
		a.ID, _ = r.LastInsertId()
		authorMade = true
	case err != nil:
		return false, false, fmt.Errorf("author %q: %w", a.Slug, err)
	}
	w.im.authors[a.Slug] = a.ID
	if u == nil || u.Email == "" {
		return authorMade, false, nil
	}
	err = w.tx.QueryRowContext(ctx, `SELECT id FROM users WHERE lower(email) = lower(?)`, u.Email).Scan(&u.ID)
	if err == nil {
		return authorMade, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, false, fmt.Errorf("user %q: %w", a.Slug, err)
	}
	u.Role = news.RoleAuthor
	if err := validateUser(&news.User{Email: u.Email, Name: u.Name, Role: u.Role, PasswordHash: "-"}); err != nil {
		return false, false, fmt.Errorf("user %q: %w", a.Slug, err)
	}
	id, err := w.freeID(ctx, "users", wpID)
	if err != nil {
		return false, false, fmt.Errorf("user %q: %w", a.Slug, err)
	}
	// An empty password hash matches no password (auth.Verify refuses it): the
	// account signs in only after its reset link is used.
	r, err := w.tx.ExecContext(ctx, `INSERT INTO users (id, email, name, role, password_hash, created_at, disabled, email_key)
		VALUES (?, ?, ?, ?, '', ?, 0, ?)`, id, u.Email, u.Name, string(u.Role), w.now.Unix(), emailKey(u.Email))
	if err != nil {
		return false, false, fmt.Errorf("user %q: %w", a.Slug, err)
	}
	u.ID, _ = r.LastInsertId()
	if resetHash != "" {
		if _, err := w.tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_by, created_at, expires_at) VALUES (?, ?, NULL, ?, ?)`,
			resetHash, u.ID, w.now.Unix(), w.now.Add(WXRResetLife).Unix()); err != nil {
			return false, false, fmt.Errorf("user %q's link: %w", a.Slug, err)
		}
	}
	return authorMade, true, nil
}

// WXRResetLife is news.WXRResetLife.
const WXRResetLife = news.WXRResetLife

// Article finds the article with a.Source and a.SourceID or adds it (with wpID as its
// ID when free), its author, section and tags given by ID (Section, Tag, Author first)
// and its HTML sanitised by the caller. It sets a.ID and reports whether it was added.
func (w *WXRImport) Article(ctx context.Context, a *news.Article, wpID int64) (bool, error) {
	if err := validateArticle(a); err != nil {
		return false, err
	}
	a.Status = news.StatusAt(a.Status, a.PublishedAt, w.now)
	err := w.im.findArticle.QueryRowContext(uncancelled(ctx), a.Source, a.SourceID).Scan(&a.ID)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("find article: %w", err)
	}
	if a.Kind == "" {
		a.Kind = news.KindArticle
	}
	if a.Kind == news.KindPage {
		if err := w.pageSlug(ctx, a); err != nil {
			return false, err
		}
	} else if err := w.im.uniqueSlug(ctx, a, nil); err != nil {
		return false, err
	}
	if a.FeedID != "" {
		if err := news.CheckFeedID(a.FeedID); err != nil {
			return false, fmt.Errorf("article %q: %w", a.Slug, err)
		}
	}
	// The feed ID is inserted with the row (storeFeedID's UPDATE would run the
	// articles' update triggers once more for each).
	r, err := w.exec(ctx, `INSERT INTO articles (slug, title, standfirst, body_markdown, body_html, status,
		published_at, updated_at, created_at, correction_note, seo_description, author_id, section_id,
		image_url, image_alt, image_caption, image_width, image_height, comments_closed, source, source_id, owner_id, image_srcset,
		nav_position, kind, feed_id, id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, `+freeIDSQL("articles")+`)`,
		append(articleValues(a), string(a.Kind), a.FeedID, w.wantID(wpID), w.wantID(wpID))...)
	if err != nil {
		return false, fmt.Errorf("insert article: %w", err)
	}
	a.ID, _ = r.LastInsertId()
	w.added[a.ID] = true
	if err := indexArticleMedia(ctx, w.prepared(), a); err != nil {
		return false, err
	}
	if err := writeAuthors(ctx, w.prepared(), a); err != nil {
		return false, err
	}
	seen := map[int64]bool{}
	for i, t := range a.Tags {
		if seen[t.ID] {
			continue
		}
		seen[t.ID] = true
		if _, err := w.im.addTag.ExecContext(uncancelled(ctx), a.ID, t.ID, i); err != nil {
			return false, fmt.Errorf("tag article %d: %w", a.ID, err)
		}
	}
	return true, nil
}

// pageSlug gives the page a slug the site answers no other way (checkPage: no reserved
// path, year or section's slug) and no article has, whatever the site holds, so that
// the import never fails on it (wxr's check announces the change: wxr.FitPageSlug).
// Tried in turn: its own; "-page" after it (admin-page); "page-" before it (a slug
// starting "sitemap", or a section named so); then "page-{slug}-2", "-3"… until one
// passes. The first that passes is numbered as a story's ("slug-2"…) when an article
// has it, skipping numbers a section has. Each try is an index search, and only
// sections (finitely many) make one fail, so it ends.
func (w *WXRImport) pageSlug(ctx context.Context, a *news.Article) error {
	base := a.Slug
	for i := 0; ; i++ {
		switch i {
		case 0:
		case 1:
			a.Slug = base + "-page"
		case 2:
			a.Slug = "page-" + base
		default:
			a.Slug = "page-" + base + "-" + strconv.Itoa(i-1)
		}
		err := checkPage(ctx, w.tx, a)
		if err == nil {
			break
		}
		if !errors.Is(err, news.ErrReservedSlug) {
			return err // what else a page may not hold, refused under the slug it asked for
		}
	}
	return w.im.uniqueSlug(ctx, a, func(slug string) (bool, error) {
		p := *a
		p.Slug = slug
		err := checkPage(ctx, w.tx, &p)
		if errors.Is(err, news.ErrReservedSlug) {
			return false, nil
		}
		return err == nil, err
	})
}

// FindArticle returns the ID of the article imported from source's sourceID;
// news.ErrNotFound when none.
func (w *WXRImport) FindArticle(ctx context.Context, source, sourceID string) (int64, error) {
	var id int64
	err := w.im.findArticle.QueryRowContext(uncancelled(ctx), source, sourceID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("article %s %s: %w", source, sourceID, news.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("find article: %w", err)
	}
	return id, nil
}

// PageSlugs implements news.WXRStore: along articles_pages, the site's pages only.
func (db *DB) PageSlugs(ctx context.Context) ([]string, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT slug FROM articles INDEXED BY articles_pages WHERE kind = 'page'`)
	if err != nil {
		return nil, fmt.Errorf("page slugs: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("page slugs: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("page slugs: %w", err)
	}
	return out, nil
}

// ImportedArticleIDs returns the source IDs of the articles imported from source.
func (db *DB) ImportedArticleIDs(ctx context.Context, source string) (map[string]bool, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT source_id FROM articles WHERE source = ?`, source)
	if err != nil {
		return nil, fmt.Errorf("imported articles: %w", err)
	}
	defer rows.Close()
	ids := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("imported articles: %w", err)
		}
		ids[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("imported articles: %w", err)
	}
	return ids, nil
}

// Comment finds c (by its article, source and source ID) or adds it, with wpID as its
// ID when free; c.ParentID must be the stored parent's ID (parents first). It sets c.ID.
func (w *WXRImport) Comment(ctx context.Context, c *news.Comment, wpID int64) (bool, error) {
	// An article this import added has no comments but those it adds: none to find.
	if !w.added[c.ArticleID] {
		err := w.im.findComment.QueryRowContext(uncancelled(ctx), c.ArticleID, c.Source, c.SourceID).Scan(&c.ID)
		if err == nil {
			return false, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("find comment %s: %w", c.SourceID, err)
		}
	}
	if err := validateComment(c); err != nil {
		return false, fmt.Errorf("comment %s: %w", c.SourceID, err)
	}
	id := w.wantID(wpID)
	r, err := w.exec(ctx, `INSERT INTO comments (article_id, parent_id, status, author_name, author_email,
		author_url, body, body_html, ip_hash, user_agent, created_at, source, source_id, email_key, status_at, id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, `+freeIDSQL("comments")+`)`, c.ArticleID, nullID(c.ParentID), string(c.Status), c.AuthorName, c.AuthorEmail,
		c.AuthorURL, c.Body, c.BodyHTML, c.IPHash, c.UserAgent, c.CreatedAt.Unix(), c.Source, c.SourceID, emailKey(c.AuthorEmail),
		importedStatusAt(c.Status, w.now), id, id)
	if err != nil {
		return false, fmt.Errorf("insert comment %s: %w", c.SourceID, err)
	}
	c.ID, _ = r.LastInsertId()
	return true, nil
}

// ArticleRedirect records an old path of the article (kind news.RedirectPath: "/?p=42",
// "/2019/05/old-name/"); one recorded already is left as it is (added false).
func (w *WXRImport) ArticleRedirect(ctx context.Context, path string, articleID int64) (bool, error) {
	if path == "" {
		return false, nil
	}
	r, err := w.exec(ctx, `INSERT INTO redirects (kind, address, article_id, created_at) VALUES ('path', ?, ?, ?)
		ON CONFLICT (kind, address) DO NOTHING`, path, articleID, w.now.Unix())
	if err != nil {
		return false, fmt.Errorf("redirect %q: %w", path, err)
	}
	n, _ := r.RowsAffected()
	return n > 0, nil
}

// OldSlug records a former slug of the article (kind news.RedirectSlug, WordPress's
// _wp_old_slug); one recorded already is left as it is, and one that a story has as
// its slug is dropped at Commit (current slugs win).
func (w *WXRImport) OldSlug(ctx context.Context, slug string, articleID int64) (added bool, err error) {
	if slug == "" {
		return false, nil
	}
	r, err := w.exec(ctx, `INSERT INTO redirects (kind, address, article_id, created_at) VALUES ('slug', ?, ?, ?)
		ON CONFLICT (kind, address) DO NOTHING`, slug, articleID, w.now.Unix())
	if err != nil {
		return false, fmt.Errorf("old slug %q: %w", slug, err)
	}
	n, _ := r.RowsAffected()
	return n > 0, nil
}

// TermRedirect records an old path of a section, tag or author (kind "section", "tag"
// or "author"); one recorded already is left as it is (added false).
func (w *WXRImport) TermRedirect(ctx context.Context, path, kind string, id int64) (bool, error) {
	if path == "" {
		return false, nil
	}
	r, err := w.exec(ctx, `INSERT INTO term_redirects (address, kind, target_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (address) DO NOTHING`, path, kind, id, w.now.Unix())
	if err != nil {
		return false, fmt.Errorf("redirect %q: %w", path, err)
	}
	n, _ := r.RowsAffected()
	return n > 0, nil
}

// OldAddress returns where an imported site's old path leads: the current path of a
// section's, tag's or author's archive ("/section/world/"), a library file's
// ("/media/NAME", for an upload's old address), or of an article through
// its redirect (articleID, with path ""); news.ErrNotFound when the path is none.
func (db *DB) OldAddress(ctx context.Context, path string) (target string, articleID int64, err error) {
	var kind string
	var id int64
	err = db.reads.QueryRowContext(ctx, `SELECT kind, target_id FROM term_redirects WHERE address = ?`, path).Scan(&kind, &id)
	if errors.Is(err, sql.ErrNoRows) {
		err = db.reads.QueryRowContext(ctx, `SELECT article_id FROM redirects WHERE kind = 'path' AND address = ?`, path).Scan(&articleID)
		if errors.Is(err, sql.ErrNoRows) {
			return "", 0, fmt.Errorf("old address %q: %w", path, news.ErrNotFound)
		}
		if err != nil {
			return "", 0, fmt.Errorf("old address %q: %w", path, err)
		}
		return "", articleID, nil
	}
	if err != nil {
		return "", 0, fmt.Errorf("old address %q: %w", path, err)
	}
	if kind == "media" {
		// A library item: its file's address (a deleted item's old path is not found).
		var name string
		err = db.reads.QueryRowContext(ctx, `SELECT name FROM media WHERE id = ? AND url = ''`, id).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return "", 0, fmt.Errorf("old address %q: %w", path, news.ErrNotFound)
		}
		if err != nil {
			return "", 0, fmt.Errorf("old address %q: %w", path, err)
		}
		return "/media/" + name, 0, nil
	}
	var slug string
	table := map[string]string{"section": "sections", "tag": "tags", "author": "authors"}[kind]
	err = db.reads.QueryRowContext(ctx, `SELECT slug FROM `+table+` WHERE id = ?`, id).Scan(&slug)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, fmt.Errorf("old address %q: %w", path, news.ErrNotFound)
	}
	if err != nil {
		return "", 0, fmt.Errorf("old address %q: %w", path, err)
	}
	return "/" + kind + "/" + slug + "/", 0, nil
}

// ImportedMedia returns the library image an earlier import made from source's
// sourceID (a WordPress attachment's post ID); news.ErrNotFound when none.
func (db *DB) ImportedMedia(ctx context.Context, source, sourceID string) (*news.Media, error) {
	m, err := scanMedia(db.reads.QueryRowContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE source = ? AND source_id = ? AND source <> ''`, source, sourceID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("media %s %s: %w", source, sourceID, news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("media %s %s: %w", source, sourceID, err)
	}
	return m, nil
}

// Media adds a library image the import made from source's sourceID (its files
// stored already); one there already from the same origin is kept, and m.ID is its.
// A reference (m.URL set) gets a name no stored file takes ("ref-" and its origin).
func (w *WXRImport) Media(ctx context.Context, m *news.Media, source, sourceID string) error {
	if m.URL != "" {
		m.Name = "ref-" + source + "-" + sourceID
	}
	for _, t := range [][2]string{{"the title", m.Title}, {"the alt text", m.Alt}, {"the caption", m.Caption}, {"the description", m.Description}, {"the address", m.URL}} {
		if err := news.CheckText(t[0], t[1]); err != nil {
			return fmt.Errorf("media %s: %w", sourceID, err)
		}
	}
	if m.Name == "" || m.Width < 0 || m.Height < 0 || m.URL == "" && strings.HasPrefix(m.ContentType, "image/") && (m.Width == 0 || m.Height == 0) {
		return fmt.Errorf("media: %w", news.ErrInvalid)
	}
	if m.URL != "" && !news.IsFileAddress(m.URL) {
		// A javascript: or data: reference would be offered to insert as a link
		// (wxr skips such an attachment first: FitFileScheme).
		return fmt.Errorf("media %s: the address %q is no file's (only http, https or the site's paths): %w", sourceID, m.URL, news.ErrInvalid)
	}
	_, err := w.exec(ctx, `INSERT INTO media (name, content_type, width, height, bytes, srcset, alt, caption, user_id, created_at, source, source_id, url, title, description)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		m.Name, m.ContentType, m.Width, m.Height, m.Bytes, m.Srcset, m.Alt, m.Caption, w.now.Unix(), source, sourceID, m.URL, m.Title, m.Description)
	if err != nil {
		return fmt.Errorf("media %s: %w", sourceID, err)
	}
	st, err := w.stmt(ctx, `SELECT id FROM media WHERE source = ? AND source_id = ? AND source <> ''`)
	if err != nil {
		return err
	}
	return st.QueryRowContext(ctx, source, sourceID).Scan(&m.ID)
}

// LeadIfUnset makes the article the front page's lead (news.SettingLeadArticle) when
// no lead was chosen; it reports whether it did.
func (w *WXRImport) LeadIfUnset(ctx context.Context, articleID int64) (bool, error) {
	r, err := w.tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE trim(settings.value) IN ('', '0')`,
		news.SettingLeadArticle, strconv.FormatInt(articleID, 10))
	if err != nil {
		return false, fmt.Errorf("lead story: %w", err)
	}
	n, _ := r.RowsAffected()
	return n > 0, nil
}

// The WordPress import writes through these (wxr.Import).
var (
	_ news.WXRStore = (*DB)(nil)
	_ news.WXRTx    = (*WXRImport)(nil)
)
