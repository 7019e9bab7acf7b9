-- A fan's own settings (/me): a row exists only while the fan has something set. /me forget deletes it, and a
-- change that leaves nothing set deletes it too, so nothing is kept about a fan who did not ask for it.
CREATE TABLE user_settings (
    user_id        INTEGER PRIMARY KEY,
    spoiler_season INTEGER NULL CHECK (spoiler_season IS NULL OR spoiler_season >= 0),
    spoiler_volume INTEGER NULL CHECK (spoiler_volume IS NULL OR spoiler_volume >= 0),
    timezone       TEXT    NULL CHECK (timezone IS NULL OR length(timezone) BETWEEN 1 AND 64),
    updated_at     TEXT    NOT NULL
);
