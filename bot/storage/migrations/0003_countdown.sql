-- Countdown feature: a server's own events and the log that makes every announcement go out exactly once.

-- AUTOINCREMENT so a removed event's id is never reused: announcements are keyed by "guild:<id>", and a
-- reused id would make a new event look already announced.
CREATE TABLE guild_events (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id           INTEGER NOT NULL,
    name               TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    name_key           TEXT    NOT NULL,  -- the name case-folded: names are unique per server, ignoring case
    date               TEXT    NOT NULL,  -- "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM Area/City" (PartialDate.iso())
    scheduled_event_id INTEGER NULL,      -- the Discord scheduled event created alongside, if any
    created_by         INTEGER NOT NULL,
    created_at         TEXT    NOT NULL,
    UNIQUE (guild_id, name_key)
);

-- One row per (server, event, kind), written BEFORE the message is sent; `nonce` goes with the message so a
-- repeated send after a crash returns the message already posted instead of a duplicate.
CREATE TABLE announcements (
    guild_id     INTEGER NOT NULL,
    event_key    TEXT    NOT NULL,  -- "ds:<dataset event id>" or "guild:<guild_events.id>"
    kind         TEXT    NOT NULL CHECK (kind IN ('reminder', 'release')),
    due_at       TEXT    NOT NULL,  -- ISO 8601, UTC
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'sent', 'skipped', 'failed')),
    nonce        TEXT    NOT NULL CHECK (length(nonce) BETWEEN 1 AND 25),
    message_id   INTEGER NULL,
    attempted_at TEXT    NULL,
    detail       TEXT    NULL,
    PRIMARY KEY (guild_id, event_key, kind)
);
