-- media_uses is kept by the store in Go (news.ArticleMediaNames), in the transaction of
-- each article write, no longer by triggers that called bs_media_names: a function only
-- the binary registers, so that any other connection (the sqlite3 shell, a script)
-- could not write an article at all. The triggers left here are plain SQL: a write of an
-- article's body or image by any connection marks the article in media_uses_stale; the
-- store's own writes clear the mark as they index the article, and the store indexes
-- every marked article again before it says where an image is used or deletes one.
DROP TRIGGER IF EXISTS media_uses_insert;
DROP TRIGGER IF EXISTS media_uses_update;

CREATE TABLE media_uses_stale (
    article_id INTEGER PRIMARY KEY
);
CREATE TRIGGER media_uses_stale_insert AFTER INSERT ON articles BEGIN
    INSERT OR IGNORE INTO media_uses_stale (article_id) VALUES (NEW.id);
END;
CREATE TRIGGER media_uses_stale_update AFTER UPDATE OF body_markdown, body_html, image_url, image_srcset ON articles
    WHEN NEW.body_markdown IS NOT OLD.body_markdown OR NEW.body_html IS NOT OLD.body_html
        OR NEW.image_url IS NOT OLD.image_url OR NEW.image_srcset IS NOT OLD.image_srcset BEGIN
    INSERT OR IGNORE INTO media_uses_stale (article_id) VALUES (NEW.id);
END;
-- A deletion by a connection without foreign keys (the shell's default) cascades
-- nothing: this trigger drops the article's uses whatever the connection.
CREATE TRIGGER media_uses_article_deleted AFTER DELETE ON articles BEGIN
    DELETE FROM media_uses WHERE article_id = OLD.id;
    DELETE FROM media_uses_stale WHERE article_id = OLD.id;
END;
