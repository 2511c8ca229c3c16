-- The editorial workflow: who owns an article, and every saved version of it.

ALTER TABLE articles ADD COLUMN owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX articles_by_owner ON articles(owner_id, status);

CREATE TABLE revisions (
    id              INTEGER PRIMARY KEY,
    article_id      INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    user_id         INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    status          TEXT NOT NULL,
    slug            TEXT NOT NULL,
    title           TEXT NOT NULL,
    standfirst      TEXT NOT NULL,
    body_markdown   TEXT NOT NULL,
    correction_note TEXT NOT NULL,
    seo_description TEXT NOT NULL,
    section         TEXT NOT NULL,
    tags            TEXT NOT NULL,
    published_at    INTEGER
);
CREATE INDEX revisions_by_article ON revisions(article_id, id);
