-- "Something wrong?" reports: what a fan says is wrong or missing about one dataset entry. Only the
-- maintainers read them (`python -m bot reports`); nothing here is ever posted to Discord.
-- created_at is ISO 8601 in UTC with microseconds (bot/storage/reports.py), so text order is time order.
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_kind  TEXT    NOT NULL CHECK (entry_kind IN ('production', 'work', 'character', 'event', 'faq')),
    entry_id    TEXT    NOT NULL CHECK (length(entry_id) BETWEEN 1 AND 100),
    entry_title TEXT    NOT NULL,  -- the entry's title when reported: the dataset may change since
    guild_id    INTEGER NULL,      -- NULL: sent from a direct message
    channel_id  INTEGER NULL,
    user_id     INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    text        TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 2000)
);

-- The per-user limit counts a user's reports in the last 24 hours; the listing goes newest first.
CREATE INDEX reports_by_user ON reports (user_id, created_at);
CREATE INDEX reports_by_time ON reports (created_at);
