package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"broadsheet/internal/news"
)

var _ news.WXRExportStore = (*DB)(nil)

// wxrPage is how many rows one keyset page of the WordPress export reads.
const wxrPage = 200

// wpKept is true when the row's source ID is a WordPress ID an import kept: source
// "wordpress" and a positive whole number written canonically (t: the table's alias).
func wpKept(t string) string {
	return `(` + t + `.source = 'wordpress' AND CAST(` + t + `.source_id AS INTEGER) > 0 AND ` +
		t + `.source_id = CAST(CAST(` + t + `.source_id AS INTEGER) AS TEXT))`
}

// The post and comment IDs written (news.WXRPost, news.WXRComment): a WordPress ID
// an import kept when no row has that number as its own ID (or it is the row's own),
// else the row's ID. Both are unique: a kept ID is no row's ID but its own, and two
// rows keep the same number only if two imports both had it, when the first keeps it.
var (
	wxrPostID = `CASE WHEN ` + wpKept("a") + ` AND (CAST(a.source_id AS INTEGER) = a.id OR NOT EXISTS
		(SELECT 1 FROM articles x WHERE x.id = CAST(a.source_id AS INTEGER)))
		THEN CAST(a.source_id AS INTEGER) ELSE a.id END`
	wxrCommentID = `CASE WHEN ` + wpKept("c") + ` AND (CAST(c.source_id AS INTEGER) = c.id OR (NOT EXISTS
		(SELECT 1 FROM comments x WHERE x.id = CAST(c.source_id AS INTEGER)) AND NOT EXISTS
		(SELECT 1 FROM comments x WHERE x.source = 'wordpress' AND x.source_id = c.source_id AND x.id < c.id)))
		THEN CAST(c.source_id AS INTEGER) ELSE c.id END`
	// A library image keeps its attachment's WordPress ID when no article's post ID is
	// that number; otherwise it is numbered above every article's (offset: ?).
	wxrMediaID = `CASE WHEN ` + wpKept("m") + ` AND NOT EXISTS (SELECT 1 FROM articles x WHERE x.id = CAST(m.source_id AS INTEGER))
		AND NOT EXISTS (SELECT 1 FROM articles x WHERE x.source = 'wordpress' AND x.source_id = m.source_id)
		THEN CAST(m.source_id AS INTEGER) ELSE m.id + ? END`
)

// ExportWXR is news.WXRExportStore's ExportWXR (documented there).
func (db *DB) ExportWXR(ctx context.Context, x news.WXRExport) error {
	// One read transaction: in WAL mode it reads one snapshot throughout.
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("wxr export: %w", err)
	}
	defer tx.Rollback()
	e := &wxrExporter{tx: tx, x: x}
	for _, step := range []struct {
		what string
		fn   func(context.Context) error
	}{{"offsets", e.offsets}, {"settings", e.settings}, {"authors", e.authors}, {"sections", e.sections},
		{"tags", e.tags}, {"media", e.media}, {"articles", e.articles}} {
		if err := step.fn(ctx); err != nil {
			return fmt.Errorf("wxr export: %s: %w", step.what, err)
		}
	}
	return nil
}

type wxrExporter struct {
	tx *sql.Tx
	x  news.WXRExport
	// postTop is at least every article's post ID and every kept attachment ID; a
	// library image not keeping its own is postTop + its ID, an attachment made for a
	// featured image's address imageTop + its article's post ID.
	postTop, imageTop int64
	tagOffset         int64
	// The statements run once an article, prepared once (parsing them was most of
	// the export's time).
	mediaByName, oldAddresses, comments *sql.Stmt
}

func (e *wxrExporter) offsets(ctx context.Context) error {
	err := e.tx.QueryRowContext(ctx, `SELECT max(
		(SELECT COALESCE(max(id), 0) FROM articles),
		(SELECT COALESCE(max(CAST(source_id AS INTEGER)), 0) FROM articles WHERE source = 'wordpress'),
		(SELECT COALESCE(max(CAST(source_id AS INTEGER)), 0) FROM media WHERE source = 'wordpress')),
		(SELECT COALESCE(max(id), 0) FROM media),
		max((SELECT COALESCE(max(id), 0) FROM sections), (SELECT COALESCE(max(id), 0) FROM tags))`).Scan(&e.postTop, &e.imageTop, &e.tagOffset)
	e.imageTop += e.postTop
	return err
}

