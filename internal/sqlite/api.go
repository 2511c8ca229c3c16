package sqlite

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"broadsheet/internal/news"
)

// The content API's pages (news.APIStore), each read by keyset along an index.

var _ news.APIStore = (*DB)(nil)

// apiLimit bounds a page's rows: one more than APIPageMax is allowed, as the API asks
// for a row past the page to know whether another page follows.
func apiLimit(limit int) int {
	if limit <= 0 || limit > news.APIPageMax+1 {
		return news.APIPageDefault
	}
	return limit
}

// publicArticle is the condition that article a is public at ? (news.Article.IsPublic).
const publicArticle = `a.status = 'published' AND a.published_at <= ?`

// isStory is the condition that a is an article, not a static page. kind is the
// table's last column (added by migration 0037), after the bodies, so reading it from
// the row reads the row's overflow pages, the whole article; the timeline's and the
// sections' indexes end with it (migration 0059), so a list or count of public stories
// reads it from the index (a count of 50,000 stories reads no row). It was "not among
// the pages' IDs", a set built from articles_pages for every statement, whose cost grew
// with the site's pages (BenchmarkKinds: 3 ms for a list's first page with 5,000).
const isStory = `a.kind = 'article'`

// hasPublicByline is the condition that the author whose ID is col is on the byline
// of an article public at ? (the one argument); hasPublicTag, that the tag is on one.
// Each reads the author's (tag's) own articles through its index, then each article
// by its key: with no statistics SQLite chose the other order, every public article
// looked up for each author, and 20,000 imported authors made one uncached list of
// /api/v1/authors or /wp-json/wp/v2/users take seconds. CROSS JOIN fixes the order.
func hasPublicByline(col string) string {
	return `EXISTS (SELECT 1 FROM article_authors aa CROSS JOIN articles a ` + articleState + ` ON a.id = aa.article_id
		WHERE aa.author_id = ` + col + ` AND ` + publicArticle + `)`
}

func hasPublicTag(col string) string {
	return `EXISTS (SELECT 1 FROM article_tags at CROSS JOIN articles a ` + articleState + ` ON a.id = at.article_id
		WHERE at.tag_id = ` + col + ` AND ` + publicArticle + `)`
}

// articleState makes an article looked up by its ID for whether it is public and a
// story read from articles_state (migration 0062), not from its row: status,
// published_at and kind come after the bodies, on the row's overflow pages, so each
// such lookup read the whole article (a tag's count on a site of 50,000 stories read
// every tagged story: BenchmarkKinds/WPTags). SQLite's planner prefers the row for a
// lookup by rowid, so the index is named.
const articleState = `INDEXED BY articles_state`

// PublicTags implements news.APIStore: along the tags' slug index, each checked for one
// public article through article_tags_by_tag.
func (db *DB) PublicTags(ctx context.Context, after string, limit int, now time.Time) ([]*news.Tag, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT t.id, t.slug, t.name FROM tags t
		WHERE t.slug > ? AND `+hasPublicTag("t.id")+`
		ORDER BY t.slug LIMIT ?`, after, now.Unix(), apiLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("public tags: %w", err)
	}
	defer rows.Close()
	var out []*news.Tag
	for rows.Next() {
		var t news.Tag
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name); err != nil {
			return nil, fmt.Errorf("public tags: %w", err)
		}
		out = append(out, &t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("public tags: %w", err)
	}
	return out, nil
}

// SectionsAfter implements news.APIStore: along sections_by_position, as Sections.
func (db *DB) SectionsAfter(ctx context.Context, after *news.SectionKey, limit int) ([]*news.Section, error) {
	if after == nil {
		after = &news.SectionKey{Position: math.MinInt32}
	}
	rows, err := db.reads.QueryContext(ctx, `SELECT id, slug, name, description, position, COALESCE(parent_id, 0) FROM sections
		WHERE (position, name, id) > (?, COALESCE((SELECT name FROM sections WHERE id = ?), ''), ?)
		ORDER BY position, name, id LIMIT ?`, after.Position, after.ID, after.ID, apiLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("sections after: %w", err)
	}
	defer rows.Close()
	var out []*news.Section
	for rows.Next() {
		var s news.Section
		if err := rows.Scan(&s.ID, &s.Slug, &s.Name, &s.Description, &s.Position, &s.ParentID); err != nil {
			return nil, fmt.Errorf("sections after: %w", err)
		}
		out = append(out, &s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sections after: %w", err)
	}
	return out, nil
}

// pageOrder is a page's place in PublicPages' order: the pages in the navigation by
// their position, then the others (nav_position 0, placed after MaxNavPosition), by
// title, then ID.
const pageOrder = `(CASE a.nav_position WHEN 0 THEN 1000 ELSE a.nav_position END, a.title, a.id)`

// PublicPages implements news.APIStore: along the partial index articles_pages (pages
// only, so the sort is over the site's pages, never its stories).
func (db *DB) PublicPages(ctx context.Context, after int64, limit int, now time.Time) ([]*news.Article, error) {
	query := `SELECT ` + readerColumns + articleFrom + ` WHERE a.kind = 'page' AND ` + publicArticle
	args := []any{now.Unix()}
	if after > 0 {
		// The cursor's page at its present place; no such page: no row is after it.
		query += ` AND ` + pageOrder + ` > (SELECT ` + strings.Trim(strings.ReplaceAll(pageOrder, "a.", "p."), "()") +
			` FROM articles p WHERE p.id = ? AND p.kind = 'page')`
		args = append(args, after)
	}
	query += ` ORDER BY ` + strings.Trim(pageOrder, "()") + ` LIMIT ?`
	args = append(args, apiLimit(limit))
	rows, err := db.reads.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("public pages: %w", err)
	}
	defer rows.Close()
	var out []*news.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("public pages: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("public pages: %w", err)
	}
	return out, nil
}

// PublicAuthors implements news.APIStore. The email is never read.
func (db *DB) PublicAuthors(ctx context.Context, after string, limit int, now time.Time) ([]*news.Author, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT au.id, au.slug, au.name, au.bio FROM authors au
		WHERE au.slug > ? AND `+hasPublicByline("au.id")+`
		ORDER BY au.slug LIMIT ?`, after, now.Unix(), apiLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("public authors: %w", err)
	}
	defer rows.Close()
	var out []*news.Author
	for rows.Next() {
		var au news.Author
		if err := rows.Scan(&au.ID, &au.Slug, &au.Name, &au.Bio); err != nil {
			return nil, fmt.Errorf("public authors: %w", err)
		}
		out = append(out, &au)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("public authors: %w", err)
	}
	return out, nil
}

// ApprovedCommentsAfter implements news.APIStore, along the comments_threads index
// (article_id, status, created_at, id). What an erased comment held is not returned.
func (db *DB) ApprovedCommentsAfter(ctx context.Context, articleID int64, after *news.CommentKey, limit int) ([]*news.Comment, error) {
	var t, id int64 = -1 << 62, 0
	if after != nil {
		t, id = after.CreatedAt.Unix(), after.ID
	}
	out, err := db.queryComments(ctx, `SELECT `+commentColumns+` FROM comments
		WHERE article_id = ? AND status = 'approved' AND (created_at > ? OR (created_at = ? AND id > ?))
		ORDER BY created_at, id LIMIT ?`, articleID, t, t, id, apiLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("comments of article %d: %w", articleID, err)
	}
	for _, c := range out {
		if c.Removed {
			c.AuthorName, c.AuthorEmail, c.AuthorURL, c.Body, c.BodyHTML, c.IPHash, c.UserAgent = "", "", "", "", "", "", ""
		}
	}
	return out, nil
}
