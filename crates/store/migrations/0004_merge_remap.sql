-- Patient merge with undo, and receipt-computer ID remapping (P11).
--
-- A merge moves every row of the merged patient onto the kept one and
-- records each moved row in patient_merge_row, so that undo moves back
-- exactly those rows. The merged patient stays (merged_into set) and is
-- no longer found by search or by the import's identity rules.

ALTER TABLE patient ADD COLUMN merged_into INTEGER REFERENCES patient (id);

CREATE TABLE patient_merge (
    id               INTEGER PRIMARY KEY,
    kept_id          INTEGER NOT NULL REFERENCES patient (id),
    merged_id        INTEGER NOT NULL REFERENCES patient (id),
    reason           TEXT NOT NULL,
    staff_id         INTEGER REFERENCES staff (id),
    merged_at        TEXT NOT NULL,
    undone_at        TEXT,
    undone_by        INTEGER REFERENCES staff (id),
    undone_reason    TEXT
);
CREATE INDEX patient_merge_kept ON patient_merge (kept_id);
CREATE INDEX patient_merge_merged ON patient_merge (merged_id);

CREATE TABLE patient_merge_row (
    merge_id  INTEGER NOT NULL REFERENCES patient_merge (id),
    tbl       TEXT NOT NULL,                -- one of merge.rs's PATIENT_TABLES
    row_id    INTEGER NOT NULL,           -- the moved row's rowid
    PRIMARY KEY (merge_id, tbl, row_id)
);

-- Every old → new receipt-computer ID change, kept for the audit.
CREATE TABLE external_id_remap (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,
    old_id       TEXT NOT NULL,
    new_id       TEXT NOT NULL,
    patient_id   INTEGER NOT NULL REFERENCES patient (id),
    staff_id     INTEGER REFERENCES staff (id),
    remapped_at  TEXT NOT NULL
);
CREATE INDEX external_id_remap_patient ON external_id_remap (patient_id);
