-- Editor forms kept aside: autosaves (key user:ID:ARTICLE) and saves that arrived after
-- their session had ended (key token:HASH), until someone signs in to take them back.

CREATE TABLE kept_forms (
    key        TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL,
    data       TEXT NOT NULL,
    saved_at   INTEGER NOT NULL
);
