"""Past server events end to end: they stop counting against the 25 once they have happened, stay listed as
past for a week (in /config show, /config event-remove and /countdown), and are then deleted from the
database, by the announcement loop or by the next /config event-add; /config show never claims nothing was
changed when something was; an event still announces exactly once.

The clock is a FakeClock moved by hand; the loop's own runs are awaited directly (`purge_past_events`).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from bot.app.client import FandexBot
from bot.services.announcer import Announcer
from cogs.countdown import Countdown
from discord_emulator import DiscordEmulator, Guild, User
from tests.clock import FakeClock
from tests.conftest import StartBot

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture(autouse=True)
def loop_runs_only_on_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loop's first run is on start; after that each test runs it itself (one test sets it faster)."""
    monkeypatch.setattr(Announcer, "poll_interval", 3600.0)


def countdown(bot: FandexBot) -> Countdown:
    return cast(Countdown, bot.get_cog("Countdown"))


async def stored_names(bot: FandexBot, guild: Guild) -> list[str]:
    """What the database holds, past events included: read with SQL, not through the bot's cache."""
    async with bot.db.execute(
        "SELECT name FROM guild_events WHERE guild_id = ? ORDER BY id", (guild.id,)
    ) as cur:
        return [row[0] for row in await cur.fetchall()]


async def add(
    emulator: DiscordEmulator, guild: Guild, moderator: User, name: str, date: str, **more: Any
) -> str:
    return (await emulator.slash(guild, moderator, "config event-add", name=name, date=date, **more)).content


def events_field(shown: Any) -> dict[str, str]:
    return next(f for f in shown.embeds[0]["fields"] if f["name"].startswith("This server's events"))


def past_field(shown: Any) -> dict[str, str] | None:
    return next((f for f in shown.embeds[0]["fields"] if f["name"].startswith("Past events")), None)


