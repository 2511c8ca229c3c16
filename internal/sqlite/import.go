package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"time"

	"broadsheet/internal/news"
)

// Import implements news.Store: ImportStream over the slice.
func (db *DB) Import(ctx context.Context, items []news.ImportItem) (news.ImportResult, error) {
	return db.ImportStream(ctx, func(yield func(*news.ImportItem, error) bool) {
		for i := range items {
			if !yield(&items[i], nil) {
				return
			}
		}
	})
}

// importCacheKiB is the page cache of the write connection during an import (the
// default is 2 MiB). One transaction adds every row; with a small cache the index pages
// that inserts touch at random (comments by status, by email, articles by time) are
// spilled to the WAL and read back again and again. The cache is memory outside Go's
// heap, given back when the import ends.
const importCacheKiB = 64 << 10

// Statements of an import. The lookups by source repeat the condition of the partial
// indexes articles_source and comments_source (a source that is not empty): SQLite
// uses a partial index only when the query's WHERE clause implies the index's, and a
// bound parameter implies nothing, so without it each lookup scanned the whole table,
// which made an import quadratic. The article's columns are CreateArticle's.
const (
	qFindArticle = `SELECT id FROM articles WHERE source = ? AND source_id = ? AND source <> ''`
	qFindComment = `SELECT id FROM comments WHERE article_id = ? AND source = ? AND source_id = ? AND source <> ''`
	qSlugTaken   = `SELECT EXISTS (SELECT 1 FROM articles WHERE slug = ?)`
	qAddArticle  = `INSERT INTO articles (slug, title, standfirst, body_markdown, body_html, status,
		published_at, updated_at, created_at, correction_note, seo_description, author_id, section_id,
		image_url, image_alt, image_caption, image_width, image_height, comments_closed, source, source_id, owner_id, image_srcset)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qAddTag     = `INSERT INTO article_tags (article_id, tag_id, position) VALUES (?, ?, ?)`
	qAddComment = `INSERT INTO comments (article_id, parent_id, status, author_name, author_email,
		author_url, body, body_html, ip_hash, user_agent, created_at, source, source_id, email_key, status_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// importedStatusAt is an imported comment's status_at: the import's time for trash and
// spam, whose retention (empty_trash_days) then counts from the import, not from the
// comment's date (an old one would be emptied at the next retention run, before anyone
// could look at it); NULL (since it was created) for the others.
func importedStatusAt(status news.CommentStatus, now time.Time) any {
	if status == news.CommentTrash || status == news.CommentSpam {
		return now.Unix()
	}
	return nil
}

// ImportStream implements news.Store. The items are written in one immediate
// transaction on the write connection, so a server using the same file waits (up to
// its busy timeout) for the import's commit. Durability is that of every write
// (synchronous=FULL): the one commit syncs the WAL, and the pages SQLite spills to the
// WAL before it (a transaction larger than the cache) are not part of the database
// until that commit, so an error, a cancelled ctx or a crash leaves the site as it
// was. Weakening synchronous would save nothing here but that one sync. Only the page
// cache is changed for the import's time (importCacheKiB).
func (db *DB) ImportStream(ctx context.Context, items iter.Seq2[*news.ImportItem, error]) (news.ImportResult, error) {
	var res news.ImportResult
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return res, fmt.Errorf("import: %w", err)
	}
	defer conn.Close()
	var cache int64
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return res, fmt.Errorf("import: %w", err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, -importCacheKiB)); err != nil {
		return res, fmt.Errorf("import: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA cache_size = %d`, cache))
	// Statement journals in memory, not a temporary file written a page a call (see
	// BeginWXR).
	conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`)
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA temp_store = DEFAULT`)

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("import: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			tx.Rollback()
		}
	}()
	now := db.Now()
	im, err := newImporter(ctx, tx, now)
	if err != nil {
		return res, err
	}
	defer im.close()
	n := 0
	for it, err := range items {
		if err != nil {
			return news.ImportResult{}, err
		}
		n++
		if err := ctx.Err(); err != nil {
			return news.ImportResult{}, err
		}
		if it == nil || it.Article == nil {
			return news.ImportResult{}, fmt.Errorf("import item %d has no article: %w", n, news.ErrInvalid)
		}
		if err := im.add(ctx, it, now, &res); err != nil {
			return news.ImportResult{}, fmt.Errorf("import item %d (%s %s): %w", n, it.Article.Source, it.Article.SourceID, err)
		}
	}
	if res.Articles > 0 {
		if err := dropTakenSlugRedirects(ctx, tx); err != nil {
			return news.ImportResult{}, err
		}
	}
	if res.Articles+res.Comments+res.Sections+res.Tags+res.Authors > 0 {
		if err := recordChange(ctx, tx, now, news.KeyAll); err != nil {
			return news.ImportResult{}, err
		}
	}
	im.close()
	if err := tx.Commit(); err != nil {
		return news.ImportResult{}, fmt.Errorf("import: commit: %w", err)
	}
	committed = true
	// The transaction grew the WAL to the size of everything it wrote, and a WAL file
	// keeps its size once checkpointed: give the disk back. Readers of a running server
	// can hold the checkpoint off (then the WAL is reused, not lost); the import is
	// committed whatever this says, so its answer is no error.
	conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return res, nil
}

