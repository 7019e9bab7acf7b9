""" "On this day" end to end: posted once at 09:00 server time on an anniversary (fake clock), not on other
days, not twice after a restart, caught up later that day but never the next, within the spoiler limit,
shown in /config show and turned off with /config daily-off."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import cast

import pytest

from bot.app.client import FandexBot
from bot.storage.daily import DailyLog
from cogs.daily import Daily
from discord_emulator import Channel, DiscordEmulator, Guild, User
from discord_emulator.server import RecordedRequest
from tests.clock import FakeClock
from tests.conftest import StartBot

# 3 August 2026: Season 2 premiered on 3 August 2023. 09:00 in London (BST) is 08:00 UTC.
NINE_LONDON = datetime(2026, 8, 3, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NINE_LONDON - timedelta(hours=2))


def daily(bot: FandexBot) -> Daily:
    return cast(Daily, bot.get_cog("Daily"))


def posts(emulator: DiscordEmulator, channel: Channel) -> list[RecordedRequest]:
    return [
        r for r in emulator.requests if r.method == "POST" and r.path == f"/channels/{channel.id}/messages"
    ]


async def daily_in(emulator: DiscordEmulator, guild: Guild, moderator: User) -> Channel:
    await emulator.slash(guild, moderator, "config timezone", tz="Europe/London")
    channel = guild.add_channel("on-this-day")
    result = await emulator.slash(guild, moderator, "config daily", channel=channel)
    assert result.ephemeral and result.content.startswith('"On this day" is on'), result.content
    return channel


async def test_posted_once_at_nine_on_an_anniversary_and_not_twice_after_a_restart(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    channel = await daily_in(emulator, guild, moderator)

    clock.current = NINE_LONDON - timedelta(minutes=1)  # 08:59 in London
    await daily(bot).run_daily()
    assert emulator.messages_in(channel.id) == []

    clock.current = NINE_LONDON
    assert (await daily(bot).run_daily()).sent == 1
    clock.advance(minutes=1)
    await daily(bot).run_daily()
    bot = await start_bot(clock=clock)  # a new process on the same database
    clock.advance(hours=3)
    await daily(bot).run_daily()

    [message] = emulator.messages_in(channel.id)
    [embed] = message["embeds"]
    assert embed["title"] == "📅 On this day: 3 August"
    assert embed["description"] == "**3 years ago today** (2023): " + next(
        e.title for e in bot.dataset.events if e.id == "season-2-premiere"
    )
    [request] = posts(emulator, channel)
    assert request.json["allowed_mentions"] == {"parse": []}  # never a ping
    assert request.json["enforce_nonce"] is True and len(request.json["nonce"]) <= 25
    [row] = await DailyLog(bot.db).for_guild(guild.id)
    assert (row.day, row.state, row.message_id) == (date(2026, 8, 3), "sent", int(message["id"]))


async def test_nothing_on_a_day_without_an_anniversary_and_no_catch_up_the_next_day(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    channel = await daily_in(emulator, guild, moderator)
    # The bot was down all of 3 August; on the 4th (no anniversary) nothing is posted, not even late.
    clock.current = NINE_LONDON + timedelta(days=1, hours=1)
    await daily(bot).run_daily()
    clock.advance(hours=10)
    await daily(bot).run_daily()
    assert emulator.messages_in(channel.id) == []
    assert await DailyLog(bot.db).for_guild(guild.id) == []


async def test_a_bot_down_at_nine_posts_later_that_day(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    await start_bot(clock=clock)
    channel = await daily_in(emulator, guild, moderator)
    clock.current = NINE_LONDON + timedelta(hours=13)  # 22:00 in London: the bot was down until now
    bot = await start_bot(clock=clock)
    await daily(bot).run_daily()
    assert len(emulator.messages_in(channel.id)) == 1


async def test_the_spoiler_limit_keeps_a_later_season_out(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    channel = await daily_in(emulator, guild, moderator)
    await emulator.slash(guild, moderator, "config spoilers", season=1, volume=6)
    clock.current = NINE_LONDON
    await daily(bot).run_daily()
    assert emulator.messages_in(channel.id) == []  # Season 2's premiere is beyond Season 1


async def test_config_show_lists_it_and_daily_off_stops_it(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    channel = await daily_in(emulator, guild, moderator)
    shown = await emulator.slash(guild, moderator, "config show")
    field = next(f for f in shown.embeds[0]["fields"] if f["name"] == "On this day")
    assert field["value"] == f"In {channel.mention}, at 09:00 server time on days with an anniversary."

    off = await emulator.slash(guild, moderator, "config daily-off")
    assert off.ephemeral and off.content.startswith('"On this day" is off.')
    clock.current = NINE_LONDON
    await daily(bot).run_daily()
    assert emulator.messages_in(channel.id) == []
    shown = await emulator.slash(guild, moderator, "config show")
    assert next(f for f in shown.embeds[0]["fields"] if f["name"] == "On this day")["value"] == "Off."


async def test_a_channel_it_cannot_post_in_is_refused_at_once(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    await start_bot(clock=clock)
    channel = guild.add_channel("read-only", bot_can_send=False)
    result = await emulator.slash(guild, moderator, "config daily", channel=channel)
    assert result.ephemeral and result.content.startswith(f"I can't post in {channel.mention}")


async def test_members_without_manage_server_cannot_set_it(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, clock: FakeClock
) -> None:
    await start_bot(clock=clock)
    result = await emulator.slash(guild, fan, "config daily", channel=guild.general, _member_permissions=0)
    assert result.ephemeral and "Manage Server" in result.content


async def test_posted_in_the_servers_language_its_choice_first_else_its_discord_locale(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    guild.locale = "pt-BR"  # the server's preferred locale, sent in GUILD_CREATE before the bot starts
    bot = await start_bot(clock=clock)
    channel = await daily_in(emulator, guild, moderator)
    clock.current = NINE_LONDON
    assert (await daily(bot).run_daily()).sent == 1
    [message] = emulator.messages_in(channel.id)
    [embed] = message["embeds"]
    assert embed["title"] == "📅 Neste dia: 3 de agosto"
    assert embed["description"].startswith("**Há 3 anos, neste dia** (2023): ")
    assert embed["footer"]["text"].startswith("Fandex · Neste dia · ref ")

    # /config language wins over the server's locale (the next day's post, a year later: 2027-08-03).
    await emulator.slash(guild, moderator, "config language", language="de")
    clock.current = NINE_LONDON.replace(year=2027)
    assert (await daily(bot).run_daily()).sent == 1
    german = emulator.messages_in(channel.id)[-1]["embeds"][0]
    assert german["title"] == "📅 An diesem Tag: 3. August"
    assert german["description"].startswith("**Heute vor 4 Jahren** (2023): ")
