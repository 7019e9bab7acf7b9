"""/poll end to end (a native poll the emulator validates against Discord's OpenAPI document) and the
canon polls themselves (bot/domain/polls.py): answers from the dataset, within the spoiler limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.domain.catalog import Catalog
from bot.domain.errors import InvalidOptionError, NotFoundError
from bot.domain.polls import ANSWER_LIMIT, MAX_ANSWERS, QUESTION_LIMIT, canon_poll
from bot.domain.source import load_dataset
from bot.domain.spoilers import NO_LIMIT, SpoilerLimit
from discord_emulator import DiscordEmulator, Guild, User
from discord_emulator.polls import poll_problems
from tests.conftest import StartBot

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "heartstopper.toml"


def sent_poll(result: Any) -> dict[str, Any]:
    return result.callback["data"]["poll"]


@pytest.mark.openapi
async def test_poll_sends_a_native_poll_that_discord_accepts(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    assert emulator.validator is not None  # every body below is checked against the document
    await start_bot()
    result = await emulator.slash(guild, fan, "poll", about="book")
    assert not result.ephemeral
    poll = sent_poll(result)
    assert poll["question"]["text"] == "Which Heartstopper book is your favourite?"
    answers = [a["poll_media"]["text"] for a in poll["answers"]]
    assert answers[:2] == ["Heartstopper: Volume 1", "Heartstopper: Volume 2"] and len(answers) == 10
    assert poll["duration"] == 24
    assert result.callback["data"]["allowed_mentions"] == {"parse": []}
    # The message Discord shows carries the poll, closing 24 hours after it was sent.
    shown = result.message["poll"]
    assert [a["answer_id"] for a in shown["answers"]] == list(range(1, 11))
    assert emulator.validation_errors == []


async def test_a_character_poll_for_a_season_with_a_chosen_duration(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    result = await emulator.slash(guild, fan, "poll", about="character", season="2", hours=768)
    poll = sent_poll(result)
    assert poll["question"]["text"] == "Who is your favourite character in Season 2?"
    answers = [a["poll_media"]["text"] for a in poll["answers"]]
    assert answers[:2] == ["Charlie Spring", "Nick Nelson"] and len(answers) == MAX_ANSWERS
    assert poll["duration"] == 768
    episodes = await emulator.slash(guild, fan, "poll", about="episode", season="s1", hours=1)
    assert [a["poll_media"]["text"] for a in sent_poll(episodes)["answers"]][:2] == ["1. Meet", "2. Crush"]


async def test_polls_stay_within_the_spoiler_limit(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User
) -> None:
    await start_bot()
    await emulator.slash(guild, moderator, "config spoilers", season=2, volume=3)
    seasons = await emulator.slash(guild, fan, "poll", about="season")
    assert [a["poll_media"]["text"] for a in sent_poll(seasons)["answers"]] == ["Season 1", "Season 2"]
    assert "1 later one left out" in seasons.content
    refused = await emulator.slash(guild, fan, "poll", about="character", season="3")
    assert refused.ephemeral and "beyond this server's spoiler limit" in refused.content
    assert "poll" not in refused.callback["data"]
    await emulator.slash(guild, moderator, "config spoilers", season=1, volume=1)
    too_few = await emulator.slash(guild, fan, "poll", about="season")
    assert too_few.ephemeral and "at least two answers" in too_few.content


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.build(load_dataset(DATA_FILE))


@pytest.mark.parametrize("topic", ["season", "book", "character", "episode"])
@pytest.mark.parametrize("limit", [NO_LIMIT, SpoilerLimit(2, 3), SpoilerLimit(3, 6)])
def test_every_canon_poll_fits_discord(catalog: Catalog, topic: str, limit: SpoilerLimit) -> None:
    poll = canon_poll(catalog, topic, "1", 24, limit)
    assert 2 <= len(poll.answers) <= MAX_ANSWERS and len(poll.question) <= QUESTION_LIMIT
    assert all(1 <= len(answer) <= ANSWER_LIMIT for answer in poll.answers)
    assert len(set(poll.answers)) == len(poll.answers)
    body = {
        "question": {"text": poll.question},
        "answers": [{"poll_media": {"text": a}} for a in poll.answers],
        "duration": poll.hours,
    }
    assert poll_problems(body) == []


def test_books_beyond_the_limit_are_not_offered(catalog: Catalog) -> None:
    poll = canon_poll(catalog, "book", None, 24, SpoilerLimit(1, 2))
    assert poll.answers == ("Heartstopper: Volume 1", "Heartstopper: Volume 2") and poll.left_out == 8


@pytest.mark.parametrize(
    ("topic", "season", "hours", "error", "text"),
    [
        ("weather", None, 24, InvalidOptionError, "Pick what the poll is about"),
        ("character", None, 24, InvalidOptionError, "needs a `season`"),
        ("character", "9", 24, NotFoundError, "There is no Season 9"),
        ("book", None, 0, InvalidOptionError, "`hours` must be"),
        ("book", None, 769, InvalidOptionError, "`hours` must be"),
        ("book", None, True, InvalidOptionError, "`hours` must be"),
        ("episode", "film", 24, InvalidOptionError, "at least two answers"),
    ],
)
def test_bad_options_are_refused_with_a_reason(
    catalog: Catalog, topic: str, season: str | None, hours: object, error: type[Exception], text: str
) -> None:
    with pytest.raises(error, match=text.replace("`", ".")):
        canon_poll(catalog, topic, season, hours, NO_LIMIT)


def test_the_emulator_refuses_what_discord_refuses() -> None:
    long = {"question": {"text": "Q?"}, "answers": [{"poll_media": {"text": "x" * 56}}], "duration": 24}
    assert poll_problems(long) == ["poll/answers/0/poll_media/text: 1-55 characters required"]
    assert poll_problems({**long, "answers": [], "duration": 769}) == [
        "poll/answers: 1-10 answers required",
        "poll/duration: 1-768 hours",
    ]


async def test_the_poll_is_in_the_servers_language_and_a_refusal_in_the_fans(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User
) -> None:
    await start_bot()
    guild.locale = "pt-BR"
    fan.locale = "de"
    book = await emulator.slash(guild, fan, "poll", about="book")
    assert not book.ephemeral
    assert sent_poll(book)["question"]["text"] == "Qual é o seu livro favorito de Heartstopper?"
    await emulator.slash(guild, moderator, "config spoilers", season=2, volume=3)
    seasons = await emulator.slash(guild, fan, "poll", about="season")
    assert "1 posterior ficou de fora" in seasons.content
    refused = await emulator.slash(guild, fan, "poll", about="character", season="3")
    assert refused.ephemeral and "jenseits der Spoilergrenze des Servers" in refused.content
    assert "Die Figuren würden zu viel verraten" in refused.content
    guild.locale = "en-US"
    fan.locale = "en-GB"
    english = await emulator.slash(guild, fan, "poll", about="character", season="3")
    assert english.content.startswith("Season 3 is beyond this server's spoiler limit (caught up to ")
    assert english.content.endswith(
        ": its characters would give it away. Pick a season the server has reached."
    )
