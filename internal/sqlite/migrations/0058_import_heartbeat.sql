-- The import runs' heartbeat (news.ImportRun.HeartbeatAt): the process working on an
-- active run (uploading, checking, running) writes the time here every few seconds, and
-- each move of the run writes it too. A run whose heartbeat is old has no live process
-- behind it, and an administrator may release it at /admin/import instead of waiting for
-- expires_at. Unix milliseconds (UTC); 0 for the runs recorded before.
ALTER TABLE import_runs ADD COLUMN heartbeat_at INTEGER NOT NULL DEFAULT 0;
