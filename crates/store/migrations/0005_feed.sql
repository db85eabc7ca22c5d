-- The receipt-computer folder feed (P3): every file seen in a watched folder,
-- so that a file is imported once, a failed file is retried only when it
-- changes, and the 取込エラー view can list what failed and why.
CREATE TABLE feed_file (
    folder       TEXT NOT NULL,                 -- the watched folder, as configured
    name         TEXT NOT NULL,                 -- the file's name in it
    size         INTEGER NOT NULL,
    mtime_ns     INTEGER NOT NULL,              -- modification time, ns since the epoch
    hash         TEXT NOT NULL,                 -- SHA-256 of the content, '' if unreadable
    status       TEXT NOT NULL CHECK (status IN ('imported', 'error', 'skipped_old')),
    error        TEXT,                          -- the Japanese reason, for 'error'
    dispensings  INTEGER NOT NULL DEFAULT 0,    -- dispensings added by the last import
    at           TEXT NOT NULL,
    PRIMARY KEY (folder, name)
);
CREATE INDEX feed_file_errors ON feed_file (status) WHERE status = 'error';
