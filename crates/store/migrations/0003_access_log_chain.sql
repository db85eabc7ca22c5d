-- The access log becomes a hash chain: each row stores SHA-256 of the
-- previous row's hash and its own fields (see access_log.rs), so a row that
-- is edited or removed breaks the chain. Rows written before this migration
-- keep an empty hash and are reported as unchained.
ALTER TABLE access_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
