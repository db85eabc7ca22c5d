-- Foundation schema: the facility, its staff, settings, the access log,
-- and the minimal patient/visit tables behind the patient list (P1).
-- Timestamps are UTC RFC 3339 text; dates are ISO 8601 text.

CREATE TABLE facility (
    id          INTEGER PRIMARY KEY CHECK (id = 1),  -- one facility per database
    code        TEXT NOT NULL,                      -- the facility ID used at sign-in
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE staff (
    id                   INTEGER PRIMARY KEY,
    login_id             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'pharmacist', 'doctor', 'clerk')),
    password_hash        TEXT NOT NULL,              -- Argon2id PHC string
    failed_attempts      INTEGER NOT NULL DEFAULT 0,
    locked_until         TEXT,
    active               INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at           TEXT NOT NULL,
    password_changed_at  TEXT NOT NULL
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE patient (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,                      -- 漢字氏名
    kana        TEXT NOT NULL,                      -- カナ氏名
    sex         INTEGER NOT NULL CHECK (sex IN (0, 1, 2, 9)),  -- ISO 5218
    birth_date  TEXT,                               -- YYYY-MM-DD, unknown = NULL
    created_at  TEXT NOT NULL
);

-- A receipt-computer (or other source) patient number linked to a patient:
-- its presence is what the list shows as お薬自動登録 設定済.
CREATE TABLE patient_external_id (
    source       TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    patient_id   INTEGER NOT NULL REFERENCES patient (id),
    linked_at    TEXT NOT NULL,
    PRIMARY KEY (source, external_id)
);
CREATE INDEX patient_external_id_patient ON patient_external_id (patient_id);

-- A patient presenting their notebook at the counter (card touch, QR, …).
CREATE TABLE visit (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patient (id),
    visited_at  TEXT NOT NULL,
    source      TEXT NOT NULL
);
CREATE INDEX visit_visited_at ON visit (visited_at);

CREATE TABLE access_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    event       TEXT NOT NULL,
    staff_id    INTEGER REFERENCES staff (id),
    login_id    TEXT NOT NULL,                      -- as entered, also for failed attempts
    pc_name     TEXT NOT NULL,
    patient_id  INTEGER REFERENCES patient (id),
    detail      TEXT
);
CREATE INDEX access_log_at ON access_log (at);
