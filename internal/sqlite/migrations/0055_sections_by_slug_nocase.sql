-- A page may not take a section's slug in any case (news.CheckPageSlug): the look-up
-- compares with COLLATE NOCASE, which the slug's own (binary) index cannot answer, so
-- an import of many pages scanned every section for each.
CREATE INDEX sections_by_slug_nocase ON sections(slug COLLATE NOCASE);
