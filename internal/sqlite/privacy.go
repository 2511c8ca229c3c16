package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"broadsheet/internal/news"
)

// news.PrivacyStore. This file is the one place that knows where a commenter's personal
// data lives; a table that comes to hold any must be added here (privacy_test.go scans
// every table of the schema for what an erasure must leave nowhere):
//
//   - comments: author_name, author_email, author_url, body, body_html, ip_hash,
//     user_agent — exported; erased (deleted, or blanked into a placeholder);
//   - blocks: an email, or an IP hash of the commenter's comments — exported; deleted;
//   - buckets: comment post limits, keyed by the SHA-256 of
//     news.CommentAddressLimitKey(IP hash) — counted; deleted;
//   - attempts: failed sign-ins for the email, keyed by the SHA-256 of
//     news.SignInLimitKey — counted; deleted unless a newsroom account has the email.
//     The comment forms' one-use tokens (comment-form:TOKEN:IP hash) cannot be found
//     from an email and expire within minutes;
//   - users, sessions, kept_forms (a newsroom account) and authors (a byline's email):
//     reported, managed under Users and bylines;
//   - webhook_deliveries: a comment event's payload, kept for its retries, copies the
//     comment's name, website and text — forgotten by triggers (migration 0032) when
//     the comment is emptied or deleted, so the erasure needs no step of its own;
//   - articles, revisions, media, sections, tags, settings, changes, nodes: nothing of
//     a commenter.

// blankComment empties a comment of everything personal, leaving what keeps its thread
// in shape: its place (ID, article, parent, time) and status.
const blankComment = `UPDATE comments SET author_name = '', author_email = '', email_key = '', author_url = '', body = '', body_html = '',
	ip_hash = '', user_agent = '', user_id = NULL, removed = 1`

// chunk is how many values one IN (…) list takes.
const chunk = 500

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

// inChunks runs fn over values in slices of at most chunk, with their query arguments.
func inChunks[T any](values []T, fn func(marks string, args []any) error) error {
	for start := 0; start < len(values); start += chunk {
		part := values[start:min(start+chunk, len(values))]
		args := make([]any, len(part))
		for i, v := range part {
			args[i] = v
		}
		if err := fn(placeholders(len(part)), args); err != nil {
			return err
		}
	}
	return nil
}

// siteSecret reads the site's secret (nil when there is none yet).
func siteSecret(ctx context.Context, q queryer) []byte {
	var v string
	if q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, news.SettingSecret).Scan(&v) != nil {
		return nil
	}
	secret, err := hex.DecodeString(v)
	if err != nil || len(secret) < 16 {
		return nil
	}
	return secret
}

