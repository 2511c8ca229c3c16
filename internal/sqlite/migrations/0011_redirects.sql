-- Addresses and identities that never break.
--
-- redirects: every address a story had that is no longer its own, so that it answers
-- 301 to the story's current address. kind 'slug' is a former slug (any date before
-- it is accepted, as for the current slug); kind 'path' is an old path kept whole (a
-- WordPress import's /?p=ID or /old/permalink/). One row per address: a former slug
-- that another story takes is dropped (current slugs win), and a story's renames all
-- point at the story, not at each other, so a chain is always one hop.
CREATE TABLE redirects (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('slug', 'path')),
    address    TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    UNIQUE (kind, address)
);
CREATE INDEX redirects_by_article ON redirects(article_id);

-- feed_id: the identity an article carries in feeds (RSS guid, Atom id, JSON Feed id)
-- when it brought one of its own (an import's GUID); empty, the site mints
-- tag:<host>,<date>:article-<id> from a base stored once in settings.
ALTER TABLE articles ADD COLUMN feed_id TEXT NOT NULL DEFAULT '';

-- was_public: the article was published before its present state, so its addresses may
-- be known to readers (an article published now is known by its status). Only such an
-- article's former slugs are kept: a draft's are not, so that a renamed draft's working
-- title never leads to the story. Set by a trigger, so that every path that takes an
-- article out of print (the editor, the API, a script) sets it.
ALTER TABLE articles ADD COLUMN was_public INTEGER NOT NULL DEFAULT 0;
UPDATE articles SET was_public = 1 WHERE status = 'unpublished'
    OR EXISTS (SELECT 1 FROM revisions r WHERE r.article_id = articles.id AND r.status = 'published');
CREATE TRIGGER articles_leave_print AFTER UPDATE OF status ON articles
    WHEN OLD.status = 'published' AND NEW.status <> 'published' AND NEW.was_public = 0
    BEGIN UPDATE articles SET was_public = 1 WHERE id = NEW.id; END;
