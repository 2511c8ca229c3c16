package sqlite

// Bylines (news.BylineStore, news.Article.CoAuthors): an article's authors in order.
// articles.author_id is the lead author; article_authors holds the whole byline, lead
// at position 0 (migration 0023). Reads fold the co-authors into one column of the
// article's row, as the tags are, so that a list of articles stays one query.

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"broadsheet/internal/news"
)

// coAuthorsColumn is the article's co-authors, "id␞slug␞name" joined by ␟, in order:
// every author of article_authors but the lead (articles.author_id).
const coAuthorsColumn = `(SELECT group_concat(ca.id || char(30) || ca.slug || char(30) || ca.name, char(31) ORDER BY aa.position)
		FROM article_authors aa JOIN authors ca ON ca.id = aa.author_id
		WHERE aa.article_id = a.id AND aa.author_id IS NOT a.author_id)`

// parseCoAuthors reads coAuthorsColumn's value.
func parseCoAuthors(a *news.Article, v string) error {
	if v == "" {
		return nil
	}
	for _, f := range strings.Split(v, "\x1f") {
		p := strings.SplitN(f, "\x1e", 3)
		if len(p) != 3 {
			return fmt.Errorf("article %d: malformed author list", a.ID)
		}
		id, err := strconv.ParseInt(p[0], 10, 64)
		if err != nil {
			return fmt.Errorf("article %d: malformed author list", a.ID)
		}
		a.CoAuthors = append(a.CoAuthors, &news.Author{ID: id, Slug: p[1], Name: p[2]})
	}
	return nil
}

// writeAuthors makes article_authors hold a's byline (its IDs resolved), replacing
// what it held; repeats of an author are left out, so that the byline reads each once.
func writeAuthors(ctx context.Context, tx queryer, a *news.Article) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_authors WHERE article_id = ?`, a.ID); err != nil {
		return fmt.Errorf("byline of article %d: %w", a.ID, err)
	}
	seen := map[int64]bool{}
	for i, au := range a.Byline() {
		if seen[au.ID] {
			continue
		}
		seen[au.ID] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)`, a.ID, au.ID, i); err != nil {
			return fmt.Errorf("byline of article %d: %w", a.ID, err)
		}
	}
	return nil
}

// resolveCoAuthors gives a's co-authors their IDs, finding them by slug and creating
// those that do not exist yet, as resolveRefs does for the lead author.
func resolveCoAuthors(ctx context.Context, tx *sql.Tx, a *news.Article, created *news.ImportResult) error {
	for _, au := range a.CoAuthors {
		if au == nil || au.ID != 0 {
			continue
		}
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
	return nil
}

// checkByline refuses a byline that is too long or names an author with no name.
func checkByline(a *news.Article) error {
	if len(a.CoAuthors) > news.MaxCoAuthors {
		return fmt.Errorf("article %q has %d co-authors, at most %d are kept: %w", a.Slug, len(a.CoAuthors), news.MaxCoAuthors, news.ErrInvalid)
	}
	if a.Author == nil && len(a.CoAuthors) > 0 {
		return fmt.Errorf("article %q has co-authors but no author: %w", a.Slug, news.ErrInvalid)
	}
	for _, au := range a.CoAuthors {
		if au == nil || strings.TrimSpace(au.Name) == "" && au.ID == 0 {
			return fmt.Errorf("article %q: a co-author needs a name: %w", a.Slug, news.ErrInvalid)
		}
		if err := news.CheckText("the co-author's name", au.Name); err != nil {
			return fmt.Errorf("article %q: %w", a.Slug, err)
		}
	}
	return nil
}

// Authors implements news.BylineStore.
func (db *DB) Authors(ctx context.Context, limit int) ([]*news.Author, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := db.reads.QueryContext(ctx, `SELECT id, slug, name, bio FROM authors ORDER BY name, id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("authors: %w", err)
	}
	defer rows.Close()
	var out []*news.Author
	for rows.Next() {
		var au news.Author
		if err := rows.Scan(&au.ID, &au.Slug, &au.Name, &au.Bio); err != nil {
			return nil, fmt.Errorf("authors: %w", err)
		}
		out = append(out, &au)
	}
	return out, rows.Err()
}

// revisionAuthors is the byline as a revision keeps it.
func revisionAuthors(a *news.Article) string {
	return strings.Join(a.BylineNames(), "\x1f")
}
