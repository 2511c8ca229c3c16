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

const revisionColumns = `r.id, r.article_id, COALESCE(r.user_id, 0), COALESCE(u.name, ''), r.created_at, r.status, r.slug,
	r.title, r.standfirst, r.body_markdown, r.correction_note, r.seo_description, r.section, r.tags, r.published_at, COALESCE(r.version, 0),
	r.image_url, COALESCE(r.image_alt, ''), COALESCE(r.image_caption, ''), COALESCE(r.comments_closed, 0), r.authors`

func scanRevision(row scanner) (*news.Revision, error) {
	var r news.Revision
	var created int64
	var published sql.NullInt64
	var tags string
	var image, authors sql.NullString
	err := row.Scan(&r.ID, &r.ArticleID, &r.UserID, &r.UserName, &created, &r.Status, &r.Slug, &r.Title, &r.Standfirst,
		&r.Markdown, &r.Correction, &r.SEO, &r.Section, &tags, &published, &r.Version,
		&image, &r.ImageAlt, &r.ImageCaption, &r.CommentsClosed, &authors)
	if err != nil {
		return nil, err
	}
	r.ImageURL, r.HasSwitches = image.String, image.Valid
	if r.HasAuthors = authors.Valid; authors.String != "" { // bylines.go
		r.Authors = strings.Split(authors.String, "\x1f")
	}
	r.CreatedAt, r.PublishedAt = time.Unix(created, 0).UTC(), fromUnix(published)
	if tags != "" {
		r.Tags = strings.Split(tags, "\x1f")
	}
	return &r, nil
}

// RevisionPage implements news.Store.
func (db *DB) RevisionPage(ctx context.Context, articleID int64, limit, offset int) ([]*news.Revision, int, error) {
	var total int
	if err := db.reads.QueryRowContext(ctx, `SELECT COUNT(*) FROM revisions WHERE article_id = ?`, articleID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("revisions of article %d: %w", articleID, err)
	}
	if limit <= 0 {
		return nil, total, nil
	}
	rows, err := db.reads.QueryContext(ctx, `SELECT `+revisionColumns+` FROM revisions r LEFT JOIN users u ON u.id = r.user_id
		WHERE r.article_id = ? ORDER BY r.id DESC LIMIT ? OFFSET ?`, articleID, limit, max(0, offset))
	if err != nil {
		return nil, 0, fmt.Errorf("revisions of article %d: %w", articleID, err)
	}
	defer rows.Close()
	var out []*news.Revision
	for rows.Next() {
		r, err := scanRevision(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("revisions of article %d: %w", articleID, err)
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// Revision implements news.Store.
func (db *DB) Revision(ctx context.Context, id int64) (*news.Revision, error) {
	r, err := scanRevision(db.reads.QueryRowContext(ctx, `SELECT `+revisionColumns+` FROM revisions r LEFT JOIN users u ON u.id = r.user_id WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("revision %d: %w", id, news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("revision %d: %w", id, err)
	}
	return r, nil
}

// PublishDue implements news.Store. Each article goes live through UpdateArticle, so
// its pages' cache keys are recorded as for any publication, based on the version it
// read: an editor's save in between wins (it may have unscheduled the article), and
// the article is read again.
func (db *DB) PublishDue(ctx context.Context, now time.Time) (int, error) {
	ids, err := db.publishDue(ctx, now)
	return len(ids), err
}

// publishDue is PublishDue returning the IDs of the articles whose write this call
// made (one another server published first is not among them: its UpdateArticle here
// is stale, and the article read again is no longer scheduled). Each write tells the
// writer in its own transaction (news.WorkflowNotice), so that of several servers
// exactly one does, and a crash loses neither the publication nor the word of it alone.
func (db *DB) publishDue(ctx context.Context, now time.Time) ([]int64, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT id FROM articles WHERE status = 'scheduled' AND published_at <= ?`, now.Unix())
	if err != nil {
		return nil, fmt.Errorf("scheduled articles: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	var done []int64
	for _, id := range ids {
		for attempt := 1; ; attempt++ {
			a, err := db.Article(ctx, id)
			if err != nil {
				return done, err
			}
			if a.Status != news.StatusScheduled || news.StatusAt(a.Status, a.PublishedAt, now) != news.StatusPublished { // changed meanwhile
				break
			}
			a.Status, a.EditedBy = news.StatusPublished, 0
			err = db.UpdateArticle(ctx, a)
			if errors.Is(err, news.ErrStale) && attempt < 3 {
				continue // saved in between: decide again on what is stored now
			}
			if err != nil {
				return done, fmt.Errorf("publish scheduled article %d: %w", id, err)
			}
			done = append(done, id)
			break
		}
	}
	return done, nil
}
