-- Every comparison of email addresses on one rule, news.NormalEmail (trimmed, NFC, lower
-- case by Unicode's rules): SQLite's lower() folds ASCII only, so a block on
-- "émilie@example.net" let "ÉMILIE@example.net" through. The key is computed in Go and
-- stored beside the address; migrate fills it for the rows already there (emailKeys),
-- and re-normalises the blocks' addresses the same way.
ALTER TABLE comments ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
DROP INDEX comments_by_email;
CREATE INDEX comments_by_email_key ON comments(email_key, status) WHERE email_key <> '';
CREATE INDEX users_by_email_key ON users(email_key);
