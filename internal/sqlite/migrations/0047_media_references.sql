-- The library holds more than stored images (the WordPress import's attachments):
-- url is the address of a file the library does not store but refers to (an
-- attachment kept at its original URL; '' for a stored file, served under /media/
-- by its name); title and description are WordPress's for an attachment (its post
-- title and content), shown by the library beside the alt text and caption.
-- A reference's name is a placeholder no stored file can take (stored names are
-- random hex), its width and height 0 when unknown.
ALTER TABLE media ADD COLUMN url TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN description TEXT NOT NULL DEFAULT '';
