-- A commenter's rights (news.PrivacyStore): erasure leaves a placeholder where replies
-- hang from a comment; trash and spam are emptied some days after they got there; IP
-- hashes and user agents are dropped after their retention.

-- A placeholder of an erased comment: no author, text or trace ("Comment removed.").
ALTER TABLE comments ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
-- When the comment entered its status (Unix seconds); NULL: since it was created.
ALTER TABLE comments ADD COLUMN status_at INTEGER;
-- Comments already in trash or spam have no such time: they get the whole retention
-- from now, rather than being deleted at once by their age.
UPDATE comments SET status_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE status IN ('trash', 'spam');

-- Replies of a comment (erasure's "does anything hang from it", and the foreign key's
-- ON DELETE SET NULL) are found by comments_by_parent, made by 0013.
-- The retention's two queries, each over the few rows it concerns.
CREATE INDEX comments_to_empty ON comments(coalesce(status_at, created_at))
    WHERE status IN ('trash', 'spam') AND removed = 0;
CREATE INDEX comments_with_traces ON comments(created_at) WHERE ip_hash <> '' OR user_agent <> '';
-- Placeholders by article, so that counting an article's comments stays an index count
-- (approved ones less their placeholders).
CREATE INDEX comments_removed ON comments(article_id, status) WHERE removed = 1;
