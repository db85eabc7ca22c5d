-- Issued prescriptions (C5–C7): what 発行済み一覧 shows beside the journal.
-- One row per registration request, written in the same transaction as the
-- request's journal row (so a 結果不明 registration is listed too); its
-- 処方箋ID and 引換番号 are the request's. `stage` is the service's last
-- reported state (NULL: none asked yet, shown as 未受付 once registered).
CREATE TABLE eps_prescription (
    request_id    INTEGER PRIMARY KEY REFERENCES eps_request (id),
    issue_type    TEXT NOT NULL CHECK (issue_type IN ('electronic', 'paper')),
    patient_name  TEXT NOT NULL,
    patient_kana  TEXT NOT NULL,
    birth_date    TEXT NOT NULL,            -- YYYYMMDD
    summary       TEXT NOT NULL,            -- the drugs, one line
    stage         TEXT CHECK (stage IN ('not_received', 'dispensing', 'dispensed', 'collected', 'cancelled', 'unknown')),
    sentence      TEXT,                     -- the service's sentence, verbatim
    pharmacy      TEXT,                     -- 受付薬局
    stage_at      TEXT
) STRICT;
