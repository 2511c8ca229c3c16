-- The blocked commenters' list pages (issue 8: every admin list pages): newest first
-- from this index, so that a page costs its own rows, not a sort of every block.
CREATE INDEX blocks_by_time ON blocks(created_at DESC, kind, value);
