-- A delivery's kept payload (migration 0031) copies a comment's public fields: its
-- author's name and website, its text. When the comment is emptied (an erasure,
-- news.PrivacyStore) or deleted (the trash emptied, an erasure), the copies go too, in
-- the same transaction: a pending delivery is built again from what is left (the
-- placeholder, or "deleted"), a finished one keeps only its status and answer.
-- (KeepWebhookPayload, for its part, keeps no copy of a comment emptied or deleted
-- since it was read.)
CREATE INDEX webhook_deliveries_by_comment ON webhook_deliveries(subject_id)
    WHERE event IN ('comment.posted', 'comment.approved');

CREATE TRIGGER webhook_payload_forgets_emptied_comment AFTER UPDATE OF removed ON comments
WHEN NEW.removed = 1 AND OLD.removed = 0
BEGIN
    UPDATE webhook_deliveries SET payload = NULL
    WHERE subject_id = NEW.id AND event IN ('comment.posted', 'comment.approved') AND payload IS NOT NULL;
END;

CREATE TRIGGER webhook_payload_forgets_deleted_comment AFTER DELETE ON comments
BEGIN
    UPDATE webhook_deliveries SET payload = NULL
    WHERE subject_id = OLD.id AND event IN ('comment.posted', 'comment.approved') AND payload IS NOT NULL;
END;
