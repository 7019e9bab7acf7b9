-- "🔔 Remind me": a fan's reminders of /countdown events, each one DM at the time they chose. A row exists
-- only for a reminder a fan set; /me forget deletes them all, and a settled one (sent, failed, cancelled,
-- missed) is deleted 30 days after it settled. Times are ISO 8601 in UTC with microseconds
-- (bot/storage/reminders.py), so text order is time order.
-- AUTOINCREMENT so an id is never reused: a DM's nonce is derived from it.
CREATE TABLE reminders (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL,
    event_key     TEXT    NOT NULL CHECK (length(event_key) BETWEEN 1 AND 100),  -- "ds:<id>" or "guild:<id>"
    event_title   TEXT    NOT NULL CHECK (length(event_title) BETWEEN 1 AND 300),
    lead          TEXT    NOT NULL CHECK (lead IN ('start', '1h', '1d', '1w')),
    starts_at     TEXT    NOT NULL,  -- the event's start it was computed from
    due_at        TEXT    NOT NULL,
    zone          TEXT    NOT NULL CHECK (length(zone) BETWEEN 1 AND 64),  -- where a day-only date starts
    guild_id      INTEGER NULL,      -- where the fan asked; NULL in a DM or group DM
    channel_id    INTEGER NULL,
    state         TEXT    NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'cancelled', 'missed')),
    next_try_at   TEXT    NOT NULL,  -- a pending reminder is not tried before this
    tries         INTEGER NOT NULL DEFAULT 0 CHECK (tries >= 0),  -- each recorded BEFORE its send
    refusals      INTEGER NOT NULL DEFAULT 0 CHECK (refusals BETWEEN 0 AND 3),  -- closed DMs answered
    doubt_since   TEXT    NULL,      -- a send whose outcome is unknown started then
    dm_channel_id INTEGER NULL,
    message_id    INTEGER NULL,
    note          TEXT    NULL CHECK (note IS NULL OR length(note) <= 500),
    created_at    TEXT    NOT NULL,
    settled_at    TEXT    NULL
);

-- One pending reminder per fan, event and lead; what is due, soonest first; a fan's own.
CREATE UNIQUE INDEX reminders_one_pending ON reminders (user_id, event_key, lead) WHERE state = 'pending';
CREATE INDEX reminders_due ON reminders (state, next_try_at);
CREATE INDEX reminders_by_user ON reminders (user_id, state);
