-- The access log by kind (監査ログ's filter, and finding where the chain
-- became keyed on every write).
CREATE INDEX access_log_event ON access_log (event, id);
