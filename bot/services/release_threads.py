"""Release threads: a spoiler-discussion thread on each release-day announcement, opened exactly once.

The announcer records that a release gets a thread (a 'pending' row) BEFORE posting its announcement, and
asks for the thread once the announcement is recorded as sent, in that run or a later one. A message has
at most one thread, whose id is the message's: a retry after a crash either opens it or is told it exists
(code 160004) and records it. A refusal is final ('failed', shown in /config show); a network problem is
retried for `CATCH_UP_LIMIT`, then recorded as failed. Nothing here can stop the announcement itself.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.domain.anniversaries import ReleaseThread
from bot.domain.announcements import CATCH_UP_LIMIT, DueAnnouncement
from bot.domain.i18n import words_for_server
from bot.domain.settings import GuildSettings
from bot.render.common import timestamp
from bot.render.daily import thread_intro_text, thread_name
from bot.services.announcement_checks import THREAD_PERMISSIONS, missing_permissions, permission_names
from bot.storage.daily import ReleaseThreadLog
from bot.storage.database import transaction

if TYPE_CHECKING:
    from bot.storage.database import Connection
    from bot.storage.guild_settings import GuildSettingsRepository

log = logging.getLogger(__name__)

THREAD_EXISTS = 160004  # Discord: "A thread has already been created for this message"
ARCHIVE_MINUTES = 10080  # a week: a release is talked about for days


class ReleaseThreads:
    send_timeout: float = 15.0

    def __init__(self, db: Connection, guild_settings: GuildSettingsRepository) -> None:
        self.db = db
        self.guild_settings = guild_settings
        self.log = ReleaseThreadLog(db)

    async def want(self, settings: GuildSettings, due: DueAnnouncement, now: datetime) -> None:
        """Before a release is announced: record that it gets a thread, if the server asked for threads."""
        if settings.announce_thread and due.kind == "release":
            await self.log.want(settings.guild_id, due.event.key, now)

    async def ensure(
        self,
        guild: discord.Guild,
        settings: GuildSettings,
        due: DueAnnouncement,
        message_id: int | None,
        now: datetime,
    ) -> None:
        """After the announcement is sent: open its thread if wanted and not settled. Raises nothing."""
        if due.kind != "release" or message_id is None:
            return
        try:
            row = await self.log.get(guild.id, due.event.key)
            if row is not None and row.state == "pending":
                await self._open(guild, settings, due, row, message_id, now)
        except Exception:
            log.exception("Release thread for %s in guild %s failed", due.event.key, guild.id)

    async def _open(
        self,
        guild: discord.Guild,
        settings: GuildSettings,
        due: DueAnnouncement,
        row: ReleaseThread,
        message_id: int,
        now: datetime,
    ) -> None:
        channel = guild.get_channel(settings.announce_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            await self._fail(row, due, message_id, "the announcement channel no longer exists")
            return
        missing = missing_permissions(channel, guild.me, THREAD_PERMISSIONS)
        if missing:
            await self._fail(
                row, due, message_id, f"I'm missing {permission_names(missing)} in {channel.mention}"
            )
            return
        tr = words_for_server(settings.language, guild.preferred_locale.value)
        try:
            async with asyncio.timeout(self.send_timeout):
                thread = await channel.get_partial_message(message_id).create_thread(
                    name=thread_name(due.event.title, tr), auto_archive_duration=ARCHIVE_MINUTES
                )
                await thread.send(
                    thread_intro_text(due.event.safe_title, tr),
                    allowed_mentions=discord.AllowedMentions.none(),
                )
        except discord.HTTPException as exc:
            if exc.code == THREAD_EXISTS:  # an earlier attempt opened it; the thread's id is the message's
                await self.log.settle(row, "created", message_id=message_id, thread_id=message_id)
                return
            if exc.status >= 500:
                await self._retry_or_fail(row, due, message_id, now, str(exc))
                return
            await self._fail(
                row, due, message_id, f"Discord refused the thread in {channel.mention}: {exc.text}"
            )
            return
        except (aiohttp.ClientError, TimeoutError) as exc:
            await self._retry_or_fail(row, due, message_id, now, str(exc) or "no answer in time")
            return
        await self.log.settle(row, "created", message_id=message_id, thread_id=thread.id)
        log.info("Opened release thread %s for %s in guild %s", thread.id, due.event.key, guild.id)

    async def _retry_or_fail(
        self, row: ReleaseThread, due: DueAnnouncement, message_id: int, now: datetime, why: str
    ) -> None:
        """A passing problem: the next run tries again, until `CATCH_UP_LIMIT` after the first attempt."""
        if now - row.attempted_at >= CATCH_UP_LIMIT:
            await self._fail(row, due, message_id, f"Discord kept failing ({why})")
        else:
            log.warning(
                "Release thread for %s in guild %s: will retry (%s)", due.event.key, row.guild_id, why
            )

    async def _fail(self, row: ReleaseThread, due: DueAnnouncement, message_id: int, reason: str) -> None:
        text = f"{timestamp(row.attempted_at, 'f')}: the thread for **{due.event.safe_title}**: {reason}."
        async with transaction(self.db) as tx:
            await self.log.settle(row, "failed", message_id=message_id, detail=reason, tx=tx)
            await self.guild_settings.update(row.guild_id, thread_error=text, tx=tx)
        log.warning(
            "Could not open the release thread for %s in guild %s: %s", due.event.key, row.guild_id, reason
        )
