-- comments_by_article (article_id, status, created_at, id) is the start of
-- comments_threads (0013: the same columns and parent_id): every search it answered
-- the longer index answers alike, covering the same columns, in the same order. Each
-- comment written updated both (a WordPress import of 500,000 comments, twelve B-trees
-- a comment); TestNoIndexIsAnotherOnesStart keeps such a pair from coming back.
DROP INDEX IF EXISTS comments_by_article;
