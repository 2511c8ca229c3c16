package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"broadsheet/internal/news"
)

// articleColumns is what every article read selects, in scanArticle's order: the
// article, its author and section (joined), its approved comment count and its tags
// (folded into one string, so that a list of articles costs one query).
const articleColumns = `a.id, a.slug, a.title, a.standfirst, a.body_markdown, a.body_html, a.status,
	a.published_at, a.updated_at, a.created_at, a.correction_note, a.seo_description,
	a.image_url, a.image_alt, a.image_caption, a.image_width, a.image_height, a.image_srcset,
	a.comments_closed, a.source, a.source_id, COALESCE(a.owner_id, 0),
	au.id, au.slug, au.name, au.email, au.bio,
	s.id, s.slug, s.name, s.description, s.position,
	(SELECT COUNT(*) FROM comments c WHERE c.article_id = a.id AND c.status = 'approved')
		- (SELECT COUNT(*) FROM comments c WHERE c.article_id = a.id AND c.removed = 1 AND c.status = 'approved'),
	(SELECT group_concat(t.id || char(30) || t.slug || char(30) || t.name, char(31) ORDER BY at.position, t.name)
		FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id),
	a.feed_id, a.kind, a.nav_position,
	a.version, ` + coAuthorsColumn /* bylines.go */ + `,
	CASE a.status WHEN 'trash' THEN (SELECT tf.status FROM trashed_from tf WHERE tf.article_id = a.id) END` // the status before the trash (previews.go), looked up only for a story in the trash

const articleFrom = ` FROM articles a
	LEFT JOIN authors au ON au.id = a.author_id
	LEFT JOIN sections s ON s.id = a.section_id`

// summaryColumns is what a box that points to an article needs (see
// news.Store.Neighbours): no author, section, tags or counts, and the body only when
// there is no standfirst to make the excerpt from, and then only its start.
const summaryColumns = `a.id, a.slug, a.title, a.standfirst, a.status, a.published_at,
	CASE WHEN a.standfirst = '' THEN substr(a.body_html, 1, 2000) ELSE '' END`

// summaryBody stands for the body columns in a list of summaries.
const summaryBody = `'', CASE WHEN a.standfirst = '' THEN substr(a.body_html, 1, 2000) ELSE '' END,`

func scanSummary(row scanner) (*news.Article, error) {
	var a news.Article
	var published sql.NullInt64
	if err := row.Scan(&a.ID, &a.Slug, &a.Title, &a.Standfirst, &a.Status, &published, &a.BodyHTML); err != nil {
		return nil, err
	}
	a.PublishedAt = fromUnix(published)
	return &a, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanArticle(row scanner) (*news.Article, error) {
	var a news.Article
	var img news.Image
	var published, updated sql.NullInt64
	var created int64
	var auID, sID, sPos sql.NullInt64
	var auSlug, auName, auEmail, auBio, sSlug, sName, sDesc, tags, coAuthors, trashedFrom sql.NullString
	err := row.Scan(&a.ID, &a.Slug, &a.Title, &a.Standfirst, &a.BodyMarkdown, &a.BodyHTML, &a.Status,
		&published, &updated, &created, &a.CorrectionNote, &a.SEODescription,
		&img.URL, &img.Alt, &img.Caption, &img.Width, &img.Height, &img.Srcset,
		&a.CommentsClosed, &a.Source, &a.SourceID, &a.OwnerID,
		&auID, &auSlug, &auName, &auEmail, &auBio,
		&sID, &sSlug, &sName, &sDesc, &sPos,
		&a.CommentCount, &tags,
		&a.FeedID, &a.Kind, &a.NavPosition, &a.Version, &coAuthors, &trashedFrom)
	if err != nil {
		return nil, err
	}
	a.TrashedFrom = news.ArticleStatus(trashedFrom.String)
	if tags.String != "" {
		for _, t := range strings.Split(tags.String, "\x1f") {
			f := strings.SplitN(t, "\x1e", 3)
			if len(f) != 3 {
				return nil, fmt.Errorf("article %d: malformed tag list", a.ID)
			}
			id, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("article %d: malformed tag list", a.ID)
			}
			a.Tags = append(a.Tags, &news.Tag{ID: id, Slug: f[1], Name: f[2]})
		}
	}
	if err := parseCoAuthors(&a, coAuthors.String); err != nil {
		return nil, err
	}
	a.PublishedAt, a.UpdatedAt = fromUnix(published), fromUnix(updated)
	a.CreatedAt = time.Unix(created, 0).UTC()
	if img.URL != "" {
		a.FeaturedImage = &img
	}
	if auID.Valid {
		a.Author = &news.Author{ID: auID.Int64, Slug: auSlug.String, Name: auName.String, Email: auEmail.String, Bio: auBio.String}
	}
	if sID.Valid {
		a.Section = &news.Section{ID: sID.Int64, Slug: sSlug.String, Name: sName.String, Description: sDesc.String, Position: int(sPos.Int64)}
	}
	return &a, nil
}