// PersonalData implements news.PrivacyStore.
func (db *DB) PersonalData(ctx context.Context, email string) (*news.PersonalData, error) {
	var p *news.PersonalData
	err := db.StreamPersonalData(ctx, email, func(head *news.PersonalData) error {
		p = head
		return nil
	}, func(c *news.PersonalComment) error {
		p.Comments = append(p.Comments, *c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// StreamPersonalData implements news.PrivacyStore: the comments are read one row at a
// time, sorted by SQLite (which spills a large sort to a temporary file), so an address
// with 100,000 long comments costs one comment's memory, not theirs together.
func (db *DB) StreamPersonalData(ctx context.Context, email string, head func(*news.PersonalData) error, each func(*news.PersonalComment) error) error {
	target := news.NormalEmail(email)
	if target == "" {
		return fmt.Errorf("personal data: no email address: %w", news.ErrInvalid)
	}
	// One read transaction: every part of the export is of the same moment.
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("personal data: %w", err)
	}
	defer tx.Rollback()
	now := db.Now().UTC()
	p := &news.PersonalData{Format: news.PersonalDataFormat, Version: news.PersonalDataVersion, Email: target,
		ExportedAt: now.Truncate(time.Second), Comments: []news.PersonalComment{}, Blocks: []news.Block{}, Bylines: []news.PersonalByline{}}
	// The IP hashes first (distinct, so as many as the addresses the comments came
	// from): the blocks and limits of the head depend on them.
	hashes := map[string]bool{}
	err = func() error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT ip_hash FROM comments WHERE email_key = ? AND removed = 0 AND ip_hash <> ''`, target)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				return err
			}
			hashes[h] = true
		}
		return rows.Err()
	}()
	if err != nil {
		return fmt.Errorf("personal data: comments' IP hashes: %w", err)
	}

	blocks, err := blocksOf(ctx, tx, target, hashes)
	if err != nil {
		return err
	}
	p.Blocks = append(p.Blocks, blocks...)
	sort.Slice(p.Blocks, func(i, j int) bool { return p.Blocks[i].CreatedAt.Before(p.Blocks[j].CreatedAt) })

	ms := now.UnixMilli()
	if secret := siteSecret(ctx, tx); secret != nil {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attempts WHERE key = ? AND expires > ?`,
			limitKey(news.SignInLimitKey(secret, target)), ms).Scan(&p.RateLimits.SignInAttempts); err != nil {
			return fmt.Errorf("personal data: sign-in attempts: %w", err)
		}
	}
	for h := range hashes {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM buckets WHERE key = ? AND tat > ?`, limitKey(news.CommentAddressLimitKey(h)), ms).Scan(&n); err != nil {
			return fmt.Errorf("personal data: comment limits: %w", err)
		}
		p.RateLimits.CommentBuckets += n
	}

	if p.NewsroomAccount, err = accountOf(ctx, tx, target); err != nil {
		return err
	}
	if err := func() error {
		rows, err := tx.QueryContext(ctx, `SELECT id, slug, name, email FROM authors WHERE email <> ''`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var b news.PersonalByline
			var e string
			if err := rows.Scan(&b.ID, &b.Slug, &b.Name, &e); err != nil {
				return err
			}
			if news.NormalEmail(e) == target {
				p.Bylines = append(p.Bylines, b)
			}
		}
		return rows.Err()
	}(); err != nil {
		return fmt.Errorf("personal data: bylines: %w", err)
	}
	p.Notes = []string{
		"IP addresses are never stored: ip_hash is a keyed hash of the address a comment came from (an IPv6 /64), kept to fight spam and abuse, and dropped with the user agent after the site's retention (setting comment_ip_days).",
		"Trash and spam comments are deleted for good after the site's setting empty_trash_days.",
		"Rate limits hold only hashes and times and expire by themselves within minutes; a comment form's one-use token cannot be found from an email and expires within the form's lifetime.",
		"A newsroom account or a byline with this address is managed by the site's administrators under Users; erasing a commenter's data leaves it.",
		"Logs never contain a commenter's email or IP address.",
	}
	if err := head(p); err != nil {
		return err
	}

	// The order is read first, as IDs alone (SQLite would otherwise sort whole rows,
	// bodies and all), then the comments a few at a time.
	var ids []int64
	if err := func() error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM comments WHERE email_key = ? AND removed = 0 ORDER BY created_at, id`, target)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	}(); err != nil {
		return fmt.Errorf("personal data: comments: %w", err)
	}
	const few = 32 // comments held at once: at most 32 × 256 KB of text
	for start := 0; start < len(ids); start += few {
		part := ids[start:min(start+few, len(ids))]
		byID := make(map[int64]*news.PersonalComment, len(part))
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		if err := func() error {
			rows, err := tx.QueryContext(ctx, `SELECT c.id, c.article_id, COALESCE(c.parent_id, 0), c.status, c.author_name, c.author_email,
				c.author_url, c.body, c.created_at, COALESCE(c.status_at, c.created_at), c.ip_hash, c.user_agent, COALESCE(c.user_id, 0),
				c.source, c.source_id, a.title, a.slug, a.status, a.published_at
				FROM comments c JOIN articles a ON a.id = c.article_id
				WHERE c.id IN (`+placeholders(len(part))+`)`, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var c news.PersonalComment
				var created, since int64
				var published sql.NullInt64
				if err := rows.Scan(&c.ID, &c.Article.ID, &c.ParentID, &c.Status, &c.AuthorName, &c.AuthorEmail, &c.AuthorURL, &c.Body,
					&created, &since, &c.IPHash, &c.UserAgent, &c.StaffUserID, &c.Source, &c.SourceID,
					&c.Article.Title, &c.Article.Slug, &c.Article.Status, &published); err != nil {
					return err
				}
				c.CreatedAt, c.StatusSince = time.Unix(created, 0).UTC(), time.Unix(since, 0).UTC()
				c.Article.PublishedAt = fromUnix(published)
				byID[c.ID] = &c
			}
			return rows.Err()
		}(); err != nil {
			return fmt.Errorf("personal data: comments: %w", err)
		}
		for _, id := range part {
			if c := byID[id]; c != nil { // one transaction: every ID is there
				if err := each(c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// blocksOf returns the blocks of the address target and of the IP hashes.
func blocksOf(ctx context.Context, q queryer, target string, hashes map[string]bool) ([]news.Block, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, value, created_at FROM blocks`)
	if err != nil {
		return nil, fmt.Errorf("blocks: %w", err)
	}
	defer rows.Close()
	var out []news.Block
	for rows.Next() {
		var b news.Block
		var at int64
		if err := rows.Scan(&b.Kind, &b.Value, &at); err != nil {
			return nil, fmt.Errorf("blocks: %w", err)
		}
		b.CreatedAt = time.Unix(at, 0).UTC()
		if b.Kind == "email" && news.NormalEmail(b.Value) == target || b.Kind == "ip" && hashes[b.Value] {
			out = append(out, b)
		}
	}
	return out, rows.Err()
}

// accountOf describes the newsroom account with the address, if any.
func accountOf(ctx context.Context, q queryer, target string) (*news.PersonalAccount, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, email, name, role, created_at, disabled, totp_secret <> '' FROM users`)
	if err != nil {
		return nil, fmt.Errorf("personal data: accounts: %w", err)
	}
	var acc *news.PersonalAccount
	for rows.Next() {
		var a news.PersonalAccount
		var e string
		var created int64
		if err := rows.Scan(&a.ID, &e, &a.Name, &a.Role, &created, &a.Disabled, &a.TwoStep); err != nil {
			rows.Close()
			return nil, fmt.Errorf("personal data: accounts: %w", err)
		}
		if news.NormalEmail(e) == target {
			a.CreatedAt = time.Unix(created, 0).UTC()
			acc = &a
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || acc == nil {
		return nil, err
	}
	acc.Note = "A newsroom account: managed by the site's administrators under Users, not erased with a commenter's data."
	acc.SessionUAs = []string{}
	srows, err := q.QueryContext(ctx, `SELECT user_agent FROM sessions WHERE user_id = ? ORDER BY created_at`, acc.ID)
	if err != nil {
		return nil, fmt.Errorf("personal data: sessions: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var ua string
		if err := srows.Scan(&ua); err != nil {
			return nil, fmt.Errorf("personal data: sessions: %w", err)
		}
		acc.Sessions++
		acc.SessionUAs = append(acc.SessionUAs, ua)
	}
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM kept_forms WHERE user_id = ?`, acc.ID).Scan(&acc.KeptForms); err != nil {
		return nil, fmt.Errorf("personal data: kept forms: %w", err)
	}
	return acc, srows.Err()
}

// eraseBatch is how many comments one transaction of an erasure erases, a fraction of
// a second of the single writer: 100,000 comments in one transaction held it for 17 s,
// past the 10 s another server's write waits before it fails. Between two batches the
// erasure pauses for eraseYield, longest sleep of SQLite's busy handler, so that another
// process waiting to write finds the database free (this process's own writers are
// handed the connection as soon as a batch ends).
//
// The batch also follows the time a transaction takes (eraseHold): halved when one took
// longer, grown again when it was quick, so that a slow disk, a loaded machine or the
// race detector does not stretch a batch past what another writer can wait.
const (
	eraseBatch    = 2000
	eraseMinBatch = 50
	eraseHold     = 250 * time.Millisecond
	eraseYield    = 100 * time.Millisecond
)

// ErasePersonalData implements news.PrivacyStore.
func (db *DB) ErasePersonalData(ctx context.Context, email string) (*news.Erasure, error) {
	target := news.NormalEmail(email)
	if target == "" {
		return nil, fmt.Errorf("erase personal data: no email address: %w", news.ErrInvalid)
	}
	e := &news.Erasure{}
	hashes := map[string]bool{}
	articles := map[int64]bool{}
	var kept []int64        // comments left as placeholders (a later batch may prune some)
	batch := eraseBatch / 4 // grown while transactions stay quick
	for more, first := true, true; more; first = false {
		if !first {
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("erase personal data: %w (%d comments erased; erase again for the rest)", context.Cause(ctx), e.Comments)
			case <-time.After(eraseYield):
			}
		}
		began := time.Now()
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			// Newest first: a reply goes before (or with) the comment it answers, so
			// that no placeholder is made for a reply the erasure takes next.
			var ids []int64
			err := func() error {
				rows, err := tx.QueryContext(ctx, `SELECT id, ip_hash FROM comments WHERE email_key = ? AND removed = 0 ORDER BY id DESC LIMIT ?`, target, batch)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var id int64
					var h string
					if err := rows.Scan(&id, &h); err != nil {
						return err
					}
					ids = append(ids, id)
					if h != "" {
						hashes[h] = true
					}
				}
				return rows.Err()
			}()
			if err != nil {
				return fmt.Errorf("erase personal data: comments: %w", err)
			}
			er, err := eraseComments(ctx, tx, ids)
			if err != nil {
				return fmt.Errorf("erase personal data: %w", err)
			}
			e.Comments += len(ids)
			kept = append(kept, er.kept...)
			for _, id := range er.articles {
				articles[id] = true
			}
			if more = len(ids) == batch; more {
				return recordChange(ctx, tx, db.Now(), articleKeys(er.articles)...)
			}
			return eraseTraces(ctx, db, tx, target, hashes, kept, e, er.articles)
		})
		if err != nil {
			// What earlier batches erased stays erased; a second call erases the rest.
			return nil, err
		}
		switch took := time.Since(began); {
		case took > eraseHold:
			batch = max(eraseMinBatch, batch/2)
		case took < eraseHold/4:
			batch = min(eraseBatch, batch*2)
		}
	}
	for id := range articles {
		e.Articles = append(e.Articles, id)
	}
	sort.Slice(e.Articles, func(i, j int) bool { return e.Articles[i] < e.Articles[j] })
	return e, nil
}

// eraseTraces is the last transaction of an erasure, once the address has no comment
// left: the placeholders that stayed are counted, and its blocks and rate-limit entries
// (and those of its comments' IP hashes no one else's comment has) go.
func eraseTraces(ctx context.Context, db *DB, tx *sql.Tx, target string, hashes map[string]bool, kept []int64, e *news.Erasure, articles []int64) error {
	if err := inChunks(kept, func(marks string, args []any) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE removed = 1 AND id IN (`+marks+`)`, args...).Scan(&n)
		e.Placeholders += n
		return err
	}); err != nil {
		return fmt.Errorf("erase personal data: placeholders: %w", err)
	}
	// An IP hash another commenter's comment still has is theirs as much: its block
	// and limits stay.
	for h := range hashes {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM comments WHERE ip_hash = ? LIMIT 1)`, h).Scan(&n); err != nil {
			return fmt.Errorf("erase personal data: %w", err)
		}
		if n > 0 {
			delete(hashes, h)
		}
	}
	blocks, err := blocksOf(ctx, tx, target, hashes)
	if err != nil {
		return err
	}
	for _, b := range blocks {
		if _, err := tx.ExecContext(ctx, `DELETE FROM blocks WHERE kind = ? AND value = ?`, b.Kind, b.Value); err != nil {
			return fmt.Errorf("erase personal data: blocks: %w", err)
		}
		e.Blocks++
	}
	for h := range hashes {
		res, err := tx.ExecContext(ctx, `DELETE FROM buckets WHERE key = ?`, limitKey(news.CommentAddressLimitKey(h)))
		if err != nil {
			return fmt.Errorf("erase personal data: limits: %w", err)
		}
		n, _ := res.RowsAffected()
		e.LimitEntries += int(n)
	}
	// A newsroom account's failed sign-ins protect it: they stay (and expire).
	if acc, err := accountOf(ctx, tx, target); err != nil {
		return err
	} else if secret := siteSecret(ctx, tx); acc == nil && secret != nil {
		res, err := tx.ExecContext(ctx, `DELETE FROM attempts WHERE key = ?`, limitKey(news.SignInLimitKey(secret, target)))
		if err != nil {
			return fmt.Errorf("erase personal data: limits: %w", err)
		}
		n, _ := res.RowsAffected()
		e.LimitEntries += int(n)
	}
	return recordChange(ctx, tx, db.Now(), articleKeys(articles)...)
}

func articleKeys(ids []int64) []string {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = news.KeyArticle(id)
	}
	return keys
}

// erased is what eraseComments did: how many it left as placeholders, and the articles
// whose pages show a change (an approved comment went or became a placeholder).
type erased struct {
	placeholders int
	kept         []int64 // the placeholders' IDs
	articles     []int64
}

type commentRef struct {
	article, parent int64
	approved        bool
	imported        bool
}

// eraseComments erases the comments ids, within tx. A comment that something hangs
// from (a reply, or a placeholder that replies hang from) becomes a placeholder; one
// imported becomes a bare hidden row, out of its thread, so that importing the same file
// again skips it; the others are deleted. A placeholder nothing hangs from any more
// (its last reply was among them) goes too.
func eraseComments(ctx context.Context, tx *sql.Tx, ids []int64) (erased, error) {
	var out erased
	if len(ids) == 0 {
		return out, nil
	}
	refs := make(map[int64]*commentRef, len(ids))
	err := inChunks(ids, func(marks string, args []any) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, article_id, COALESCE(parent_id, 0), status = 'approved', source <> ''
			FROM comments WHERE id IN (`+marks+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var r commentRef
			if err := rows.Scan(&id, &r.article, &r.parent, &r.approved, &r.imported); err != nil {
				return err
			}
			refs[id] = &r
		}
		return rows.Err()
	})
	if err != nil {
		return out, fmt.Errorf("read comments: %w", err)
	}
	// keep: the comments a reply outside the set hangs from, and their ancestors in it.
	keep := map[int64]bool{}
	var queue []int64
	err = inChunks(ids, func(marks string, args []any) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, parent_id FROM comments WHERE parent_id IN (`+marks+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, parent int64
			if err := rows.Scan(&id, &parent); err != nil {
				return err
			}
			if refs[id] == nil && !keep[parent] {
				keep[parent] = true
				queue = append(queue, parent)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return out, fmt.Errorf("read replies: %w", err)
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if p := refs[id].parent; refs[p] != nil && !keep[p] {
			keep[p] = true
			queue = append(queue, p)
		}
	}
	articles := map[int64]bool{}
	var orphaned []int64 // parents outside the set that lost a reply
	for id, r := range refs {
		if r.approved {
			articles[r.article] = true
		}
		var err error
		switch {
		case keep[id]:
			_, err = tx.ExecContext(ctx, blankComment+` WHERE id = ?`, id)
			out.placeholders++
			out.kept = append(out.kept, id)
		case r.imported:
			_, err = tx.ExecContext(ctx, blankComment+`, status = 'trash', parent_id = NULL WHERE id = ?`, id)
		default:
			_, err = tx.ExecContext(ctx, `DELETE FROM comments WHERE id = ?`, id)
		}
		if err != nil {
			return out, fmt.Errorf("erase comment %d: %w", id, err)
		}
		if !keep[id] && r.parent != 0 && refs[r.parent] == nil {
			orphaned = append(orphaned, r.parent)
		}
	}
	if err := prunePlaceholders(ctx, tx, orphaned, articles); err != nil {
		return out, err
	}
	for id := range articles {
		out.articles = append(out.articles, id)
	}
	sort.Slice(out.articles, func(i, j int) bool { return out.articles[i] < out.articles[j] })
	return out, nil
}

// prunePlaceholders removes, from ids upwards, the placeholders nothing hangs from any
// more: deleted, or, imported, left bare and hidden.
func prunePlaceholders(ctx context.Context, tx *sql.Tx, ids []int64, articles map[int64]bool) error {
	seen := map[int64]bool{}
	for len(ids) > 0 {
		id := ids[0]
		ids = ids[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		var article, parent int64
		var approved, imported bool
		err := tx.QueryRowContext(ctx, `SELECT article_id, COALESCE(parent_id, 0), status = 'approved', source <> '' FROM comments
			WHERE id = ? AND removed = 1 AND NOT EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = comments.id)`, id).
			Scan(&article, &parent, &approved, &imported)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return fmt.Errorf("prune placeholder %d: %w", id, err)
		}
		if imported {
			_, err = tx.ExecContext(ctx, `UPDATE comments SET status = 'trash', parent_id = NULL WHERE id = ?`, id)
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM comments WHERE id = ?`, id)
		}
		if err != nil {
			return fmt.Errorf("prune placeholder %d: %w", id, err)
		}
		if approved {
			articles[article] = true
		}
		if parent != 0 {
			ids = append(ids, parent)
		}
	}
	return nil
}

