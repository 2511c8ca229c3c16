-- Two editors, one story: every article row has a version that every write increments
-- (a save based on another version is refused), each revision records the version it
-- saved (so that a conflict can name who saved after a version, and show that version),
-- and who has a story open in the editor (presence), across every server sharing the
-- database. Revisions recorded before this have no version: they precede version 1.

ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

ALTER TABLE revisions ADD COLUMN version INTEGER;

CREATE TABLE article_presence (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    since      INTEGER NOT NULL, -- Unix milliseconds: when they opened it
    seen_at    INTEGER NOT NULL, -- Unix milliseconds: their last heartbeat
    PRIMARY KEY (article_id, user_id)
) WITHOUT ROWID;

CREATE INDEX article_presence_by_seen ON article_presence(seen_at);
