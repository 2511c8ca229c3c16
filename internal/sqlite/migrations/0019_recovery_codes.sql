-- Recovery codes of two-step sign-in (news.RecoveryCodeStore): each user's single-use
-- codes, kept only as keyed hashes (the admin's HMAC-SHA-256 with the site's secret),
-- and when each was used (NULL: still good). A set is replaced whole.
CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

-- Codes belong to the second factor they were issued with: any change of the secret
-- (turned off, reset by an administrator or the shell, a new app set up) drops them.
-- Set by a trigger, so that every path that writes the secret does it.
CREATE TRIGGER users_totp_change_drops_recovery AFTER UPDATE OF totp_secret ON users
    WHEN NEW.totp_secret IS NOT OLD.totp_secret
    BEGIN DELETE FROM recovery_codes WHERE user_id = NEW.id; END;
