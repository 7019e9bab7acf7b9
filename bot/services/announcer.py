"""Release-day announcements: which are due, and their delivery exactly once per server, event and kind.

What is due is computed from the database and the dataset on every run, never from timers that die with
the process. Delivery writes an `announcements` row (state 'pending', with a deterministic nonce) and
commits it BEFORE sending, then sends with that nonce and `enforce_nonce` (discord.py adds the flag to
every send that carries a nonce). If the process dies between the send and marking the row 'sent', the
next run sends again with the same nonce and Discord returns the message already posted instead of
posting a second one. Discord remembers a nonce for a few minutes only, so a retry later than
`NONCE_TRUSTED` after the first attempt first looks for the post in the channel's recent history (every
announcement's footer ends with a reference derived from its nonce, since fetched messages carry no
nonce) and records it as sent if it is there. Announcements more than `CATCH_UP_LIMIT` late are skipped
(and recorded) rather than posted as stale news; a channel Discord refuses us is recorded as 'failed' and
shown in /config show, never retried forever.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

import aiohttp
import discord

from bot.domain.countdown import zone_of
from bot.domain.i18n import words_for_server
from bot.domain.settings import GuildSettings
from bot.render.common import timestamp
from bot.render.countdown import announcement_content, announcement_embed, reference_tag
from bot.services.announcement_checks import (
    announcement_allowed_mentions,
    missing_permissions,
    permission_names,
)
from bot.services.release_threads import ReleaseThreads
from bot.storage.server_events import ServerEventRepository

if TYPE_CHECKING:
    from bot.domain.catalog import Catalog
    from bot.domain.clock import Clock
    from bot.storage.database import Connection, Transaction
    from bot.storage.guild_settings import GuildSettingsRepository
from bot.domain.announcements import (
    CATCH_UP_LIMIT,
    NONCE_TRUSTED,
    Announcement,
    DueAnnouncement,
    announcement_nonce,
    announcement_reference,
    due_announcements,
    late_text,
)
from bot.storage.announcement_log import AnnouncementLog
from bot.storage.database import transaction

log = logging.getLogger(__name__)


# Our clock and Discord's may disagree a little (NTP drift, a resumed VM): search from a bit earlier.
HISTORY_MARGIN = timedelta(minutes=5)


# One request. The search starts just before the first attempt, oldest first, and the post followed that
# attempt within seconds, so it is among the first messages even in a busy channel.
HISTORY_LIMIT = 100


def is_announcement_post(message: discord.Message, bot_user_id: int, reference: str) -> bool:
    """Whether `message` is this bot's post of the announcement tagged `reference`."""
    if message.author.id != bot_user_id:
        return False
    tag = reference_tag(reference)
    return any((embed.footer.text or "").endswith(tag) for embed in message.embeds)


@dataclass(slots=True)
class RunReport:
    """What one run did, for logs and tests."""

    sent: int = 0
    found_posted: int = 0  # an interrupted attempt had posted it: recorded from the channel's history
    skipped: int = 0
    failed: int = 0
    retry_later: int = 0


class AnnouncerHost(Protocol):
    """What the announcer needs from the bot (the app's FandexBot provides it)."""

    db: Connection
    clock: Clock
    catalog: Catalog
    guild_settings: GuildSettingsRepository

    def get_guild(self, guild_id: int, /) -> discord.Guild | None: ...


