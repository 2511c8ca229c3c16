-- Running servers, so that a writer (the command line, another node) can wait until
-- every live server has applied its change to its page cache; and the newsroom account
-- behind a comment written from the admin (a staff reply), which readers see marked and
-- which never vouches for an anonymous commenter using the same email.

CREATE TABLE nodes (
    id         TEXT PRIMARY KEY,
    started_at INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL, -- Unix milliseconds of the last heartbeat
    applied    INTEGER NOT NULL DEFAULT 0 -- the last change (changes.id) its cache applied
);

ALTER TABLE comments ADD COLUMN user_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
