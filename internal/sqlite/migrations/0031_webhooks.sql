-- Webhooks (news.WebhookStore): addresses told of the site's events, and the queue of
-- their deliveries. Times are Unix seconds (UTC).

CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    url        TEXT NOT NULL,
    events     TEXT NOT NULL,             -- the events it asks for, separated by spaces
    secret     TEXT NOT NULL,             -- keys the HMAC-SHA256 signature of its deliveries
    enabled    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);

-- One row per event per webhook. The queue lives here, in the store, so that an event
-- is kept across restarts, and of several servers exactly one sends each attempt: a
-- worker claims a row by setting its lease (token and end) in one immediate
-- transaction, and a row whose lease ran out (its worker died) is claimed again.
CREATE TABLE webhook_deliveries (
    id             INTEGER PRIMARY KEY,
    hook_id        INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event          TEXT NOT NULL,
    subject_id     INTEGER NOT NULL,      -- the article's or comment's ID (no key: it may be deleted before the send)
    occurred_at    INTEGER NOT NULL,
    payload        BLOB,                  -- the JSON sent, kept by the first attempt so that retries send the same bytes
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_at        INTEGER NOT NULL DEFAULT 0,
    first_tried_at INTEGER,
    lease          TEXT,
    lease_until    INTEGER,
    last_at        INTEGER,
    last_code      INTEGER NOT NULL DEFAULT 0,
    last_answer    TEXT NOT NULL DEFAULT '',
    last_error     TEXT NOT NULL DEFAULT ''
);
-- The workers' claim: the pending rows, by the time they are due.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_at, id) WHERE status = 'pending';
-- The admin's list of a webhook's deliveries, newest first, and the cascade.
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries(hook_id, id);
-- The purge of old finished deliveries.
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries(last_at) WHERE status <> 'pending';

-- The events are queued by triggers, so that every path that writes an article or a
-- comment (the editor, the scheduler's PublishDue, bulk actions, staff replies,
-- moderation, an API) queues them in its own transaction: a rolled-back write sends
-- nothing, a committed one is never lost. Imported rows (source set) send nothing.
-- occurred_at is the database's clock.

CREATE TRIGGER webhook_article_created AFTER INSERT ON articles
WHEN NEW.status = 'published' AND NEW.source = ''
BEGIN
    INSERT INTO webhook_deliveries (hook_id, event, subject_id, occurred_at)
    SELECT id, 'article.published', NEW.id, CAST(strftime('%s', 'now') AS INTEGER) FROM webhooks
    WHERE enabled = 1 AND instr(' ' || events || ' ', ' article.published ') > 0;
END;

CREATE TRIGGER webhook_article_published AFTER UPDATE OF status ON articles
WHEN NEW.status = 'published' AND OLD.status <> 'published'
BEGIN
    INSERT INTO webhook_deliveries (hook_id, event, subject_id, occurred_at)
    SELECT id, 'article.published', NEW.id, CAST(strftime('%s', 'now') AS INTEGER) FROM webhooks
    WHERE enabled = 1 AND instr(' ' || events || ' ', ' article.published ') > 0;
END;

CREATE TRIGGER webhook_article_unpublished AFTER UPDATE OF status ON articles
WHEN OLD.status = 'published' AND NEW.status <> 'published'
BEGIN
    INSERT INTO webhook_deliveries (hook_id, event, subject_id, occurred_at)
    SELECT id, 'article.unpublished', NEW.id, CAST(strftime('%s', 'now') AS INTEGER) FROM webhooks
    WHERE enabled = 1 AND instr(' ' || events || ' ', ' article.unpublished ') > 0;
END;

-- An update is a save (the version moves): a re-render of the stored HTML, which keeps
-- the version, is not one.
CREATE TRIGGER webhook_article_updated AFTER UPDATE ON articles
WHEN OLD.status = 'published' AND NEW.status = 'published' AND NEW.version <> OLD.version
BEGIN
    INSERT INTO webhook_deliveries (hook_id, event, subject_id, occurred_at)
    SELECT id, 'article.updated', NEW.id, CAST(strftime('%s', 'now') AS INTEGER) FROM webhooks
    WHERE enabled = 1 AND instr(' ' || events || ' ', ' article.updated ') > 0;
END;

CREATE TRIGGER webhook_comment_posted AFTER INSERT ON comments
WHEN NEW.source = '' AND NEW.status IN ('pending', 'approved')
BEGIN
    INSERT INTO webhook_deliveries (hook_id, event, subject_id, occurred_at)
    SELECT id, 'comment.posted', NEW.id, CAST(strftime('%s', 'now') AS INTEGER) FROM webhooks
    WHERE enabled = 1 AND instr(' ' || events || ' ', ' comment.posted ') > 0;
END;

CREATE TRIGGER webhook_comment_approved_at_once AFTER INSERT ON comments
WHEN NEW.source = '' AND NEW.status = 'approved'
BEGIN
    INSERT INTO webhook_deliveries (hook_id, event, subject_id, occurred_at)
    SELECT id, 'comment.approved', NEW.id, CAST(strftime('%s', 'now') AS INTEGER) FROM webhooks
    WHERE enabled = 1 AND instr(' ' || events || ' ', ' comment.approved ') > 0;
END;

CREATE TRIGGER webhook_comment_approved AFTER UPDATE OF status ON comments
WHEN NEW.status = 'approved' AND OLD.status <> 'approved'
BEGIN
    INSERT INTO webhook_deliveries (hook_id, event, subject_id, occurred_at)
    SELECT id, 'comment.approved', NEW.id, CAST(strftime('%s', 'now') AS INTEGER) FROM webhooks
    WHERE enabled = 1 AND instr(' ' || events || ' ', ' comment.approved ') > 0;
END;
