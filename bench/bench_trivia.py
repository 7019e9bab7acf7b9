"""Trivia, in process: drawing a question at 10,000 characters, and the leaderboard with 100,000 answers.

    python -m bench.bench_trivia [--size 10000] [--draws 5000] [--answers 100000]

Questions: the generated dataset of `bench/big_dataset.py` (the real source plus generated characters),
its trivia questions built once (per catalog, in a thread in the bot), the pool for two spoiler limits,
then `draw` as a server plays: the keys asked so far in the round grow with every question (the first
thousand of a round). The target is under 1 ms per question.

Leaderboard: a real SQLite file (the bot's own schema and pragmas), 100,000 answers from 5,000 fans to
2,000 questions in one server (plus another server's), then `TriviaRepository.leaderboard` and `stats` as
the bot calls them, and `record_answer` (one transaction, fsync'd: synchronous=FULL) for 200 more
answers. The target is under 5 ms for the leaderboard. The rows are written here with plain SQL in one
transaction (the repository writes one answer per transaction, which would take minutes): this setup is
the only SQL outside bot/storage, and it writes what the repository would.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

from bench.big_dataset import write_generated_dataset
from bot.domain.catalog import Catalog
from bot.domain.spoilers import NO_LIMIT, SpoilerLimit
from bot.domain.trivia import draw
from bot.domain.trivia_kinds import build_base
from bot.storage.database import open_database, transaction
from bot.storage.trivia import TriviaRepository

SEED = 20261201
GUILD, OTHER_GUILD = 1, 2
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _cuts(samples_us: Sequence[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples_us, n=100, method="inclusive")
    return cuts[49], cuts[98], max(samples_us)


def bench_questions(size: int, draws: int) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        dataset = write_generated_dataset(Path(folder) / "big.toml", size)
    catalog = Catalog.build(dataset)
    started = time.perf_counter()
    base = build_base(catalog)
    base_ms = (time.perf_counter() - started) * 1000
    lines = [
        f"questions at {len(dataset.characters):,} characters: {len(base.seeds):,} in all, "
        f"built in {base_ms:.0f} ms (once per dataset)"
    ]
    for name, limit in (("no limit", NO_LIMIT), ("caught up to S1 V1", SpoilerLimit(1, 1))):
        started = time.perf_counter()
        pool = base.pool(limit)
        pool_ms = (time.perf_counter() - started) * 1000
        rng = random.Random(SEED)
        asked: set[str] = set()
        samples: list[float] = []
        for number in range(draws):
            if number % 1000 == 0:
                asked.clear()  # a server's round: the first thousand questions of it, asked set growing
            start = time.perf_counter_ns()
            question = draw(pool, asked, rng)
            samples.append((time.perf_counter_ns() - start) / 1000)
            assert question is not None
            asked.add(question.key)
        p50, p99, worst = _cuts(samples)
        lines.append(
            f"  {name:<19} pool {pool.size:>6,} questions in {pool_ms:>4.0f} ms (once per limit) · "
            f"draw p50 {p50:.0f} µs, p99 {p99:.0f} µs, max {worst:.0f} µs"
        )
    return lines


async def _seed_answers(db: aiosqlite.Connection, answers: int) -> TriviaRepository:
    rng = random.Random(SEED)
    fans, questions = 5_000, 2_000
    question_rows = []
    for number in range(1, questions + 1):
        guild = GUILD if number <= questions * 9 // 10 else OTHER_GUILD
        asked = NOW - timedelta(minutes=questions - number)
        closes = asked + timedelta(seconds=20)
        question_rows.append(
            (number, guild, 10 + guild, 1, f"bench:{number}", "actor", "Who plays X?",
             json.dumps(["A", "B", "C", "D"]), rng.randrange(4), "A plays X.", "https://example.org/x",
             asked.isoformat(timespec="microseconds"), closes.isoformat(timespec="microseconds"),
             closes.isoformat(timespec="microseconds"))
        )  # fmt: skip
    answer_rows = []
    scores: dict[tuple[int, int], list[int]] = {}  # (guild, fan) -> [points, answers, correct, streak, best]
    pairs = rng.sample(range(fans * questions), answers)
    for pair in sorted(pairs, key=lambda p: p % questions):  # in question order, as they came in
        fan, question = divmod(pair, questions)
        guild = question_rows[question][1]
        right = rng.random() < 0.6
        answer_rows.append((question + 1, 100 + fan, rng.randrange(4), int(right), NOW.isoformat()))
        score = scores.setdefault((guild, 100 + fan), [0, 0, 0, 0, 0])
        score[0] += right
        score[1] += 1
        score[2] += right
        score[3] = score[3] + 1 if right else 0
        score[4] = max(score[4], score[3])
    async with transaction(db) as tx:
        await tx.executemany(
            "INSERT INTO trivia_questions (id, guild_id, channel_id, round, key, kind, prompt, choices,"
            " answer, fact, source, asked_at, closes_at, revealed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            question_rows,
        )
        await tx.executemany(
            "INSERT INTO trivia_answers (question_id, user_id, choice, correct, answered_at)"
            " VALUES (?, ?, ?, ?, ?)",
            answer_rows,
        )
        await tx.executemany(
            "INSERT INTO trivia_scores (guild_id, user_id, display_name, points, answers, correct, streak,"
            " best_streak, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(g, u, f"fan {u}", *s, NOW.isoformat()) for (g, u), s in scores.items()],
        )
    await db.execute("ANALYZE")
    return TriviaRepository(db)


async def _time(operation: Callable[[], Awaitable[object]], count: int) -> tuple[float, float, float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        await operation()
        samples.append((time.perf_counter_ns() - start) / 1000)
    return _cuts(samples)


def _ms_line(name: str, p50_us: float, p99_us: float, worst_us: float) -> str:
    return (
        f"  {name:<22} p50 {p50_us / 1000:.2f} ms, p99 {p99_us / 1000:.2f} ms, max {worst_us / 1000:.2f} ms"
    )


async def bench_leaderboard(answers: int) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        db = await open_database(Path(folder) / "trivia.sqlite3")
        try:
            store = await _seed_answers(db, answers)
            board = await store.leaderboard(GUILD)
            assert len(board) == 10
            lines = [f"leaderboard with {answers:,} stored answers (5,000 fans, 2,000 questions, 2 servers):"]
            p50, p99, worst = await _time(lambda: store.leaderboard(GUILD), 500)
            lines.append(_ms_line("leaderboard (top 10)", p50, p99, worst))
            p50, p99, worst = await _time(lambda: store.stats(board[5].user_id, GUILD), 500)
            lines.append(_ms_line("stats (with rank)", p50, p99, worst))
            asked = await store.get(1)
            assert asked is not None
            fans = iter(range(10_000, 10_200))
            p50, p99, worst = await _time(
                lambda: store.record_answer(asked, next(fans), "new fan", 0, NOW), 200
            )
            lines.append(_ms_line("record_answer (fsync)", p50, p99, worst))
        finally:
            await db.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="characters in the generated dataset")
    parser.add_argument("--draws", type=int, default=5_000, help="questions drawn per spoiler limit")
    parser.add_argument("--answers", type=int, default=100_000, help="answers stored before the leaderboard")
    args = parser.parse_args()
    for line in bench_questions(args.size, args.draws):
        print(line)
    for line in asyncio.run(bench_leaderboard(args.answers)):
        print(line)


if __name__ == "__main__":
    main()
