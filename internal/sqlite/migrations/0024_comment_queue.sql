-- The comment queue (issue 8): each tab's count and keyset pages read this index alone,
-- without visiting the rows (placeholders of erased comments are in no tab).
CREATE INDEX comments_queue ON comments(status, created_at DESC, id DESC) WHERE removed = 0;
