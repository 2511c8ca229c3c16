-- Commenters a moderator has blocked, by email (lower-cased) or by IP hash.

CREATE TABLE blocks (
    kind       TEXT NOT NULL CHECK (kind IN ('email','ip')),
    value      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (kind, value)
);
CREATE INDEX comments_by_ip ON comments(ip_hash);
