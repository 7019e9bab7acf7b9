"""/countdown end to end: each precision and status as the dataset gives it, the server's time zone, a
server's own events, autocomplete order, free-text names and hostile input.

The real dataset's upcoming events are only year/month precise, so exact times and days come from a copy
of it with events added (the DATASET setting), and from server events.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from discord_emulator import DiscordEmulator, Guild, User
from tests import datasets
from tests.clock import FakeClock
from tests.conftest import StartBot


def extra_event(id: str, title: str, date: str, status: str = "confirmed", kind: str = "season") -> str:
    return (
        f'\n[[events]]\nid = "{id}"\ntitle = "{title}"\ndate = "{date}"\nstatus = "{status}"\n'
        f'kind = "{kind}"\nsources = ["https://example.org/{id}"]\n'
    )


def dataset_with(tmp_path: Path, *events: str) -> Path:
    """A copy of the real dataset with `events` appended, to point the DATASET setting at."""
    return datasets.dataset_with(tmp_path / "dataset-with-extra-events.toml", *events)


EXACT = extra_event("s4-premiere", "Season 4 premieres on Netflix", "2027-04-17T20:00 Europe/London")
DAY = extra_event("volume-7", "Volume 7 published", "2027-04-17", kind="book")
MONTH = extra_event("s4-month", "Season 4 arrives", "2027-05", status="announced")
RUMOUR = extra_event("s4-trailer", "Season 4 trailer", "2027-04-02", status="rumoured", kind="news")


def description(result: Any) -> str:
    [embed] = result.embeds
    return embed.get("description") or ""


def field(result: Any, name: str) -> str:
    return next(f["value"] for f in result.embeds[0]["fields"] if f["name"] == name)


async def test_without_an_event_the_next_release_from_the_dataset(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot(clock=FakeClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)))
    result = await emulator.slash(guild, fan, "countdown")
    assert not result.ephemeral  # a countdown is worth sharing
    [embed] = result.embeds
    # On 2026-12-01 the dataset's next release is the film, announced for "2026" with no day; its facts
    # were checked on 3 July 2026, and the answer says so.
    assert embed["title"] == "Heartstopper Forever premieres on Netflix"
    assert description(result) == (
        "📣 **Announced, not yet confirmed.**\n📅 Expected **2026**; no exact date announced yet "
        "(as of 3 July 2026)."
    )
    assert field(result, "Status") == "📣 Announced (not yet confirmed)"
    assert "radiotimes.com" in field(result, "Sources")
    assert "<t:" not in description(result)


async def test_an_exact_time_shows_discord_timestamps_and_time_to_go(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, tmp_path: Path
) -> None:
    clock = FakeClock(datetime(2027, 4, 14, 16, 30, tzinfo=UTC))
    await start_bot(clock=clock, dataset_path=dataset_with(tmp_path, EXACT, DAY))
    result = await emulator.slash(guild, fan, "countdown", event="ds:s4-premiere")
    unix = int(datetime(2027, 4, 17, 19, 0, tzinfo=UTC).timestamp())  # 20:00 BST
    assert result.embeds[0]["title"] == "Season 4 premieres on Netflix"
    assert description(result) == f"📅 **<t:{unix}:F>** (<t:{unix}:R>)\n⏳ 3 days, 2 hours to go"
    assert field(result, "Status") == "✅ Confirmed"
    assert field(result, "Sources") == "[example.org](https://example.org/s4-premiere)"


async def test_a_day_is_counted_in_the_servers_time_zone(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    fan: User,
    moderator: User,
    tmp_path: Path,
) -> None:
    # 12:30 UTC on 16 April is already 02:30 on 17 April in Kiritimati (UTC+14).
    await start_bot(
        clock=FakeClock(datetime(2027, 4, 16, 12, 30, tzinfo=UTC)), dataset_path=dataset_with(tmp_path, DAY)
    )
    before = await emulator.slash(guild, fan, "countdown", event="Volume 7 published")
    assert description(before) == (
        "📅 **Saturday 17 April 2027**\n⏳ 1 day to go (days counted in UTC, this server's time zone)"
    )
    unknown = await emulator.slash(guild, moderator, "config timezone", tz="Mars/Olympus_Mons")
    assert unknown.ephemeral and "is not a time zone I know" in unknown.content
    assert "counted in UTC" in description(await emulator.slash(guild, fan, "countdown", event="ds:volume-7"))
    await emulator.slash(guild, moderator, "config timezone", tz="pacific/kiritimati")
    after = await emulator.slash(guild, fan, "countdown", event="Volume 7 published")
    assert description(after) == (
        "📅 **Saturday 17 April 2027**\n"
        "🎉 That's today (days counted in Pacific/Kiritimati, this server's time zone)"
    )


async def test_a_month_is_expected_never_given_a_day(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, tmp_path: Path
) -> None:
    await start_bot(
        clock=FakeClock(datetime(2027, 4, 20, tzinfo=UTC)), dataset_path=dataset_with(tmp_path, MONTH)
    )
    result = await emulator.slash(guild, fan, "countdown")
    assert result.embeds[0]["title"] == "Season 4 arrives"
    assert description(result) == (
        "📣 **Announced, not yet confirmed.**\n📅 Expected **May 2027**; no exact date announced yet "
        "(as of 3 July 2026)."
    )
    assert not re.search(r"\d+ May|to go|<t:", description(result))


async def test_a_rumour_is_labelled_and_never_offered_as_the_next_release(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, tmp_path: Path
) -> None:
    await start_bot(
        clock=FakeClock(datetime(2027, 3, 30, tzinfo=UTC)), dataset_path=dataset_with(tmp_path, RUMOUR, DAY)
    )
    default = await emulator.slash(guild, fan, "countdown")
    assert default.embeds[0]["title"] == "Volume 7 published"  # the rumour is sooner, but it is a rumour

    rumour = await emulator.slash(guild, fan, "countdown", event="season 4 trailer")
    assert rumour.embeds[0]["title"] == "❓ Rumour: Season 4 trailer"
    assert description(rumour).startswith("❓ **Unconfirmed rumour, not a fact.**")
    assert field(rumour, "Status") == "❓ Rumoured (unconfirmed, treat with care)"


async def test_when_nothing_is_upcoming_it_says_so_and_shows_the_most_recent(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot(clock=FakeClock(datetime(2027, 2, 1, tzinfo=UTC)))
    result = await emulator.slash(guild, fan, "countdown")
    assert result.embeds[0]["title"] == "Nothing upcoming yet"
    text = description(result)
    assert text.startswith("No upcoming release is known yet.")
    # The film was only ever announced for "2026": with no later news it is never called released or
    # the most recent release; the most recent is the last confirmed one.
    assert "The most recent was **Heartstopper Forever" not in text
    assert (
        "**Heartstopper Forever premieres on Netflix**:\n📅 Was expected **2026**; this dataset has no "
        "later news (facts verified 3 July 2026)."
    ) in text
    assert "The most recent was **Volume 6 published in the US and Canada**" in text


async def test_a_servers_own_event_counts_and_can_be_the_next(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User
) -> None:
    await start_bot(clock=FakeClock(datetime(2026, 11, 20, 12, 0, tzinfo=UTC)))
    await emulator.slash(
        guild, moderator, "config event-add", name="Rewatch party **S1**", date="2026-11-21", time="19:00"
    )
    result = await emulator.slash(guild, fan, "countdown")
    unix = int(datetime(2026, 11, 21, 19, 0, tzinfo=UTC).timestamp())
    assert result.embeds[0]["title"] == "Rewatch party \\*\\*S1\\*\\*"
    assert description(result) == f"📅 **<t:{unix}:F>** (<t:{unix}:R>)\n⏳ 1 day, 7 hours to go"
    assert field(result, "Status") == "🏠 This server's own event (added by its moderators)"

    other_guild = emulator.add_guild(name="Elsewhere")
    elsewhere = await emulator.slash(other_guild, fan, "countdown")
    assert elsewhere.embeds[0]["title"] == "Heartstopper Forever premieres on Netflix"  # not their event


async def test_autocomplete_lists_releases_first_upcoming_then_past_and_news_last(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User, tmp_path: Path
) -> None:
    bot = await start_bot(
        clock=FakeClock(datetime(2027, 3, 30, tzinfo=UTC)), dataset_path=dataset_with(tmp_path, DAY, RUMOUR)
    )
    await emulator.slash(guild, moderator, "config event-add", name="Watch party", date="2027-04-10")
    choices = await emulator.autocomplete(guild, fan, "countdown", "event", "")
    assert len(choices) == 25
    assert all(1 <= len(c["name"]) <= 100 and 1 <= len(c["value"]) <= 100 for c in choices)
    values = [c["value"] for c in choices]
    releases = 1 + sum(1 for e in bot.catalog.events if not e.is_news)  # and the server's watch party
    assert values[:2] == ["guild:1", "ds:volume-7"]  # upcoming releases, soonest first
    assert values[2] == "ds:film-premiere"  # then the most recent past one
    assert not any(c["name"].startswith("⏳") for c in choices[2:releases])
    # News last, upcoming first among it: the rumoured trailer, then the dataset's news, latest first.
    assert values[releases] == "ds:s4-trailer"
    assert choices[releases]["name"] == "⏳ Season 4 trailer · 2 April 2027 (rumour)"
    news = {e.key for e in bot.catalog.events if e.is_news} | {"ds:s4-trailer"}
    assert set(values[releases:]) <= news

    season = await emulator.autocomplete(guild, fan, "countdown", "event", "season 3")
    # The premiere first; news that mentions Season 3 after it.
    assert [c["value"] for c in season] == ["ds:season-3-premiere", "ds:seasons-2-3-renewed"]
    picked = await emulator.slash(guild, fan, "countdown", event=season[0]["value"])
    assert picked.embeds[0]["title"] == "Season 3 premieres on Netflix (8 episodes)"
    assert "days ago" in description(picked)


async def test_free_text_names_work_and_unknown_ones_get_suggestions(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot(clock=FakeClock(datetime(2026, 11, 20, tzinfo=UTC)))
    typed = await emulator.slash(
        guild, fan, "countdown", event="  SEASON 1 premieres on netflix (8 episodes) "
    )
    assert typed.embeds[0]["title"] == "Season 1 premieres on Netflix (8 episodes)"

    misspelt = await emulator.slash(guild, fan, "countdown", event="Season 1 premire on Netflx")
    assert misspelt.embeds[0]["title"] == "Season 1 premieres on Netflix (8 episodes)"  # typos tolerated

    unknown = await emulator.slash(guild, fan, "countdown", event="Season 1 gala on Netflix")
    assert unknown.ephemeral
    assert unknown.content.startswith("I know no event called **Season 1 gala on Netflix**.")
    assert "Did you mean: **Season 1 premieres on Netflix (8 episodes)**" in unknown.content


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        " ",
        "@everyone",
        "<@&1> <#2> </countdown:3>",
        "x" * 6000,
        "\u202e\u0000\u200b",
        "'; DROP TABLE x;--",
        "🎉" * 50,
    ],
)
async def test_hostile_event_values_get_a_private_error_and_ping_no_one(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, hostile: str
) -> None:
    await start_bot(clock=FakeClock(datetime(2026, 11, 20, tzinfo=UTC)))
    result = await emulator.slash(guild, fan, "countdown", event=hostile)
    assert result.ephemeral
    assert result.data["allowed_mentions"] == {"parse": []}
    assert "@everyone" not in result.content and "<@&1>" not in result.content
    assert 0 < len(result.content) <= 2000 and "ref `" not in result.content  # a clear error, not a crash
    choices = await emulator.autocomplete(guild, fan, "countdown", "event", hostile)
    assert all(1 <= len(c["name"]) <= 100 for c in choices)


# --- what fans type: "film", a book, typos, and a menu when several events fit ---------------------

STRING_SELECT = 3


def custom_ids(result: Any) -> list[str]:
    return [c.get("custom_id", "") for row in result.components for c in row["components"]]


def select_menu(result: Any) -> dict[str, Any]:
    [menu] = [c for row in result.components for c in row["components"] if c["type"] == STRING_SELECT]
    return menu


@pytest.mark.parametrize("event", ["film", "the film", "Heartstopper Forever", "heartstoper forevr", "movie"])
async def test_the_film_counts_down_to_its_premiere_not_to_news_about_it(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, event: str
) -> None:
    await start_bot(clock=FakeClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)))
    result = await emulator.slash(guild, fan, "countdown", event=event)
    assert not result.ephemeral
    assert custom_ids(result) == ["fx:report:event:film-premiere"]  # an answer, not a pick menu
    assert result.embeds[0]["title"] == "Heartstopper Forever premieres on Netflix"
    assert "(as of 3 July 2026)" in description(result)


async def test_typing_film_suggests_the_premiere_first_and_news_last(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot(clock=FakeClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)))
    choices = await emulator.autocomplete(guild, fan, "countdown", "event", "film")
    assert [c["value"] for c in choices] == [
        "ds:film-premiere",
        "ds:film-trailer",  # a rumour, undated: after the premiere
        "ds:film-wrap",  # news, latest first
        "ds:film-announced",
    ]
    assert choices[0]["name"] == "⏳ Heartstopper Forever premieres on Netflix · 2026 (announced)"
    typo = await emulator.autocomplete(guild, fan, "countdown", "event", "premeire")
    assert typo[0]["value"] == "ds:film-premiere"


async def test_an_ambiguous_event_offers_a_menu_only_the_asker_can_use(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    clock = FakeClock(datetime(2026, 6, 30, 12, 0, tzinfo=UTC))
    await start_bot(clock=clock)
    result = await emulator.slash(guild, fan, "countdown", event="Volume 6")
    assert not result.ephemeral
    [embed] = result.embeds
    assert embed["title"] == "Which one?"
    assert embed["description"].startswith("Several events match **Volume 6**. Pick one below.")
    menu = select_menu(result)
    assert [o["value"] for o in menu["options"]] == ["ds:volume-6-uk", "ds:volume-6-us"]  # soonest first
    assert menu["options"][0]["label"] == (
        "⏳ Volume 6 (the final volume) published in the UK and Ireland · 2 July 2026"
    )
    assert menu["options"][0]["description"] == "✅ Confirmed"

    other = emulator.add_user("isaac")
    refused = await emulator.select(result, menu["custom_id"], ["ds:volume-6-us"], user=other)
    assert refused.ephemeral
    assert refused.content == "Only the person who asked can pick from this menu. Run /countdown yourself."

    clock.advance(days=1)  # counted from the moment it is picked
    picked = await emulator.select(result, menu["custom_id"], ["ds:volume-6-us"], user=fan)
    # The menu is gone; the pick's own buttons replace it.
    assert picked.type == 7
    assert custom_ids(picked) == ["fx:remind:ds:volume-6-us", "fx:report:event:volume-6-us"]
    assert picked.embeds[0]["title"] == "Volume 6 published in the US and Canada"
    assert "6 days to go" in description(picked)


async def test_the_menu_after_a_restart_says_to_run_countdown_again(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot(clock=FakeClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)))
    result = await emulator.slash(guild, fan, "countdown", event="premiere")
    menu = select_menu(result)
    assert menu["options"][0]["value"] == "ds:film-premiere"  # the upcoming release first
    await start_bot(
        clock=FakeClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    )  # the view lived in the old one
    picked = await emulator.select(result, menu["custom_id"], ["ds:film-premiere"], user=fan)
    assert picked.ephemeral
    assert picked.content == "This menu has expired: run /countdown again."
