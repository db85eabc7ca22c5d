-- The import gate's warnings about a dispensing (issue 20), one per line
-- ("5行目 レコード201: …"), shown as ⚠ on it in お薬履歴. NULL when none.
ALTER TABLE dispensing ADD COLUMN warnings TEXT;
