-- An imported image's origin (the WordPress import with --uploads: source 'wordpress',
-- source_id the attachment's post ID), so that a second import finds the image it
-- made instead of storing the file again.
ALTER TABLE media ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN source_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX media_source ON media(source, source_id) WHERE source <> '';
