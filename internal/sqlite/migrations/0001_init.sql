-- Broadsheet's first schema. Times are Unix seconds (UTC). Forward only: a change to the
-- schema is a new numbered file, never an edit of this one.

CREATE TABLE authors (
    id    INTEGER PRIMARY KEY,
    slug  TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    bio   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sections (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    standfirst      TEXT NOT NULL DEFAULT '',
    body_markdown   TEXT NOT NULL DEFAULT '',
    body_html       TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('draft','review','scheduled','published','unpublished','trash')),
    published_at    INTEGER,
    updated_at      INTEGER,
    created_at      INTEGER NOT NULL,
    correction_note TEXT NOT NULL DEFAULT '',
    seo_description TEXT NOT NULL DEFAULT '',
    author_id       INTEGER REFERENCES authors(id),
    section_id      INTEGER REFERENCES sections(id),
    image_url       TEXT NOT NULL DEFAULT '',
    image_alt       TEXT NOT NULL DEFAULT '',
    image_caption   TEXT NOT NULL DEFAULT '',
    image_width     INTEGER NOT NULL DEFAULT 0,
    image_height    INTEGER NOT NULL DEFAULT 0,
    comments_closed INTEGER NOT NULL DEFAULT 0,
    source          TEXT NOT NULL DEFAULT '',
    source_id       TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX articles_source ON articles(source, source_id) WHERE source <> '';
CREATE INDEX articles_by_time ON articles(status, published_at DESC, id DESC);
CREATE INDEX articles_by_section ON articles(section_id, status, published_at DESC, id DESC);
CREATE INDEX articles_by_author ON articles(author_id, status, published_at DESC, id DESC);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_by_tag ON article_tags(tag_id, article_id);

CREATE TABLE comments (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    parent_id    INTEGER REFERENCES comments(id) ON DELETE SET NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending','approved','spam','trash')),
    author_name  TEXT NOT NULL,
    author_email TEXT NOT NULL DEFAULT '',
    author_url   TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    body_html    TEXT NOT NULL,
    ip_hash      TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    source       TEXT NOT NULL DEFAULT '',
    source_id    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX comments_by_article ON comments(article_id, status, created_at, id);
CREATE INDEX comments_by_status ON comments(status, created_at DESC, id DESC);
CREATE INDEX comments_by_email ON comments(lower(author_email), status);
CREATE UNIQUE INDEX comments_source ON comments(article_id, source, source_id) WHERE source <> '';

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The change log page caches follow (see news.Change).
CREATE TABLE changes (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    keys TEXT NOT NULL,
    at   INTEGER NOT NULL
);
