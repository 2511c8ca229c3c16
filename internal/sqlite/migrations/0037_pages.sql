-- Static pages (About, Contact, Ethics): rows of articles with kind 'page', so that
-- revisions, the workflow, versions and conflicts, bylines, previews, media uses and
-- redirects keep working for them unchanged. Every public list, feed, archive,
-- count and previous/next box selects kind 'article' only (news.ArticleQuery.Kind).
-- nav_position > 0 puts a page in the site's navigation, in ascending order; 0 keeps
-- it out.
ALTER TABLE articles ADD COLUMN kind TEXT NOT NULL DEFAULT 'article' CHECK (kind IN ('article', 'page'));
ALTER TABLE articles ADD COLUMN nav_position INTEGER NOT NULL DEFAULT 0 CHECK (nav_position >= 0);
-- The admin's Pages list and the site's navigation.
CREATE INDEX articles_pages ON articles(kind, nav_position, id) WHERE kind = 'page';

-- Webhooks (migration 0031) announce stories: their article.* events are not sent for
-- pages (a page has no event of its own yet). A comment on a page is a comment: its
-- comment.* events are sent as before.
DROP TRIGGER webhook_article_created;
DROP TRIGGER webhook_article_published;
DROP TRIGGER webhook_article_unpublished;
DROP TRIGGER webhook_article_updated;

CREATE TRIGGER webhook_article_created AFTER INSERT ON articles
WHEN NEW.status = 'published' AND NEW.source = '' AND NEW.kind = 'article'
BEGIN
    INSERT INTO webhook_deliveries (hook_id, event, subject_id, occurred_at)
    SELECT id, 'article.published', NEW.id, CAST(strftime('%s', 'now') AS INTEGER) FROM webhooks
    WHERE enabled = 1 AND instr(' ' || events || ' ', ' article.published ') > 0;
END;

CREATE TRIGGER webhook_article_published AFTER UPDATE OF status ON articles
WHEN NEW.status = 'published' AND OLD.status <> 'published' AND NEW.kind = 'article'
BEGIN
    INSERT INTO webhook_deliveries (hook_id, event, subject_id, occurred_at)
    SELECT id, 'article.published', NEW.id, CAST(strftime('%s', 'now') AS INTEGER) FROM webhooks
    WHERE enabled = 1 AND instr(' ' || events || ' ', ' article.published ') > 0;
END;

CREATE TRIGGER webhook_article_unpublished AFTER UPDATE OF status ON articles
WHEN OLD.status = 'published' AND NEW.status <> 'published' AND NEW.kind = 'article'
BEGIN
    INSERT INTO webhook_deliveries (hook_id, event, subject_id, occurred_at)
    SELECT id, 'article.unpublished', NEW.id, CAST(strftime('%s', 'now') AS INTEGER) FROM webhooks
    WHERE enabled = 1 AND instr(' ' || events || ' ', ' article.unpublished ') > 0;
END;

CREATE TRIGGER webhook_article_updated AFTER UPDATE ON articles
WHEN OLD.status = 'published' AND NEW.status = 'published' AND NEW.version <> OLD.version AND NEW.kind = 'article'
BEGIN
    INSERT INTO webhook_deliveries (hook_id, event, subject_id, occurred_at)
    SELECT id, 'article.updated', NEW.id, CAST(strftime('%s', 'now') AS INTEGER) FROM webhooks
    WHERE enabled = 1 AND instr(' ' || events || ' ', ' article.updated ') > 0;
END;
