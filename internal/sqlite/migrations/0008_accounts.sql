-- Rate limits in the store, so that they hold across processes (news.Limits), kept
-- forms that belong to a user, and the indexes that purging old rows needs.

-- A sliding-window log of attempts: one row per attempt that counted. key is the
-- SHA-256 of the caller's key (no email or address in plain); times in unix ms.
CREATE TABLE attempts (
    key     BLOB NOT NULL,
    at      INTEGER NOT NULL,
    expires INTEGER NOT NULL -- at + window: from then on the row counts no more
);
CREATE INDEX attempts_by_key ON attempts(key, at);
CREATE INDEX attempts_by_expiry ON attempts(expires);

-- Token buckets as GCRA keeps them: the theoretical arrival time (unix ms) of the
-- next request. A row at or before now is a full bucket, and is purged.
CREATE TABLE buckets (
    key BLOB PRIMARY KEY,
    tat INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX buckets_by_tat ON buckets(tat);

-- Whose form is kept, and its kind (the key's text before the first ':'), so that a
-- kept form is offered only to its user and a user's forms are capped in number.
ALTER TABLE kept_forms ADD COLUMN user_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE kept_forms ADD COLUMN kind TEXT NOT NULL DEFAULT '';
-- Saves kept for an ended session did not record their user: nobody can be sure whose
-- they are, so they are not offered to anyone.
DELETE FROM kept_forms WHERE key LIKE 'token:%';
UPDATE kept_forms SET kind = 'user',
    user_id = CAST(substr(key, 6, instr(substr(key, 6), ':') - 1) AS INTEGER)
    WHERE key LIKE 'user:%:%';
CREATE INDEX kept_forms_by_user ON kept_forms(user_id, kind, saved_at);
CREATE INDEX kept_forms_by_age ON kept_forms(saved_at);

CREATE INDEX sessions_by_expiry ON sessions(expires_at);
