-- Nothing duplicated: the new-article form carries a one-time key, and an owner creates
-- at most one article per key, so that a double click on Save or a form sent again
-- (the back button, a retried request) saves into the article the first one made
-- instead of making a second. The primary key is the guard on every engine; the row
-- goes with its article.

CREATE TABLE article_create_keys (
    owner_id   INTEGER NOT NULL,
    create_key TEXT    NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, create_key)
) WITHOUT ROWID;

CREATE INDEX article_create_keys_by_article ON article_create_keys(article_id);
