-- PostgreSQL copy of ../0001_core.sql: Discord ids are BIGINT; times stay ISO 8601 text, as on SQLite.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE guild_settings (
    guild_id            BIGINT  PRIMARY KEY,
    spoiler_season      INTEGER NULL CHECK (spoiler_season IS NULL OR spoiler_season >= 0),
    spoiler_volume      INTEGER NULL CHECK (spoiler_volume IS NULL OR spoiler_volume >= 0),
    timezone            TEXT    NOT NULL DEFAULT 'UTC',
    announce_channel_id BIGINT  NULL,
    announce_role_id    BIGINT  NULL,
    reminder            TEXT    NOT NULL DEFAULT 'none' CHECK (reminder IN ('none', '1d', '1w')),
    announce_error      TEXT    NULL,
    updated_at          TEXT    NOT NULL
);
