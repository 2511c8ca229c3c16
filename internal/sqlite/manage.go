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

// The management screens' store (issue 8, §3): news.ManageStore. Migration 0025.

// MediaPage implements news.ManageStore.
func (db *DB) MediaPage(ctx context.Context, q news.MediaQuery) ([]*news.Media, error) {
	if q.Limit <= 0 || q.Limit > news.MaxMediaPage {
		q.Limit = news.MaxMediaPage
	}
	var conds []string
	var args []any
	if q.Before > 0 {
		conds = append(conds, `id < ?`)
		args = append(args, q.Before)
	}
	if q.Images {
		conds = append(conds, mediaImages)
	}
	if q.Match != "" {
		p := containsPattern(q.Match)
		conds = append(conds, `(bs_fold(name) LIKE ? ESCAPE '\' OR bs_fold(alt) LIKE ? ESCAPE '\' OR bs_fold(caption) LIKE ? ESCAPE '\' OR bs_fold(title) LIKE ? ESCAPE '\')`)
		args = append(args, p, p, p, p)
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, " AND ")
	}
	rows, err := db.reads.QueryContext(ctx, `SELECT `+mediaColumns+` FROM media`+where+` ORDER BY id DESC LIMIT ?`, append(args, q.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("media page: %w", err)
	}
	defer rows.Close()
	var out []*news.Media
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return nil, fmt.Errorf("media page: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SetMediaWords implements news.ManageStore.
func (db *DB) SetMediaWords(ctx context.Context, id int64, alt, caption string) error {
	if err := news.CheckText("the alt text", alt); err != nil {
		return err
	}
	if err := news.CheckText("the caption", caption); err != nil {
		return err
	}
	res, err := db.write.ExecContext(ctx, `UPDATE media SET alt = ?, caption = ? WHERE id = ?`, alt, caption, id)
	if err != nil {
		return fmt.Errorf("media %d words: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("media %d: %w", id, news.ErrNotFound)
	}
	return nil
}

// mediaUsesWhere selects the articles using any of names (bound by the caller).
func mediaUsesWhere(names []string) (string, []any) {
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = n
	}
	return `article_id IN (SELECT article_id FROM media_uses WHERE name IN (?` + strings.Repeat(",?", len(names)-1) + `))`, args
}

// MediaUses implements news.ManageStore.
func (db *DB) MediaUses(ctx context.Context, m *news.Media, limit int) ([]news.MediaUse, int, error) {
	// Articles written past the store are indexed first (mediauses.go).
	var stale bool
	if err := db.reads.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM media_uses_stale)`).Scan(&stale); err != nil {
		return nil, 0, fmt.Errorf("media %d uses: %w", m.ID, err)
	}
	if stale {
		if err := db.inTx(ctx, func(tx *sql.Tx) error { return freshenMediaUses(ctx, tx) }); err != nil {
			return nil, 0, fmt.Errorf("media %d uses: %w", m.ID, err)
		}
	}
	names := news.MediaFileNames(m)
	where, args := mediaUsesWhere(names)
	where = strings.Replace(where, "article_id IN", "a.id IN", 1)
	var total int
	if err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles a WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("media %d uses: %w", m.ID, err)
	}
	if limit <= 0 || total == 0 {
		return nil, total, nil
	}
	rows, err := db.reads.QueryContext(ctx, `SELECT a.id, a.title, a.status, a.image_url, a.image_srcset FROM articles a WHERE `+where+` ORDER BY a.id LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("media %d uses: %w", m.ID, err)
	}
	defer rows.Close()
	var out []news.MediaUse
	for rows.Next() {
		var u news.MediaUse
		var imageURL, srcset string
		if err := rows.Scan(&u.ArticleID, &u.Title, &u.Status, &imageURL, &srcset); err != nil {
			return nil, 0, fmt.Errorf("media %d uses: %w", m.ID, err)
		}
		featured := news.MediaNamesIn(imageURL+" "+srcset, news.MaxMediaNames)
		for _, n := range featured {
			for _, mine := range names {
				if n == mine {
					u.Featured = true
				}
			}
		}
		u.InBody = !u.Featured
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	// Whether a featured image's article names it in its body too.
	for i := range out {
		if !out[i].Featured {
			continue
		}
		var md, html string
		if err := db.reads.QueryRowContext(ctx, `SELECT body_markdown, body_html FROM articles WHERE id = ?`, out[i].ArticleID).Scan(&md, &html); err == nil {
			for _, n := range news.MediaNamesIn(md+" "+html, news.MaxMediaNames) {
				for _, mine := range names {
					if n == mine {
						out[i].InBody = true
					}
				}
			}
		}
	}
	return out, total, nil
}

// DeleteMedia implements news.ManageStore.
func (db *DB) DeleteMedia(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		m, err := scanMedia(tx.QueryRowContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("media %d: %w", id, news.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("media %d: %w", id, err)
		}
		if err := freshenMediaUses(ctx, tx); err != nil { // articles written past the store: mediauses.go
			return err
		}
		names := news.MediaFileNames(m)
		args := make([]any, len(names))
		for i, n := range names {
			args[i] = n
		}
		var used bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM media_uses u JOIN articles a ON a.id = u.article_id
			WHERE u.name IN (?`+strings.Repeat(",?", len(names)-1)+`))`, args...).Scan(&used); err != nil {
			return fmt.Errorf("media %d uses: %w", id, err)
		}
		if used {
			return fmt.Errorf("media %d is in use: %w", id, news.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM media WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete media %d: %w", id, err)
		}
		// Final: no article write after this one may name the files (media_deleted's
		// trigger, migration 0028).
		for _, n := range names {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO media_deleted (name, deleted_at) VALUES (?, ?)`, n, db.Now().Unix()); err != nil {
				return fmt.Errorf("delete media %d: %w", id, err)
			}
		}
		return nil
	})
}