class Announcer:
    # Seconds between runs of the cog's loop: a release is announced within a minute of its time. A class
    # attribute here (not on the cog) because load_extension re-imports cogs, so tests patch it here.
    poll_interval: float = 60.0
    # Servers are served concurrently, this many at a time (each one's announcements in order), and one
    # Discord request may take this many seconds: a hung one leaves its row pending for the next run
    # (the nonce and the history check make that retry safe) instead of holding up every other server.
    concurrency: int = 8
    send_timeout: float = 15.0

    def __init__(self, bot: AnnouncerHost, events: ServerEventRepository) -> None:
        self.bot = bot
        self.events = events
        self.log = AnnouncementLog(bot.db)
        self.threads = ReleaseThreads(bot.db, bot.guild_settings)
        # One run at a time: the background loop and a direct call must not both post the same row.
        self._lock = asyncio.Lock()

    async def run_due(self) -> RunReport:
        """Post every announcement that is due now in every server with announcements on."""
        report = RunReport()
        async with self._lock:
            now = self.bot.clock.now()
            configured = await self.bot.guild_settings.with_announcements()
            if not configured:
                return report
            server_events = await self.events.by_guild()
            from_dataset = list(self.bot.catalog.events)
            slots = asyncio.Semaphore(self.concurrency)
            try:
                async with asyncio.TaskGroup() as servers:
                    for settings in configured:
                        guild = self.bot.get_guild(settings.guild_id)
                        if guild is None or guild.unavailable:
                            continue  # not connected to it (yet): its announcements wait for a later run
                        zone = zone_of(settings.timezone)
                        events = from_dataset + [
                            e.as_countdown_event() for e in server_events.get(guild.id, [])
                        ]
                        due = due_announcements(events, reminder=settings.reminder, zone=zone, now=now)
                        if due:
                            servers.create_task(self._serve(slots, guild, settings, zone, due, now, report))
            except BaseExceptionGroup as group:
                # _serve catches every Exception; what is left (SystemExit, KeyboardInterrupt) goes on as is.
                raise group.exceptions[0] from None
        if report.sent or report.found_posted or report.skipped or report.failed:
            log.info(
                "Announcements: %d sent, %d found already posted, %d skipped, %d failed, %d to retry",
                report.sent,
                report.found_posted,
                report.skipped,
                report.failed,
                report.retry_later,
            )
        return report

    async def _serve(
        self,
        slots: asyncio.Semaphore,
        guild: discord.Guild,
        settings: GuildSettings,
        zone: ZoneInfo,
        due: list[DueAnnouncement],
        now: datetime,
        report: RunReport,
    ) -> None:
        """One server's due announcements, oldest first. Raises no Exception: no other server is cancelled."""
        async with slots:
            for announcement in due:
                try:
                    await self._handle(guild, settings, zone, announcement, now, report)
                except Exception:
                    # One broken announcement (a storage error, a bug) must not stop the others.
                    log.exception(
                        "Announcement %s/%s in guild %s failed",
                        announcement.event.key,
                        announcement.kind,
                        guild.id,
                    )

    async def _handle(
        self,
        guild: discord.Guild,
        settings: GuildSettings,
        zone: ZoneInfo,
        due: DueAnnouncement,
        now: datetime,
        report: RunReport,
    ) -> None:
        key, kind = due.event.key, due.kind
        row = await self.log.get(guild.id, key, kind)
        if row is not None and row.state != "pending":  # settled once and for all; its thread may not be
            if row.state == "sent":
                await self.threads.ensure(guild, settings, due, row.message_id, now)
            return
        late = now - due.late_from
        if late > CATCH_UP_LIMIT:
            detail = f"{late_text(late)} late when first seen; not posting stale news"
            if row is None:
                nonce = announcement_nonce(guild.id, key, kind)
                row = Announcement(
                    guild.id, key, kind, due.due_at, "skipped", nonce, attempted_at=now, detail=detail
                )
                await self.log.insert(row)
            else:  # an attempt interrupted long ago: too old to post now
                await self.log.settle(row, "skipped", detail="interrupted attempt; " + detail)
            log.info("Skipped %s announcement of %s in guild %s: %s", kind, key, guild.id, detail)
            report.skipped += 1
            return
        search_history = False
        if row is None:
            row = Announcement(
                guild.id,
                key,
                kind,
                due.due_at,
                "pending",
                announcement_nonce(guild.id, key, kind),
                attempted_at=now,
            )
            await self.threads.want(settings, due, now)  # recorded before the post, like the post itself
            if not await self.log.insert(row, now):
                return  # another process (or run) recorded it first: it holds the claim
        else:
            if not await self.log.claim(row, now):
                return  # another process is sending it (or died less than a lease ago)
            log.info(
                "Retrying the %s announcement of %s in guild %s (nonce %s)", kind, key, guild.id, row.nonce
            )
            # attempted_at is the first attempt, and no post can be older: once it is NONCE_TRUSTED ago,
            # Discord may have forgotten the nonce of a post any attempt made.
            search_history = row.attempted_at is None or now - row.attempted_at >= NONCE_TRUSTED
        await self._send(guild, settings, zone, due, row, now, report, search_history=search_history)

    async def _send(
        self,
        guild: discord.Guild,
        settings: GuildSettings,
        zone: ZoneInfo,
        due: DueAnnouncement,
        row: Announcement,
        now: datetime,
        report: RunReport,
        *,
        search_history: bool,
    ) -> None:
        channel = guild.get_channel(settings.announce_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            await self._fail(guild, due, row, now, report, "the announcement channel no longer exists")
            return
        missing = missing_permissions(channel, guild.me)
        if missing:
            reason = f"I'm missing {permission_names(missing)} in {channel.mention}"
            await self._fail(guild, due, row, now, report, reason)
            return
        if search_history:
            try:
                async with asyncio.timeout(self.send_timeout):
                    earlier = await self._earlier_post(channel, row)
            except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
                # Posting without knowing could duplicate: the row stays pending and the next run looks again.
                log.warning(
                    "Announcement %s/%s in guild %s: history unavailable, will retry (%s)",
                    due.event.key,
                    due.kind,
                    guild.id,
                    exc or f"no answer within {self.send_timeout:g} s",
                )
                report.retry_later += 1
                await self.log.release(row)
                return
            if earlier is not None:
                await self.log.settle(row, "sent", message_id=earlier.id)
                await self.threads.ensure(guild, settings, due, earlier.id, now)
                report.found_posted += 1
                log.info(
                    "The %s announcement of %s in guild %s was already posted (message %s); recorded it",
                    due.kind,
                    due.event.key,
                    guild.id,
                    earlier.id,
                )
                return
        role_id = settings.announce_role_id
        tr = words_for_server(settings.language, guild.preferred_locale.value)
        role_problem = None
        if role_id is not None and guild.get_role(role_id) is None:
            role_problem = "the role to ping no longer exists, so I posted without a ping"
            role_id = None
        try:
            async with asyncio.timeout(self.send_timeout):
                message = await channel.send(
                    content=announcement_content(due.event, due.kind, role_id, now, zone, tr),
                    embed=announcement_embed(
                        due.event, due.kind, now, zone, reference=announcement_reference(row.nonce), tr=tr
                    ),
                    nonce=row.nonce,
                    allowed_mentions=announcement_allowed_mentions(role_id),
                )
        except (discord.Forbidden, discord.NotFound) as exc:
            await self._fail(
                guild, due, row, now, report, f"Discord refused the post in {channel.mention}: {exc.text}"
            )
            return
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            # Discord or the network is having a moment, or is too slow: the row stays pending and the next
            # run re-sends it with the same nonce (Discord may have posted it), until CATCH_UP_LIMIT late.
            log.warning(
                "Announcement %s/%s in guild %s: will retry (%s)",
                due.event.key,
                due.kind,
                guild.id,
                exc or f"no answer within {self.send_timeout:g} s",
            )
            report.retry_later += 1
            await self.log.release(row)
            return
        await self.log.settle(row, "sent", message_id=message.id, detail=role_problem)
        await self.threads.ensure(guild, settings, due, message.id, now)
        report.sent += 1
        log.info(
            "Posted the %s announcement of %s in guild %s (message %s)",
            due.kind,
            due.event.key,
            guild.id,
            message.id,
        )
        if role_problem:
            await self._report_problem(guild.id, due, now, role_problem)

    async def _earlier_post(self, channel: discord.TextChannel, row: Announcement) -> discord.Message | None:
        """This bot's post of `row` in the channel's history since just before its first attempt, if any.

        Without Read Message History (revoked since /config announcements checked it) there is no way to
        look, and the send goes ahead with the nonce, which still catches a recent post. A missed
        announcement and a duplicate are both failures, but a duplicate is visible and a moderator deletes
        it in a second, while a missed release fails silently: nobody learns the news from us.
        """
        me = channel.guild.me
        if me is None or not channel.permissions_for(me).read_message_history:
            log.warning(
                "No Read Message History in channel %s of guild %s: re-sending announcement %s unchecked",
                channel.id,
                channel.guild.id,
                row.nonce,
            )
            return None
        after = (row.attempted_at or self.bot.clock.now() - CATCH_UP_LIMIT) - HISTORY_MARGIN
        reference = announcement_reference(row.nonce)
        try:
            async for message in channel.history(limit=HISTORY_LIMIT, after=after):
                if is_announcement_post(message, me.id, reference):
                    return message
        except discord.Forbidden:
            log.warning(
                "Discord refused channel %s's history in guild %s: re-sending announcement %s unchecked",
                channel.id,
                channel.guild.id,
                row.nonce,
            )
        return None

    async def _fail(
        self,
        guild: discord.Guild,
        due: DueAnnouncement,
        row: Announcement,
        now: datetime,
        report: RunReport,
        reason: str,
    ) -> None:
        # The row and the note in /config show are one change: never a 'failed' row nobody is told about.
        async with transaction(self.bot.db) as tx:
            await self.log.settle(row, "failed", detail=reason, tx=tx)
            await self._report_problem(guild.id, due, now, reason, tx=tx)
        report.failed += 1
        log.warning(
            "Could not post the %s announcement of %s in guild %s: %s",
            due.kind,
            due.event.key,
            guild.id,
            reason,
        )

    async def _report_problem(
        self,
        guild_id: int,
        due: DueAnnouncement,
        now: datetime,
        reason: str,
        *,
        tx: Transaction | None = None,
    ) -> None:
        what = "reminder" if due.kind == "reminder" else "announcement"
        text = f"{timestamp(now, 'f')}: the {what} for **{due.event.safe_title}**: {reason}."
        await self.bot.guild_settings.update(guild_id, announce_error=text, tx=tx)
