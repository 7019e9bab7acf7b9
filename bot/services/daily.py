""" "On this day": one post per server and local day with an anniversary, exactly once across restarts.

As the announcer does: the row (state 'pending', a deterministic nonce) is committed BEFORE sending, the
send carries the nonce with `enforce_nonce`, and a retry later than `NONCE_TRUSTED` first looks for the
post in the channel's history (the footer ends with the nonce's reference). The day is the server's own:
due from 09:00 there, caught up later that day after an outage, never on the next day. A channel Discord
refuses us is recorded as 'failed' and shown in /config show.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

import aiohttp
import discord

from bot.domain.anniversaries import Anniversary, DailyPost, anniversaries_on, daily_day, daily_nonce
from bot.domain.announcements import NONCE_TRUSTED, announcement_reference
from bot.domain.countdown import zone_of
from bot.domain.i18n import words_for_server
from bot.domain.settings import GuildSettings
from bot.render.common import timestamp
from bot.render.daily import daily_embed
from bot.services.announcement_checks import missing_permissions, permission_names
from bot.services.announcer import HISTORY_LIMIT, HISTORY_MARGIN, is_announcement_post
from bot.storage.daily import DailyLog
from bot.storage.database import transaction

if TYPE_CHECKING:
    from bot.domain.clock import Clock
    from bot.domain.model import Dataset
    from bot.storage.database import Connection
    from bot.storage.guild_settings import GuildSettingsRepository

log = logging.getLogger(__name__)


@dataclass(slots=True)
class DailyReport:
    sent: int = 0
    found_posted: int = 0
    failed: int = 0
    retry_later: int = 0


class DailyHost(Protocol):
    db: Connection
    clock: Clock
    guild_settings: GuildSettingsRepository

    @property
    def dataset(self) -> Dataset: ...

    def get_guild(self, guild_id: int, /) -> discord.Guild | None: ...


class DailyPoster:
    poll_interval: float = 60.0  # seconds between runs of the cog's loop (tests patch it here)
    send_timeout: float = 15.0

    def __init__(self, bot: DailyHost) -> None:
        self.bot = bot
        self.log = DailyLog(bot.db)
        self._lock = asyncio.Lock()

    async def run_due(self) -> DailyReport:
        """Post today's anniversaries in every server with "On this day" on whose 09:00 has come."""
        report = DailyReport()
        async with self._lock:
            now = self.bot.clock.now()
            for settings in await self.bot.guild_settings.with_daily():
                guild = self.bot.get_guild(settings.guild_id)
                if guild is None or guild.unavailable:
                    continue
                try:
                    await self._serve(guild, settings, now, report)
                except Exception:
                    log.exception("The daily post in guild %s failed", guild.id)
        return report

    async def _serve(
        self, guild: discord.Guild, settings: GuildSettings, now: datetime, report: DailyReport
    ) -> None:
        day = daily_day(now, zone_of(settings.timezone))
        if day is None:
            return
        found = anniversaries_on(self.bot.dataset, day, settings.spoiler_limit)
        if not found:
            return  # nothing on days without an anniversary
        row = await self.log.get(guild.id, day)
        if row is not None and row.state != "pending":
            return
        search_history = False
        if row is None:
            row = DailyPost(guild.id, day, "pending", daily_nonce(guild.id, day), attempted_at=now)
            if not await self.log.insert(row):
                return  # another process (or run) recorded it first: it holds the claim
        else:
            if not await self.log.claim(row, now):
                return  # another process is sending it (or died less than a lease ago)
            search_history = now - row.attempted_at >= NONCE_TRUSTED
        await self._send(guild, settings, day, found, row, now, report, search_history=search_history)

    async def _send(
        self,
        guild: discord.Guild,
        settings: GuildSettings,
        day: date,
        found: list[Anniversary],
        row: DailyPost,
        now: datetime,
        report: DailyReport,
        *,
        search_history: bool,
    ) -> None:
        channel = guild.get_channel(settings.daily_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            await self._fail(row, now, report, 'the "On this day" channel no longer exists')
            return
        missing = missing_permissions(channel, guild.me)
        if missing:
            await self._fail(
                row, now, report, f"I'm missing {permission_names(missing)} in {channel.mention}"
            )
            return
        reference = announcement_reference(row.nonce)
        try:
            async with asyncio.timeout(self.send_timeout):
                if search_history and (earlier := await self._earlier_post(channel, row, reference)):
                    await self.log.settle(row, "sent", message_id=earlier.id)
                    report.found_posted += 1
                    return
                message = await channel.send(
                    embed=daily_embed(
                        day,
                        found,
                        reference=reference,
                        tr=words_for_server(settings.language, guild.preferred_locale.value),
                    ),
                    nonce=row.nonce,
                    allowed_mentions=discord.AllowedMentions.none(),
                )
        except (discord.Forbidden, discord.NotFound) as exc:
            await self._fail(row, now, report, f"Discord refused the post in {channel.mention}: {exc.text}")
            return
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            # The row stays pending: the next run re-sends with the same nonce, until the day is over.
            log.warning("Daily post in guild %s: will retry (%s)", guild.id, exc or "timed out")
            report.retry_later += 1
            await self.log.release(row)
            return
        await self.log.settle(row, "sent", message_id=message.id)
        report.sent += 1
        log.info("Posted On this day for %s in guild %s (message %s)", day, guild.id, message.id)

    async def _earlier_post(
        self, channel: discord.TextChannel, row: DailyPost, reference: str
    ) -> discord.Message | None:
        me = channel.guild.me
        if me is None or not channel.permissions_for(me).read_message_history:
            return None  # no way to look: the nonce still catches a recent post
        after = row.attempted_at - HISTORY_MARGIN
        try:
            async for message in channel.history(limit=HISTORY_LIMIT, after=after):
                if is_announcement_post(message, me.id, reference):
                    return message
        except discord.Forbidden:
            return None
        return None

    async def _fail(self, row: DailyPost, now: datetime, report: DailyReport, reason: str) -> None:
        text = f"{timestamp(now, 'f')}: On this day for {row.day.isoformat()}: {reason}."
        async with transaction(self.bot.db) as tx:
            await self.log.settle(row, "failed", detail=reason, tx=tx)
            await self.bot.guild_settings.update(row.guild_id, daily_error=text, tx=tx)
        report.failed += 1
        log.warning("Could not post On this day in guild %s: %s", row.guild_id, reason)
