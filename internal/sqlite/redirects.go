package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"broadsheet/internal/news"
)

// Addresses that never break (news.RedirectStore): the redirects table, the hooks
// article writes call in their transaction, and the articles' stored feed IDs.

// Redirect implements news.RedirectStore. It is one lookup of the table's unique
// (kind, address) index.
func (db *DB) Redirect(ctx context.Context, kind, address string) (news.Redirect, error) {
	r := news.Redirect{Kind: kind, Address: address}
	var created int64
	err := db.reads.QueryRowContext(ctx, `SELECT article_id, created_at FROM redirects WHERE kind = ? AND address = ?`,
		kind, address).Scan(&r.ArticleID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("redirect %s %q: %w", kind, address, news.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("redirect %s %q: %w", kind, address, err)
	}
	r.CreatedAt = time.Unix(created, 0).UTC()
	return r, nil
}

// maxRedirectAddress bounds an old address (an imported site's path).
const maxRedirectAddress = 2000

// AddRedirect implements news.RedirectStore.
func (db *DB) AddRedirect(ctx context.Context, r news.Redirect) error {
	switch {
	case r.Kind != news.RedirectSlug && r.Kind != news.RedirectPath:
		return fmt.Errorf("redirect kind %q: %w", r.Kind, news.ErrInvalid)
	case r.Address == "" || len(r.Address) > maxRedirectAddress || strings.ContainsAny(r.Address, " \t\r\n#"):
		return fmt.Errorf("redirect address %q: %w", r.Address, news.ErrInvalid)
	case r.Kind == news.RedirectSlug && strings.ContainsAny(r.Address, "/?%"):
		return fmt.Errorf("redirect slug %q: %w", r.Address, news.ErrInvalid)
	case r.Kind == news.RedirectPath && !strings.HasPrefix(r.Address, "/"):
		return fmt.Errorf("redirect path %q does not start with /: %w", r.Address, news.ErrInvalid)
	}
	if err := news.CheckText("the redirect's address", r.Address); err != nil {
		return err
	}
	if r.Kind == news.RedirectSlug {
		r.Address = news.NFC(r.Address)
	}
	now := db.Now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles WHERE id = ?`, r.ArticleID).Scan(&n); err != nil {
			return fmt.Errorf("redirect to article %d: %w", r.ArticleID, err)
		} else if n == 0 {
			return fmt.Errorf("redirect to article %d: %w", r.ArticleID, news.ErrNotFound)
		}
		if r.Kind == news.RedirectSlug {
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles WHERE slug = ?`, r.Address).Scan(&n); err != nil {
				return fmt.Errorf("redirect slug %q: %w", r.Address, err)
			} else if n > 0 {
				return fmt.Errorf("redirect slug %q is an article's own: %w", r.Address, news.ErrConflict)
			}
		}
		keys := []string{news.KeyArticle(r.ArticleID)}
		var was int64
		err := tx.QueryRowContext(ctx, `SELECT article_id FROM redirects WHERE kind = ? AND address = ?`, r.Kind, r.Address).Scan(&was)
		if err == nil {
			keys = append(keys, news.KeyArticle(was))
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("redirect %q: %w", r.Address, err)
		}
		if err := putRedirect(ctx, tx, r.Kind, r.Address, r.ArticleID, now); err != nil {
			return err
		}
		return recordChange(ctx, tx, now, keys...)
	})
}

func putRedirect(ctx context.Context, tx *sql.Tx, kind, address string, articleID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO redirects (kind, address, article_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (kind, address) DO UPDATE SET article_id = excluded.article_id, created_at = excluded.created_at`,
		kind, address, articleID, now.Unix())
	if err != nil {
		return fmt.Errorf("redirect %s %q to article %d: %w", kind, address, articleID, err)
	}
	return nil
}

// keepAddresses is what an article write does for its addresses, in its transaction
// and before the article's row is written (old is the stored state; nil for a new
// article). Renaming back to a former slug takes it back, and publishing an article at
// another story's former slug makes the address its own (the latest public holder of
// an address wins): the slug's redirect is dropped. Until then — a draft given a
// published story's old slug (the editor makes slugs from headlines) — the redirect
// stays behind the slug, and the site answers with it while the article holding the
// slug is not public, so that the draft neither breaks that story's old links now
// nor, renamed or deleted before it is published, for ever. When the slug changes on
// an article that is or was published, the former slug is kept, pointing at the
// article itself, so that every address it ever had is one hop from its current one.
// It returns the cache keys of the articles the slug's redirect led to (the old
// address's cached 301 is stale once this article shows there).
func keepAddresses(ctx context.Context, tx *sql.Tx, old, a *news.Article, now time.Time) ([]string, error) {
	var keys []string
	var owner int64
	err := tx.QueryRowContext(ctx, `SELECT article_id FROM redirects WHERE kind = 'slug' AND address = ?`, a.Slug).Scan(&owner)
	switch {
	case err == nil:
		if owner == a.ID || a.Status == news.StatusPublished {
			if _, err := tx.ExecContext(ctx, `DELETE FROM redirects WHERE kind = 'slug' AND address = ?`, a.Slug); err != nil {
				return nil, fmt.Errorf("drop the redirect of slug %q: %w", a.Slug, err)
			}
		}
		keys = append(keys, news.KeyArticle(owner))
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("redirect of slug %q: %w", a.Slug, err)
	}
	if old == nil || old.Slug == a.Slug {
		return keys, nil
	}
	var wasPublic bool
	if err := tx.QueryRowContext(ctx, `SELECT was_public FROM articles WHERE id = ?`, old.ID).Scan(&wasPublic); err != nil {
		return nil, fmt.Errorf("article %d: %w", old.ID, err)
	}
	if old.Status != news.StatusPublished && !wasPublic {
		return keys, nil // never shown to readers: its working slugs lead nowhere
	}
	return keys, putRedirect(ctx, tx, news.RedirectSlug, old.Slug, a.ID, now)
}

// storeFeedID writes the feed ID a new article brought (an import's GUID), after
// checking it; nothing when it brought none.
func storeFeedID(ctx context.Context, tx *sql.Tx, a *news.Article) error {
	if a.FeedID == "" {
		return nil
	}
	if err := news.CheckFeedID(a.FeedID); err != nil {
		return fmt.Errorf("article %q: %w", a.Slug, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE articles SET feed_id = ? WHERE id = ?`, a.FeedID, a.ID); err != nil {
		return fmt.Errorf("article %d feed ID: %w", a.ID, err)
	}
	return nil
}

// dropTakenSlugRedirects drops every slug redirect that a published article's slug, or
// the article's own, now shadows (after an import, which gives slugs in bulk; see
// keepAddresses for why a draft's stays): one pass over the redirects, each an index
// lookup of the articles' slugs.
func dropTakenSlugRedirects(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM redirects WHERE kind = 'slug'
		AND EXISTS (SELECT 1 FROM articles WHERE articles.slug = redirects.address
			AND (articles.status = 'published' OR articles.id = redirects.article_id))`)
	if err != nil {
		return fmt.Errorf("drop redirects of taken slugs: %w", err)
	}
	return nil
}
