-- Trivia (/trivia play, leaderboard, stats): the questions asked, each fan's answer, and scores per server.
-- Self-contained: no table of another migration is referenced.

-- One row per question asked. Its buttons' custom_ids name the id ("fx:trivia:<id>:<choice>"), so a click
-- is answered from here whatever process receives it; the reveal is due from `closes_at` on, so a restart
-- loses nothing. `round` and `key`: a server is asked each question of its pool once per round.
-- AUTOINCREMENT: an id is never reused, so an old message's buttons can never name a newer question.
CREATE TABLE trivia_questions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    message_id  INTEGER NULL,      -- set once the question is posted
    round       INTEGER NOT NULL CHECK (round >= 1),
    key         TEXT    NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    kind        TEXT    NOT NULL,
    prompt      TEXT    NOT NULL,
    choices     TEXT    NOT NULL,  -- a JSON array of 3 or 4 strings, in the order of the buttons
    answer      INTEGER NOT NULL CHECK (answer >= 0),
    fact        TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    asked_at    TEXT    NOT NULL,  -- ISO 8601, UTC
    closes_at   TEXT    NOT NULL,
    revealed_at TEXT    NULL,      -- when the message was edited to show the answer (or given up on)
    UNIQUE (guild_id, round, key)
);
-- One open question per channel: a second /trivia play there is refused while this holds a row.
CREATE UNIQUE INDEX trivia_questions_open_per_channel ON trivia_questions (channel_id)
    WHERE revealed_at IS NULL;
CREATE INDEX trivia_questions_due ON trivia_questions (closes_at) WHERE revealed_at IS NULL;

-- One answer per fan per question (the primary key refuses a second one).
CREATE TABLE trivia_answers (
    question_id INTEGER NOT NULL REFERENCES trivia_questions (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    choice      INTEGER NOT NULL CHECK (choice >= 0),
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    answered_at TEXT    NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
CREATE INDEX trivia_answers_by_user ON trivia_answers (user_id);

-- A fan's score in a server, updated with each answer. `display_name` is the name the interaction carried
-- with their latest answer: the leaderboard needs no members intent and never looks anyone up.
CREATE TABLE trivia_scores (
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    display_name TEXT    NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    points       INTEGER NOT NULL CHECK (points >= 0),
    answers      INTEGER NOT NULL CHECK (answers >= 0),
    correct      INTEGER NOT NULL CHECK (correct >= 0),
    streak       INTEGER NOT NULL CHECK (streak >= 0),
    best_streak  INTEGER NOT NULL CHECK (best_streak >= 0),
    updated_at   TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
-- The leaderboard's order, so its top 10 is read from the index without sorting the server's fans.
CREATE INDEX trivia_scores_leaderboard ON trivia_scores (guild_id, points DESC, best_streak DESC, user_id);
CREATE INDEX trivia_scores_by_user ON trivia_scores (user_id);
