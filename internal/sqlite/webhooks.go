package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"broadsheet/internal/news"
)

// Webhooks and their delivery queue (news.WebhookStore, migration 0031). The
// deliveries are queued by the triggers of migration 0031, in the transaction of the
// write that causes each event.

var _ news.WebhookStore = (*DB)(nil)

// CreateWebhook implements news.WebhookStore.
func (db *DB) CreateWebhook(ctx context.Context, h *news.Webhook) error {
	// The address's form is checked here too; whether private addresses are allowed
	// is the caller's question (the setting can change after), and each send's.
	u, err := news.CheckWebhookURL(h.URL, true)
	if err != nil {
		return err
	}
	events, err := news.CheckWebhookEvents(h.Events)
	if err != nil {
		return err
	}
	if len(h.Secret) < 16 {
		return fmt.Errorf("a webhook's secret must have at least 16 characters: %w", news.ErrInvalid)
	}
	created := db.Now().UTC().Truncate(time.Second)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO webhooks (url, events, secret, enabled, created_at) VALUES (?, ?, ?, ?, ?)`,
			u, strings.Join(events, " "), h.Secret, h.Enabled, created.Unix())
		if err != nil {
			return fmt.Errorf("add webhook: %w", err)
		}
		h.ID, _ = res.LastInsertId()
		h.URL, h.Events, h.CreatedAt = u, events, created
		return nil
	})
}

// Webhooks implements news.WebhookStore.
func (db *DB) Webhooks(ctx context.Context) ([]*news.Webhook, error) {
	rows, err := db.reads.QueryContext(ctx, `SELECT id, url, events, enabled, created_at FROM webhooks ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	defer rows.Close()
	var out []*news.Webhook
	for rows.Next() {
		var h news.Webhook
		var events string
		var created int64
		if err := rows.Scan(&h.ID, &h.URL, &events, &h.Enabled, &created); err != nil {
			return nil, fmt.Errorf("webhooks: %w", err)
		}
		h.Events, h.CreatedAt = strings.Fields(events), time.Unix(created, 0).UTC()
		out = append(out, &h)
	}
	return out, rows.Err()
}

// SetWebhookEnabled implements news.WebhookStore.
func (db *DB) SetWebhookEnabled(ctx context.Context, id int64, enabled bool) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return oneRow(tx.ExecContext(ctx, `UPDATE webhooks SET enabled = ? WHERE id = ?`, enabled, id))(fmt.Sprintf("webhook %d", id))
	})
}

