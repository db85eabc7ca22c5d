-- Several PCs per pharmacy (issue 17, docs/multi-pc.md): the PC's side of
-- the change log. A single-PC database keeps the one row of `sync_state` at
-- its defaults (PC 0, not recording) and never writes the other two tables.

-- This PC's place among the pharmacy's PCs. `pc_number` picks the range its
-- new rows' IDs come from (pc_number × 2^40 + n); `recording` = 1 once the
-- PC has joined a server, from when every write also goes to the outbox;
-- `last_seq` = the last change of the server's log applied here.
CREATE TABLE sync_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    pc_number   INTEGER NOT NULL DEFAULT 0 CHECK (pc_number BETWEEN 0 AND 8191),
    recording   INTEGER NOT NULL DEFAULT 0 CHECK (recording IN (0, 1)),
    last_seq    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sync_state (id) VALUES (1);

-- Changes written on this PC, in the order they were committed (`id`), kept
-- until they come back from the server's log (`sent_seq` = the server's
-- number for it once the server said it has it).
-- `changes` is the JSON list of typed operations (store::sync::Change);
-- `log` the access-log rows the write made, with their time and PC.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    op_id       TEXT NOT NULL UNIQUE,
    made_at     TEXT NOT NULL,
    changes     TEXT NOT NULL,
    log         TEXT NOT NULL,
    sent_seq    INTEGER
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_seq IS NULL;

-- Changes from the server's log applied to this PC's cache, by their ID, so
-- a change delivered twice is applied once. `outcome` says what applying
-- did (`applied`, or why a conflict rule skipped part of it).
CREATE TABLE sync_applied (
    op_id       TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL,
    applied_at  TEXT NOT NULL,
    outcome     TEXT NOT NULL
);

-- When each setting last changed: the pharmacy's shared settings are
-- changes too, and the latest one wins on every PC.
ALTER TABLE settings ADD COLUMN changed_at TEXT;
