-- Presence ("Ana is also editing") belongs to the session it came from: it ends when
-- that session does (signed out, ended by a password change or a disabling: the row
-- goes with the session's; ended by time: Present checks its end), not two minutes
-- later. Presence lives for minutes, so the table is made anew rather than altered.
DROP TABLE article_presence;
CREATE TABLE article_presence (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- The session that beat last; NULL only from a server older than this migration
    -- during a rolling upgrade (its write still works; the row shows nobody).
    session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
    since      INTEGER NOT NULL, -- Unix milliseconds: when they opened it
    seen_at    INTEGER NOT NULL, -- Unix milliseconds: their last heartbeat
    PRIMARY KEY (article_id, user_id)
) WITHOUT ROWID;
CREATE INDEX article_presence_by_seen ON article_presence(seen_at);
CREATE INDEX article_presence_by_session ON article_presence(session_id);
