-- The dataset is read straight from its TOML file at every start (bot/app/client.py, FandexBot.prepare);
-- the SQLite copy that 0002 made is gone. Nothing but its own loader ever read these tables, and with the
-- Rust TOML parser, parsing the file (10,000 characters: ~0.3 s) is no slower than loading the copy back
-- (~0.25-0.4 s), while rebuilding the copy cost ~1.6 s on every start with a new or changed file.
-- Children before parents, so the foreign keys never block a drop.
DROP TABLE IF EXISTS dataset_sources;
DROP TABLE IF EXISTS dataset_texts;
DROP TABLE IF EXISTS dataset_events;
DROP TABLE IF EXISTS dataset_character_seasons;
DROP TABLE IF EXISTS dataset_characters;
DROP TABLE IF EXISTS dataset_production_facts;
DROP TABLE IF EXISTS dataset_adaptations;
DROP TABLE IF EXISTS dataset_episodes;
DROP TABLE IF EXISTS dataset_productions;
DROP TABLE IF EXISTS dataset_publications;
DROP TABLE IF EXISTS dataset_works;
DROP TABLE IF EXISTS dataset_series_facts;
DROP TABLE IF EXISTS dataset_meta;
