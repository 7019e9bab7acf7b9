-- Claims (issue 15, item 3): several processes share one database, so a pending announcement, daily post or
-- reminder is sent by the one process that claimed it. `claimed_by` names the process; `claimed_until`
-- (ISO 8601 UTC, microseconds) is its lease: a process that died mid-send holds it until then, and another
-- process may claim and retry it after (the nonce and the history check stay the second guard).
ALTER TABLE announcements ADD COLUMN claimed_by TEXT NULL;
ALTER TABLE announcements ADD COLUMN claimed_until TEXT NULL;
ALTER TABLE daily_posts ADD COLUMN claimed_by TEXT NULL;
ALTER TABLE daily_posts ADD COLUMN claimed_until TEXT NULL;
ALTER TABLE reminders ADD COLUMN claimed_by TEXT NULL;
ALTER TABLE reminders ADD COLUMN claimed_until TEXT NULL;
