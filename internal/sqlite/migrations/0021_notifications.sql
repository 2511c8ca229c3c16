-- Notifications inside the newsroom (news.NotificationStore): one row per recipient per
-- event of a story's workflow, read or unread. A story deleted for good takes its
-- notifications with it; a user's are kept to the newest news.MaxNotifications.
-- Times are Unix seconds (UTC).

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    actor_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor_name TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    at         INTEGER,          -- the time the event names (a schedule's), if any
    created_at INTEGER NOT NULL,
    read_at    INTEGER           -- NULL: unread
);
-- A user's list, newest first, and the trimming to the newest.
CREATE INDEX notifications_by_user ON notifications(user_id, id);
-- The menu's count on every admin page: only the unread rows.
CREATE INDEX notifications_unread ON notifications(user_id, id) WHERE read_at IS NULL;
-- The cascade when an article is deleted, and a story's notes in its editor.
CREATE INDEX notifications_by_article ON notifications(article_id, user_id);