func (e *wxrExporter) settings(ctx context.Context) error {
	rows, err := e.tx.QueryContext(ctx, `SELECT key, value FROM settings WHERE key <> ?`, news.SettingSecret)
	if err != nil {
		return err
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		m[k] = v
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	if e.x.Settings == nil {
		return nil
	}
	return e.x.Settings(m)
}

// pages reads a table by keyset pages of wxrPage rows ordered by id: query selects
// the id first and has "id > ?" and "LIMIT ?" as its last two parameters. Each page
// is read whole before fn is called for its rows, so that fn may query.
func pages[T any](ctx context.Context, tx *sql.Tx, query string, args []any, scan func(*sql.Rows) (T, int64, error), fn func(T) error) error {
	var last int64
	for {
		rows, err := tx.QueryContext(ctx, query, append(append([]any(nil), args...), last, wxrPage)...)
		if err != nil {
			return err
		}
		var page []T
		for rows.Next() {
			v, id, err := scan(rows)
			if err != nil {
				rows.Close()
				return err
			}
			page, last = append(page, v), id
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
		for _, v := range page {
			if err := fn(v); err != nil {
				return err
			}
		}
		if len(page) < wxrPage {
			return nil
		}
	}
}

func (e *wxrExporter) authors(ctx context.Context) error {
	return pages(ctx, e.tx, `SELECT id, slug, name, email, bio FROM authors WHERE id > ? ORDER BY id LIMIT ?`, nil,
		func(r *sql.Rows) (*news.Author, int64, error) {
			var a news.Author
			err := r.Scan(&a.ID, &a.Slug, &a.Name, &a.Email, &a.Bio)
			return &a, a.ID, err
		}, func(a *news.Author) error {
			if e.x.Author == nil {
				return nil
			}
			return e.x.Author(a)
		})
}

// sections lists the sections parents first (a WXR file lists a category after its
// parent). Sections are few: one query.
func (e *wxrExporter) sections(ctx context.Context) error {
	rows, err := e.tx.QueryContext(ctx, `SELECT s.id, s.slug, s.name, s.description, s.position, COALESCE(p.id, 0), COALESCE(p.slug, '')
		FROM sections s LEFT JOIN sections p ON p.id = s.parent_id
		ORDER BY s.position, s.name, s.id`)
	if err != nil {
		return err
	}
	type sec struct {
		s      news.Section
		parent string
	}
	var all []sec
	for rows.Next() {
		var v sec
		if err := rows.Scan(&v.s.ID, &v.s.Slug, &v.s.Name, &v.s.Description, &v.s.Position, &v.s.ParentID, &v.parent); err != nil {
			rows.Close()
			return err
		}
		all = append(all, v)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return err
	}
	// In the navigation's order, a section whose parent is not written yet waiting
	// until it is, so that an import numbering them in file order keeps the order.
	done := map[int64]bool{}
	waiting := map[int64][]*sec{}
	var emit func(v *sec) error
	emit = func(v *sec) error {
		done[v.s.ID] = true
		if e.x.Section != nil {
			if err := e.x.Section(&v.s, v.parent); err != nil {
				return err
			}
		}
		kids := waiting[v.s.ID]
		delete(waiting, v.s.ID)
		for _, k := range kids {
			if err := emit(k); err != nil {
				return err
			}
		}
		return nil
	}
	for i := range all {
		v := &all[i]
		if v.s.ParentID != 0 && !done[v.s.ParentID] {
			waiting[v.s.ParentID] = append(waiting[v.s.ParentID], v)
			continue
		}
		if err := emit(v); err != nil {
			return err
		}
	}
	// Left waiting: sections in a loop of parents, which no import could nest; at
	// the top.
	for i := range all {
		if v := &all[i]; !done[v.s.ID] {
			v.parent = ""
			if err := emit(v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *wxrExporter) tags(ctx context.Context) error {
	type tag struct {
		t    news.Tag
		term int64
	}
	return pages(ctx, e.tx, `SELECT t.id, t.slug, t.name,
			CASE WHEN EXISTS (SELECT 1 FROM sections s WHERE s.id = t.id) THEN t.id + ? ELSE t.id END
		FROM tags t WHERE t.id > ? ORDER BY t.id LIMIT ?`, []any{e.tagOffset},
		func(r *sql.Rows) (*tag, int64, error) {
			var v tag
			err := r.Scan(&v.t.ID, &v.t.Slug, &v.t.Name, &v.term)
			return &v, v.t.ID, err
		}, func(v *tag) error {
			if e.x.Tag == nil {
				return nil
			}
			return e.x.Tag(&v.t, v.term)
		})
}

func (e *wxrExporter) media(ctx context.Context) error {
	type med struct {
		m  *news.Media
		id int64
	}
	cols := "m." + mediaColumns
	return pages(ctx, e.tx, `SELECT `+cols+`, `+wxrMediaID+` FROM media m WHERE m.id > ? ORDER BY m.id LIMIT ?`, []any{e.postTop},
		func(r *sql.Rows) (*med, int64, error) {
			var v med
			var m news.Media
			var created int64
			err := r.Scan(&m.ID, &m.Name, &m.ContentType, &m.Width, &m.Height, &m.Bytes, &m.Srcset, &m.Alt, &m.Caption, &m.UserID, &created, &m.URL, &m.Title, &m.Description, &v.id)
			m.CreatedAt = fromUnix(sql.NullInt64{Int64: created, Valid: true})
			v.m = &m
			return &v, m.ID, err
		}, func(v *med) error {
			if e.x.Media == nil {
				return nil
			}
			return e.x.Media(v.m, v.id)
		})
}

// mediaPrefix is the address under which the site serves the library's files
// (admin.MediaURL): a featured image there is a library image.
const mediaPrefix = "/media/"

// qExportComments is an article's comments in the order they were written, from the
// index comments_threads (article_id first).
var qExportComments = `SELECT ` + commentColumns + `, ` + wxrCommentID + ` FROM comments c WHERE c.article_id = ? ORDER BY c.created_at, c.id`

func (e *wxrExporter) articles(ctx context.Context) error {
	for _, st := range []struct {
		s     **sql.Stmt
		query string
	}{
		{&e.mediaByName, `SELECT ` + wxrMediaID + ` FROM media m WHERE m.name = ?`},
		{&e.oldAddresses, `SELECT kind, address FROM redirects WHERE article_id = ? ORDER BY id`},
		{&e.comments, qExportComments},
	} {
		var err error
		if *st.s, err = e.tx.PrepareContext(ctx, st.query); err != nil {
			return err
		}
		defer (*st.s).Close()
	}
	return pages(ctx, e.tx, `SELECT `+articleColumns+`, `+wxrPostID+articleFrom+` WHERE a.id > ? ORDER BY a.id LIMIT ?`, nil,
		func(r *sql.Rows) (*news.WXRPost, int64, error) {
			var postID int64
			a, err := scanArticle(wxrRow{r, &postID})
			if err != nil {
				return nil, 0, err
			}
			return &news.WXRPost{Article: a, PostID: postID}, a.ID, nil
		}, func(p *news.WXRPost) error {
			if err := e.article(ctx, p); err != nil {
				return fmt.Errorf("article %d: %w", p.ID, err)
			}
			if e.x.Article == nil {
				return nil
			}
			return e.x.Article(p)
		})
}

// wxrRow scans the columns scanArticle reads and one more, the post ID, after them.
type wxrRow struct {
	r    *sql.Rows
	more *int64
}

func (w wxrRow) Scan(dest ...any) error { return w.r.Scan(append(dest, w.more)...) }

// article adds what the post needs beside its row: its featured image's attachment
// ID and its comments.
func (e *wxrExporter) article(ctx context.Context, p *news.WXRPost) error {
	if img := p.FeaturedImage; img != nil {
		p.ImageID, p.ImageMade = e.imageTop+p.PostID, true
		if name, ok := strings.CutPrefix(img.URL, mediaPrefix); ok {
			var id int64
			err := e.mediaByName.QueryRowContext(ctx, e.postTop, name).Scan(&id)
			switch {
			case err == nil:
				p.ImageID, p.ImageMade = id, false
			case err != sql.ErrNoRows:
				return err
			}
		}
	}
	old, err := e.oldAddresses.QueryContext(ctx, p.ID)
	if err != nil {
		return err
	}
	for old.Next() {
		var kind, addr string
		if err := old.Scan(&kind, &addr); err != nil {
			old.Close()
			return err
		}
		if kind == "slug" {
			p.OldSlugs = append(p.OldSlugs, addr)
		} else {
			p.OldPaths = append(p.OldPaths, addr)
		}
	}
	err = old.Err()
	old.Close()
	if err != nil {
		return err
	}
	rows, err := e.comments.QueryContext(ctx, p.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var all []*news.WXRComment
	for rows.Next() {
		var wpID int64
		c, err := scanComment(wxrRow{rows, &wpID})
		if err != nil {
			return err
		}
		// Never out of the store: the keyed hash of the commenter's address and
		// their browser (a WXR file has a place for the address itself only).
		c.IPHash, c.UserAgent = "", ""
		all = append(all, &news.WXRComment{Comment: c, CommentID: wpID})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	p.Comments = threadComments(all)
	return nil
}

// threadComments orders comments parents before replies (each level by time), drops
// erased ones (their replies then name no parent) and sets each one's parent's
// WordPress ID.
func threadComments(all []*news.WXRComment) []*news.WXRComment {
	byID := map[int64]*news.WXRComment{}
	kids := map[int64][]*news.WXRComment{}
	for _, c := range all {
		byID[c.ID] = c
	}
	var top []*news.WXRComment
	for _, c := range all {
		if p, ok := byID[c.Comment.ParentID]; ok && c.Comment.ParentID != 0 && p != c {
			kids[p.ID] = append(kids[p.ID], c)
		} else {
			top = append(top, c)
		}
	}
	out := make([]*news.WXRComment, 0, len(all))
	seen := map[int64]bool{}
	var walk func(c *news.WXRComment, parent int64)
	walk = func(c *news.WXRComment, parent int64) {
		if seen[c.ID] {
			return
		}
		seen[c.ID] = true
		if c.Removed {
			parent = 0
		} else {
			c.ParentID = parent
			out = append(out, c)
			parent = c.CommentID
		}
		for _, k := range kids[c.ID] {
			walk(k, parent)
		}
	}
	for _, c := range top {
		walk(c, 0)
	}
	return out
}