// SetNameEmail implements news.ManageStore.
func (db *DB) SetNameEmail(ctx context.Context, userID int64, name, email string) error {
	if strings.TrimSpace(name) == "" || !strings.Contains(email, "@") {
		return fmt.Errorf("user needs a name and an email: %w", news.ErrInvalid)
	}
	key := emailKey(email)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE (email_key = ? OR lower(email) = lower(?)) AND id <> ?)`, key, email, userID).Scan(&taken); err != nil {
			return fmt.Errorf("user %d email: %w", userID, err)
		}
		if taken {
			return fmt.Errorf("email of user %d: %w", userID, news.ErrConflict)
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, email = ?, email_key = ? WHERE id = ?`, name, email, key, userID)
		if isUniqueViolation(err) {
			return fmt.Errorf("email of user %d: %w", userID, news.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("user %d: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %d: %w", userID, news.ErrNotFound)
		}
		return nil
	})
}

// CreatePasswordReset implements news.ManageStore.
func (db *DB) CreatePasswordReset(ctx context.Context, pr news.PasswordReset) error {
	if pr.TokenHash == "" || !pr.ExpiresAt.After(pr.CreatedAt) {
		return fmt.Errorf("password reset: %w", news.ErrInvalid)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM password_resets WHERE user_id = ? OR expires_at <= ?`, pr.UserID, pr.CreatedAt.Unix()); err != nil {
			return fmt.Errorf("password reset: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			pr.TokenHash, pr.UserID, nullID(pr.CreatedBy), pr.CreatedAt.Unix(), pr.ExpiresAt.Unix())
		if err != nil {
			return fmt.Errorf("password reset of user %d: %w", pr.UserID, err)
		}
		return nil
	})
}

const resetWorks = `r.token_hash = ? AND r.expires_at > ? AND u.disabled = 0`

// PasswordReset implements news.ManageStore.
func (db *DB) PasswordReset(ctx context.Context, tokenHash string, now time.Time) (*news.PasswordReset, error) {
	var pr news.PasswordReset
	var created, expires int64
	err := db.reads.QueryRowContext(ctx, `SELECT r.token_hash, r.user_id, COALESCE(r.created_by, 0), r.created_at, r.expires_at
		FROM password_resets r JOIN users u ON u.id = r.user_id WHERE `+resetWorks, tokenHash, now.Unix()).
		Scan(&pr.TokenHash, &pr.UserID, &pr.CreatedBy, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("password reset: %w", news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("password reset: %w", err)
	}
	pr.CreatedAt, pr.ExpiresAt = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC()
	return &pr, nil
}

// ResetPassword implements news.ManageStore.
func (db *DB) ResetPassword(ctx context.Context, tokenHash, passwordHash string, now time.Time) (int64, error) {
	if passwordHash == "" {
		return 0, fmt.Errorf("user needs a password: %w", news.ErrInvalid)
	}
	var userID int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id WHERE `+resetWorks,
			tokenHash, now.Unix()).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("password reset: %w", news.ErrNotFound)
		}
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM password_resets WHERE user_id = ?`, `DELETE FROM sessions WHERE user_id = ?`} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, passwordHash, userID)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("reset password: %w", err)
	}
	return userID, nil
}

// DeleteSection implements news.ManageStore. Every page shows the navigation, so the
// change names every page.
func (db *DB) DeleteSection(ctx context.Context, id, moveTo int64) error {
	if id == moveTo {
		return fmt.Errorf("a section's stories cannot move to itself: %w", news.ErrInvalid)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if moveTo != 0 {
			var ok bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sections WHERE id = ?)`, moveTo).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("section %d: %w", moveTo, news.ErrNotFound)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET section_id = ? WHERE section_id = ?`, nullID(moveTo), id); err != nil {
			return fmt.Errorf("move the stories of section %d: %w", id, err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM sections WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("delete section %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("section %d: %w", id, news.ErrNotFound)
		}
		return recordChange(ctx, tx, db.Now(), news.KeyAll)
	})
}

// MoveSection implements news.ManageStore.
func (db *DB) MoveSection(ctx context.Context, id int64, by int) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM sections ORDER BY position, name, id`)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var x int64
			if err := rows.Scan(&x); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		at := -1
		for i, x := range ids {
			if x == id {
				at = i
			}
		}
		if at < 0 {
			return fmt.Errorf("section %d: %w", id, news.ErrNotFound)
		}
		to := at + 1
		if by < 0 {
			to = at - 1
		}
		if by == 0 || to < 0 || to >= len(ids) {
			return nil
		}
		ids[at], ids[to] = ids[to], ids[at]
		for i, x := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE sections SET position = ? WHERE id = ? AND position <> ?`, i+1, x, i+1); err != nil {
				return err
			}
		}
		return recordChange(ctx, tx, db.Now(), news.KeyAll)
	})
}

// TagList implements news.ManageStore.
func (db *DB) TagList(ctx context.Context, q news.TagQuery) ([]news.TagCount, int, error) {
	where, args := "", []any{}
	if q.Match != "" {
		p := containsPattern(q.Match)
		where = ` WHERE (bs_fold(t.name) LIKE ? ESCAPE '\' OR bs_fold(t.slug) LIKE ? ESCAPE '\')`
		args = append(args, p, p)
	}
	var total int
	if err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*) FROM tags t`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count tags: %w", err)
	}
	limit, offset := pageBounds(q.Limit, q.Offset)
	rows, err := db.reads.QueryContext(ctx, `SELECT t.id, t.slug, t.name, (SELECT COUNT(*) FROM article_tags at WHERE at.tag_id = t.id)
		FROM tags t`+where+` ORDER BY t.name, t.id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("tags: %w", err)
	}
	defer rows.Close()
	var out []news.TagCount
	for rows.Next() {
		var t news.TagCount
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &t.Articles); err != nil {
			return nil, 0, fmt.Errorf("tags: %w", err)
		}
		out = append(out, t)
	}
	return out, total, rows.Err()
}