// PurgeComments implements news.PrivacyStore.
func (db *DB) PurgeComments(ctx context.Context, emptyBefore, tracesBefore time.Time, limit int) (news.Purged, error) {
	var p news.Purged
	if limit < 1 {
		return p, fmt.Errorf("purge comments: limit %d: %w", limit, news.ErrInvalid)
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var arts []int64
		if !emptyBefore.IsZero() {
			// Through the index comments_to_empty (the terms are its own), so that only the
			// rows due are read, oldest first, however much trash waits.
			rows, err := tx.QueryContext(ctx, `SELECT id FROM comments INDEXED BY comments_to_empty WHERE status IN ('trash', 'spam') AND removed = 0
				AND coalesce(status_at, created_at) < ? ORDER BY coalesce(status_at, created_at) LIMIT ?`, emptyBefore.Unix(), limit)
			if err != nil {
				return fmt.Errorf("purge comments: %w", err)
			}
			var ids []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return fmt.Errorf("purge comments: %w", err)
				}
				ids = append(ids, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("purge comments: %w", err)
			}
			er, err := eraseComments(ctx, tx, ids)
			if err != nil {
				return fmt.Errorf("purge comments: %w", err)
			}
			p.Comments, p.Placeholders, arts = len(ids), er.placeholders, er.articles
			p.More = len(ids) == limit
		}
		if !tracesBefore.IsZero() {
			res, err := tx.ExecContext(ctx, `UPDATE comments SET ip_hash = '', user_agent = '' WHERE id IN
				(SELECT id FROM comments INDEXED BY comments_with_traces WHERE (ip_hash <> '' OR user_agent <> '') AND created_at < ? ORDER BY created_at LIMIT ?)`,
				tracesBefore.Unix(), limit)
			if err != nil {
				return fmt.Errorf("drop comments' IP hashes: %w", err)
			}
			n, _ := res.RowsAffected()
			p.Traces = int(n)
			p.More = p.More || p.Traces == limit
		}
		return recordChange(ctx, tx, db.Now(), articleKeys(arts)...)
	})
	if err != nil {
		return news.Purged{}, err
	}
	return p, nil
}
