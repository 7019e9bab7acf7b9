"""/plot end to end: the real bot against the loopback Discord emulator."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from discord_emulator import DiscordEmulator, Guild, User
from tests.clock import FakeClock
from tests.conftest import StartBot


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


def assert_private_error(result: Any, *expected: str) -> str:
    assert result.ephemeral
    assert not result.embeds
    text = result.content
    assert 0 < len(text) <= 2000
    assert "Traceback" not in text and "Something went wrong" not in text
    for part in expected:
        assert part in text, text
    return text


@pytest.mark.parametrize(
    ("season", "title", "release", "episodes", "adapts"),
    [
        (
            "1",
            "Season 1",
            "<t:1650610800:D> (<t:1650610800:R>)",
            "8 episodes",
            "Heartstopper: Volume 1, Heartstopper: Volume 2",
        ),
        ("Season 2", "Season 2", "3 August 2023", "8 episodes", "Heartstopper: Volume 3"),
        ("s3", "Season 3", "3 October 2024", "8 episodes", "Heartstopper: Volume 4, Heartstopper: Volume 5"),
    ],
)
async def test_each_season_answers_with_its_facts(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    fan: User,
    season: str,
    title: str,
    release: str,
    episodes: str,
    adapts: str,
) -> None:
    await start_bot()
    result = await emulator.slash(guild, fan, "plot", season=season)
    assert not result.ephemeral
    [embed] = result.embeds
    assert embed["title"] == title
    values = fields(embed)
    assert values["Release"].startswith(release)
    assert values["Format"].startswith(episodes)
    assert values["Adapts"].splitlines()[0].startswith(adapts)
    assert embed["description"]  # the summary
    assert 1 <= values["Sources"].count("](http") <= 3  # the best three; the rest behind "All sources"
    assert "||" not in str(embed)  # no limit in this server: nothing hidden
    assert "Episodes" not in values and "Behind the scenes" not in values  # only with details:True
    assert embed_length(embed) < 1500  # one screen
    assert result.callback["data"]["allowed_mentions"] == {"parse": []}


def embed_length(embed: dict[str, Any]) -> int:
    """The characters Discord counts towards an embed's 6,000."""
    parts = [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
    parts += [embed.get("author", {}).get("name", "")]
    parts += [f["name"] + f["value"] for f in embed.get("fields", [])]
    return sum(len(part) for part in parts)


async def test_details_list_the_episodes_and_behind_the_scenes(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    result = await emulator.slash(guild, fan, "plot", season="1", details=True)
    values = fields(result.embeds[0])
    assert values["Episodes"].splitlines()[:2] == ["1. Meet", "2. Crush"]
    assert "4. Secret" in values["Episodes"] and "7. Bully" in values["Episodes"]
    assert "Directed by Euros Lyn." in values["Behind the scenes"]


async def test_all_sources_lists_the_rest_privately_and_never_a_weak_page(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    bot = await start_bot()
    result = await emulator.slash(guild, fan, "plot", season="1")
    button, report = [c for row in result.components for c in row["components"]]
    assert button["label"] == "All sources" and button["custom_id"] == "fx:sources:production:season-1"
    assert report["label"] == "Something wrong?"
    listing = await emulator.click(result, button["custom_id"], user=fan)
    assert listing.ephemeral
    links = [line for line in listing.content.splitlines() if line.startswith("• ")]
    assert len(links) > 3
    assert all(bot.dataset.source_kind(line.split("(", 1)[1].rstrip(")")) != "weak" for line in links)
    # The button works after a restart too: its custom_id says what it is about.
    await start_bot()
    again = await emulator.click(result, button["custom_id"], user=fan)
    assert again.ephemeral and again.content == listing.content


async def test_film_by_title_and_by_word(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    for name in ("Heartstopper Forever", "film"):
        result = await emulator.slash(guild, fan, "plot", season=name)
        [embed] = result.embeds
        assert embed["title"] == "Heartstopper Forever"
        release = fields(embed)["Release"]
        # Today (2026-12-01) is later than the day the facts were checked: the claim is dated.
        assert release.startswith("expected 2026, no exact date announced (as of 3 July 2026)")
        assert "Announced" in release
        assert fields(embed)["Adapts"].startswith("Heartstopper: Volume 6, Nick and Charlie")


async def test_one_episode(emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User) -> None:
    await start_bot()
    result = await emulator.slash(guild, fan, "plot", season="Season 2", episode=6)
    [embed] = result.embeds
    assert embed["title"] == "Season 2, episode 6"
    assert embed["description"] == "**Truth / Dare**"
    assert fields(embed)["Episode"] == "6 of 8"

    season_1 = await emulator.slash(guild, fan, "plot", season="1", episode=5)
    [embed] = season_1.embeds
    assert embed["description"] == "**Friend**"


async def test_unknown_episode_is_a_private_error_with_the_range(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    await start_bot()
    result = await emulator.slash(guild, fan, "plot", season="2", episode=9)
    assert_private_error(result, "Season 2 has episodes 1–8")
    film = await emulator.slash(guild, fan, "plot", season="film", episode=1)
    assert_private_error(film, "no episodes")
    # A modified client ignores the option's 1-50 range; the bot still answers clearly.
    monkeypatch.setattr("discord_emulator.interactions._check_range", lambda *args: None)
    for hostile in (-5, 0, 10**18):
        result = await emulator.slash(guild, fan, "plot", season="2", episode=hostile)
        assert_private_error(result, "Season 2 has episodes 1–8")
    assert emulator.messages_in(guild.general.id) == []


@pytest.mark.parametrize("season", ["4", "Season 4", "season four", "s4", "Heartstopper season 4"])
async def test_season_4_is_answered_from_the_series_facts(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, season: str
) -> None:
    bot = await start_bot(clock=FakeClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)))
    result = await emulator.slash(guild, fan, "plot", season=season)
    assert not result.ephemeral  # an answer, worth sharing, not "I don't know a season called 4"
    [embed] = result.embeds
    assert embed["title"] == "Season 4"
    fact = next(f for f in bot.dataset.series_facts if f.topic == "no season 4")
    # A claim about what will not happen, told as of the day the facts were checked.
    assert embed["description"] == f"As of 3 July 2026, when these facts were last checked:\n{fact.text}"
    values = fields(embed)
    assert values["Seasons"].splitlines() == [
        "Season 1 · 2022 · 8 episodes",
        "Season 2 · 2023 · 8 episodes",
        "Season 3 · 2024 · 8 episodes",
    ]
    assert values["The story continues in"].startswith(
        "**Heartstopper Forever** (film): expected 2026, no exact date announced (as of 3 July 2026)"
    )
    linked = [url for url in fact.sources if url in values["Sources"]]
    assert linked and all(bot.dataset.source_kind(url) != "weak" for url in linked)
    assert len(str(embed)) < 2000


async def test_a_later_season_says_how_many_there_are_and_is_not_dated_before_the_facts_age(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot(clock=FakeClock(datetime(2026, 7, 3, 12, 0, tzinfo=UTC)))  # the day they were checked
    result = await emulator.slash(guild, fan, "plot", season="season 5", episode=2)
    [embed] = result.embeds
    assert embed["title"] == "Season 5"
    lines = embed["description"].splitlines()
    assert lines[0] == "Heartstopper has 3 seasons; the dataset knows of no Season 5."
    assert lines[1].startswith("There will be no Season 4")
    assert "as of" not in str(embed).casefold()


@pytest.mark.parametrize(
    "season",
    [
        "0",
        "season 1000",
        "",
        "x" * 6000,
        "@everyone",
        "<@&123456> ||spoiler|| **bold**",
        "\u202eevil\u202c\u0000\u0007",
        "'; DROP TABLE guild_settings; --",
        "🏳️‍🌈🍂",
    ],
)
async def test_unknown_season_is_a_private_error_listing_what_exists(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, season: str
) -> None:
    await start_bot()
    result = await emulator.slash(guild, fan, "plot", season=season)
    text = assert_private_error(result, "Season 1", "Season 2", "Season 3", "Heartstopper Forever")
    assert "@everyone" not in text and "<@&" not in text and "||spoiler||" not in text
    assert "\u202e" not in text and "\u0000" not in text
    assert result.callback["data"]["allowed_mentions"] == {"parse": []}


async def test_autocomplete_lists_the_seasons_and_the_film(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    choices = await emulator.autocomplete(guild, fan, "plot", "season", "")
    assert [c["value"] for c in choices] == ["season-1", "season-2", "season-3", "film"]
    assert choices[1]["name"] == "Season 2 · 2023 · 8 episodes"
    assert [c["value"] for c in await emulator.autocomplete(guild, fan, "plot", "season", "forever")] == [
        "film"
    ]
    for hostile in ("x" * 6000, "\u0000", "@everyone"):
        choices = await emulator.autocomplete(guild, fan, "plot", "season", hostile)
        assert 1 <= len(choices) <= 25
        assert all(1 <= len(c["name"]) <= 100 and 1 <= len(c["value"]) <= 100 for c in choices)
    # A picked suggestion's value is understood by the command.
    result = await emulator.slash(guild, fan, "plot", season="season-3")
    assert result.embeds[0]["title"] == "Season 3"


async def test_spoiler_limit_hides_later_story_in_that_server_only(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User
) -> None:
    other = emulator.add_guild(name="Another Server")
    await start_bot()
    await emulator.slash(guild, moderator, "config spoilers", season=2, volume=3)

    result = await emulator.slash(guild, fan, "plot", season="3")
    [embed] = result.embeds
    assert embed["title"] == "Season 3"
    assert fields(embed)["Release"].startswith("3 October 2024")  # dates stay visible
    assert embed["description"].startswith("||") and embed["description"].endswith("||")
    assert "||" not in fields(embed)["Content notes"]  # safety information is never hidden
    assert "Spoiler limit active" in embed["footer"]["text"]
    detailed = await emulator.slash(guild, fan, "plot", season="3", details=True)
    titles = fields(detailed.embeds[0])["Episodes"].splitlines()
    assert titles and all(line.split(". ", 1)[1].startswith("||") for line in titles)  # each title tagged

    caught_up = await emulator.slash(guild, fan, "plot", season="1")
    assert "||" not in str(caught_up.embeds[0])

    episode = await emulator.slash(guild, fan, "plot", season="3", episode=5)
    assert episode.embeds[0]["description"] == "**||Winter||**"

    elsewhere = await emulator.slash(other, fan, "plot", season="3")
    assert "||" not in str(elsewhere.embeds[0])


async def test_caught_up_to_season_1_and_volume_2_hides_exactly_the_later_story(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User
) -> None:
    """The issue's acceptance case: Season 1 adapts Volumes 1 and 2, so nothing in it is tagged; Season 2's
    story is inside tags; content notes never are."""
    await start_bot()
    await emulator.slash(guild, moderator, "config spoilers", season=1, volume=2)
    season_1 = await emulator.slash(guild, fan, "plot", season="1", details=True)
    assert "||" not in str(season_1.embeds[0])
    season_2 = await emulator.slash(guild, fan, "plot", season="2", details=True)
    [embed] = season_2.embeds
    assert embed["description"].startswith("||") and embed["description"].endswith("||")
    assert "||" not in fields(embed)["Content notes"]
    assert all("||" in line for line in fields(embed)["Episodes"].splitlines())
