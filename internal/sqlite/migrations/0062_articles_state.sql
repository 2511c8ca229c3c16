-- Whether an article is public and a story, by its ID, without reading its row:
-- status, published_at and kind come after the bodies, on the row's overflow pages,
-- and the lookups by ID behind a tag's or an author's public stories (their counts,
-- and whether they have one) read every such article whole. Named by the queries that
-- use it (articleState in api.go).
CREATE INDEX articles_state ON articles(id, status, published_at, kind);