async def test_weekly_watch_parties_never_fill_the_server(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    # 25 Friday parties at 20:00, a week apart: the most the server can have ahead of it.
    fridays = [NOW.date() + timedelta(days=4 + 7 * week) for week in range(25)]
    for week, day in enumerate(fridays, start=1):
        added = await add(emulator, guild, moderator, f"Watch party {week}", day.isoformat(), time="20:00")
        assert added.startswith("Added"), added
    full = await add(emulator, guild, moderator, "One more", "2027-03-03")
    assert "already has 25 upcoming events" in full

    clock.current = datetime(2027, 3, 13, 12, 0, tzinfo=UTC)  # parties 1 and 2 are over, 1 for over a week
    shown = await emulator.slash(guild, moderator, "config show")
    assert events_field(shown)["name"] == "This server's events (23/25 upcoming)"
    gone_at = int(datetime(2027, 3, 19, 20, 0, tzinfo=UTC).timestamp())
    assert past_field(shown) == {
        "name": "Past events (1), listed for 7 days after they end",
        "value": f"• **Watch party 2**: Friday 12 March 2027, 20:00 (UTC) · removed <t:{gone_at}:R>",
        "inline": False,
    }
    added = await add(emulator, guild, moderator, "Watch party 26", "2027-08-27", time="20:00")
    assert added.startswith("Added"), added
    assert (await add(emulator, guild, moderator, "Book club", "2027-03-20")).startswith("Added")
    assert "already has 25 upcoming events" in await add(emulator, guild, moderator, "Too many", "2027-03-21")
    names = await stored_names(bot, guild)
    assert "Watch party 1" not in names and "Watch party 2" in names  # the add deleted party 1
    assert len(names) == 26

    clock.current = datetime(2027, 3, 19, 20, 0, tzinfo=UTC)  # party 2's week is over; party 3 is on now
    assert await countdown(bot).purge_past_events() == 1
    assert "Watch party 2" not in await stored_names(bot, guild)
    assert await countdown(bot).purge_past_events() == 0  # once gone, gone: nothing left to do
    shown = await emulator.slash(guild, moderator, "config show")
    assert events_field(shown)["name"] == "This server's events (24/25 upcoming)"
    assert (past_field(shown) or {})["value"].startswith("• **Watch party 3**: Friday 19 March 2027")
    assert (await add(emulator, guild, moderator, "Too many", "2027-03-21")).startswith("Added")


async def test_an_add_deletes_expired_events_in_its_own_transaction(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    await add(emulator, guild, moderator, "Premiere", "2027-03-02")
    clock.current = datetime(2027, 3, 10, 0, 0, tzinfo=UTC)  # a week after 2 March ended
    # Not deleted yet (no loop run since): already hidden, and its name is free again.
    assert events_field(await emulator.slash(guild, moderator, "config show"))["name"] == (
        "This server's events (0/25 upcoming)"
    )
    assert await stored_names(bot, guild) == ["Premiere"]
    assert (await add(emulator, guild, moderator, "premiere", "2027-04-02")).startswith("Added")
    assert await stored_names(bot, guild) == ["premiere"]


async def test_a_day_only_event_ends_when_the_servers_day_ends(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    await emulator.slash(guild, moderator, "config timezone", tz="Pacific/Honolulu")  # UTC-10
    await add(emulator, guild, moderator, "Launch day", "2027-03-02")
    clock.current = datetime(2027, 3, 3, 9, 59, tzinfo=UTC)  # 23:59 on 2 March in Honolulu
    assert events_field(await emulator.slash(guild, moderator, "config show"))["name"] == (
        "This server's events (1/25 upcoming)"
    )
    clock.current = datetime(2027, 3, 3, 10, 0, tzinfo=UTC)  # midnight there: it has happened
    shown = await emulator.slash(guild, moderator, "config show")
    assert events_field(shown)["name"] == "This server's events (0/25 upcoming)"
    assert (past_field(shown) or {})["name"].startswith("Past events (1)")
    clock.current = datetime(2027, 3, 10, 9, 59, tzinfo=UTC)
    assert await countdown(bot).purge_past_events() == 0
    clock.current = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)  # a week after it ended there
    assert await countdown(bot).purge_past_events() == 1
    assert await stored_names(bot, guild) == []


async def test_a_past_event_is_answered_and_removable_for_a_week_then_gone(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, fan: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    await add(emulator, guild, moderator, "Rewatch party", "2027-03-02", time="19:00")
    await add(emulator, guild, moderator, "Finale party", "2027-03-30")
    clock.current = datetime(2027, 3, 4, 12, 0, tzinfo=UTC)

    choices = await emulator.autocomplete(guild, fan, "countdown", "event", "party")
    assert [c["name"] for c in choices] == [
        "⏳ Finale party · 30 March 2027",
        "Rewatch party · 2 Mar 2027, 19:00 UTC",
    ]
    past = await emulator.slash(guild, fan, "countdown", event="Rewatch party")
    unix = int(datetime(2027, 3, 2, 19, 0, tzinfo=UTC).timestamp())
    assert past.embeds[0]["description"] == f"📅 **<t:{unix}:F>** (<t:{unix}:R>)"
    removable = await emulator.autocomplete(guild, moderator, "config event-remove", "name", "")
    assert [c["name"] for c in removable] == [
        "Finale party · Tuesday 30 March 2027",
        "Rewatch party · Tuesday 2 March 2027, 19:00 (UTC) (past)",
    ]

    clock.current = datetime(2027, 3, 9, 19, 0, tzinfo=UTC)  # a week after it
    assert [c["name"] for c in await emulator.autocomplete(guild, fan, "countdown", "event", "party")] == [
        "⏳ Finale party · 30 March 2027"
    ]
    gone = await emulator.slash(guild, fan, "countdown", event="Rewatch party")
    assert gone.ephemeral and "I know no event called **Rewatch party**" in gone.content
    refused = await emulator.slash(guild, moderator, "config event-remove", name=removable[1]["value"])
    assert refused.ephemeral and "I know no event called" in refused.content
    assert await countdown(bot).purge_past_events() == 1
    assert await stored_names(bot, guild) == ["Finale party"]


async def test_the_loop_deletes_past_events_on_its_own(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Announcer, "poll_interval", 0.05)
    bot = await start_bot(clock=clock)
    await add(emulator, guild, moderator, "Premiere", "2027-03-02")
    await add(emulator, guild, moderator, "Finale", "2027-05-02")
    other = emulator.add_guild(name="Elsewhere")
    emulator.member(other, moderator, manage_guild=True)
    await add(emulator, other, moderator, "Their premiere", "2027-03-02")
    clock.current = datetime(2027, 3, 10, 0, 0, tzinfo=UTC)
    async with asyncio.timeout(5):
        # Nothing tells the test the loop ran: look, as in test_announcements.wait_for_messages.
        while "Premiere" in await stored_names(bot, guild) or await stored_names(bot, other):  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    assert await stored_names(bot, guild) == ["Finale"]


async def test_config_show_never_says_nothing_changed_when_something_has(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    await start_bot(clock=clock)

    def footer(shown: Any) -> str:
        return (shown.embeds[0].get("footer") or {}).get("text", "")

    def field_names(shown: Any) -> list[str]:
        return [f["name"] for f in shown.embeds[0]["fields"]]

    fresh = await emulator.slash(guild, moderator, "config show")
    assert footer(fresh) == "Defaults: no setting has been changed in this server yet."
    assert "Settings last changed" not in field_names(fresh)

    await add(emulator, guild, moderator, "Watch party", "2027-03-02")
    with_event = await emulator.slash(guild, moderator, "config show")
    assert footer(with_event) == "All settings are at their defaults."
    assert events_field(with_event)["name"] == "This server's events (1/25 upcoming)"
    assert past_field(with_event) is None

    clock.current = datetime(2027, 3, 4, tzinfo=UTC)  # the event is past, still listed
    with_past = await emulator.slash(guild, moderator, "config show")
    assert footer(with_past) == "All settings are at their defaults."
    assert events_field(with_past)["name"] == "This server's events (0/25 upcoming)"
    assert past_field(with_past) is not None

    await emulator.slash(guild, moderator, "config timezone", tz="Europe/London")
    changed = await emulator.slash(guild, moderator, "config show")
    assert footer(changed) == "" and "Settings last changed" in field_names(changed)
    await emulator.slash(guild, moderator, "config timezone", tz="UTC")  # and back
    back = await emulator.slash(guild, moderator, "config show")
    assert footer(back) == "All settings are back at their defaults."
    assert "Settings last changed" in field_names(back)
    for shown in (fresh, with_event, with_past, changed, back):
        assert shown.ephemeral
        assert "nothing has been changed" not in str(shown.embeds)


async def test_a_server_event_is_announced_once_and_its_deletion_changes_nothing(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    channel = guild.add_channel("releases")
    await emulator.slash(guild, moderator, "config announcements", channel=channel, reminder="1d")
    await add(emulator, guild, moderator, "Watch party", "2027-03-05", time="20:00")
    party_at = datetime(2027, 3, 5, 20, 0, tzinfo=UTC)

    for moment in (party_at - timedelta(days=1), party_at, party_at + timedelta(hours=1)):
        clock.current = moment
        await countdown(bot).run_due_announcements()
        await countdown(bot).purge_past_events()
    for hours in range(0, 24 * 8, 6):  # the week it stays listed as past, and the purge after it
        clock.current = party_at + timedelta(hours=hours)
        await countdown(bot).run_due_announcements()
        await countdown(bot).purge_past_events()
    assert await stored_names(bot, guild) == []
    bot = await start_bot(clock=clock)  # and a restart after the deletion
    await countdown(bot).run_due_announcements()

    unix = int(party_at.timestamp())
    assert [m["content"] for m in emulator.messages_in(channel.id)] == [
        f"⏰ Reminder: **Watch party**, <t:{unix}:R>",
        "🎉 It's time: **Watch party**",
    ]
