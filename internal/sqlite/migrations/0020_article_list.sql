-- The admin's article list pages by keyset in the order published_at DESC, id DESC
-- over every status but the trash (issue 8): this index walks that order from any
-- key, so that a page costs its own rows at any depth instead of a sort of the table.
CREATE INDEX articles_by_date ON articles(published_at DESC, id DESC);
