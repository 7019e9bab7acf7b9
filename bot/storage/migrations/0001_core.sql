-- Core tables: key/value metadata (e.g. the hash of the last synced command set) and per-server settings.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE guild_settings (
    guild_id            INTEGER PRIMARY KEY,
    spoiler_season      INTEGER NULL CHECK (spoiler_season IS NULL OR spoiler_season >= 0),
    spoiler_volume      INTEGER NULL CHECK (spoiler_volume IS NULL OR spoiler_volume >= 0),
    timezone            TEXT    NOT NULL DEFAULT 'UTC',
    announce_channel_id INTEGER NULL,
    announce_role_id    INTEGER NULL,
    reminder            TEXT    NOT NULL DEFAULT 'none' CHECK (reminder IN ('none', '1d', '1w')),
    announce_error      TEXT    NULL,
    updated_at          TEXT    NOT NULL
);
