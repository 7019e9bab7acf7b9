"""/volume end to end: the real bot against the loopback Discord emulator."""

from __future__ import annotations

from typing import Any

import pytest

from discord_emulator import DiscordEmulator, Guild, User
from tests.conftest import StartBot


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


# (what the user types, title, kind, adapted in, lines the "Published" field must contain)
BOOKS = [
    (
        "1",
        "Heartstopper: Volume 1",
        "Graphic novel, volume 1",
        "Season 1",
        ["**UK**: February 2019 (exact day unknown)", "**US**: May 2020 (exact day unknown)"],
    ),
    (
        "Volume 2",
        "Heartstopper: Volume 2",
        "Graphic novel, volume 2",
        "Season 1",
        ["**UK**: July 2019 (exact day unknown)", "**US**: 10 November 2020"],
    ),
    (
        "vol 3",
        "Heartstopper: Volume 3",
        "Graphic novel, volume 3",
        "Season 2",
        ["**UK**: February 2020 (exact day unknown)", "**US**: date unknown · ❓ Rumoured"],
    ),
    (
        "Vol. 4",
        "Heartstopper: Volume 4",
        "Graphic novel, volume 4",
        "Season 3",
        ["**UK**: May 2021 (exact day unknown)", "**US**: 4 January 2022"],
    ),
    (
        "5",
        "Heartstopper: Volume 5",
        "Graphic novel, volume 5",
        "Season 3",
        ["7 December 2023", "**US**: 19 December 2023"],
    ),
    (
        "6",
        "Heartstopper: Volume 6",
        "Graphic novel, volume 6",
        "Heartstopper Forever",
        ["2 July 2026", "**US, Canada**: 7 July 2026 · ✅ Confirmed"],
    ),
    (
        "Nick and Charlie",
        "Nick and Charlie",
        "Novella",
        "Heartstopper Forever",
        ["16 July 2015", "January 2023"],
    ),
    ("This Winter", "This Winter", "Novella", "Season 3", ["November 2015 (exact day unknown)"]),
    ("Solitaire", "Solitaire", "Novel", "Not adapted on screen", ["**UK**: 31 July 2014"]),
    ("Yearbook", "The Heartstopper Yearbook", "Companion book", "Not adapted on screen", ["13 October 2022"]),
]


async def test_each_book_answers_with_its_facts(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    for book, title, kind, adapted, published in BOOKS:
        result = await emulator.slash(guild, fan, "volume", book=book)
        assert not result.ephemeral
        [embed] = result.embeds
        assert embed["title"] == title
        values = fields(embed)
        assert values["Kind"] == kind
        assert values["Adapted in"] == adapted
        for line in published:
            assert line in values["Published"], (book, values["Published"])
        assert embed["description"]  # the summary
        assert "](http" in values["Sources"]
        assert "||" not in str(embed)
    volume_1 = await emulator.slash(guild, fan, "volume", book="1")
    assert "7 February" not in str(volume_1.embeds[0])  # a day only an AI encyclopedia gives


@pytest.mark.parametrize(
    "book",
    ["7", "Volume 0", "", "x" * 6000, "@here", "<#1> `code` ||x||", "\u200f\u0000", "1; DELETE FROM x", "📚"],
)
async def test_unknown_book_is_a_private_error_listing_every_work(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, book: str
) -> None:
    bot = await start_bot()
    result = await emulator.slash(guild, fan, "volume", book=book)
    assert result.ephemeral and not result.embeds
    text = result.content
    assert 0 < len(text) <= 2000 and "Something went wrong" not in text
    for work in bot.dataset.works:
        assert work.title in text
    assert "@here" not in text and "<#1>" not in text and "||x||" not in text
    assert emulator.messages_in(guild.general.id) == []


async def test_autocomplete_lists_every_work(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    bot = await start_bot()
    choices = await emulator.autocomplete(guild, fan, "volume", "book", "")
    assert [c["value"] for c in choices] == [w.id for w in bot.dataset.works]
    assert choices[2]["name"] == "Heartstopper: Volume 3 · graphic novel · 2020"
    assert [c["value"] for c in await emulator.autocomplete(guild, fan, "volume", "book", "winter")] == [
        "this-winter"
    ]
    for hostile in ("x" * 6000, "\u0000", "<@1>"):
        choices = await emulator.autocomplete(guild, fan, "volume", "book", hostile)
        assert 1 <= len(choices) <= 25
        assert all(1 <= len(c["name"]) <= 100 and 1 <= len(c["value"]) <= 100 for c in choices)
    picked = await emulator.slash(guild, fan, "volume", book="nick-and-charlie")
    assert picked.embeds[0]["title"] == "Nick and Charlie"


async def test_spoiler_limit_hides_later_books_in_that_server_only(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    other = emulator.add_guild(name="Another Server")
    moderator = emulator.add_user("coach-singh")
    emulator.member(guild, moderator, manage_guild=True)
    await start_bot()
    await emulator.slash(guild, moderator, "config spoilers", season=2, volume=3)

    later = await emulator.slash(guild, fan, "volume", book="4")
    [embed] = later.embeds
    assert embed["title"] == "Heartstopper: Volume 4"
    assert "**US**: 4 January 2022" in fields(embed)["Published"]  # dates stay visible
    assert embed["description"].startswith("||") and embed["description"].endswith("||")
    assert "||" not in fields(embed)["Content notes"]  # safety information is never hidden
    assert "Spoiler limit active" in embed["footer"]["text"]

    read = await emulator.slash(guild, fan, "volume", book="3")
    assert "||" not in str(read.embeds[0])

    elsewhere = await emulator.slash(other, fan, "volume", book="4")
    assert "||" not in str(elsewhere.embeds[0])


@pytest.mark.parametrize(
    ("book", "title"),
    [
        ("solitare", "Solitaire"),
        ("Heartstopper: Solitare", "Solitaire"),
        ("nick and charly", "Nick and Charlie"),
        ("This Wniter", "This Winter"),
        ("Volume 6 ", "Heartstopper: Volume 6"),
    ],
)
async def test_a_misspelt_book_is_found_as_cast_names_are(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, book: str, title: str
) -> None:
    await start_bot()
    result = await emulator.slash(guild, fan, "volume", book=book)
    assert not result.ephemeral, result.content
    assert result.embeds[0]["title"] == title


async def test_a_number_is_never_taken_for_a_typo(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    result = await emulator.slash(guild, fan, "volume", book="Volume 7")
    assert result.ephemeral
    assert result.content.startswith("I don't know a book called **Volume 7**.")
