-- The WordPress import (cmd/broadsheet import wxr, sqlite/wxr.go).
--
-- sections.parent_id: a section may sit under another, as a WordPress category under
-- its parent ("News" › "World"). NULL at the top. Deleting a parent lifts its children
-- to the top rather than deleting them.
ALTER TABLE sections ADD COLUMN parent_id INTEGER REFERENCES sections(id) ON DELETE SET NULL;

-- term_redirects: an imported site's old addresses of a section, a tag or an author
-- (/?cat=7, /category/news/world/, /?author=2, /author/login/), answered with a 301
-- to the archive that has the thing now. An article's old addresses are in redirects
-- (kind 'path'), which follows the article's renames.
CREATE TABLE term_redirects (
    address    TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('section', 'tag', 'author')),
    target_id  INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
