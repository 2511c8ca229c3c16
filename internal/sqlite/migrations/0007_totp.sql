-- An optional second factor per user: a TOTP secret (RFC 6238) and the last time step
-- used, so that a code is accepted once.

ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
