-- The admin's imports of a file (news.ImportRun: a WordPress export uploaded at
-- /admin/import), from the upload to the report. At most one is active (uploading,
-- checking, checked or running) for the whole site, whichever server took it: the
-- partial unique index makes a second claim fail in the store, so the rule holds
-- across processes. An active run past expires_at was abandoned (its server stopped)
-- and is marked failed by the next claim. Times are Unix milliseconds (UTC).
CREATE TABLE import_runs (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    state      TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    file_name  TEXT NOT NULL DEFAULT '',
    path       TEXT NOT NULL DEFAULT '',
    bytes      INTEGER NOT NULL DEFAULT 0,
    node       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    checked    TEXT NOT NULL DEFAULT '',
    report     TEXT NOT NULL DEFAULT '',
    error      TEXT NOT NULL DEFAULT '',
    active     INTEGER GENERATED ALWAYS AS (state IN ('uploading', 'checking', 'checked', 'running')) VIRTUAL
);
CREATE UNIQUE INDEX import_runs_one_active ON import_runs (active) WHERE active;