// Tag implements news.ManageStore.
func (db *DB) Tag(ctx context.Context, id int64) (*news.Tag, error) {
	var t news.Tag
	err := db.reads.QueryRowContext(ctx, `SELECT id, slug, name FROM tags WHERE id = ?`, id).Scan(&t.ID, &t.Slug, &t.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("tag %d: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("tag %d: %w", id, err)
	}
	return &t, nil
}

// tagChanged records a change of a tag. A tag's
// name shows on its articles and its archive: a rename, a merge or a deletion changes
// them all, so the change names every page (KeyAll), as a section's does.
func tagChanged(ctx context.Context, tx *sql.Tx, now time.Time) error {
	return recordChange(ctx, tx, now, news.KeyAll)
}

// RenameTag implements news.ManageStore.
func (db *DB) RenameTag(ctx context.Context, id int64, name, slug string) error {
	if strings.TrimSpace(name) == "" || slug == "" {
		return fmt.Errorf("a tag needs a name and a slug: %w", news.ErrInvalid)
	}
	if err := news.CheckText("the tag's name", name); err != nil {
		return err
	}
	now := db.Now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, `SELECT slug FROM tags WHERE id = ?`, id).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("tag %d: %w", id, news.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := bumpTagged(ctx, tx, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE tags SET name = ?, slug = ? WHERE id = ?`, name, slug, id)
		if isUniqueViolation(err) {
			return fmt.Errorf("tag %q: %w", slug, news.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("rename tag %d: %w", id, err)
		}
		if old != slug {
			// The new slug is no former address any more; the old one leads here.
			if _, err := tx.ExecContext(ctx, `DELETE FROM tag_redirects WHERE slug = ?`, slug); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO tag_redirects (slug, tag_id, created_at) VALUES (?, ?, ?)
				ON CONFLICT (slug) DO UPDATE SET tag_id = excluded.tag_id`, old, id, now.Unix()); err != nil {
				return err
			}
		}
		return tagChanged(ctx, tx, now)
	})
}

