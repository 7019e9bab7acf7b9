-- "On this day" posts and release threads (issue 13, items 4 and 5). Numbered 0008 on the `daily` branch;
-- it may be renumbered at merge. Self-contained apart from the guild_settings columns it adds.

ALTER TABLE guild_settings ADD COLUMN daily_channel_id INTEGER NULL;
ALTER TABLE guild_settings ADD COLUMN daily_error TEXT NULL;
ALTER TABLE guild_settings ADD COLUMN announce_thread INTEGER NOT NULL DEFAULT 0
    CHECK (announce_thread IN (0, 1));
ALTER TABLE guild_settings ADD COLUMN thread_error TEXT NULL;

-- One row per (server, local day) with an anniversary, written BEFORE the post is sent; `nonce` goes with
-- the message so a repeated send after a crash returns the message already posted.
CREATE TABLE daily_posts (
    guild_id     INTEGER NOT NULL,
    day          TEXT    NOT NULL,  -- "YYYY-MM-DD" in the server's time zone
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    nonce        TEXT    NOT NULL CHECK (length(nonce) BETWEEN 1 AND 25),
    message_id   INTEGER NULL,
    attempted_at TEXT    NOT NULL,  -- the first attempt, ISO 8601 UTC
    detail       TEXT    NULL,
    PRIMARY KEY (guild_id, day)
);

-- One row per release announcement that should get a thread, written BEFORE the thread is asked for.
-- A message has at most one thread (Discord refuses a second, and the thread's id is the message's), so a
-- retry either creates it or finds it; 'failed' is final.
CREATE TABLE release_threads (
    guild_id     INTEGER NOT NULL,
    event_key    TEXT    NOT NULL,
    message_id   INTEGER NULL,      -- the announcement the thread hangs on, once it is posted
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'created', 'failed')),
    thread_id    INTEGER NULL,
    attempted_at TEXT    NOT NULL,
    detail       TEXT    NULL,
    PRIMARY KEY (guild_id, event_key)
);
