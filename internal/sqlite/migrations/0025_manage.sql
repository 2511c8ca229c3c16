-- The management screens (issue 8, §3).
--
-- media_uses: the file names under /media/ that each article's body (Markdown and HTML)
-- and featured image name, so that "where is this image used?" is an index lookup, not
-- a scan of every body. Kept by triggers on every write of an article (the editor, an
-- import, a rerender, a script through the binary) with bs_media_names, a function the
-- binary registers (news.MediaNamesIn).
CREATE TABLE media_uses (
    name       TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (name, article_id)
) WITHOUT ROWID;
CREATE INDEX media_uses_by_article ON media_uses(article_id);
INSERT OR IGNORE INTO media_uses (name, article_id)
    SELECT j.value, a.id FROM articles a,
        json_each(bs_media_names(a.body_markdown, a.body_html, a.image_url, a.image_srcset)) j;
CREATE TRIGGER media_uses_insert AFTER INSERT ON articles BEGIN
    INSERT OR IGNORE INTO media_uses (name, article_id)
        SELECT value, NEW.id FROM json_each(bs_media_names(NEW.body_markdown, NEW.body_html, NEW.image_url, NEW.image_srcset));
END;
CREATE TRIGGER media_uses_update AFTER UPDATE OF body_markdown, body_html, image_url, image_srcset ON articles BEGIN
    DELETE FROM media_uses WHERE article_id = NEW.id;
    INSERT OR IGNORE INTO media_uses (name, article_id)
        SELECT value, NEW.id FROM json_each(bs_media_names(NEW.body_markdown, NEW.body_html, NEW.image_url, NEW.image_srcset));
END;

-- A library item's search by part of its name, alt text or caption scans the library
-- (bounded by the page's LIMIT along the primary key, newest first).

-- password_resets: one-time links an administrator makes for a user to choose a new
-- password; only the SHA-256 of the token is kept.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX password_resets_by_user ON password_resets(user_id);

-- tag_redirects: a tag's former slugs (renamed, or merged into another tag), so that
-- /tag/{old}/ answers 301 to the tag's current address. One row per old slug; a tag's
-- former slugs all point at the tag (a chain of renames or merges is one hop).
CREATE TABLE tag_redirects (
    slug       TEXT PRIMARY KEY,
    tag_id     INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
CREATE INDEX tag_redirects_by_tag ON tag_redirects(tag_id);
