-- A story is told from a page by its kind, read from the index that finds it, not from
-- the row: kind is the table's last column (0037), after the bodies, on the row's
-- overflow pages. The timeline's and the sections' indexes end with it, so a list or a
-- count of public stories (a.kind = 'article', isStory in api.go) reads no row it does
-- not show. Before, the stories were "not among the pages' IDs", a set built for each
-- statement from articles_pages, whose cost grew with the site's pages (3 ms a list's
-- first page with 5,000 pages: BenchmarkKinds). Ordered as before, so every other use
-- of these indexes keeps its plan.
DROP INDEX articles_by_time;
CREATE INDEX articles_by_time ON articles(status, published_at DESC, id DESC, kind);
DROP INDEX articles_by_section;
CREATE INDEX articles_by_section ON articles(section_id, status, published_at DESC, id DESC, kind);
