"""The trivia repository against a real SQLite file: rounds, one open question per channel, one answer
per fan, scores and streaks, the leaderboard, stats, and forgetting a fan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.domain.trivia import Question
from bot.storage.database import Connection
from bot.storage.trivia import TriviaRepository
from tests.backends import Backend

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(seconds=20)
GUILD, CHANNEL = 1, 10


def question(key: str, answer: int = 0) -> Question:
    return Question(
        key, "actor", f"Who plays {key}?", ("A", "B", "C"), answer, "A plays it.", "https://x.org"
    )


def drawing(*keys: str) -> tuple[Callable[[frozenset[str]], Question | None], list[frozenset[str]]]:
    """A draw that returns the first of `keys` not asked yet, and records what it was shown."""
    seen: list[frozenset[str]] = []

    def draw(asked: frozenset[str]) -> Question | None:
        seen.append(asked)
        return next((question(k) for k in keys if k not in asked), None)

    return draw, seen


async def test_one_open_question_per_channel_and_rounds_without_repeats(db: Connection) -> None:
    store = TriviaRepository(db)
    draw, seen = drawing("a", "b")
    first = await store.open_question(GUILD, CHANNEL, NOW, LATER, draw)
    assert first.question is not None and not first.already_open
    again = await store.open_question(GUILD, CHANNEL, NOW, LATER, draw)
    assert again.already_open and again.question == first.question
    other = await store.open_question(GUILD, CHANNEL + 1, NOW, LATER, draw)  # another channel: fine
    assert other.question is not None and other.question.question.key == "b"
    assert seen[-1] == {"a"}
    for asked in (first.question, other.question):
        await store.mark_revealed(asked.id, LATER)
    # Both keys asked in round 1: a new round starts with everything available again.
    third = await store.open_question(GUILD, CHANNEL, LATER, LATER, draw)
    assert third.question is not None and third.question.question.key == "a"
    assert seen[-2:] == [{"a", "b"}, frozenset()]
    # Another server has its own rounds.
    elsewhere = await store.open_question(GUILD + 1, 99, NOW, LATER, draw)
    assert elsewhere.question is not None and seen[-1] == frozenset()


async def test_nothing_to_ask(db: Connection) -> None:
    opening = await TriviaRepository(db).open_question(GUILD, CHANNEL, NOW, LATER, lambda asked: None)
    assert opening.question is None and not opening.already_open


async def test_a_question_survives_reopening_and_is_due_after_its_close(backend: Backend) -> None:
    db = await backend.open()
    store = TriviaRepository(db)
    opened = await store.open_question(GUILD, CHANNEL, NOW, LATER, drawing("a")[0])
    assert opened.question is not None
    await store.set_message(opened.question.id, 555)
    await db.close()
    db = await backend.open()
    try:
        store = TriviaRepository(db)
        [asked] = await store.due(LATER)
        assert asked.message_id == 555 and asked.question == question("a")
        assert asked.closes_at == LATER and asked.is_open(NOW) and not asked.is_open(LATER)
        assert await store.due(LATER - timedelta(microseconds=1)) == []
        assert await store.next_close() == LATER
        await store.mark_revealed(asked.id, LATER)
        assert await store.due(LATER + timedelta(days=1)) == [] and await store.next_close() is None
        assert (await store.get(asked.id)).revealed_at == LATER  # type: ignore[union-attr]
    finally:
        await db.close()


async def test_one_answer_per_fan_scores_and_streaks(db: Connection) -> None:
    store = TriviaRepository(db)
    results = []
    for key, choice in (("a", 0), ("b", 0), ("c", 1), ("d", 0)):  # right, right, wrong, right
        opened = await store.open_question(GUILD, CHANNEL, NOW, LATER, drawing(key)[0])
        assert opened.question is not None
        record = await store.record_answer(opened.question, 7, "tao", choice, NOW)
        assert record.first and record.score is not None
        results.append(record.score)
        again = await store.record_answer(opened.question, 7, "tao", 2, NOW)
        assert not again.first and again.choice == choice and again.score is None
        await store.mark_revealed(opened.question.id, LATER)
    assert [(s.points, s.answers, s.correct, s.streak, s.best_streak) for s in results] == [
        (1, 1, 1, 1, 1),
        (2, 2, 2, 2, 2),
        (2, 3, 2, 0, 2),
        (3, 4, 3, 1, 2),
    ]
    assert (await store.tally(opened.question.id)).answered == 1


async def test_leaderboard_stats_and_forgetting_a_fan(db: Connection) -> None:
    store = TriviaRepository(db)
    opened = await store.open_question(GUILD, CHANNEL, NOW, LATER, drawing("a")[0])
    elsewhere = await store.open_question(GUILD + 1, 99, NOW, LATER, drawing("a")[0])
    assert opened.question is not None and elsewhere.question is not None
    for user, name, choice in ((1, "nick", 0), (2, "charlie", 0), (3, "ben", 1)):
        await store.record_answer(opened.question, user, name, choice, NOW)
    await store.record_answer(elsewhere.question, 2, "Charlie S.", 0, NOW)
    tally = await store.tally(opened.question.id)
    assert (tally.answered, tally.right) == (3, 2)
    board = await store.leaderboard(GUILD)
    assert [(s.name, s.points) for s in board] == [("nick", 1), ("charlie", 1), ("ben", 0)]
    here = await store.stats(2, GUILD)
    assert here is not None and (here.points, here.rank, here.players, here.servers) == (1, 2, 3, 1)
    everywhere = await store.stats(2, None)
    assert everywhere is not None and (everywhere.points, everywhere.answers, everywhere.servers) == (2, 2, 2)
    assert everywhere.rank is None
    assert await store.stats(9, GUILD) is None and await store.stats(9, None) is None

    assert await store.answers_by(2) == 2
    assert await store.forget(2) is True  # two answers, two scores
    assert await store.stats(2, None) is None
    assert [s.name for s in await store.leaderboard(GUILD)] == ["nick", "ben"]
    assert (await store.tally(opened.question.id)).answered == 2
    assert await store.forget(2) is False


async def test_a_discarded_question_frees_its_channel_and_its_key(db: Connection) -> None:
    store = TriviaRepository(db)
    draw, _ = drawing("a", "b")
    opened = await store.open_question(GUILD, CHANNEL, NOW, LATER, draw)
    assert opened.question is not None
    await store.discard(opened.question.id)
    again = await store.open_question(GUILD, CHANNEL, NOW, LATER, draw)
    assert again.question is not None and not again.already_open and again.question.question.key == "a"
    assert again.question.id != opened.question.id  # ids are never reused
