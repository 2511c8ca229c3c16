package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"broadsheet/internal/news"
)

// Import implements news.Store.
func (db *DB) Import(ctx context.Context, items []news.ImportItem) (news.ImportResult, error) {
	var res news.ImportResult
	now := db.Now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res = news.ImportResult{}
		for i := range items {
			if err := importItem(ctx, tx, &items[i], now, &res); err != nil {
				return fmt.Errorf("import item %d (%s %s): %w", i+1, items[i].Article.Source, items[i].Article.SourceID, err)
			}
		}
		if res.Articles+res.Comments+res.Sections+res.Tags+res.Authors == 0 {
			return nil
		}
		return recordChange(ctx, tx, now, news.KeyAll)
	})
	return res, err
}

func importItem(ctx context.Context, tx *sql.Tx, it *news.ImportItem, now time.Time, res *news.ImportResult) error {
	a := it.Article
	if err := validateArticle(a); err != nil {
		return err
	}
	err := tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE source = ? AND source_id = ?`, a.Source, a.SourceID).Scan(&a.ID)
	switch {
	case err == nil:
		res.SkippedArticles++
	case errors.Is(err, sql.ErrNoRows):
		if err := resolveRefs(ctx, tx, a, now, res); err != nil {
			return err
		}
		base := a.Slug
		for n := 2; ; n++ { // another article has the slug: number this one, as WordPress does
			var taken int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles WHERE slug = ?`, a.Slug).Scan(&taken); err != nil {
				return err
			}
			if taken == 0 {
				break
			}
			a.Slug = fmt.Sprintf("%s-%d", base, n)
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO articles (slug, title, standfirst, body_markdown, body_html, status,
			published_at, updated_at, created_at, correction_note, seo_description, author_id, section_id,
			image_url, image_alt, image_caption, image_width, image_height, comments_closed, source, source_id, owner_id, image_srcset)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, articleValues(a)...)
		if err != nil {
			return fmt.Errorf("insert article: %w", err)
		}
		a.ID, _ = r.LastInsertId()
		if err := writeTags(ctx, tx, a); err != nil {
			return err
		}
		res.Articles++
	default:
		return err
	}

	ids := map[string]int64{} // comment SourceID → stored ID
	for _, c := range it.Comments {
		c.ArticleID = a.ID
		err := tx.QueryRowContext(ctx, `SELECT id FROM comments WHERE article_id = ? AND source = ? AND source_id = ?`,
			a.ID, c.Source, c.SourceID).Scan(&c.ID)
		if err == nil {
			ids[c.SourceID] = c.ID
			res.SkippedComments++
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if c.ParentSourceID != "" {
			parent, ok := ids[c.ParentSourceID]
			if !ok {
				return fmt.Errorf("comment %s replies to %s, which does not come before it: %w", c.SourceID, c.ParentSourceID, news.ErrInvalid)
			}
			c.ParentID = parent
		}
		if err := validateComment(c); err != nil {
			return fmt.Errorf("comment %s: %w", c.SourceID, err)
		}
		if err := insertComment(ctx, tx, c); err != nil {
			return fmt.Errorf("comment %s: %w", c.SourceID, err)
		}
		ids[c.SourceID] = c.ID
		res.Comments++
	}
	return nil
}
