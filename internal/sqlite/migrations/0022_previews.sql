-- Private preview links (news.PreviewStore): a capability URL per link, of which only
-- the token's SHA-256 is kept; a story deleted for good takes its links with it.
-- Times are Unix seconds (UTC).
CREATE TABLE preview_links (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX preview_links_by_article ON preview_links(article_id, expires_at);

-- The status a story had when it was moved to the trash, kept by the database itself
-- whatever path trashed it (the editor, the list's bulk move, a command), so that a
-- restore brings that state back (news.RestoredStatus).
CREATE TABLE trashed_from (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    status     TEXT NOT NULL
);
CREATE TRIGGER articles_keep_status_before_trash AFTER UPDATE OF status ON articles
WHEN NEW.status = 'trash' AND OLD.status <> 'trash'
BEGIN
    INSERT INTO trashed_from (article_id, status) VALUES (NEW.id, OLD.status)
    ON CONFLICT (article_id) DO UPDATE SET status = excluded.status;
END;
