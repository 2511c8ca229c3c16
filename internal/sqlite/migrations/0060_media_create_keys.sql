-- Nothing uploaded twice by a retried keyed upload: the admin API's upload with an
-- Idempotency-Key records its key here in the library item's own write
-- (news.Media.CreateKey), so that a retry taking over the claim of a server killed
-- after that write, before the key's answer was kept, finds the item instead of making
-- a second. As article_create_keys: the primary key is the guard, the row goes with its
-- item.

CREATE TABLE media_create_keys (
    owner_id   INTEGER NOT NULL,
    create_key TEXT    NOT NULL,
    media_id   INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, create_key)
) WITHOUT ROWID;

CREATE INDEX media_create_keys_by_media ON media_create_keys(media_id);