// importer writes one import's items through statements prepared once, and remembers
// the IDs of the authors, sections and tags it has met (a few hundred in a real
// corpus; the maps are emptied if a file names more than maxRemembered).
type importer struct {
	tx                                  *sql.Tx
	now                                 time.Time // the import's time: trash's and spam's status_at
	findArticle, findComment, slugTaken *sql.Stmt
	addArticle, addTag, addComment      *sql.Stmt
	authors, sections, tags             map[string]int64 // slug → ID
	slugNext                            map[string]int   // a taken slug → the first number not known to be taken
	commentIDs                          map[string]int64 // one article's comments: source ID → ID
	seenTags                            map[int64]bool
}

const maxRemembered = 10000

func newImporter(ctx context.Context, tx *sql.Tx, now time.Time) (*importer, error) {
	im := &importer{tx: tx, now: now, authors: map[string]int64{}, sections: map[string]int64{}, tags: map[string]int64{},
		slugNext: map[string]int{}, commentIDs: map[string]int64{}, seenTags: map[int64]bool{}}
	for _, p := range []struct {
		st  **sql.Stmt
		sql string
	}{
		{&im.findArticle, qFindArticle}, {&im.findComment, qFindComment}, {&im.slugTaken, qSlugTaken},
		{&im.addArticle, qAddArticle}, {&im.addTag, qAddTag}, {&im.addComment, qAddComment},
	} {
		st, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			im.close()
			return nil, fmt.Errorf("import: prepare: %w", err)
		}
		*p.st = st
	}
	return im, nil
}

func (im *importer) close() {
	for _, st := range []*sql.Stmt{im.findArticle, im.findComment, im.slugTaken, im.addArticle, im.addTag, im.addComment} {
		if st != nil {
			st.Close()
		}
	}
	*im = importer{}
}

func (im *importer) add(ctx context.Context, it *news.ImportItem, now time.Time, res *news.ImportResult) error {
	a := it.Article
	if err := validateArticle(a); err != nil {
		return err
	}
	// An imported story's status follows its time both ways (news.StatusAt): one
	// scheduled for a time already past arrives published, not waiting to be found.
	a.Status = news.StatusAt(a.Status, a.PublishedAt, now)
	if a.Source == "" || a.SourceID == "" {
		// Without them a second import could not know the article is there already.
		return fmt.Errorf("an imported article needs a source and a source ID: %w", news.ErrInvalid)
	}
	err := im.findArticle.QueryRowContext(ctx, a.Source, a.SourceID).Scan(&a.ID)
	existing := err == nil
	switch {
	case existing:
		res.SkippedArticles++
	case errors.Is(err, sql.ErrNoRows):
		if err := im.insertArticle(ctx, a, now, res); err != nil {
			return err
		}
		res.Articles++
	default:
		return fmt.Errorf("find article: %w", err)
	}

	clear(im.commentIDs)
	for _, c := range it.Comments {
		c.ArticleID = a.ID
		if c.Source == "" || c.SourceID == "" {
			return fmt.Errorf("an imported comment needs a source and a source ID: %w", news.ErrInvalid)
		}
		if existing { // a new article has no comments yet: no need to look
			err := im.findComment.QueryRowContext(ctx, a.ID, c.Source, c.SourceID).Scan(&c.ID)
			if err == nil {
				im.commentIDs[c.SourceID] = c.ID
				res.SkippedComments++
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("find comment %s: %w", c.SourceID, err)
			}
		}
		var parent any
		if c.ParentSourceID != "" {
			// The parent was met earlier in this item, so it is on the same article.
			id, ok := im.commentIDs[c.ParentSourceID]
			if !ok {
				return fmt.Errorf("comment %s replies to %s, which does not come before it: %w", c.SourceID, c.ParentSourceID, news.ErrInvalid)
			}
			c.ParentID, parent = id, id
		}
		if err := validateComment(c); err != nil {
			return fmt.Errorf("comment %s: %w", c.SourceID, err)
		}
		if c.BodyHTML == "" {
			return fmt.Errorf("comment %s has no HTML: %w", c.SourceID, news.ErrInvalid)
		}
		if _, dup := im.commentIDs[c.SourceID]; dup {
			return fmt.Errorf("comment %s is twice in the item: %w", c.SourceID, news.ErrInvalid)
		}
		r, err := im.addComment.ExecContext(ctx, c.ArticleID, parent, string(c.Status), c.AuthorName, c.AuthorEmail,
			c.AuthorURL, c.Body, c.BodyHTML, c.IPHash, c.UserAgent, c.CreatedAt.Unix(), c.Source, c.SourceID, emailKey(c.AuthorEmail),
			importedStatusAt(c.Status, im.now))
		if err != nil {
			return fmt.Errorf("insert comment %s: %w", c.SourceID, err)
		}
		c.ID, _ = r.LastInsertId()
		im.commentIDs[c.SourceID] = c.ID
		res.Comments++
	}
	return nil
}

