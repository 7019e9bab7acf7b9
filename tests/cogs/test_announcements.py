"""Release-day announcements end to end: posted once per server, event and kind (not zero times, not
twice) across restarts and a crash right after posting; catch-up within 6 hours and skip beyond; the role
ping and nothing else; failures recorded and shown instead of retried forever.

The clock is a FakeClock moved by hand, and each run is awaited directly (`run_due_announcements`), so no
test sleeps until a release date.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import aiohttp
import discord
import pytest

from bench.process import BotProcess, bot_environment
from bot.app.client import FandexBot
from bot.domain.announcements import Announcement, announcement_reference
from bot.services.announcer import Announcer
from bot.storage.announcement_log import AnnouncementLog
from cogs.countdown import Countdown
from discord_emulator import Channel, DiscordEmulator, Guild, Role, User
from discord_emulator.models import MEMBER_OVERWRITE, READ_MESSAGE_HISTORY, SEND_MESSAGES, Overwrite
from discord_emulator.server import RecordedRequest
from tests.clock import FakeClock
from tests.cogs.test_countdown import DAY, MONTH, RUMOUR, dataset_with, extra_event
from tests.conftest import StartBot

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
PARTY_AT = datetime(2027, 3, 12, 20, 0, tzinfo=UTC)


class Killed(BaseException):
    """Stands in for the process dying: nothing after it runs, no handler catches it."""


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


def countdown(bot: FandexBot) -> Countdown:
    return cast(Countdown, bot.get_cog("Countdown"))


def posts(emulator: DiscordEmulator, channel: Channel) -> list[RecordedRequest]:
    """Every attempt the bot made to post in `channel` (answered or not)."""
    return [
        r for r in emulator.requests if r.method == "POST" and r.path == f"/channels/{channel.id}/messages"
    ]


async def announce_in(
    emulator: DiscordEmulator,
    guild: Guild,
    moderator: User,
    *,
    role: Role | None = None,
    reminder: str | None = None,
) -> Channel:
    channel = guild.add_channel("releases")
    options: dict[str, Any] = {"channel": channel}
    if role is not None:
        options["role"] = role
    if reminder is not None:
        options["reminder"] = reminder
    result = await emulator.slash(guild, moderator, "config announcements", **options)
    assert result.content.startswith("Release-day announcements are on."), result.content
    return channel


async def add_party(
    emulator: DiscordEmulator, guild: Guild, moderator: User, name: str = "Watch party"
) -> None:
    result = await emulator.slash(
        guild, moderator, "config event-add", name=name, date="2027-03-12", time="20:00"
    )
    assert result.content.startswith("Added"), result.content


async def stored(bot: FandexBot, guild: Guild) -> list[Announcement]:
    return await AnnouncementLog(bot.db).for_guild(guild.id)


def history_reads(emulator: DiscordEmulator, channel: Channel) -> list[RecordedRequest]:
    return [
        r for r in emulator.requests if r.method == "GET" and r.path == f"/channels/{channel.id}/messages"
    ]


async def wait_for_messages(emulator: DiscordEmulator, channel: Channel, count: int) -> None:
    """Wait (at most 5 s) until `count` messages are in `channel`, posted by the bot on its own."""
    async with asyncio.timeout(5):
        # The bot has no message intent, so no event says "posted": look, as a member would.
        while len(emulator.messages_in(channel.id)) < count:  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def test_a_moderators_event_is_announced_once_pinging_only_the_role(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    role = guild.add_role("Heartstoppers", mentionable=True)
    channel = await announce_in(emulator, guild, moderator, role=role)
    await add_party(emulator, guild, moderator, name="Watch party @everyone")

    clock.current = PARTY_AT - timedelta(seconds=1)
    await countdown(bot).run_due_announcements()
    assert emulator.messages_in(channel.id) == []

    clock.current = PARTY_AT
    report = await countdown(bot).run_due_announcements()
    assert report.sent == 1
    for _ in range(3):
        clock.advance(minutes=30)
        await countdown(bot).run_due_announcements()

    [message] = emulator.messages_in(channel.id)
    assert message["content"] == f"<@&{role.id}> 🎉 It's time: **Watch party @\u200beveryone**"
    [request] = posts(emulator, channel)
    reference = announcement_reference(request.json["nonce"])
    assert message["embeds"][0]["footer"]["text"] == f"Fandex release-day announcement · ref {reference}"
    assert request.json["allowed_mentions"] == {"parse": [], "roles": [role.id]}  # that role, nothing else
    assert request.json["enforce_nonce"] is True and len(request.json["nonce"]) <= 25
    assert emulator.messages_in(guild.general.id) == []
    [row] = await stored(bot, guild)
    assert (row.kind, row.state, row.message_id) == ("release", "sent", int(message["id"]))


async def test_a_day_is_announced_at_nine_in_the_servers_time_zone(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    await emulator.slash(guild, moderator, "config timezone", tz="Europe/London")
    channel = await announce_in(emulator, guild, moderator)
    await emulator.slash(guild, moderator, "config event-add", name="Volume 7 launch", date="2027-04-17")

    clock.current = datetime(2027, 4, 17, 7, 59, tzinfo=UTC)  # 08:59 BST
    await countdown(bot).run_due_announcements()
    assert emulator.messages_in(channel.id) == []
    clock.current = datetime(2027, 4, 17, 8, 0, tzinfo=UTC)  # 09:00 BST
    await countdown(bot).run_due_announcements()
    [message] = emulator.messages_in(channel.id)
    assert message["content"] == "🎉 Today: **Volume 7 launch**"
    assert posts(emulator, channel)[0].json["allowed_mentions"] == {"parse": []}  # no role: no ping at all


async def test_a_reminder_then_the_release_each_once_even_after_a_restart(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    channel = await announce_in(emulator, guild, moderator, reminder="1d")
    await add_party(emulator, guild, moderator)

    clock.current = PARTY_AT - timedelta(days=1)
    await countdown(bot).run_due_announcements()
    clock.current = PARTY_AT
    await countdown(bot).run_due_announcements()
    await countdown(bot).run_due_announcements()

    bot = await start_bot(clock=clock)  # a new process on the same database
    await countdown(bot).run_due_announcements()
    unix = int(PARTY_AT.timestamp())
    assert [m["content"] for m in emulator.messages_in(channel.id)] == [
        f"⏰ Reminder: **Watch party**, <t:{unix}:R>",
        "🎉 It's time: **Watch party**",
    ]
    assert len(posts(emulator, channel)) == 2
    assert sorted((r.kind, r.state) for r in await stored(bot, guild)) == [
        ("release", "sent"),
        ("reminder", "sent"),
    ]


async def test_no_duplicate_across_a_gateway_reconnect(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    channel = await announce_in(emulator, guild, moderator)
    await add_party(emulator, guild, moderator)
    clock.current = PARTY_AT
    await countdown(bot).run_due_announcements()

    await emulator.drop_gateway()  # a network cut: discord.py reconnects and resumes
    async with asyncio.timeout(5):
        while not emulator.gateway.resumes or not emulator.gateway.connected:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    clock.advance(minutes=5)
    await countdown(bot).run_due_announcements()
    assert len(posts(emulator, channel)) == 1
    assert len(emulator.messages_in(channel.id)) == 1


async def test_no_duplicate_when_the_process_dies_right_after_posting(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = await start_bot(clock=clock)
    channel = await announce_in(emulator, guild, moderator)
    await add_party(emulator, guild, moderator)

    original_settle = AnnouncementLog.settle

    async def die_before_recording(
        self: AnnouncementLog, row: Announcement, state: str, **kwargs: Any
    ) -> None:
        if state == "sent":
            raise Killed
        await original_settle(self, row, state, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(AnnouncementLog, "settle", die_before_recording)
    clock.current = PARTY_AT
    with pytest.raises(Killed):
        await countdown(bot).run_due_announcements()
    [posted] = emulator.messages_in(channel.id)
    [row] = await stored(bot, guild)
    assert row.state == "pending"  # posted, but the process died before recording it

    monkeypatch.undo()
    clock.advance(minutes=1)
    bot = await start_bot(clock=clock)  # the restart re-sends the pending row with the same nonce...
    await countdown(bot).run_due_announcements()

    assert emulator.messages_in(channel.id) == [
        posted
    ]  # ...and Discord answers with the message already there
    first, second = posts(emulator, channel)
    assert first.json["nonce"] == second.json["nonce"] and second.json["enforce_nonce"] is True
    [row] = await stored(bot, guild)
    assert (row.state, row.message_id) == ("sent", int(posted["id"]))


async def test_a_bot_offline_at_the_moment_catches_up_on_start_within_six_hours(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    channel = await announce_in(emulator, guild, moderator)
    await add_party(emulator, guild, moderator)
    await bot.close()  # offline when the party starts

    clock.current = PARTY_AT + timedelta(hours=5, minutes=59)
    await start_bot(clock=clock)
    await wait_for_messages(emulator, channel, 1)  # the loop's first run, on start: no call from the test
    [message] = emulator.messages_in(channel.id)
    assert message["content"] == "🎉 It's time: **Watch party**"


async def test_older_announcements_are_skipped_and_recorded_not_posted(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = await start_bot(clock=clock)
    channel = await announce_in(emulator, guild, moderator)
    await add_party(emulator, guild, moderator)
    await bot.close()

    clock.current = PARTY_AT + timedelta(hours=6, minutes=1)
    with caplog.at_level(logging.INFO, logger="bot.services.announcer"):
        bot = await start_bot(clock=clock)
        await countdown(bot).run_due_announcements()
    assert posts(emulator, channel) == []
    [row] = await stored(bot, guild)
    assert row.state == "skipped"
    assert row.detail == "6 h 1 min late when first seen; not posting stale news"
    assert any("Skipped release announcement" in record.getMessage() for record in caplog.records)


async def test_dataset_releases_announce_but_rumours_and_vague_dates_never(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    same_day_rumour = extra_event("s4-leak", "Season 4 leak", "2027-04-17", status="rumoured", kind="news")
    same_month = extra_event("s4-april", "Season 4 in April", "2027-04", status="announced")
    dataset = dataset_with(tmp_path, DAY, RUMOUR, MONTH, same_day_rumour, same_month)
    bot = await start_bot(clock=clock, dataset_path=dataset)
    channel = await announce_in(emulator, guild, moderator, reminder="1w")

    for moment in (
        datetime(2027, 4, 2, 9, 0, tzinfo=UTC),  # the rumoured trailer's day
        datetime(2027, 4, 10, 9, 0, tzinfo=UTC),  # a week before Volume 7
        datetime(2027, 4, 17, 9, 0, tzinfo=UTC),  # Volume 7's day (and the rumoured leak's)
        datetime(2027, 5, 1, 9, 0, tzinfo=UTC),  # May: month precision never fires
    ):
        clock.current = moment
        await countdown(bot).run_due_announcements()
    assert [m["content"] for m in emulator.messages_in(channel.id)] == [
        "⏰ Reminder: **Volume 7 published**, in 7 days",
        "🎉 Today: **Volume 7 published**",
    ]


async def test_a_channel_the_bot_can_no_longer_post_in_is_recorded_and_not_retried(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    channel = await announce_in(emulator, guild, moderator)
    await add_party(emulator, guild, moderator)
    # A moderator later denies the bot Send Messages there.
    bot_id = emulator.bot_user.id
    channel.overwrites.append(Overwrite(id=bot_id, type=MEMBER_OVERWRITE, deny=SEND_MESSAGES))
    emulator.dispatch("CHANNEL_UPDATE", channel.payload())
    await asyncio.sleep(0.1)  # let the gateway event reach the bot's cache

    clock.current = PARTY_AT
    report = await countdown(bot).run_due_announcements()
    assert report.failed == 1
    for _ in range(3):
        clock.advance(minutes=20)
        await countdown(bot).run_due_announcements()
    assert posts(emulator, channel) == []  # checked against the cache: not even attempted, and never retried
    [row] = await stored(bot, guild)
    assert row.state == "failed" and "**Send Messages**" in (row.detail or "")

    shown = await emulator.slash(guild, moderator, "config show")
    problem = next(
        f["value"] for f in shown.embeds[0]["fields"] if f["name"] == "⚠️ Last announcement problem"
    )
    assert "the announcement for **Watch party**" in problem and "missing **Send Messages**" in problem


async def test_a_refusal_from_discord_is_recorded_and_not_retried(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    channel = await announce_in(emulator, guild, moderator)
    await add_party(emulator, guild, moderator)
    emulator.fail_next("POST", rf"/channels/{channel.id}/messages", 403)

    clock.current = PARTY_AT
    await countdown(bot).run_due_announcements()
    clock.advance(hours=1)
    await countdown(bot).run_due_announcements()
    assert len(posts(emulator, channel)) == 1 and emulator.messages_in(channel.id) == []
    [row] = await stored(bot, guild)
    assert row.state == "failed" and "Discord refused the post" in (row.detail or "")
    assert "Discord refused the post" in ((await bot.guild_settings.get(guild.id)).announce_error or "")

    # Configuring announcements again clears the problem.
    await emulator.slash(guild, moderator, "config announcements", channel=channel)
    assert (await bot.guild_settings.get(guild.id)).announce_error is None


# Fails at run time like a full disk would (OperationalError), and only for the write named.
FAILING_NOTE = """
CREATE TEMP TRIGGER fail_{op} BEFORE {op} ON guild_settings WHEN NEW.announce_error IS NOT NULL
BEGIN SELECT json('the disk is full'); END
"""


async def test_a_failure_is_recorded_with_its_note_in_one_transaction_or_not_at_all(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = await start_bot(clock=clock)
    channel = await announce_in(emulator, guild, moderator)
    await add_party(emulator, guild, moderator)
    emulator.fail_next("POST", rf"/channels/{channel.id}/messages", 403, times=2)
    for op in ("INSERT", "UPDATE"):
        await bot.db.execute(FAILING_NOTE.format(op=op))

    clock.current = PARTY_AT
    with caplog.at_level(logging.ERROR, logger="bot.services.announcer"):
        await countdown(bot).run_due_announcements()
    assert any("failed" in r.getMessage() for r in caplog.records)
    # The note could not be written, so the row was not settled either: 'failed' and nobody told.
    [row] = await stored(bot, guild)
    assert row.state == "pending"
    assert (await bot.guild_settings.get(guild.id)).announce_error is None

    for op in ("INSERT", "UPDATE"):
        await bot.db.execute(f"DROP TRIGGER temp.fail_{op}")
    await countdown(bot).run_due_announcements()  # the next run records both halves
    [row] = await stored(bot, guild)
    assert row.state == "failed" and "Discord refused the post" in (row.detail or "")
    assert "Discord refused the post" in ((await bot.guild_settings.get(guild.id)).announce_error or "")
    assert emulator.messages_in(channel.id) == []


async def test_a_passing_server_error_is_retried_with_the_same_nonce(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    channel = await announce_in(emulator, guild, moderator)
    await add_party(emulator, guild, moderator)
    emulator.fail_next("POST", rf"/channels/{channel.id}/messages", 503)

    clock.current = PARTY_AT
    assert (await countdown(bot).run_due_announcements()).retry_later == 1
    assert [r.state for r in await stored(bot, guild)] == ["pending"]
    clock.advance(minutes=1)
    assert (await countdown(bot).run_due_announcements()).sent == 1
    first, second = posts(emulator, channel)
    assert first.json["nonce"] == second.json["nonce"]
    assert len(emulator.messages_in(channel.id)) == 1


async def test_a_hung_post_in_one_server_delays_no_other_and_is_retried_once_later(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Announcer, "send_timeout", 3.0, raising=False)
    bot = await start_bot(clock=clock)
    other = emulator.add_guild(name="Other Fans")
    other_moderator = emulator.add_user("other-mod")
    emulator.member(other, other_moderator, manage_guild=True)
    hung = await announce_in(emulator, guild, moderator)  # served first: its guild id is the lower
    prompt = await announce_in(emulator, other, other_moderator)
    await add_party(emulator, guild, moderator)
    await add_party(emulator, other, other_moderator)
    # Discord stores the first post in `hung` but answers it only after 30 s.
    emulator.hang_next("POST", rf"/channels/{hung.id}/messages$", seconds=30)

    clock.current = PARTY_AT
    run = asyncio.create_task(countdown(bot).run_due_announcements())
    try:
        await wait_for_messages(emulator, prompt, 1)
        assert not run.done()  # still waiting for the hung answer: the other server did not wait behind it
        report = await asyncio.wait_for(run, 10)
    finally:
        run.cancel()
    assert (report.sent, report.retry_later) == (1, 1)
    assert [r.state for r in await stored(bot, guild)] == ["pending"]
    assert len(emulator.messages_in(hung.id)) == 1  # posted; the bot does not know yet

    report = await countdown(bot).run_due_announcements()  # the next run: the same nonce, no second post
    assert report.sent == 1
    [message] = emulator.messages_in(hung.id)
    [row] = await stored(bot, guild)
    assert (row.state, row.message_id) == ("sent", int(message["id"]))
    first, second = posts(emulator, hung)
    assert first.json["nonce"] == second.json["nonce"]
    assert len(emulator.messages_in(prompt.id)) == 1


async def test_a_deleted_role_means_no_ping_and_a_note_in_config_show(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, clock: FakeClock
) -> None:
    bot = await start_bot(clock=clock)
    role = guild.add_role("Heartstoppers", mentionable=True)
    channel = await announce_in(emulator, guild, moderator, role=role)
    await add_party(emulator, guild, moderator)
    del guild.roles[role.id]
    emulator.dispatch("GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role.id)})
    await asyncio.sleep(0.1)

    clock.current = PARTY_AT
    await countdown(bot).run_due_announcements()
    [message] = emulator.messages_in(channel.id)
    assert message["content"] == "🎉 It's time: **Watch party**"
    assert posts(emulator, channel)[0].json["allowed_mentions"] == {"parse": []}
    problem = (await bot.guild_settings.get(guild.id)).announce_error or ""
    assert "the role to ping no longer exists" in problem


async def test_the_loop_posts_on_its_own_and_stops_with_the_cog(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Announcer, "poll_interval", 0.05)
    bot = await start_bot(clock=clock)
    channel = await announce_in(emulator, guild, moderator)
    await add_party(emulator, guild, moderator)
    clock.current = PARTY_AT
    await wait_for_messages(emulator, channel, 1)

    cog = countdown(bot)
    task = cog.background.task
    assert task is not None and not task.done()
    await bot.remove_cog("Countdown")
    assert task.cancelled()


async def test_no_duplicate_when_a_real_process_is_sigkilled_between_post_and_record(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, tmp_path: Path
) -> None:
    # A confirmed release 5 minutes ago: a bot starting now catches it up (under 6 h late).
    due = datetime.now(UTC) - timedelta(minutes=5)
    dataset = dataset_with(
        tmp_path, extra_event("s4-premiere", "Season 4 premieres", due.strftime("%Y-%m-%dT%H:%M UTC"))
    )
    bot = await start_bot(dataset_path=dataset, clock=FakeClock(due - timedelta(days=1)))
    channel = await announce_in(emulator, guild, moderator)
    await bot.close()

    # The real bot process posts it, and Discord stores the message; the process is SIGKILLed before
    # the answer reaches it, so it never records the post.
    process = await BotProcess.start(
        ["-m", "bot"],
        {
            **bot_environment(
                api_base=emulator.api_base,
                gateway_url=emulator.gateway_url,
                database_path=tmp_path / "fandex.sqlite3",
            ),
            "DATASET": str(dataset),
        },
    )
    emulator.on_message_stored = lambda message: os.kill(process.pid, signal.SIGKILL)
    try:
        assert await process.wait(30) == -signal.SIGKILL, process.output
    finally:
        process.kill()
        emulator.on_message_stored = None
    [posted] = emulator.messages_in(channel.id)
    with contextlib.closing(sqlite3.connect(tmp_path / "fandex.sqlite3")) as db:
        states = db.execute("SELECT state FROM announcements WHERE guild_id = ?", (guild.id,)).fetchall()
    assert states == [("pending",)]  # posted, but the process died before recording it

    # The restarted bot re-sends the pending row with the same nonce; Discord returns the message
    # already there, so the channel still holds one announcement.
    bot = await start_bot(dataset_path=dataset)
    await countdown(bot).run_due_announcements()
    assert emulator.messages_in(channel.id) == [posted]
    first, second = posts(emulator, channel)
    assert first.json["nonce"] == second.json["nonce"]
    [row] = await stored(bot, guild)
    assert (row.state, row.message_id) == ("sent", int(posted["id"]))


# -- a restart after Discord has forgotten the nonce --------------------------------------------------------
# These tests run the bot's clock from the real time: Discord (the emulator) stamps messages with it, and
# the bot searches the history from its own clock, as both do in production.


def die_on(
    monkeypatch: pytest.MonkeyPatch, target: object, name: str, when: Any = lambda *a, **k: True
) -> None:
    """Make the coroutine method `target.name` kill the process (when `when(*args)` holds), not run."""
    original = getattr(target, name)

    async def dying(*args: Any, **kwargs: Any) -> Any:
        if when(*args, **kwargs):
            raise Killed
        return await original(*args, **kwargs)

    monkeypatch.setattr(target, name, dying)


async def premiere_soon(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    tmp_path: Path,
    **reminder: str,
) -> tuple[FandexBot, Channel, Path, FakeClock]:
    """A bot whose clock reads the real time, announcing a premiere due two minutes from now."""
    now = datetime.now(UTC)
    due = now.replace(second=0, microsecond=0) + timedelta(minutes=2)
    dataset = dataset_with(
        tmp_path, extra_event("s4-premiere", "Season 4 premieres", due.strftime("%Y-%m-%dT%H:%M UTC"))
    )
    clock = FakeClock(now)
    bot = await start_bot(dataset_path=dataset, clock=clock)
    channel = await announce_in(emulator, guild, moderator, **reminder)
    clock.current = due
    return bot, channel, dataset, clock


async def test_no_duplicate_when_the_restart_comes_after_discord_forgot_the_nonce(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot, channel, dataset, clock = await premiere_soon(emulator, start_bot, guild, moderator, tmp_path)
    die_on(monkeypatch, AnnouncementLog, "settle", lambda self, row, state, **_: state == "sent")
    with pytest.raises(Killed):
        await countdown(bot).run_due_announcements()
    [posted] = emulator.messages_in(channel.id)
    monkeypatch.undo()

    # Back 30 minutes later: Discord no longer knows the nonce, and would post the same thing again.
    emulator.forget_nonces()
    clock.advance(minutes=30)
    bot = await start_bot(dataset_path=dataset, clock=clock)
    await countdown(bot).run_due_announcements()

    assert emulator.messages_in(channel.id) == [posted]
    assert len(posts(emulator, channel)) == 1  # found in the history: not even re-sent
    [read] = history_reads(emulator, channel)
    assert 1 <= int(read.query["limit"]) <= 100
    [row] = await stored(bot, guild)
    assert (row.state, row.message_id) == ("sent", int(posted["id"]))
    await countdown(bot).run_due_announcements()
    assert len(emulator.messages_in(channel.id)) == 1


async def test_an_attempt_that_never_reached_discord_is_posted_once_on_a_late_restart(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The day before, the reminder was posted: the bot's own message, with another reference.
    bot, channel, dataset, clock = await premiere_soon(
        emulator, start_bot, guild, moderator, tmp_path, reminder="1d"
    )
    release_at = clock.current
    clock.current = release_at - timedelta(days=1)
    await countdown(bot).run_due_announcements()
    [reminder] = emulator.messages_in(channel.id)

    # The process dies with the release row pending, before its request leaves.
    clock.current = release_at
    die_on(monkeypatch, discord.TextChannel, "send")
    with pytest.raises(Killed):
        await countdown(bot).run_due_announcements()
    assert emulator.messages_in(channel.id) == [reminder]
    monkeypatch.undo()

    clock.advance(minutes=30)
    bot = await start_bot(dataset_path=dataset, clock=clock)
    await countdown(bot).run_due_announcements()

    assert len(history_reads(emulator, channel)) == 1  # it looked, saw only the reminder...
    reminder_again, release = emulator.messages_in(channel.id)  # ...and posted the release once
    assert reminder_again == reminder and release["content"] == "🎉 It's time: **Season 4 premieres**"
    rows = {row.kind: row for row in await stored(bot, guild)}
    assert (rows["release"].state, rows["release"].message_id) == ("sent", int(release["id"]))


async def test_without_read_message_history_a_late_retry_still_posts_and_warns(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot, channel, dataset, clock = await premiere_soon(emulator, start_bot, guild, moderator, tmp_path)
    die_on(monkeypatch, discord.TextChannel, "send")
    with pytest.raises(Killed):
        await countdown(bot).run_due_announcements()
    monkeypatch.undo()
    # A moderator later denies the bot Read Message History there.
    channel.overwrites.append(
        Overwrite(id=emulator.bot_user.id, type=MEMBER_OVERWRITE, deny=READ_MESSAGE_HISTORY)
    )

    clock.advance(minutes=30)
    with caplog.at_level(logging.WARNING, logger="bot.services.announcer"):
        bot = await start_bot(dataset_path=dataset, clock=clock)
        await countdown(bot).run_due_announcements()

    # A missed release is worse than a possible duplicate: it posts (with the nonce), and says why it could
    # not check.
    [message] = emulator.messages_in(channel.id)
    assert [row.state for row in await stored(bot, guild)] == ["sent"]
    assert history_reads(emulator, channel) == []
    assert any("No Read Message History" in record.getMessage() for record in caplog.records)
    assert message["content"] == "🎉 It's time: **Season 4 premieres**"


async def test_config_announcements_asks_for_read_message_history(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User
) -> None:
    await start_bot()
    channel = guild.add_channel("releases")
    channel.overwrites.append(
        Overwrite(id=emulator.bot_user.id, type=MEMBER_OVERWRITE, deny=READ_MESSAGE_HISTORY)
    )
    emulator.dispatch("CHANNEL_UPDATE", channel.payload())
    await asyncio.sleep(0.1)  # let the gateway event reach the bot's cache

    result = await emulator.slash(guild, moderator, "config announcements", channel=channel)
    assert result.ephemeral
    assert "I'm missing **Read Message History** there" in result.content
    assert "Nothing was changed." in result.content


async def test_the_emulated_history_validates_its_query_and_hides_nonces(
    emulator: DiscordEmulator, guild: Guild
) -> None:
    emulator.new_message(guild.general.id, {"content": "hi", "nonce": "fx1"})
    headers = {"Authorization": "Bot token"}
    url = f"{emulator.api_base}/channels/{guild.general.id}/messages"
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(url, params={"limit": "0"}) as bad:
            assert bad.status == 400
        async with session.get(url, params={"limit": "100"}) as good:
            [message] = await good.json()
    assert message["content"] == "hi" and "nonce" not in message
    assert len(emulator.validation_errors) == 1  # the bad limit, provoked on purpose
    emulator.validation_errors.clear()
