package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"broadsheet/internal/news"
)

// Sections implements news.Store.
func (db *DB) Sections(ctx context.Context) ([]*news.Section, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT id, slug, name, description, position, COALESCE(parent_id, 0) FROM sections ORDER BY position, name`)
	if err != nil {
		return nil, fmt.Errorf("sections: %w", err)
	}
	defer rows.Close()
	var out []*news.Section
	for rows.Next() {
		var s news.Section
		if err := rows.Scan(&s.ID, &s.Slug, &s.Name, &s.Description, &s.Position, &s.ParentID); err != nil {
			return nil, fmt.Errorf("sections: %w", err)
		}
		out = append(out, &s)
	}
	return out, rows.Err()
}

// SectionBySlug implements news.Store.
func (db *DB) SectionBySlug(ctx context.Context, slug string) (*news.Section, error) {
	var s news.Section
	err := db.reads.QueryRowContext(ctx, `SELECT id, slug, name, description, position, COALESCE(parent_id, 0) FROM sections WHERE slug = ?`, slug).
		Scan(&s.ID, &s.Slug, &s.Name, &s.Description, &s.Position, &s.ParentID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("section %q: %w", slug, news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("section %q: %w", slug, err)
	}
	return &s, nil
}

// CreateSection implements news.Store.
func (db *DB) CreateSection(ctx context.Context, s *news.Section) error {
	if err := checkSection(s); err != nil {
		return err
	}
	if s.Slug == "" {
		s.Slug = news.Slugify(s.Name)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		// A page may not have a section's slug (news.CheckPageSlug): a section taking a
		// page's would leave the page one it could no longer be saved with.
		var page bool
		if err := tx.QueryRowContext(ctx, qPageSlugAnyCase, s.Slug).Scan(&page); err != nil {
			return fmt.Errorf("create section: %w", err)
		}
		if page {
			return fmt.Errorf("section %q: a page has that slug: %w", s.Slug, news.ErrConflict)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO sections (slug, name, description, position) VALUES (?, ?, ?, ?)`,
			s.Slug, s.Name, s.Description, s.Position)
		if isUniqueViolation(err) {
			return fmt.Errorf("section %q: %w", s.Slug, news.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("create section: %w", err)
		}
		s.ID, _ = res.LastInsertId()
		return recordChange(ctx, tx, db.Now(), news.KeyAll)
	})
}

// TagBySlug implements news.Store.
func (db *DB) TagBySlug(ctx context.Context, slug string) (*news.Tag, error) {
	var t news.Tag
	err := db.reads.QueryRowContext(ctx, `SELECT id, slug, name FROM tags WHERE slug = ?`, slug).Scan(&t.ID, &t.Slug, &t.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("tag %q: %w", slug, news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("tag %q: %w", slug, err)
	}
	return &t, nil
}

// AuthorBySlug implements news.Store.
func (db *DB) AuthorBySlug(ctx context.Context, slug string) (*news.Author, error) {
	var a news.Author
	err := db.reads.QueryRowContext(ctx, `SELECT id, slug, name, email, bio FROM authors WHERE slug = ?`, slug).
		Scan(&a.ID, &a.Slug, &a.Name, &a.Email, &a.Bio)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("author %q: %w", slug, news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("author %q: %w", slug, err)
	}
	return &a, nil
}

// UpdateSection implements news.Store. A section's name is on every page's navigation
// and on its articles, so the change invalidates every page.
func (db *DB) UpdateSection(ctx context.Context, s *news.Section) error {
	if err := checkSection(s); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sections SET name = ?, description = ?, position = ? WHERE id = ?`, s.Name, s.Description, s.Position, s.ID)
		if err != nil {
			return fmt.Errorf("update section %d: %w", s.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("section %d: %w", s.ID, news.ErrNotFound)
		}
		return recordChange(ctx, tx, db.Now(), news.KeyAll)
	})
}

func checkSection(s *news.Section) error {
	if strings.TrimSpace(s.Name) == "" {
		return fmt.Errorf("section needs a name: %w", news.ErrInvalid)
	}
	if err := news.CheckText("the section's name", s.Name); err != nil {
		return err
	}
	return news.CheckText("the section's description", s.Description)
}

// qNextSectionPosition is the position a new section takes: after every other. It is
// an index search (sections_by_position): an import adds sections one by one, and a
// scan of the table for each made a WXR file of 100,000 categories quadratic.
const qNextSectionPosition = `SELECT COALESCE(MAX(position), 0) + 1 FROM sections`

// qSectionSlugAnyCase finds the sections whose slug is a page's in any case
// (news.CheckPageSlug). It is an index search (sections_by_slug_nocase): an import
// checks every page, and a scan of the sections for each was quadratic.
const qSectionSlugAnyCase = `SELECT slug FROM sections WHERE slug = ? COLLATE NOCASE`

// qPageSlugAnyCase reports whether a page has the slug in any case: along the partial
// index articles_pages, the site's pages only (a few), never its stories.
const qPageSlugAnyCase = `SELECT EXISTS (SELECT 1 FROM articles a INDEXED BY articles_pages
	WHERE a.kind = 'page' AND a.slug = ? COLLATE NOCASE)`
