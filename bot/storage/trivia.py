"""Trivia: the only SQL for `trivia_questions`, `trivia_answers` and `trivia_scores`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.domain.trivia import (
    POINTS_PER_RIGHT_ANSWER,
    AnswerRecord,
    AskedQuestion,
    Opening,
    Question,
    Score,
    Stats,
    Tally,
)
from bot.storage.database import Connection, Transaction, joined_transaction, serialize, transaction

LEADERBOARD_SIZE = 10

_QUESTION_COLUMNS = (
    "id, guild_id, channel_id, message_id, key, kind, prompt, choices, answer, fact, source,"
    " asked_at, closes_at, revealed_at"
)
_SCORE_COLUMNS = "guild_id, user_id, display_name, points, answers, correct, streak, best_streak"


def _iso(moment: datetime) -> str:
    # One fixed width, so that the text columns compare in time order.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _question(row: Any) -> AskedQuestion:
    return AskedQuestion(
        id=row["id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        question=Question(
            key=row["key"],
            kind=row["kind"],
            prompt=row["prompt"],
            choices=tuple(json.loads(row["choices"])),
            answer=row["answer"],
            fact=row["fact"],
            source=row["source"],
        ),
        asked_at=datetime.fromisoformat(row["asked_at"]),
        closes_at=datetime.fromisoformat(row["closes_at"]),
        revealed_at=datetime.fromisoformat(row["revealed_at"]) if row["revealed_at"] else None,
    )


def _score(row: Any) -> Score:
    return Score(
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        name=row["display_name"],
        points=row["points"],
        answers=row["answers"],
        correct=row["correct"],
        streak=row["streak"],
        best_streak=row["best_streak"],
    )


class TriviaRepository:
    def __init__(self, db: Connection) -> None:
        self._db = db

    # -- questions ------------------------------------------------------------------------------------

    async def open_question(
        self,
        guild_id: int,
        channel_id: int,
        asked_at: datetime,
        closes_at: datetime,
        draw: Callable[[frozenset[str]], Question | None],
    ) -> Opening:
        """Store a new question for the channel, drawn by `draw` from the keys not yet asked in the server's
        round (a new round when none is left), in one transaction; or the question already open there."""
        async with transaction(self._db) as db:
            await serialize(db, f"trivia_questions:{guild_id}")
            async with db.execute(
                f"SELECT {_QUESTION_COLUMNS} FROM trivia_questions"
                " WHERE channel_id = ? AND revealed_at IS NULL",
                (channel_id,),
            ) as cursor:
                row = await cursor.fetchone()
            if row is not None:
                return Opening(_question(row), already_open=True)
            async with db.execute(
                "SELECT COALESCE(MAX(round), 1) FROM trivia_questions WHERE guild_id = ?", (guild_id,)
            ) as cursor:
                found = await cursor.fetchone()
            current = int(found[0]) if found else 1
            async with db.execute(
                "SELECT key FROM trivia_questions WHERE guild_id = ? AND round = ?", (guild_id, current)
            ) as cursor:
                asked = frozenset(r[0] for r in await cursor.fetchall())
            question = draw(asked)
            if question is None and asked:  # the pool is used up: start it again
                current += 1
                question = draw(frozenset())
            if question is None:
                return Opening(None, already_open=False)
            cursor = await db.execute(
                "INSERT INTO trivia_questions (guild_id, channel_id, round, key, kind, prompt, choices,"
                " answer, fact, source, asked_at, closes_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING id",
                (
                    guild_id,
                    channel_id,
                    current,
                    question.key,
                    question.kind,
                    question.prompt,
                    json.dumps(list(question.choices), ensure_ascii=False),
                    question.answer,
                    question.fact,
                    question.source,
                    _iso(asked_at),
                    _iso(closes_at),
                ),
            )
            returned = await cursor.fetchone()
            question_id = int(returned[0]) if returned else None
        assert question_id is not None
        stored = await self.get(question_id)
        assert stored is not None
        return Opening(stored, already_open=False)

    async def set_message(self, question_id: int, message_id: int) -> None:
        async with transaction(self._db) as db:
            await db.execute(
                "UPDATE trivia_questions SET message_id = ? WHERE id = ?", (message_id, question_id)
            )

    async def discard(self, question_id: int) -> None:
        """Forget a question that could not be posted (its key goes back into the round)."""
        async with transaction(self._db) as db:
            await db.execute("DELETE FROM trivia_questions WHERE id = ?", (question_id,))

    async def get(self, question_id: int) -> AskedQuestion | None:
        async with self._db.execute(
            f"SELECT {_QUESTION_COLUMNS} FROM trivia_questions WHERE id = ?", (question_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _question(row) if row else None

    async def due(self, now: datetime) -> list[AskedQuestion]:
        """Questions closed by `now` whose answer is not revealed yet, oldest first."""
        async with self._db.execute(
            f"SELECT {_QUESTION_COLUMNS} FROM trivia_questions"
            " WHERE revealed_at IS NULL AND closes_at <= ? ORDER BY closes_at",
            (_iso(now),),
        ) as cursor:
            rows = await cursor.fetchall()
        return [_question(row) for row in rows]

    async def next_close(self) -> datetime | None:
        """When the next open question closes, if any is open."""
        async with self._db.execute(
            "SELECT MIN(closes_at) FROM trivia_questions WHERE revealed_at IS NULL"
        ) as cursor:
            row = await cursor.fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def mark_revealed(self, question_id: int, now: datetime) -> None:
        async with transaction(self._db) as db:
            await db.execute(
                "UPDATE trivia_questions SET revealed_at = ? WHERE id = ? AND revealed_at IS NULL",
                (_iso(now), question_id),
            )

    async def tally(self, question_id: int) -> Tally:
        async with self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(correct), 0) FROM trivia_answers WHERE question_id = ?",
            (question_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return Tally(answered=int(row[0]), right=int(row[1])) if row else Tally(0, 0)

    # -- answers and scores ---------------------------------------------------------------------------

    async def record_answer(
        self, asked: AskedQuestion, user_id: int, name: str, choice: int, now: datetime
    ) -> AnswerRecord:
        """A fan's answer and their new score, in one transaction; or their earlier answer, unchanged."""
        right = choice == asked.question.answer
        async with transaction(self._db) as db:
            cursor = await db.execute(
                "INSERT INTO trivia_answers (question_id, user_id, choice, correct, answered_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (question_id, user_id) DO NOTHING",
                (asked.id, user_id, choice, int(right), _iso(now)),
            )
            if cursor.rowcount == 0:
                async with db.execute(
                    "SELECT choice FROM trivia_answers WHERE question_id = ? AND user_id = ?",
                    (asked.id, user_id),
                ) as found:
                    row = await found.fetchone()
                return AnswerRecord(first=False, choice=int(row[0]) if row else choice, score=None)
            async with db.execute(
                "INSERT INTO trivia_scores (guild_id, user_id, display_name, points, answers, correct,"
                " streak, best_streak, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)"
                " ON CONFLICT (guild_id, user_id) DO UPDATE SET"
                " display_name = excluded.display_name,"
                # Qualified (PostgreSQL finds a bare name ambiguous), and no two-argument MAX (SQLite only).
                " points = trivia_scores.points + excluded.points,"
                " answers = trivia_scores.answers + 1,"
                " correct = trivia_scores.correct + excluded.correct,"
                " streak = CASE WHEN excluded.correct = 1 THEN trivia_scores.streak + 1 ELSE 0 END,"
                " best_streak = CASE WHEN excluded.correct = 1"
                " AND trivia_scores.streak + 1 > trivia_scores.best_streak"
                " THEN trivia_scores.streak + 1 ELSE trivia_scores.best_streak END,"
                " updated_at = excluded.updated_at"
                f" RETURNING {_SCORE_COLUMNS}",
                (
                    asked.guild_id,
                    user_id,
                    name,
                    POINTS_PER_RIGHT_ANSWER if right else 0,
                    int(right),
                    int(right),
                    int(right),
                    _iso(now),
                ),
            ) as returned:
                row = await returned.fetchone()
        assert row is not None
        return AnswerRecord(first=True, choice=choice, score=_score(row))

    async def leaderboard(self, guild_id: int, limit: int = LEADERBOARD_SIZE) -> list[Score]:
        """The server's best fans: most points, then the best streak (read in the index's order)."""
        async with self._db.execute(
            f"SELECT {_SCORE_COLUMNS} FROM trivia_scores WHERE guild_id = ?"
            " ORDER BY points DESC, best_streak DESC, user_id LIMIT ?",
            (guild_id, limit),
        ) as cursor:
            rows = await cursor.fetchall()
        return [_score(row) for row in rows]

    async def stats(self, user_id: int, guild_id: int | None) -> Stats | None:
        """A fan's trivia in one server with their rank there, or over every server (`guild_id` None)."""
        if guild_id is not None:
            return await self._server_stats(user_id, guild_id)
        async with self._db.execute(
            "SELECT COUNT(*), SUM(points), SUM(answers), SUM(correct), MAX(streak), MAX(best_streak)"
            " FROM trivia_scores WHERE user_id = ?",
            (user_id,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None or not row[0]:
            return None
        servers, points, answers, correct, streak, best = (int(value) for value in row)
        return Stats(points, answers, correct, streak, best, servers)

    async def _server_stats(self, user_id: int, guild_id: int) -> Stats | None:
        async with self._db.execute(
            f"SELECT {_SCORE_COLUMNS} FROM trivia_scores WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        score = _score(row)
        async with self._db.execute(
            "SELECT COUNT(*), SUM(CASE WHEN points > ? OR (points = ? AND (best_streak > ?"
            " OR (best_streak = ? AND user_id < ?))) THEN 1 ELSE 0 END)"
            " FROM trivia_scores WHERE guild_id = ?",
            (score.points, score.points, score.best_streak, score.best_streak, user_id, guild_id),
        ) as cursor:
            counted = await cursor.fetchone()
        players, ahead = (int(counted[0]), int(counted[1] or 0)) if counted else (1, 0)
        return Stats(
            score.points,
            score.answers,
            score.correct,
            score.streak,
            score.best_streak,
            servers=1,
            rank=ahead + 1,
            players=players,
        )

    async def answers_by(self, user_id: int) -> int:
        """How many trivia answers of this fan are stored, in every server (for /me show)."""
        async with self._db.execute(
            "SELECT count(*) FROM trivia_answers WHERE user_id = ?", (user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def forget(self, user_id: int, *, tx: Transaction | None = None) -> bool:
        """Delete every trivia answer and score of a fan, in every server (`/me forget`, in `tx`); whether
        there were any."""
        async with joined_transaction(self._db, tx) as db:
            answers = await db.execute("DELETE FROM trivia_answers WHERE user_id = ?", (user_id,))
            scores = await db.execute("DELETE FROM trivia_scores WHERE user_id = ?", (user_id,))
            return answers.rowcount + scores.rowcount > 0
