-- A new section takes the position after every other (MAX(position) + 1): without an
-- index that is a scan of the table for each section added, so an import of a WXR
-- file with 100,000 categories took quadratic time.
CREATE INDEX sections_by_position ON sections(position);
