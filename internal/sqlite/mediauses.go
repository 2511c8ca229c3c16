package sqlite

// The index of where library images are used (media_uses, migrations 0025 and 0029):
// written in Go in each article write's transaction, so that no connection needs a
// function of ours to write an article.

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"

	sqlite3 "modernc.org/sqlite"

	"broadsheet/internal/news"
)

func init() {
	// bs_media_names(markdown, html, image_url, image_srcset) is a JSON array of
	// news.ArticleMediaNames. Only migration 0025's backfill calls it (on a database
	// older than that migration); no trigger does any more (migration 0029).
	sqlite3.MustRegisterDeterministicScalarFunction("bs_media_names", 4, func(_ *sqlite3.FunctionContext, args []driver.Value) (driver.Value, error) {
		var s [4]string
		for i, a := range args {
			switch v := a.(type) {
			case string:
				s[i] = v
			case []byte:
				s[i] = string(v)
			}
		}
		names := news.ArticleMediaNames(s[0], s[1], s[2], s[3])
		if names == nil {
			return "[]", nil
		}
		out, err := json.Marshal(names)
		return string(out), err
	})
}

// indexMediaUses replaces the article's rows of media_uses with the names it shows now
// and clears its stale mark (set by the triggers of migration 0029 on the write that
// preceded this, in the same transaction).
func indexMediaUses(ctx context.Context, q queryer, id int64, markdown, html, imageURL, srcset string) error {
	names := news.ArticleMediaNames(markdown, html, imageURL, srcset)
	if _, err := q.ExecContext(ctx, `DELETE FROM media_uses WHERE article_id = ?`, id); err != nil {
		return fmt.Errorf("media uses of article %d: %w", id, err)
	}
	for len(names) > 0 {
		n := min(len(names), 200)
		args := make([]any, 0, 2*n)
		for _, name := range names[:n] {
			args = append(args, name, id)
		}
		if _, err := q.ExecContext(ctx, `INSERT OR IGNORE INTO media_uses (name, article_id) VALUES (?, ?)`+
			strings.Repeat(", (?, ?)", n-1), args...); err != nil {
			return fmt.Errorf("media uses of article %d: %w", id, err)
		}
		names = names[n:]
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM media_uses_stale WHERE article_id = ?`, id); err != nil {
		return fmt.Errorf("media uses of article %d: %w", id, err)
	}
	return nil
}

// indexArticleMedia is indexMediaUses of a as it is being stored.
func indexArticleMedia(ctx context.Context, q queryer, a *news.Article) error {
	var url, srcset string
	if a.FeaturedImage != nil {
		url, srcset = a.FeaturedImage.URL, a.FeaturedImage.Srcset
	}
	return indexMediaUses(ctx, q, a.ID, a.BodyMarkdown, a.BodyHTML, url, srcset)
}

// freshenMediaUses indexes again, within q's transaction, every article marked stale: one
// written by a connection other than the store's. Normally there is none, and it costs
// one lookup of an empty table.
func freshenMediaUses(ctx context.Context, q queryer) error {
	for {
		rows, err := q.QueryContext(ctx, `SELECT s.article_id, COALESCE(a.id, 0), COALESCE(a.body_markdown, ''), COALESCE(a.body_html, ''),
			COALESCE(a.image_url, ''), COALESCE(a.image_srcset, '') FROM media_uses_stale s LEFT JOIN articles a ON a.id = s.article_id LIMIT 100`)
		if err != nil {
			return fmt.Errorf("stale media uses: %w", err)
		}
		type stale struct {
			id, found             int64
			md, html, url, srcset string
		}
		var batch []stale
		for rows.Next() {
			var s stale
			if err := rows.Scan(&s.id, &s.found, &s.md, &s.html, &s.url, &s.srcset); err != nil {
				rows.Close()
				return fmt.Errorf("stale media uses: %w", err)
			}
			batch = append(batch, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("stale media uses: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		for _, s := range batch {
			// An article gone since has no uses (its mark is cleared with them).
			if err := indexMediaUses(ctx, q, s.id, s.md, s.html, s.url, s.srcset); err != nil {
				return err
			}
		}
	}
}
