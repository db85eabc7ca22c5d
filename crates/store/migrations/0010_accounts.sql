-- Accounts hardened to the MHLW guideline 6.0 (issue 16 §5): a password an
-- administrator reset must be changed at the next sign-in; optional
-- two-factor sign-in with TOTP (RFC 6238) and one-time recovery codes.
ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));
-- The TOTP secret (base32); NULL = password only.
ALTER TABLE staff ADD COLUMN totp_secret TEXT;
-- The last time step accepted: a code is never accepted twice.
ALTER TABLE staff ADD COLUMN totp_last_step INTEGER;
-- JSON array of SHA-256 (hex) of the recovery codes not used yet.
ALTER TABLE staff ADD COLUMN recovery_codes TEXT;
