-- The media library, and the srcset of an article's featured image.

CREATE TABLE media (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    bytes        INTEGER NOT NULL,
    srcset       TEXT NOT NULL DEFAULT '',
    alt          TEXT NOT NULL DEFAULT '',
    caption      TEXT NOT NULL DEFAULT '',
    user_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL
);

ALTER TABLE articles ADD COLUMN image_srcset TEXT NOT NULL DEFAULT '';
