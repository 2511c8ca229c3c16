-- The admin API's Idempotency-Key records (news.IdempotencyStore): one per token and
-- key, its request's fingerprint, and, once answered (status > 0), the answer to
-- replay. status 0 is a claim whose request is running. Times are Unix seconds; a row
-- older than news.IdempotencyTTL is deleted by the next claim (the index on
-- created_at).
CREATE TABLE api_idempotency (
    token_id    INTEGER NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
    idem_key    TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0,
    body        BLOB,
    created_at  INTEGER NOT NULL,
    claimed_at  INTEGER NOT NULL,
    PRIMARY KEY (token_id, idem_key)
) WITHOUT ROWID;

CREATE INDEX api_idempotency_by_age ON api_idempotency(created_at);
