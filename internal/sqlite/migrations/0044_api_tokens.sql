-- The admin API's bearer tokens (news.APIToken). Only the SHA-256 of a secret is kept
-- (hash, hex), found by its unique index. Times are Unix seconds (UTC); expires_at and
-- last_used_at are NULL for never.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_by   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    last_used_at INTEGER,
    revoked      INTEGER NOT NULL DEFAULT 0
);
