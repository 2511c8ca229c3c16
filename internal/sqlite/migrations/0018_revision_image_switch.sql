-- Two editors, one story: a revision keeps the featured image (its address and words)
-- and the comments switch too, so that a conflict can tell which editor changed them
-- since a version, and a merge keeps the other's change of them instead of undoing it.
-- Revisions recorded before this have NULLs: for those, any difference counts as both.

ALTER TABLE revisions ADD COLUMN image_url TEXT;
ALTER TABLE revisions ADD COLUMN image_alt TEXT;
ALTER TABLE revisions ADD COLUMN image_caption TEXT;
ALTER TABLE revisions ADD COLUMN comments_closed INTEGER;
