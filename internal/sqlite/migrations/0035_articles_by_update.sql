-- The content API's modified_since (news.ArticleQuery.ModifiedSince; issue 9): the
-- articles updated since a time, found from this index instead of a walk of the whole
-- timeline (a recent time on 100,000 articles walked them all: 60–90 ms). Its
-- publication time and status let the index alone leave out those published since
-- (found along the timeline) and those not public.
CREATE INDEX articles_by_update ON articles(updated_at, published_at, status);
