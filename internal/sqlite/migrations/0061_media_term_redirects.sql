-- term_redirects may also name a library item (kind 'media'): an imported site's old
-- address of an upload (/wp-content/uploads/2019/05/photo.jpg, and its sizes'),
-- answered with a 301 to the library's copy (/media/NAME). SQLite cannot change a
-- CHECK constraint in place: the table is made again with the same rows.
CREATE TABLE term_redirects_new (
    address    TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('section', 'tag', 'author', 'media')),
    target_id  INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO term_redirects_new (address, kind, target_id, created_at)
    SELECT address, kind, target_id, created_at FROM term_redirects;
DROP TABLE term_redirects;
ALTER TABLE term_redirects_new RENAME TO term_redirects;
