-- The clinic half (issue 12): the masters a clinic supplies, its usages
-- mapped to standard codes, and the journal of every request to the OQS
-- terminal.

-- レセプト電算処理システム 医薬品マスター (y.csv), replaced whole on import.
CREATE TABLE drug_master (
    code              TEXT PRIMARY KEY,   -- 医薬品コード (9)
    name              TEXT NOT NULL,      -- 漢字名称, sent exactly
    kana              TEXT NOT NULL,
    unit              TEXT NOT NULL,      -- 薬価基準の単位
    narcotic          TEXT NOT NULL,
    generic           TEXT NOT NULL,
    form              TEXT NOT NULL,
    changed           TEXT NOT NULL,
    abolished         TEXT NOT NULL,
    yakka_code        TEXT NOT NULL,
    transition_until  TEXT NOT NULL,
    generic_name_code TEXT NOT NULL,
    generic_name      TEXT NOT NULL
) STRICT;
CREATE INDEX drug_master_yakka ON drug_master (yakka_code);
CREATE INDEX drug_master_name ON drug_master (name);

-- 一般名処方マスタ.
CREATE TABLE generic_name_master (
    code       TEXT PRIMARY KEY,   -- 一般名コード (12)
    name       TEXT NOT NULL,      -- 【般】…
    ingredient TEXT NOT NULL,
    kind       TEXT NOT NULL
) STRICT;

-- The standard usage codes (MHLW 用法マスタ, or the JAMI list).
CREATE TABLE usage_master (
    code TEXT PRIMARY KEY,         -- 16 characters
    name TEXT NOT NULL
) STRICT;

-- When each master was last imported, from what, and how many rows.
CREATE TABLE master_import (
    master      TEXT PRIMARY KEY CHECK (master IN ('drug', 'generic_name', 'usage')),
    rows        INTEGER NOT NULL,
    source_name TEXT NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;

-- The clinic's own usage wording mapped once to a standard code (C8).
CREATE TABLE usage_map (
    clinic_usage TEXT PRIMARY KEY,
    code         TEXT NOT NULL,
    mapped_at    TEXT NOT NULL,
    staff_id     INTEGER REFERENCES staff (id)
) STRICT;

-- Every request to the OQS terminal, recorded BEFORE its file is written.
-- state: intended (recorded, not yet written) → sent (written) → answered;
-- not_sent (the write failed: nothing reached the terminal); unknown (no
-- answer in time: 結果不明 — never resent automatically).
CREATE TABLE eps_request (
    id               INTEGER PRIMARY KEY,
    identifier       TEXT NOT NULL UNIQUE,   -- ArbitraryFileIdentifier
    operation        TEXT NOT NULL,          -- the operation table's key
    file_name        TEXT NOT NULL,
    institution_code TEXT NOT NULL,
    request_xml      BLOB NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('intended', 'sent', 'answered', 'unknown', 'not_sent')),
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    answered_at      TEXT,
    answer_xml       BLOB,
    succeeded        INTEGER,                -- 1 / 0 once answered
    outcome          TEXT,                   -- codes and messages, verbatim, one per line
    prescription_id  TEXT,
    access_code      TEXT,
    staff_id         INTEGER REFERENCES staff (id)
) STRICT;
CREATE INDEX eps_request_state ON eps_request (state);
CREATE INDEX eps_request_prescription ON eps_request (prescription_id);
