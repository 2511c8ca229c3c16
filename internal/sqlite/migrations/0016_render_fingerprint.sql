-- Re-rendering (news.RerenderStore): each article's fingerprint of the render its
-- body_html came from (render.Fingerprint: the renderer's version and the embed hosts
-- in force), NULL when not known (every article stored before this, and any body
-- written since by another path than SetRenderedHTML). The index finds the articles
-- whose fingerprint is not the running server's without reading the others.
ALTER TABLE articles ADD COLUMN render_fingerprint TEXT;
CREATE INDEX articles_by_render_fingerprint ON articles(render_fingerprint);

-- A write of the body that does not set the fingerprint itself (the editor's save, an
-- import's update, a script) forgets it: who wrote that HTML, with which renderer and
-- hosts, is not known, so the next pass renders it again. Set by a trigger, so that
-- every path that writes the body does it.
CREATE TRIGGER articles_body_forgets_render AFTER UPDATE OF body_markdown, body_html ON articles
    WHEN NEW.render_fingerprint IS NOT NULL AND NEW.render_fingerprint IS OLD.render_fingerprint
    BEGIN UPDATE articles SET render_fingerprint = NULL WHERE id = NEW.id; END;