func (im *importer) insertArticle(ctx context.Context, a *news.Article, now time.Time, res *news.ImportResult) error {
	if a.BodyHTML == "" && a.BodyMarkdown != "" {
		// The store renders nothing: an item comes with its HTML, or was expected to be
		// skipped (see ImportedComments).
		return fmt.Errorf("article %q has Markdown but no HTML: %w", a.Slug, news.ErrInvalid)
	}
	if err := im.resolveRefs(ctx, a, now, res); err != nil {
		return err
	}
	if err := im.uniqueSlug(ctx, a, nil); err != nil {
		return err
	}
	r, err := im.addArticle.ExecContext(ctx, articleValues(a)...)
	if err != nil {
		return fmt.Errorf("insert article: %w", err)
	}
	if a.ID, err = r.LastInsertId(); err != nil {
		return fmt.Errorf("insert article: %w", err)
	}
	if err := storeFeedID(ctx, im.tx, a); err != nil {
		return err
	}
	a.Version = 1 // the column's default: a later UpdateArticle of a is based on it

	// The library images it shows (mediauses.go).
	if err := indexArticleMedia(ctx, im.tx, a); err != nil {
		return err
	}

	// The byline (bylines.go).
	if err := writeAuthors(ctx, im.tx, a); err != nil {
		return err
	}
	clear(im.seenTags)
	for i, t := range a.Tags {
		if im.seenTags[t.ID] {
			continue
		}
		im.seenTags[t.ID] = true
		if _, err := im.addTag.ExecContext(ctx, a.ID, t.ID, i); err != nil {
			return fmt.Errorf("tag article %d: %w", a.ID, err)
		}
	}
	return nil
}

// resolveRefs gives a's author, section and tags the IDs remembered for their slugs,
// and leaves the others to the package's resolveRefs (which finds or creates them).
func (im *importer) resolveRefs(ctx context.Context, a *news.Article, now time.Time, res *news.ImportResult) error {
	if au := a.Author; au != nil && au.ID == 0 {
		if au.Slug == "" {
			au.Slug = news.Slugify(au.Name)
		}
		au.ID = im.authors[au.Slug]
	}
	if s := a.Section; s != nil && s.ID == 0 {
		if s.Slug == "" {
			s.Slug = news.Slugify(s.Name)
		}
		s.ID = im.sections[s.Slug]
	}
	for _, t := range a.Tags {
		if t.ID == 0 {
			if t.Slug == "" {
				t.Slug = news.Slugify(t.Name)
			}
			t.ID = im.tags[t.Slug]
		}
	}
	if err := resolveRefs(ctx, im.tx, a, now, res); err != nil {
		return err
	}
	if au := a.Author; au != nil {
		remember(im.authors, au.Slug, au.ID)
	}
	if s := a.Section; s != nil {
		remember(im.sections, s.Slug, s.ID)
	}
	for _, t := range a.Tags {
		remember(im.tags, t.Slug, t.ID)
	}
	return nil
}

func remember[V any](m map[string]V, k string, v V) {
	if len(m) >= maxRemembered {
		clear(m)
	}
	m[k] = v
}

// uniqueSlug numbers a's slug when another article has it ("slug-2", "slug-3", ...),
// skipping a number whose slug fits returns false for (a page's: a section has it;
// nil: any fits). It remembers, for each taken slug, the first number not known to be taken: nothing
// is deleted within the import's transaction, so a file of many articles with one
// title costs one probe an article, not one per article before it.
func (im *importer) uniqueSlug(ctx context.Context, a *news.Article, fits func(slug string) (bool, error)) error {
	base := a.Slug
	n, known := im.slugNext[base]
	if !known {
		taken, err := im.taken(ctx, base)
		if err != nil || !taken {
			return err
		}
		n = 2
	}
	for ; ; n++ {
		s := fmt.Sprintf("%s-%d", base, n)
		taken, err := im.taken(ctx, s)
		if err != nil {
			return err
		}
		if !taken && fits != nil {
			ok, err := fits(s)
			if err != nil {
				return err
			}
			taken = !ok
		}
		if !taken {
			a.Slug = s
			remember(im.slugNext, base, n+1)
			return nil
		}
	}
}

func (im *importer) taken(ctx context.Context, slug string) (bool, error) {
	var taken bool
	if err := im.slugTaken.QueryRowContext(ctx, slug).Scan(&taken); err != nil {
		return false, fmt.Errorf("slug %q: %w", slug, err)
	}
	return taken, nil
}