// DeleteWebhook implements news.WebhookStore.
func (db *DB) DeleteWebhook(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return oneRow(tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = ?`, id))(fmt.Sprintf("webhook %d", id))
	})
}

// oneRow turns an Exec's result into nil when it changed a row and ErrNotFound when
// it changed none.
func oneRow(res sql.Result, err error) func(what string) error {
	return func(what string) error {
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		} else if n == 0 {
			return fmt.Errorf("%s: %w", what, news.ErrNotFound)
		}
		return nil
	}
}

// EnqueueWebhookPing implements news.WebhookStore.
func (db *DB) EnqueueWebhookPing(ctx context.Context, hookID int64, at time.Time) (int64, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (hook_id, event, subject_id, occurred_at, next_at)
			SELECT id, ?, id, ?, ? FROM webhooks WHERE id = ?`, news.EventPing, at.Unix(), at.Unix(), hookID)
		if err := oneRow(res, err)(fmt.Sprintf("ping webhook %d", hookID)); err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

const deliveryColumns = `d.id, d.hook_id, h.url, d.event, d.subject_id, d.occurred_at, d.status, d.attempts, d.next_at,
	d.first_tried_at, d.lease_until, d.last_at, d.last_code, d.last_answer, d.last_error`

func scanDelivery(row scanner, extra ...any) (*news.WebhookDelivery, error) {
	var d news.WebhookDelivery
	var occurred, next int64
	var first, until, last sql.NullInt64
	err := row.Scan(append([]any{&d.ID, &d.HookID, &d.URL, &d.Event, &d.SubjectID, &occurred, &d.Status, &d.Attempts, &next,
		&first, &until, &last, &d.LastCode, &d.LastAnswer, &d.LastError}, extra...)...)
	if err != nil {
		return nil, err
	}
	d.OccurredAt, d.NextAt = time.Unix(occurred, 0).UTC(), time.Unix(next, 0).UTC()
	d.FirstTriedAt, d.LeasedUntil, d.LastAt = fromUnix(first), fromUnix(until), fromUnix(last)
	return &d, nil
}

// WebhookDeliveries implements news.WebhookStore.
func (db *DB) WebhookDeliveries(ctx context.Context, hookID int64, limit int) ([]*news.WebhookDelivery, error) {
	if limit <= 0 {
		return nil, nil
	}
	where, args := ``, []any{limit}
	if hookID != 0 {
		where, args = `WHERE d.hook_id = ?`, []any{hookID, limit}
	}
	rows, err := db.reads.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries d JOIN webhooks h ON h.id = d.hook_id `+
		where+` ORDER BY d.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("webhook deliveries: %w", err)
	}
	defer rows.Close()
	var out []*news.WebhookDelivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("webhook deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// claimWhere selects the deliveries a worker may claim at a time (twice).
const claimWhere = `d.status = 'pending' AND d.next_at <= ? AND (d.lease_until IS NULL OR d.lease_until <= ?)
	AND d.hook_id IN (SELECT id FROM webhooks WHERE enabled = 1)`

// ClaimWebhookDeliveries implements news.WebhookStore. The check and the lease are one
// immediate transaction, which SQLite runs one at a time across every process that
// has the file open: two workers cannot both see a row unleased. (PostgreSQL will do
// the same with SELECT … FOR UPDATE SKIP LOCKED.)
func (db *DB) ClaimWebhookDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*news.WebhookDelivery, error) {
	if limit <= 0 || lease <= 0 {
		return nil, fmt.Errorf("claim webhook deliveries: limit %d, lease %v: %w", limit, lease, news.ErrInvalid)
	}
	at := now.Unix()
	// Most polls find nothing: they ask a reader first, and take the writers' lock
	// only when there is work.
	var due bool
	if err := db.reads.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE `+claimWhere+`)`, at, at).Scan(&due); err != nil {
		return nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	if !due {
		return nil, nil
	}
	var out []*news.WebhookDelivery
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, `SELECT d.id FROM webhook_deliveries d WHERE `+claimWhere+` ORDER BY d.next_at, d.id LIMIT ?`, at, at, limit)
		if err != nil {
			return fmt.Errorf("claim webhook deliveries: %w", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("claim webhook deliveries: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("claim webhook deliveries: %w", err)
		}
		until := now.Add(lease).Unix()
		for _, id := range ids {
			token := newLease()
			if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET lease = ?, lease_until = ?, attempts = attempts + 1,
				first_tried_at = COALESCE(first_tried_at, ?) WHERE id = ?`, token, until, at, id); err != nil {
				return fmt.Errorf("claim webhook delivery %d: %w", id, err)
			}
			var secret string
			var payload []byte
			d, err := scanDelivery(tx.QueryRowContext(ctx, `SELECT `+deliveryColumns+`, h.secret, d.payload
				FROM webhook_deliveries d JOIN webhooks h ON h.id = d.hook_id WHERE d.id = ?`, id), &secret, &payload)
			if err != nil {
				return fmt.Errorf("claim webhook delivery %d: %w", id, err)
			}
			d.Secret, d.Payload, d.Lease = secret, payload, token
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// newLease returns a claim's token: 128 random bits.
func newLease() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// FinishWebhookDelivery implements news.WebhookStore. The lease is the UPDATE's own
// condition, so a worker whose lease ran out writes nothing over its successor's.
func (db *DB) FinishWebhookDelivery(ctx context.Context, id int64, lease string, r news.DeliveryResult) error {
	status, next := news.DeliveryPending, r.NextAt.Unix()
	switch {
	case r.Delivered:
		status, next = news.DeliveryDelivered, 0
	case r.NextAt.IsZero():
		status, next = news.DeliveryFailed, 0
	}
	answer := r.Answer
	if len(answer) > news.MaxWebhookAnswer {
		answer = strings.ToValidUTF8(answer[:news.MaxWebhookAnswer], "")
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = ?, next_at = CASE WHEN ? = 'pending' THEN ? ELSE next_at END,
			lease = NULL, lease_until = NULL,
			last_at = ?, last_code = ?, last_answer = ?, last_error = ? WHERE id = ? AND lease = ?`,
			string(status), string(status), next, r.At.Unix(), r.Code, answer, r.Error, id, lease)
		if err != nil {
			return fmt.Errorf("finish webhook delivery %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("finish webhook delivery %d: %w", id, err)
		} else if n == 0 {
			return fmt.Errorf("webhook delivery %d: its lease ended or was taken: %w", id, news.ErrStale)
		}
		return nil
	})
}

// KeepWebhookPayload implements news.WebhookStore.
func (db *DB) KeepWebhookPayload(ctx context.Context, id int64, lease string, payload []byte, personal bool) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if personal {
			// In the writers' transaction, so that an erasure is wholly before (the
			// comment is found emptied) or after (its trigger forgets this copy).
			var there bool
			err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM comments c JOIN webhook_deliveries d ON d.subject_id = c.id
				WHERE d.id = ? AND c.removed = 0)`, id).Scan(&there)
			if err != nil {
				return fmt.Errorf("keep webhook delivery %d's payload: %w", id, err)
			}
			if !there {
				return fmt.Errorf("webhook delivery %d: its comment was erased or deleted since it was read: %w", id, news.ErrNotFound)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET payload = COALESCE(payload, ?) WHERE id = ? AND lease = ?`, payload, id, lease)
		if err != nil {
			return fmt.Errorf("keep webhook delivery %d's payload: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("keep webhook delivery %d's payload: %w", id, err)
		} else if n == 0 {
			return fmt.Errorf("webhook delivery %d: its lease ended or was taken: %w", id, news.ErrStale)
		}
		return nil
	})
}

// RetryWebhookDelivery implements news.WebhookStore.
func (db *DB) RetryWebhookDelivery(ctx context.Context, id int64, now time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'pending', next_at = ?, first_tried_at = NULL
			WHERE id = ?`, now.Unix(), id)
		return oneRow(res, err)(fmt.Sprintf("retry webhook delivery %d", id))
	})
}

// PurgeWebhookDeliveries implements news.WebhookStore.
func (db *DB) PurgeWebhookDeliveries(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE status <> 'pending' AND last_at < ?`, before.Unix())
		if err != nil {
			return fmt.Errorf("purge webhook deliveries: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
