-- A story's private preview links end when it is taken down after publication
-- (unpublished, or sent back to a draft) or moved to the trash, by any path (the
-- editor, the list's bulk move, a command): a link is for a story before it goes out
-- (WordPress's Public Post Preview unregisters a post's preview on publication and on
-- the trash). While the story is live its links lead to its public address; once it is
-- pulled or restored from the trash, no link sent before reads it again.
CREATE TRIGGER articles_end_preview_links AFTER UPDATE OF status ON articles
WHEN OLD.status <> NEW.status AND (OLD.status = 'published' OR NEW.status = 'trash')
BEGIN
    DELETE FROM preview_links WHERE article_id = NEW.id;
END;

-- Account notices (news.AccountNoticeStore): what someone else did to a user's account,
-- shown to them until they have seen it. Bounded per user (news.MaxAccountNotices) by
-- the write; times are Unix seconds (UTC).
CREATE TABLE account_notices (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    actor_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    actor_name TEXT NOT NULL DEFAULT '',
    from_value TEXT NOT NULL DEFAULT '',
    to_value   TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    seen_at    INTEGER
);
CREATE INDEX account_notices_by_user ON account_notices(user_id, id);

-- media_deleted: the file names of library items deleted (their own and their srcset
-- variants'), so that deleting is final. Deleting is refused while media_uses names a
-- file; this closes the other side: a write that makes an article name a deleted file
-- (a featured image chosen before the deletion and saved after it, an inline image in
-- text typed before it, a version restored) is refused in its own transaction, by the
-- trigger on media_uses that every article write goes through.
CREATE TABLE media_deleted (
    name       TEXT PRIMARY KEY,
    deleted_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER media_uses_not_deleted BEFORE INSERT ON media_uses
WHEN EXISTS (SELECT 1 FROM media_deleted WHERE name = NEW.name)
BEGIN
    SELECT RAISE(ABORT, 'broadsheet: deleted library file');
END;
