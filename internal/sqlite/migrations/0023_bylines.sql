-- Bylines: an article's authors in order (news.Article.Author first, then CoAuthors).
-- articles.author_id stays the lead author (position 0), so that every read that joins
-- it still finds the first name; article_authors holds the whole byline, lead included,
-- and is what an author's archive and feeds select by ("stories they co-wrote").
-- A revision keeps the byline as saved (names joined by U+001F, as tags are); NULL for
-- revisions recorded before bylines were kept.

CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL REFERENCES authors(id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id)
) WITHOUT ROWID;
-- An author's archive: their stories, found by the index alone.
CREATE INDEX article_authors_by_author ON article_authors(author_id, article_id);

INSERT INTO article_authors (article_id, author_id, position)
    SELECT id, author_id, 0 FROM articles WHERE author_id IS NOT NULL;

ALTER TABLE revisions ADD COLUMN authors TEXT;