// bumpTagged makes each story carrying tag id a new version, before the tag is
// renamed, merged or deleted: an editor's form opened before carries the tags by their
// old names, and saving it after would bring the old tag back (a new tag of the old
// name, or the deleted one again); with the version it is the conflict screen, which
// shows the change (as for a closed Disqus thread). A deleted section needs none: the
// form names it, and its save is refused as naming no section, its text kept.
func bumpTagged(ctx context.Context, tx *sql.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE articles SET version = version + 1
		WHERE id IN (SELECT article_id FROM article_tags WHERE tag_id = ?)`, id); err != nil {
		return fmt.Errorf("new versions of the stories of tag %d: %w", id, err)
	}
	return nil
}

// MergeTag implements news.ManageStore.
func (db *DB) MergeTag(ctx context.Context, from, into int64) error {
	if from == into {
		return fmt.Errorf("a tag cannot be merged into itself: %w", news.ErrInvalid)
	}
	now := db.Now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var fromSlug string
		err := tx.QueryRowContext(ctx, `SELECT slug FROM tags WHERE id = ?`, from).Scan(&fromSlug)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("tag %d: %w", from, news.ErrNotFound)
		}
		if err != nil {
			return err
		}
		var ok bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM tags WHERE id = ?)`, into).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("tag %d: %w", into, news.ErrNotFound)
		}
		if err := bumpTagged(ctx, tx, from); err != nil {
			return err
		}
		for _, q := range []string{
			`INSERT OR IGNORE INTO article_tags (article_id, tag_id, position) SELECT article_id, ?, position FROM article_tags WHERE tag_id = ?`,
			`UPDATE tag_redirects SET tag_id = ? WHERE tag_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, into, from); err != nil {
				return fmt.Errorf("merge tag %d into %d: %w", from, into, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE id = ?`, from); err != nil {
			return fmt.Errorf("merge tag %d: %w", from, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tag_redirects (slug, tag_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (slug) DO UPDATE SET tag_id = excluded.tag_id`, fromSlug, into, now.Unix()); err != nil {
			return err
		}
		return tagChanged(ctx, tx, now)
	})
}

// DeleteTag implements news.ManageStore.
func (db *DB) DeleteTag(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := bumpTagged(ctx, tx, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("delete tag %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("tag %d: %w", id, news.ErrNotFound)
		}
		return tagChanged(ctx, tx, db.Now())
	})
}

// TagRedirect implements news.ManageStore.
func (db *DB) TagRedirect(ctx context.Context, slug string) (*news.Tag, error) {
	var t news.Tag
	err := db.reads.QueryRowContext(ctx, `SELECT t.id, t.slug, t.name FROM tag_redirects r JOIN tags t ON t.id = r.tag_id WHERE r.slug = ?`, slug).
		Scan(&t.ID, &t.Slug, &t.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("former tag %q: %w", slug, news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("former tag %q: %w", slug, err)
	}
	return &t, nil
}

var _ news.ManageStore = (*DB)(nil)
