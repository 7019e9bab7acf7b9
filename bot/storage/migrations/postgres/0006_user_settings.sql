-- PostgreSQL copy of ../0006_user_settings.sql.
CREATE TABLE user_settings (
    user_id        BIGINT  PRIMARY KEY,
    spoiler_season INTEGER NULL CHECK (spoiler_season IS NULL OR spoiler_season >= 0),
    spoiler_volume INTEGER NULL CHECK (spoiler_volume IS NULL OR spoiler_volume >= 0),
    timezone       TEXT    NULL CHECK (timezone IS NULL OR length(timezone) BETWEEN 1 AND 64),
    updated_at     TEXT    NOT NULL
);
