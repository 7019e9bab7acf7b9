"""Reminders at scale (issue 12, item 6), not timed: 100 reminders due at once go out through Discord's rate
limits (the emulator's, tightened so the test is quick, and the bot paced faster than they allow so 429s
happen), the bot is killed in the middle of the burst and restarted, and every fan gets exactly one DM.
bench/bench_reminders.py measures the same with 1,000 and Discord's own figures."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain.dates import PartialDate
from bot.services.reminders import ReminderDelivery
from discord_emulator import DiscordEmulator, Guild
from discord_emulator.ratelimits import RateLimiter, RateLimits, RouteLimit
from tests.clock import FakeClock
from tests.cogs.test_reminders import NOW, PARTY_AT, deliver, stored
from tests.conftest import StartBot

FANS = 100
CRASH_AFTER = 40  # DMs stored by Discord when the process dies


async def test_a_hundred_due_at_once_arrive_once_each_through_429s_and_a_crash(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emulator.rate_limiter = RateLimiter(
        RateLimits(
            routes=(
                RouteLimit("POST", "/channels/{channel_id}/messages", 5, 5.0, "channel_id"),
                RouteLimit("POST", "/users/@me/channels", 20, 0.5),
            ),
            global_limit=5,  # 50 a second, counted in short windows: a burst of 16 at once exceeds it
            global_window=0.1,
        )
    )
    monkeypatch.setattr(ReminderDelivery, "requests_per_second", 400.0)  # faster than the global 50/s
    clock = FakeClock(NOW)
    bot = await start_bot(clock=clock)
    party = await bot.server_events.add(
        guild.id,
        name="Watch party",
        date=PartialDate.parse("2027-03-12T20:00 UTC"),
        created_by=1,
        zone=ZoneInfo("UTC"),
    )
    fans = [emulator.add_user(f"fan {n}") for n in range(FANS)]
    for fan in fans:
        await bot.reminders.add(
            user_id=fan.id,
            event_key=party.key,
            event_title=party.name,
            lead="start",
            starts_at=PARTY_AT,
            zone="UTC",
            guild_id=guild.id,
            channel_id=guild.general.id,
        )

    crash = asyncio.Event()
    dm_ids = {emulator.dm_channel(fan).id for fan in fans}
    stored_dms = 0

    def on_stored(message: dict[str, Any]) -> None:
        nonlocal stored_dms
        stored_dms += int(message["channel_id"]) in dm_ids
        if stored_dms >= CRASH_AFTER:
            crash.set()

    emulator.on_message_stored = on_stored
    clock.current = PARTY_AT
    burst = asyncio.create_task(deliver(bot))
    async with asyncio.timeout(30):
        await crash.wait()
    burst.cancel()  # the process dies: whatever was in flight is neither recorded nor retried by it
    with contextlib.suppress(asyncio.CancelledError):
        await burst
    sent_before = sum(row["state"] == "sent" for row in stored(tmp_path))
    assert 0 < sent_before < FANS

    bot = await start_bot(clock=clock)
    clock.advance(seconds=61)  # Discord may have forgotten the nonces: tries in doubt read the history
    async with asyncio.timeout(60):
        while any(row["state"] == "pending" for row in stored(tmp_path)):
            await deliver(bot)
            clock.advance(seconds=31)  # a try Discord refused with a 429 after discord.py's retries

    assert [len(emulator.dms_to(fan)) for fan in fans] == [1] * FANS  # 0 lost, 0 duplicated
    assert {row["state"] for row in stored(tmp_path)} == {"sent"}
    assert emulator.rate_limited, "the rate limits never refused anything: the test proves nothing"
    assert any(r.scope == "global" for r in emulator.rate_limited)
