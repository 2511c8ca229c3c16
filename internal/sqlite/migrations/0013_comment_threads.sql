-- Comment pages (news.Store.ApprovedCommentPage): an article's approved comments in
-- reading order with their parent, so that its top-level comments (threads) are
-- counted and a page of them is found from the index alone, without reading the
-- comments before it; and each comment's replies, to gather a page's reply trees
-- (and for the parent_id foreign key, which had no index).
CREATE INDEX comments_threads ON comments(article_id, status, created_at, id, parent_id);
CREATE INDEX comments_by_parent ON comments(parent_id, status);
