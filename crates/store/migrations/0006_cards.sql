-- Cards (P7): a FeliCa card, by its IDm, names one patient. Re-issuing gives
-- the patient a new card and disables the old one (kept, never deleted).
-- The patient's consent to the terms is recorded when the first card is issued.
ALTER TABLE patient ADD COLUMN phone TEXT;

CREATE TABLE card (
    idm              TEXT PRIMARY KEY,              -- 16 upper-case hex digits
    patient_id       INTEGER NOT NULL REFERENCES patient (id),
    issued_at        TEXT NOT NULL,
    issued_by        INTEGER REFERENCES staff (id),
    disabled_at      TEXT,
    disabled_reason  TEXT
);
CREATE INDEX card_patient ON card (patient_id);

CREATE TABLE consent (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patient (id),
    method      TEXT NOT NULL CHECK (method IN ('screen', 'paper')),  -- 画面 / 書面
    staff_id    INTEGER REFERENCES staff (id),
    at          TEXT NOT NULL
);
CREATE INDEX consent_patient ON consent (patient_id);
