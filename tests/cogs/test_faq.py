"""/faq end to end: the series facts by topic, their autocomplete, sources fit to post and bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from discord_emulator import DiscordEmulator, Guild, User
from tests import datasets
from tests.clock import FakeClock
from tests.conftest import StartBot

DECEMBER = FakeClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


async def test_without_a_question_every_topic_is_listed(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    bot = await start_bot(clock=DECEMBER)
    result = await emulator.slash(guild, fan, "faq")
    assert not result.ephemeral
    [embed] = result.embeds
    assert embed["title"] == "Heartstopper: series facts"
    for topic in bot.catalog.faq:
        assert f"**{topic.label[:1].upper() + topic.label[1:]}**" in embed["description"]
    assert "**Directors**: Euros Lyn directed Seasons 1 and 2. (+2 more)" in embed["description"]
    assert len(str(embed)) < 2000


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("directors", "Directors"),  # an autocomplete value
        ("who directed season 3", "Directors"),  # a question, filler words and all
        ("Who created Heartstopper?", "Creator"),
        ("emmys", "Awards"),
        ("publisher", "Publishers"),  # the start of a word
        ("awrds", "Awards"),  # a typo
        ("is there a season 4", "No season 4"),
    ],
)
async def test_a_question_gets_its_topic_with_sources(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, question: str, title: str
) -> None:
    bot = await start_bot(clock=DECEMBER)
    result = await emulator.slash(guild, fan, "faq", question=question)
    assert not result.ephemeral, result.content
    [embed] = result.embeds
    assert embed["title"] == title
    topic = next(t for t in bot.catalog.faq if t.label[:1].upper() + t.label[1:] == title)
    for fact in topic.facts:
        assert fact.text in embed["description"]
    sources = fields(embed)["Sources"]
    linked = [url for url in topic.sources if url in sources]
    assert 1 <= len(linked) <= 3
    assert all(bot.dataset.source_kind(url) != "weak" for url in linked)
    assert len(str(embed)) < 2000


async def test_what_will_not_happen_is_dated(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot(clock=DECEMBER)
    result = await emulator.slash(guild, fan, "faq", question="no-season-4")
    assert result.embeds[0]["description"].startswith(
        "As of 3 July 2026, when these facts were last checked:"
    )
    directors = await emulator.slash(guild, fan, "faq", question="directors")
    assert "As of" not in directors.embeds[0]["description"]  # what happened is simply told


@pytest.mark.parametrize("question", ["who plays nick", "qwxzv", "x" * 6000, "@everyone <@&1> ||x||", "🎉🎉"])
async def test_a_question_the_facts_do_not_answer_gets_a_private_answer(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, question: str
) -> None:
    await start_bot(clock=DECEMBER)
    result = await emulator.slash(guild, fan, "faq", question=question)
    assert result.ephemeral and not result.embeds
    assert 0 < len(result.content) <= 2000 and "Something went wrong" not in result.content
    assert "@everyone" not in result.content and "<@&1>" not in result.content
    assert result.data["allowed_mentions"] == {"parse": []}
    assert emulator.messages_in(guild.general.id) == []


async def test_nick_is_pointed_at_cast_lookup(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot(clock=DECEMBER)
    result = await emulator.slash(guild, fan, "faq", question="who plays nick")
    assert result.content.startswith("The series facts have nothing on **who plays nick**.")
    assert "`/cast lookup`" in result.content


async def test_autocomplete_offers_the_topics(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    bot = await start_bot(clock=DECEMBER)
    everything = await emulator.autocomplete(guild, fan, "faq", "question", "")
    assert [c["value"] for c in everything] == [t.key for t in bot.catalog.faq]
    assert len(everything) <= 25
    assert everything[3]["name"] == "Directors — Euros Lyn directed Seasons 1 and 2."
    assert [c["value"] for c in await emulator.autocomplete(guild, fan, "faq", "question", "dir")] == [
        "directors"
    ]
    # A number sent as a number (a modified client) is read as the text it would be.
    numeric = await emulator.autocomplete(guild, fan, "faq", "question", 4)
    assert numeric[0]["value"] == "no-season-4"
    for hostile in ("x" * 6000, "\u0000", "<@1>", "🎉"):
        choices = await emulator.autocomplete(guild, fan, "faq", "question", hostile)
        assert len(choices) <= 25
        assert all(1 <= len(c["name"]) <= 100 and 1 <= len(c["value"]) <= 100 for c in choices)
    picked = await emulator.slash(guild, fan, "faq", question=everything[0]["value"])
    assert picked.embeds[0]["title"] == "Creator"


FESTIVAL = """
[[series_facts]]
topic = "festivals"
text = "Shown at several festivals."
reveals = "none"
sources = [
    "https://example.org/one",
    "https://example.org/two",
    "https://example.org/three",
    "https://example.org/four",
    "https://fnnewsupdate.com/festival",
]

[[series_facts]]
topic = "festivals"
text = "A later festival screening that gives away the ending of Season 3."
reveals = "S3"
sources = ["https://example.org/five"]
"""


async def test_more_sources_go_behind_the_button_and_later_story_behind_spoiler_tags(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User, tmp_path: Path
) -> None:
    path = datasets.dataset_with(tmp_path / "with-festivals.toml", FESTIVAL)
    await start_bot(clock=DECEMBER, dataset_path=path)
    await emulator.slash(guild, moderator, "config spoilers", season=2, volume=3)
    result = await emulator.slash(guild, fan, "faq", question="festivals")
    [embed] = result.embeds
    lines = embed["description"].splitlines()
    assert lines[0] == "• Shown at several festivals."
    assert lines[1].startswith("• ||") and lines[1].endswith("||")
    assert "Spoiler limit active" in embed["footer"]["text"]
    sources = fields(embed)["Sources"]
    assert "fnnewsupdate.com" not in sources and sources.count("](https://example.org/") == 3
    button, report = [c for row in result.components for c in row["components"]]
    assert button["custom_id"] == "fx:sources:faq:festivals"
    assert report["custom_id"] == "fx:report:faq:festivals"
    listed = await emulator.click(result, button["custom_id"], user=fan)
    assert listed.ephemeral
    assert "example.org/five" in listed.content and "fnnewsupdate.com" not in listed.content
