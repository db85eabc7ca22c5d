-- Medication history (P4–P6): dispensings imported from JAHIS documents and
-- the receipt computer, their RPs, drugs and notes, OTC use, body information
-- and memos. A dispensing's `identity` makes imports idempotent (see
-- crates/store/src/import.rs for what it covers).

ALTER TABLE patient ADD COLUMN name_key TEXT NOT NULL DEFAULT '';  -- NFKC, no spaces
ALTER TABLE patient ADD COLUMN kana_key TEXT NOT NULL DEFAULT '';  -- NFKC, no spaces
CREATE INDEX patient_identity ON patient (name_key, birth_date, sex);
CREATE INDEX patient_kana_key ON patient (kana_key);
CREATE INDEX patient_birth_date ON patient (birth_date);

CREATE TABLE dispensing (
    id                     INTEGER PRIMARY KEY,
    patient_id             INTEGER NOT NULL REFERENCES patient (id),
    identity               TEXT NOT NULL,
    dispensed_on           TEXT NOT NULL,     -- YYYY-MM-DD, '' when the data had none
    place_name             TEXT,              -- record 11: where it was dispensed
    place_prefecture       TEXT,
    place_table            TEXT,
    place_code             TEXT,
    pharmacist_name        TEXT,              -- record 15
    prescriber_name        TEXT,              -- record 51: the prescribing institution
    prescriber_prefecture  TEXT,
    prescriber_table       TEXT,
    prescriber_code        TEXT,
    source                 TEXT NOT NULL,     -- e.g. "import:file.txt"
    imported_at            TEXT NOT NULL,
    UNIQUE (patient_id, identity)
);
CREATE INDEX dispensing_history ON dispensing (patient_id, dispensed_on DESC, id DESC);

CREATE TABLE rp (
    id                INTEGER PRIMARY KEY,
    dispensing_id     INTEGER NOT NULL REFERENCES dispensing (id),
    seq               INTEGER NOT NULL,       -- order in the dispensing
    rp_no             INTEGER,
    doctor_name       TEXT,                   -- record 55
    doctor_department TEXT,
    usage_name        TEXT,                   -- record 301
    quantity          INTEGER,
    usage_unit        TEXT,
    form              INTEGER,                -- 剤形: 1 内服, 3 屯服, 5 外用, …
    usage_code        TEXT
);
CREATE INDEX rp_dispensing ON rp (dispensing_id, seq);

CREATE TABLE drug (
    id            INTEGER PRIMARY KEY,
    rp_id         INTEGER NOT NULL REFERENCES rp (id),
    seq           INTEGER NOT NULL,
    name          TEXT,
    dose          TEXT,                       -- daily dose for 内服, one dose for 屯服, total otherwise
    unit          TEXT,
    code_kind     INTEGER,
    code          TEXT,
    generic_name  TEXT
);
CREATE INDEX drug_rp ON drug (rp_id, seq);

-- 281 補足 and 291 服薬注意 (of a drug); 311 用法の補足 and 391 処方服薬注意 (of an RP).
CREATE TABLE rp_note (
    id       INTEGER PRIMARY KEY,
    rp_id    INTEGER NOT NULL REFERENCES rp (id),
    drug_id  INTEGER REFERENCES drug (id),
    record   INTEGER NOT NULL CHECK (record IN (281, 291, 311, 391)),
    text     TEXT NOT NULL
);
CREATE INDEX rp_note_rp ON rp_note (rp_id);

-- 401 服用注意, 411 提供情報, 421 残薬確認, 501 備考, 601 患者等記入.
CREATE TABLE dispensing_note (
    id             INTEGER PRIMARY KEY,
    dispensing_id  INTEGER NOT NULL REFERENCES dispensing (id),
    record         INTEGER NOT NULL CHECK (record IN (401, 411, 421, 501, 601)),
    text           TEXT NOT NULL
);
CREATE INDEX dispensing_note_dispensing ON dispensing_note (dispensing_id);

CREATE TABLE otc_use (
    id           INTEGER PRIMARY KEY,
    patient_id   INTEGER NOT NULL REFERENCES patient (id),
    identity     TEXT NOT NULL,
    name         TEXT,
    start_on     TEXT,
    end_on       TEXT,
    jan          TEXT,
    components   TEXT,                        -- 成分名, joined with "、"
    source       TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    UNIQUE (patient_id, identity)
);
CREATE INDEX otc_use_patient ON otc_use (patient_id, start_on DESC);

-- からだの情報 (P6): never deleted; a wrong entry is withdrawn with a reason.
CREATE TABLE body_info (
    id                INTEGER PRIMARY KEY,
    patient_id        INTEGER NOT NULL REFERENCES patient (id),
    kind              TEXT NOT NULL CHECK (kind IN ('allergy', 'side_effect', 'past_illness', 'other')),
    text              TEXT NOT NULL,
    source            TEXT NOT NULL CHECK (source IN ('facility', 'import')),
    staff_id          INTEGER REFERENCES staff (id),
    created_at        TEXT NOT NULL,
    withdrawn_at      TEXT,
    withdrawn_by      INTEGER REFERENCES staff (id),
    withdrawn_reason  TEXT
);
CREATE INDEX body_info_patient ON body_info (patient_id);
CREATE UNIQUE INDEX body_info_imported ON body_info (patient_id, kind, text) WHERE source = 'import';

-- メモ (P6), same rules as body_info.
CREATE TABLE memo (
    id                INTEGER PRIMARY KEY,
    patient_id        INTEGER NOT NULL REFERENCES patient (id),
    text              TEXT NOT NULL,
    written_on        TEXT,
    source            TEXT NOT NULL CHECK (source IN ('facility', 'import')),
    staff_id          INTEGER REFERENCES staff (id),
    created_at        TEXT NOT NULL,
    withdrawn_at      TEXT,
    withdrawn_by      INTEGER REFERENCES staff (id),
    withdrawn_reason  TEXT
);
CREATE INDEX memo_patient ON memo (patient_id);
CREATE UNIQUE INDEX memo_imported ON memo (patient_id, text, written_on) WHERE source = 'import';
