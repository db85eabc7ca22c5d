-- 監査ログ (issue 16 §8): administrators filter the access log by patient
-- and by staff ID; newest first.
CREATE INDEX access_log_patient ON access_log (patient_id, id) WHERE patient_id IS NOT NULL;
CREATE INDEX access_log_login ON access_log (login_id, id);