// Article implements news.Store.
func (db *DB) Article(ctx context.Context, id int64) (*news.Article, error) {
	return db.oneArticle(ctx, db.reads, articleColumns, `a.id = ?`, id)
}

// ArticleBySlug implements news.Store.
func (db *DB) ArticleBySlug(ctx context.Context, slug string) (*news.Article, error) {
	// Readers' pages never show the Markdown source: leaving it out saves reading a
	// second copy of the text.
	return db.oneArticle(ctx, db.reads, readerColumns, `a.slug = ?`, slug)
}

// readerColumns are articleColumns without the Markdown source.
var readerColumns = strings.Replace(articleColumns, "a.body_markdown, a.body_html,", "'', a.body_html,", 1)

func (db *DB) oneArticle(ctx context.Context, q queryer, columns, where string, arg any) (*news.Article, error) {
	a, err := scanArticle(q.QueryRowContext(ctx, `SELECT `+columns+articleFrom+` WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("article %v: %w", arg, news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("article %v: %w", arg, err)
	}
	return a, nil
}

func articleWhere(q news.ArticleQuery) (string, []any) {
	var conds []string
	var args []any
	if !q.PublicAt.IsZero() {
		bound := q.PublicAt
		if k := q.After; k != nil && !k.PublishedAt.IsZero() && k.PublishedAt.Before(bound) {
			// A public list's page after a key: its rows are published no later than the
			// key, one bound on published_at the index range starts at (keysetCondition's
			// OR alone made SQLite read the timeline from its top down to the key, a
			// cost growing with the page's depth: BenchmarkKinds/APIListDeep).
			bound = k.PublishedAt
		}
		conds = append(conds, `a.status = 'published' AND a.published_at <= ?`)
		args = append(args, bound.Unix())
	}
	if q.Status != "" {
		conds = append(conds, `a.status = ?`)
		args = append(args, string(q.Status))
	}
	if q.SectionID != 0 {
		conds = append(conds, `a.section_id = ?`)
		args = append(args, q.SectionID)
	}
	if q.AuthorID != 0 {
		// Every story the author is on the byline of, lead or co-author (bylines.go).
		conds = append(conds, `a.id IN (SELECT article_id FROM article_authors WHERE author_id = ?)`)
		args = append(args, q.AuthorID)
	}
	if q.TagID != 0 {
		conds = append(conds, `a.id IN (SELECT article_id FROM article_tags WHERE tag_id = ?)`)
		args = append(args, q.TagID)
	}
	if !q.Since.IsZero() {
		conds = append(conds, `a.published_at >= ?`)
		args = append(args, q.Since.Unix())
	}
	if !q.ModifiedSince.IsZero() {
		// The later of the two times (updated_at is NULL when never updated). Articles
		// reads a page of it through modifiedSince's two bounded parts.
		m := q.ModifiedSince.Unix()
		conds = append(conds, `(a.published_at >= ? OR a.updated_at >= ?)`)
		args = append(args, m, m)
	}
	if q.OwnerID != 0 {
		conds = append(conds, `a.owner_id = ?`)
		args = append(args, q.OwnerID)
	}
	if w := strings.TrimSpace(q.Words); w != "" {
		like := containsPattern(w) // without case or accents (lists.go)
		conds = append(conds, `(bs_fold(a.title) LIKE ? ESCAPE '\' OR bs_fold(a.standfirst) LIKE ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	conds, args = listWhere(q, conds, args) // the admin's lists: lists.go
	// Pages are in no list of stories (pages.go): only a query for pages finds them.
	if q.Kind == news.KindPage {
		conds = append(conds, `a.kind = 'page'`)
		if q.InNav {
			conds = append(conds, `a.nav_position > 0`)
		}
	} else {
		conds = append(conds, isStory) // from the index, not the row (api.go)
	}
	if q.Status == "" && q.PublicAt.IsZero() && !q.WithTrash {
		conds = append(conds, `a.status <> 'trash'`)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Articles implements news.Store.
func (db *DB) Articles(ctx context.Context, q news.ArticleQuery) ([]*news.Article, error) {
	if q.Before != nil {
		return db.articlesBefore(ctx, q) // lists.go
	}
	where, args := articleWhere(q)
	columns := articleColumns
	if q.Summaries {
		columns = strings.Replace(columns, "a.body_markdown, a.body_html,", summaryBody, 1)
	}
	query := `SELECT ` + columns + articleFrom + where + ` ORDER BY a.published_at DESC, a.id DESC`
	if !q.ModifiedSince.IsZero() && q.Limit > 0 && q.Offset == 0 {
		query, args = modifiedSince(q, columns)
	}
	switch {
	case !q.ModifiedSince.IsZero() && q.Limit > 0 && q.Offset == 0:
		// modifiedSince's query holds its limit.
	case q.InNav:
		// The navigation's order; a handful of rows.
		query = `SELECT ` + columns + articleFrom + where + ` ORDER BY a.nav_position, a.title, a.id`
		if q.Limit > 0 {
			query += ` LIMIT ?`
			args = append(args, q.Limit)
		}
	case q.Limit > 0 && q.Offset > 0:
		// A deep page: the rows skipped are found by the index alone, and only the
		// page's own rows are joined and counted (an OFFSET over the full query
		// built every skipped row).
		query = `SELECT ` + columns + articleFrom + ` WHERE a.id IN (SELECT a.id FROM articles a` + where +
			` ORDER BY a.published_at DESC, a.id DESC LIMIT ? OFFSET ?) ORDER BY a.published_at DESC, a.id DESC`
		args = append(args, q.Limit, q.Offset)
	case q.Limit > 0:
		query += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	rows, err := db.reads.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("articles: %w", err)
	}
	defer rows.Close()
	var out []*news.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("articles: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("articles: %w", err)
	}
	return out, nil
}

// modifiedSince is the query of a page of q with a ModifiedSince: the articles
// published since (a range of the timeline from its top, at most a page) and those
// published before but updated since (found by articles_by_update, and sorted: their
// number, not the site's, is the cost), each with q's other conditions, merged in the
// order. A condition "published or updated since" alone would walk the timeline until a
// page matched: all of it for a recent time.
func modifiedSince(q news.ArticleQuery, columns string) (string, []any) {
	m := q.ModifiedSince.Unix()
	q.ModifiedSince = time.Time{}
	where, args := articleWhere(q)
	if where == "" {
		where = " WHERE 1"
	}
	part := func(from, cond string) string {
		return `SELECT id FROM (SELECT a.id FROM ` + from + where + ` AND ` + cond +
			` ORDER BY a.published_at DESC, a.id DESC LIMIT ?)`
	}
	// The second part names its index: the planner, seeing the ORDER BY, would walk
	// the timeline instead.
	query := `SELECT ` + columns + articleFrom + ` WHERE a.id IN (` +
		part(`articles a`, `a.published_at >= ?`) + ` UNION ALL ` +
		part(`articles a INDEXED BY articles_by_update`, `a.updated_at >= ? AND a.published_at < ?`) +
		`) ORDER BY a.published_at DESC, a.id DESC LIMIT ?`
	all := append(append([]any{}, args...), m, q.Limit)
	all = append(append(all, args...), m, m, q.Limit)
	return query, append(all, q.Limit)
}

// CountArticles implements news.Store.
func (db *DB) CountArticles(ctx context.Context, q news.ArticleQuery) (int, error) {
	where, args := articleWhere(q)
	var n int
	if err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles a`+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count articles: %w", err)
	}
	return n, nil
}

// Neighbours implements news.Store.
func (db *DB) Neighbours(ctx context.Context, a *news.Article, now time.Time) (prev, next *news.Article, err error) {
	if a.IsPage() {
		return nil, nil, nil // a page is in no timeline
	}
	return neighbours(ctx, db.reads, a.ID, a.PublishedAt, now)
}

func neighbours(ctx context.Context, q queryer, id int64, published, now time.Time) (prev, next *news.Article, err error) {
	if published.IsZero() {
		return nil, nil, nil
	}
	// Plain bounds on published_at let the index range start at the article (the OR
	// alone would make SQLite walk the timeline from one end); one statement finds both.
	p, n := published.Unix(), now.Unix()
	rows, err := q.QueryContext(ctx, `SELECT * FROM (SELECT `+summaryColumns+` FROM articles a
		WHERE a.status = 'published' AND a.kind = 'article' AND a.published_at <= ? AND (a.published_at < ? OR a.id < ?)
		ORDER BY a.published_at DESC, a.id DESC LIMIT 1)
		UNION ALL SELECT * FROM (SELECT `+summaryColumns+` FROM articles a
		WHERE a.status = 'published' AND a.kind = 'article' AND a.published_at >= ? AND a.published_at <= ? AND (a.published_at > ? OR a.id > ?)
		ORDER BY a.published_at ASC, a.id ASC LIMIT 1)`, min(p, n), p, id, p, n, p, id)
	if err != nil {
		return nil, nil, fmt.Errorf("neighbours of article %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanSummary(rows)
		if err != nil {
			return nil, nil, fmt.Errorf("neighbours of article %d: %w", id, err)
		}
		if a.PublishedAt.Before(published) || a.PublishedAt.Equal(published) && a.ID < id {
			prev = a
		} else {
			next = a
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("neighbours of article %d: %w", id, err)
	}
	return prev, next, nil
}

// CreateArticle implements news.Store.
func (db *DB) CreateArticle(ctx context.Context, a *news.Article) error {
	if err := validateArticle(a); err != nil {
		return err
	}
	now := db.Now()
	scheduleFuture(a, now)
	restore := refIDs(a)
	if a.CreatedAt.IsZero() {
		a.CreatedAt = now.UTC().Truncate(time.Second)
	}
	var before int64 // the article created before from the same form
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// A form that created an article already (a double click, a resubmission)
		// creates none: checked in the write's transaction, and guarded by the key's
		// table, so that of two at once exactly one creates.
		if a.CreateKey != "" {
			err := tx.QueryRowContext(ctx, `SELECT article_id FROM article_create_keys WHERE owner_id = ? AND create_key = ?`,
				a.OwnerID, a.CreateKey).Scan(&before)
			if err == nil {
				return fmt.Errorf("article of form %q: %w", a.CreateKey, news.ErrAlreadyCreated)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("read the form's article: %w", err)
			}
		}
		if a.Kind == "" {
			a.Kind = news.KindArticle
		}
		if err := checkPage(ctx, tx, a); err != nil {
			return err
		}
		if err := resolveRefs(ctx, tx, a, now, nil); err != nil {
			return err
		}
		addressKeys, err := keepAddresses(ctx, tx, nil, a, now)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO articles (slug, title, standfirst, body_markdown, body_html, status,
			published_at, updated_at, created_at, correction_note, seo_description, author_id, section_id,
			image_url, image_alt, image_caption, image_width, image_height, comments_closed, source, source_id, owner_id, image_srcset,
			nav_position, kind)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(articleValues(a), string(a.Kind))...)
		if isUniqueViolation(err) {
			return fmt.Errorf("article slug %q: %w", a.Slug, news.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("insert article: %w", err)
		}
		a.ID, _ = res.LastInsertId()
		if err := storeFeedID(ctx, tx, a); err != nil {
			return err
		}
		if a.CreateKey != "" {
			_, err := tx.ExecContext(ctx, `INSERT INTO article_create_keys (owner_id, create_key, article_id) VALUES (?, ?, ?)`,
				a.OwnerID, a.CreateKey, a.ID)
			if isUniqueViolation(err) {
				return fmt.Errorf("article of form %q: %w", a.CreateKey, news.ErrAlreadyCreated)
			}
			if err != nil {
				return fmt.Errorf("record the form's article: %w", err)
			}
		}
		a.Version = 1 // the column's default
		return finishArticleWrite(ctx, tx, nil, a, now, addressKeys, true)
	})
	if err != nil {
		restore()
		a.ID, a.Version = 0, 0
		if errors.Is(err, news.ErrAlreadyCreated) {
			a.ID = before
		}
	}
	return deletedMedia(err)
}

// ArticleCreatedFrom implements news.EditingStore.
func (db *DB) ArticleCreatedFrom(ctx context.Context, ownerID int64, key string) (int64, error) {
	var id int64
	err := db.reads.QueryRowContext(ctx, `SELECT article_id FROM article_create_keys WHERE owner_id = ? AND create_key = ?`, ownerID, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("article of form %q: %w", key, news.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("article of form %q: %w", key, err)
	}
	return id, nil
}

// UpdateArticle implements news.Store.
func (db *DB) UpdateArticle(ctx context.Context, a *news.Article) error {
	if err := validateArticle(a); err != nil {
		return err
	}
	now := db.Now()
	scheduleFuture(a, now)
	restore := refIDs(a)
	base := a.Version
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		old, err := db.oneArticle(ctx, tx, articleColumns, `a.id = ?`, a.ID)
		if err != nil {
			return err
		}
		if base != news.AnyVersion && old.Version != base {
			return staleError(a.ID, base, old.Version)
		}
		if a.CreatedAt.IsZero() {
			a.CreatedAt = old.CreatedAt
		}
		a.Kind = old.Kind // a story stays a story, a page a page
		if err := checkPage(ctx, tx, a); err != nil {
			return err
		}
		if err := keepFirstVersion(ctx, tx, old); err != nil {
			return err
		}
		if err := resolveRefs(ctx, tx, a, now, nil); err != nil {
			return err
		}
		// The neighbours' boxes change only when the article moves in (or into, or out
		// of) the timeline; an edit in place reaches them through the article's own key.
		moved := old.IsPublic(now) != a.IsPublic(now) || !old.PublishedAt.Equal(a.PublishedAt) || old.Status != a.Status
		oldKeys, err := articleChangeKeys(ctx, tx, nil, old, now, moved)
		if err != nil {
			return err
		}
		addressKeys, err := keepAddresses(ctx, tx, old, a, now)
		if err != nil {
			return err
		}
		oldKeys = append(oldKeys, addressKeys...)
		// The version check is the UPDATE's own condition, not only the read above: on
		// an engine whose transactions do not serialise writers (PostgreSQL's READ
		// COMMITTED), two saves from one version still cannot both match.
		args := append(articleValues(a), a.ID, base, base)
		err = tx.QueryRowContext(ctx, `UPDATE articles SET slug = ?, title = ?, standfirst = ?, body_markdown = ?, body_html = ?,
			status = ?, published_at = ?, updated_at = ?, created_at = ?, correction_note = ?, seo_description = ?,
			author_id = ?, section_id = ?, image_url = ?, image_alt = ?, image_caption = ?, image_width = ?,
			image_height = ?, comments_closed = ?, source = ?, source_id = ?, owner_id = ?, image_srcset = ?,
			nav_position = ?, version = version + 1 WHERE id = ? AND (version = ? OR ? = -1) RETURNING version`, args...).Scan(&a.Version)
		if errors.Is(err, sql.ErrNoRows) {
			return staleError(a.ID, base, old.Version)
		}
		if isUniqueViolation(err) {
			return fmt.Errorf("article slug %q: %w", a.Slug, news.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("update article %d: %w", a.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM article_tags WHERE article_id = ?`, a.ID); err != nil {
			return fmt.Errorf("update article %d tags: %w", a.ID, err)
		}
		return finishArticleWrite(ctx, tx, old, a, now, oldKeys, moved)
	})
	if err != nil {
		restore()
		a.Version = base
	}
	return deletedMedia(err)
}

// deletedMedia is err, or, when it is the refusal of media_deleted's trigger (an
// article write naming a deleted library file), news.ErrMediaDeleted.
func deletedMedia(err error) error {
	if err != nil && strings.Contains(err.Error(), "broadsheet: deleted library file") {
		return fmt.Errorf("article: %w", news.ErrMediaDeleted)
	}
	return err
}

// staleError is UpdateArticle's refusal of a write based on a version no longer stored.
func staleError(id, base, stored int64) error {
	return fmt.Errorf("article %d: the write was based on version %d, but version %d is stored: %w", id, base, stored, news.ErrStale)
}

// finishArticleWrite does what every article write ends with, in its transaction: the
// index of the library images it shows, the tags, a revision, the notification the
// change of status owes (before is the stored article, nil for a new one), and the
// change log's entry (keys already names what the old state showed).
func finishArticleWrite(ctx context.Context, tx *sql.Tx, before, a *news.Article, now time.Time, keys []string, withNeighbours bool) error {
	if err := indexArticleMedia(ctx, tx, a); err != nil { // mediauses.go
		return err
	}
	if err := writeTags(ctx, tx, a); err != nil {
		return err
	}
	if err := writeAuthors(ctx, tx, a); err != nil { // bylines.go
		return err
	}
	if err := recordRevision(ctx, tx, a, now); err != nil {
		return err
	}
	if err := workflowNotice(ctx, tx, before, a, now); err != nil { // notifications.go
		return err
	}
	keys, err := articleChangeKeys(ctx, tx, keys, a, now, withNeighbours)
	if err != nil {
		return err
	}
	return recordChange(ctx, tx, now, keys...)
}

// articleChangeKeys adds to keys the cache keys that a's state touches: its own page
// (and every page showing it in a box) and, when it is public, the site's lists and its
// section's, tags' and author's, and with neighbours its neighbours' pages. Called with
// the state before and after a write, it names every page that showed the old state or
// will show the new one.
func articleChangeKeys(ctx context.Context, q queryer, keys []string, a *news.Article, now time.Time, withNeighbours bool) ([]string, error) {
	keys = append(keys, news.KeyArticle(a.ID))
	if !a.IsPublic(now) && a.Status != news.StatusPublished {
		return keys, nil
	}
	if a.IsPage() {
		// A page is in the sitemaps (lists) and, when it has a place there, in the
		// navigation every page shows (all); in no archive, feed or timeline.
		keys = append(keys, news.KeyLists)
		if a.NavPosition > 0 {
			keys = append(keys, news.KeyAll)
		}
		return keys, nil
	}
	if withNeighbours {
		prev, next, err := neighbours(ctx, q, a.ID, a.PublishedAt, now)
		if err != nil {
			return nil, err
		}
		for _, n := range []*news.Article{prev, next} {
			if n != nil {
				keys = append(keys, news.KeyArticle(n.ID))
			}
		}
	}
	keys = append(keys, news.KeyLists)
	if a.Section != nil {
		keys = append(keys, news.KeySection(a.Section.ID))
	}
	for _, au := range a.Byline() { // every author's archive and feeds list it
		keys = append(keys, news.KeyAuthor(au.ID))
	}
	for _, t := range a.Tags {
		keys = append(keys, news.KeyTag(t.ID))
	}
	return keys, nil
}

func articleValues(a *news.Article) []any {
	var img news.Image
	if a.FeaturedImage != nil {
		img = *a.FeaturedImage
	}
	var authorID, sectionID any
	if a.Author != nil {
		authorID = a.Author.ID
	}
	if a.Section != nil {
		sectionID = a.Section.ID
	}
	return []any{a.Slug, a.Title, a.Standfirst, a.BodyMarkdown, a.BodyHTML, string(a.Status),
		unix(a.PublishedAt), unix(a.UpdatedAt), a.CreatedAt.Unix(), a.CorrectionNote, a.SEODescription,
		authorID, sectionID, img.URL, img.Alt, img.Caption, img.Width, img.Height, a.CommentsClosed,
		a.Source, a.SourceID, nullID(a.OwnerID), img.Srcset, a.NavPosition}
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// keepFirstVersion records the state an article is saved from when it has no revision
// at all: a story that came in by an import (or with the demo) was never saved by the
// editor, so its version 1 was nowhere but in the row about to be overwritten. Without
// it, a second editor's form from that version had no base to compare with: the
// conflict could not tell their change from the first editor's and offered no merge.
// Kept as the system's, at the time the article last changed.
func keepFirstVersion(ctx context.Context, tx *sql.Tx, old *news.Article) error {
	var kept bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM revisions WHERE article_id = ?)`, old.ID).Scan(&kept); err != nil {
		return fmt.Errorf("revisions of article %d: %w", old.ID, err)
	}
	if kept {
		return nil
	}
	first := *old
	first.EditedBy = 0
	when := old.UpdatedAt
	if when.IsZero() {
		when = old.CreatedAt
	}
	return recordRevision(ctx, tx, &first, when)
}

// recordRevision keeps the article's state as saved, by a.EditedBy.
func recordRevision(ctx context.Context, tx *sql.Tx, a *news.Article, now time.Time) error {
	section := ""
	if a.Section != nil {
		section = a.Section.Name
	}
	var tags []string
	for _, t := range a.Tags {
		tags = append(tags, t.Name)
	}
	img := news.Image{}
	if a.FeaturedImage != nil {
		img = *a.FeaturedImage
	}
	// The image and the comments switch are part of a version: a change of only them is
	// a revision, so that the version an editor's form came from is always known.
	values := []any{string(a.Status), a.Slug, a.Title, a.Standfirst, a.BodyMarkdown, a.CorrectionNote, a.SEODescription,
		section, strings.Join(tags, "\x1f"), unix(a.PublishedAt), img.URL, img.Alt, img.Caption, a.CommentsClosed,
		revisionAuthors(a)} // bylines.go
	// A save that changes nothing the history shows is no new version: pressing Save
	// twice, or a script saving in a loop, does not fill the disk.
	var same int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT * FROM revisions WHERE article_id = ? ORDER BY id DESC LIMIT 1)
		WHERE status = ? AND slug = ? AND title = ? AND standfirst = ? AND body_markdown = ? AND correction_note = ?
		AND seo_description = ? AND section = ? AND tags = ? AND published_at IS ? AND image_url IS ? AND image_alt IS ?
		AND image_caption IS ? AND comments_closed IS ? AND authors IS ?`, append([]any{a.ID}, values...)...).Scan(&same)
	if err != nil {
		return fmt.Errorf("compare with the last revision of article %d: %w", a.ID, err)
	}
	if same > 0 {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO revisions (article_id, user_id, created_at, status, slug, title, standfirst,
		body_markdown, correction_note, seo_description, section, tags, published_at, image_url, image_alt, image_caption,
		comments_closed, authors, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append(append([]any{a.ID, nullID(a.EditedBy), now.Unix()}, values...), a.Version)...)
	if err != nil {
		return fmt.Errorf("record revision of article %d: %w", a.ID, err)
	}
	// The oldest versions past news.MaxRevisions go, so that an article's history
	// (and its disk) is bounded however often it is saved.
	_, err = tx.ExecContext(ctx, `DELETE FROM revisions WHERE article_id = ? AND id <= (SELECT id FROM revisions
		WHERE article_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`, a.ID, a.ID, news.MaxRevisions)
	if err != nil {
		return fmt.Errorf("trim the revisions of article %d: %w", a.ID, err)
	}
	return nil
}

// checkPage refuses what a page may not have (pages.go): a section, tags, a place in
// the navigation past news.MaxNavPosition, a slug the site's own addresses answer
// (news.CheckPageSlug, against the sections stored in tx); and a place in the
// navigation for a story.
func checkPage(ctx context.Context, tx *sql.Tx, a *news.Article) error {
	switch {
	case a.Kind != news.KindArticle && a.Kind != news.KindPage:
		return fmt.Errorf("article kind %q: %w", a.Kind, news.ErrInvalid)
	case !a.IsPage():
		if a.NavPosition != 0 {
			return fmt.Errorf("a story has no place in the navigation: %w", news.ErrInvalid)
		}
		return nil
	case a.Section != nil || len(a.Tags) > 0:
		return fmt.Errorf("page %q: a page has no section or tags: %w", a.Slug, news.ErrInvalid)
	case a.NavPosition < 0 || a.NavPosition > news.MaxNavPosition:
		return fmt.Errorf("page %q: navigation position %d (0 to %d): %w", a.Slug, a.NavPosition, news.MaxNavPosition, news.ErrInvalid)
	}
	var sections []*news.Section
	rows, err := tx.QueryContext(ctx, qSectionSlugAnyCase, a.Slug)
	if err != nil {
		return fmt.Errorf("page %q: sections: %w", a.Slug, err)
	}
	defer rows.Close()
	for rows.Next() {
		var sec news.Section
		if err := rows.Scan(&sec.Slug); err != nil {
			return fmt.Errorf("page %q: sections: %w", a.Slug, err)
		}
		sections = append(sections, &sec)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("page %q: sections: %w", a.Slug, err)
	}
	return news.CheckPageSlug(a.Slug, sections)
}

func validateArticle(a *news.Article) error {
	switch {
	case strings.TrimSpace(a.Title) == "":
		return fmt.Errorf("article needs a title: %w", news.ErrInvalid)
	case a.Slug == "" || a.Slug != strings.TrimSpace(a.Slug) || strings.ContainsAny(a.Slug, "/?#% "):
		return fmt.Errorf("article slug %q: %w", a.Slug, news.ErrInvalid)
	case !a.Status.Valid():
		return fmt.Errorf("article status %q: %w", a.Status, news.ErrInvalid)
	case a.Status == news.StatusPublished && a.PublishedAt.IsZero():
		return fmt.Errorf("a published article needs a publication time: %w", news.ErrInvalid)
	case len(a.Tags) > news.MaxArticleTags:
		return fmt.Errorf("%d tags, more than the %d an article may have: %w", len(a.Tags), news.MaxArticleTags, news.ErrInvalid)
	}
	// The last line of defence: every path that writes (editor, imports, API) cleans
	// its text first, so a forbidden character here is a bug upstream, refused rather
	// than stored where every page and feed showing it would be invalid.
	texts := [][2]string{{"the headline", a.Title}, {"the standfirst", a.Standfirst}, {"the body", a.BodyMarkdown},
		{"the body's HTML", a.BodyHTML}, {"the correction note", a.CorrectionNote}, {"the SEO description", a.SEODescription}}
	if img := a.FeaturedImage; img != nil {
		texts = append(texts, [2]string{"the image's alt text", img.Alt}, [2]string{"the image's caption", img.Caption})
		if img.URL != "" && !news.IsFileAddress(img.URL) {
			return fmt.Errorf("article %q: its image's address is no file's (only http, https or the site's paths): %w", a.Slug, news.ErrInvalid)
		}
	}
	if a.Author != nil {
		texts = append(texts, [2]string{"the author's name", a.Author.Name})
	}
	if err := checkByline(a); err != nil { // bylines.go
		return err
	}
	if a.Section != nil {
		texts = append(texts, [2]string{"the section's name", a.Section.Name})
	}
	for _, t := range a.Tags {
		texts = append(texts, [2]string{"the tag " + strconv.Quote(t.Name), t.Name + t.Slug})
		if strings.ContainsAny(t.Name+t.Slug, "\t\n\r") {
			return fmt.Errorf("tag %q has line breaks: %w", t.Name, news.ErrInvalid)
		}
	}
	if utf8.RuneCountInString(a.SendBackNote) > news.MaxNoteRunes {
		return fmt.Errorf("a note of more than %d characters: %w", news.MaxNoteRunes, news.ErrInvalid)
	}
	texts = append(texts, [2]string{"the note", a.SendBackNote})
	for _, t := range texts {
		if err := news.CheckText(t[0], t[1]); err != nil {
			return fmt.Errorf("article %q: %w", a.Slug, err)
		}
	}
	return nil
}

// scheduleFuture makes an article written as published with a time to come a scheduled
// one: it goes live through PublishDue, whose change names every page that then lists
// it (a "published" article whose time simply arrives would change no page's key).
func scheduleFuture(a *news.Article, now time.Time) {
	if a.Status == news.StatusPublished && a.PublishedAt.After(now) {
		a.Status = news.StatusScheduled
	}
}

// refIDs remembers the IDs of an article's author, section and tags, so that a write
// that fails can give back IDs it assigned inside its rolled-back transaction (a retry
// must not point at rows that were never committed).
func refIDs(a *news.Article) func() {
	var author, section int64
	if a.Author != nil {
		author = a.Author.ID
	}
	if a.Section != nil {
		section = a.Section.ID
	}
	tags := make([]int64, len(a.Tags))
	for i, t := range a.Tags {
		tags[i] = t.ID
	}
	id, created := a.ID, a.CreatedAt
	coAuthors := make([]int64, len(a.CoAuthors))
	for i, au := range a.CoAuthors {
		if au != nil {
			coAuthors[i] = au.ID
		}
	}
	return func() {
		for i, au := range a.CoAuthors {
			if au != nil && i < len(coAuthors) {
				au.ID = coAuthors[i]
			}
		}
		if a.Author != nil {
			a.Author.ID = author
		}
		if a.Section != nil {
			a.Section.ID = section
		}
		for i, t := range a.Tags {
			if i < len(tags) {
				t.ID = tags[i]
			}
		}
		a.ID, a.CreatedAt = id, created
	}
}

// resolveRefs gives a's author, section and tags their IDs, finding them by slug and
// creating those that do not exist yet. created, if not nil, counts what was created.
func resolveRefs(ctx context.Context, tx *sql.Tx, a *news.Article, now time.Time, created *news.ImportResult) error {
	if au := a.Author; au != nil && au.ID == 0 {
		if au.Slug == "" {
			au.Slug = news.Slugify(au.Name)
		}
		made, err := upsert(ctx, tx, &au.ID, `SELECT id FROM authors WHERE slug = ?`, []any{au.Slug},
			`INSERT INTO authors (slug, name, email, bio) VALUES (?, ?, ?, ?)`, []any{au.Slug, au.Name, au.Email, au.Bio})
		if err != nil {
			return fmt.Errorf("author %q: %w", au.Name, err)
		}
		if made && created != nil {
			created.Authors++
		}
	}
	if err := resolveCoAuthors(ctx, tx, a, created); err != nil { // bylines.go
		return err
	}
	if s := a.Section; s != nil && s.ID != 0 {
		// A section given by its ID (the admin's, found when the form was read) must
		// still exist: one deleted meanwhile is not written into the story, nor made
		// again by its name.
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM sections WHERE id = ?`, s.ID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("section %d (%q): %w", s.ID, s.Name, news.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("section %d: %w", s.ID, err)
		}
	}
	if s := a.Section; s != nil && s.ID == 0 {
		if s.Slug == "" {
			s.Slug = news.Slugify(s.Name)
		}
		// A section made here may not take a page's slug either (as CreateSection): the
		// page could no longer be saved.
		var exists, page bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sections WHERE slug = ?)`, s.Slug).Scan(&exists); err != nil {
			return fmt.Errorf("section %q: %w", s.Name, err)
		}
		if !exists {
			if err := tx.QueryRowContext(ctx, qPageSlugAnyCase, s.Slug).Scan(&page); err != nil {
				return fmt.Errorf("section %q: %w", s.Name, err)
			}
			if page {
				return fmt.Errorf("section %q: a page has the slug %q: %w", s.Name, s.Slug, news.ErrConflict)
			}
		}
		made, err := upsert(ctx, tx, &s.ID, `SELECT id FROM sections WHERE slug = ?`, []any{s.Slug},
			`INSERT INTO sections (slug, name, description, position) VALUES (?, ?, ?, (`+qNextSectionPosition+`))`,
			[]any{s.Slug, s.Name, s.Description})
		if err != nil {
			return fmt.Errorf("section %q: %w", s.Name, err)
		}
		if made {
			if created != nil {
				created.Sections++
			}
			// A new section appears in every page's navigation.
			if err := recordChange(ctx, tx, now, news.KeyAll); err != nil {
				return err
			}
		}
	}
	for _, t := range a.Tags {
		if t.ID != 0 {
			continue
		}
		if t.Slug == "" {
			t.Slug = news.Slugify(t.Name)
		}
		made, err := upsert(ctx, tx, &t.ID, `SELECT id FROM tags WHERE slug = ?`, []any{t.Slug},
			`INSERT INTO tags (slug, name) VALUES (?, ?)`, []any{t.Slug, t.Name})
		if err != nil {
			return fmt.Errorf("tag %q: %w", t.Name, err)
		}
		if made && created != nil {
			created.Tags++
		}
		if made {
			// A new tag at a renamed or merged tag's former address takes it back: the
			// address is no redirect any more, and the redirect a page cache holds for it
			// (under the key of the tag it led to) is dropped.
			var led int64
			err := tx.QueryRowContext(ctx, `DELETE FROM tag_redirects WHERE slug = ? RETURNING tag_id`, t.Slug).Scan(&led)
			switch {
			case err == nil:
				if err := recordChange(ctx, tx, now, news.KeyTag(led)); err != nil {
					return err
				}
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("tag %q's former address: %w", t.Name, err)
			}
		}
	}
	return nil
}

// upsert finds a row's ID with find or else inserts it; made reports an insert.
func upsert(ctx context.Context, tx *sql.Tx, id *int64, find string, findArgs []any, insert string, insertArgs []any) (made bool, err error) {
	err = tx.QueryRowContext(ctx, find, findArgs...).Scan(id)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	res, err := tx.ExecContext(ctx, insert, insertArgs...)
	if err != nil {
		return false, err
	}
	*id, err = res.LastInsertId()
	return true, err
}

func writeTags(ctx context.Context, tx *sql.Tx, a *news.Article) error {
	seen := map[int64]bool{}
	for i, t := range a.Tags {
		if seen[t.ID] {
			continue
		}
		seen[t.ID] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_tags (article_id, tag_id, position) VALUES (?, ?, ?)`, a.ID, t.ID, i); err != nil {
			return fmt.Errorf("tag article %d: %w", a.ID, err)
		}
	}
	return nil
}
