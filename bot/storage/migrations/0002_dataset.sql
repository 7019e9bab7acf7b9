-- Dataset tables, rebuilt by bot/dataset_store.py whenever data/heartstopper.toml changes.
-- `position` columns keep the source file's order so the dataset loads back exactly as parsed.
-- Dates are kept as their source text (`date`) plus UTC bounds (`starts_at`/`ends_at`, ISO 8601)
-- so queries can order and compare them; both bounds are NULL for "unknown".

CREATE TABLE dataset_meta (
    id             TEXT PRIMARY KEY,
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    knowledge_note TEXT NOT NULL,
    verified_on    TEXT NOT NULL,
    content_hash   TEXT NOT NULL,
    loaded_at      TEXT NOT NULL
);

CREATE TABLE dataset_series_facts (
    position INTEGER PRIMARY KEY,
    topic    TEXT NOT NULL,
    text     TEXT NOT NULL
);

CREATE TABLE dataset_works (
    id             TEXT PRIMARY KEY,
    position       INTEGER NOT NULL UNIQUE,
    title          TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('graphic novel', 'novella', 'novel', 'companion')),
    number         INTEGER NULL,
    summary        TEXT NOT NULL,
    spoiler_volume INTEGER NOT NULL
);

CREATE TABLE dataset_publications (
    work_id   TEXT NOT NULL REFERENCES dataset_works (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    region    TEXT NOT NULL,
    date      TEXT NOT NULL,
    precision TEXT NOT NULL CHECK (precision IN ('time', 'day', 'month', 'year', 'unknown')),
    starts_at TEXT NULL,
    ends_at   TEXT NULL,
    status    TEXT NOT NULL CHECK (status IN ('confirmed', 'announced', 'rumoured')),
    note      TEXT NOT NULL,
    PRIMARY KEY (work_id, position)
);

CREATE TABLE dataset_productions (
    id                TEXT PRIMARY KEY,
    position          INTEGER NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('season', 'film')),
    number            INTEGER NULL,
    title             TEXT NOT NULL,
    release_date      TEXT NOT NULL,
    release_precision TEXT NOT NULL CHECK (release_precision IN ('time', 'day', 'month', 'year', 'unknown')),
    release_starts_at TEXT NULL,
    release_ends_at   TEXT NULL,
    release_status    TEXT NOT NULL CHECK (release_status IN ('confirmed', 'announced', 'rumoured')),
    release_note      TEXT NOT NULL,
    episode_count     INTEGER NULL,
    runtime           TEXT NULL,
    adapts_note       TEXT NOT NULL,
    summary           TEXT NOT NULL,
    spoiler_season    INTEGER NOT NULL
);

CREATE TABLE dataset_episodes (
    production_id TEXT NOT NULL REFERENCES dataset_productions (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    title         TEXT NULL,
    PRIMARY KEY (production_id, number)
);

-- One row per work/production pair; the two positions rebuild Work.adapted_in and Production.adapts.
CREATE TABLE dataset_adaptations (
    work_id             TEXT NOT NULL REFERENCES dataset_works (id) ON DELETE CASCADE,
    production_id       TEXT NOT NULL REFERENCES dataset_productions (id) ON DELETE CASCADE,
    work_position       INTEGER NOT NULL,
    production_position INTEGER NOT NULL,
    PRIMARY KEY (work_id, production_id)
);

CREATE TABLE dataset_production_facts (
    production_id TEXT NOT NULL REFERENCES dataset_productions (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    text          TEXT NOT NULL,
    PRIMARY KEY (production_id, position)
);

CREATE TABLE dataset_characters (
    id                  TEXT PRIMARY KEY,
    position            INTEGER NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    actor               TEXT NOT NULL,
    role                TEXT NOT NULL,
    grp                 TEXT NOT NULL CHECK (grp IN ('main', 'recurring', 'guest')),
    film                TEXT NULL CHECK (film IS NULL OR film IN ('confirmed', 'unverified')),
    role_spoiler_season INTEGER NULL
);

CREATE TABLE dataset_character_seasons (
    character_id TEXT NOT NULL REFERENCES dataset_characters (id) ON DELETE CASCADE,
    season       INTEGER NOT NULL,
    PRIMARY KEY (character_id, season)
);
CREATE INDEX dataset_character_seasons_by_season ON dataset_character_seasons (season);

CREATE TABLE dataset_events (
    id        TEXT PRIMARY KEY,
    position  INTEGER NOT NULL UNIQUE,
    title     TEXT NOT NULL,
    date      TEXT NOT NULL,
    precision TEXT NOT NULL CHECK (precision IN ('time', 'day', 'month', 'year', 'unknown')),
    starts_at TEXT NULL,
    ends_at   TEXT NULL,
    status    TEXT NOT NULL CHECK (status IN ('confirmed', 'announced', 'rumoured')),
    kind      TEXT NOT NULL CHECK (kind IN ('book', 'season', 'film', 'news')),
    related   TEXT NULL,
    note      TEXT NOT NULL
);
CREATE INDEX dataset_events_by_start ON dataset_events (starts_at);

-- Short lists of text attached to an entry (aliases, notes, unverified, content_notes, ...).
-- owner is "<kind>:<id>", e.g. "work:volume-1", "publication:volume-1/0", "episode:season-1/4".
CREATE TABLE dataset_texts (
    owner    TEXT NOT NULL,
    field    TEXT NOT NULL,
    position INTEGER NOT NULL,
    text     TEXT NOT NULL,
    PRIMARY KEY (owner, field, position)
);

-- Source URLs, with the same owner keys; field is "sources", "summary_sources", "release_sources", ...
CREATE TABLE dataset_sources (
    owner    TEXT NOT NULL,
    field    TEXT NOT NULL,
    position INTEGER NOT NULL,
    url      TEXT NOT NULL,
    PRIMARY KEY (owner, field, position)
);
