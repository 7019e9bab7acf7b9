"""Reminder DMs: each sent exactly once, at its time, within Discord's rate limits.

What is due is read from the database on every run, never from timers that die with the process. For each
due reminder the delivery opens the DM with the fan (POST /users/@me/channels, answered from discord.py's
cache or the channel stored with the reminder when it can), then records the try in the database and
commits it BEFORE sending, then sends with a nonce derived from the reminder and `enforce_nonce`. If the
process dies between the send and marking the reminder sent, the next run sends again with the same nonce
and Discord returns the DM already posted instead of posting a second one; a retry later than
`NONCE_TRUSTED` after the first doubtful try first looks for the DM in the channel's history (its footer
ends with a reference derived from the nonce). The fan's closed DMs (403) get `MAX_REFUSALS` tries, then
the reminder is failed; Discord or the network failing is retried shortly, the try still in doubt.

Rate limits: discord.py keeps each route's bucket from the response headers and waits them out, but it
learns of the global limit only from a 429. The delivery paces its own requests (`requests_per_second`,
under Discord's global 50) and runs `concurrency` reminders at once, so a burst of a thousand DMs goes out
at that pace with few or no 429s, and discord.py retries any it gets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import aiohttp
import discord

from bot.domain.clock import Clock
from bot.domain.countdown import CountdownEvent
from bot.domain.reminders import (
    KEEP_SETTLED,
    TRANSIENT_RETRY,
    Reminder,
    after_refusal,
    delivery_plan,
    history_needed,
)
from bot.render.reminders import MISSED_NOTE, REFUSED_NOTE, dm_content, dm_embed, reference_tag, refused_note
from bot.services.reminder_events import EventsHost, Followed, apply_change, current_events, follow_events

log = logging.getLogger(__name__)

# Our clock and Discord's may disagree a little: the history is searched from a bit before the first try.
HISTORY_MARGIN = timedelta(minutes=5)
HISTORY_LIMIT = 100
MIN_WAIT = 0.5  # seconds the loop sleeps at least between runs


class ReminderHost(EventsHost, Protocol):
    """What the delivery needs from the bot (the app's FandexBot provides it)."""

    clock: Clock

    @property
    def user(self) -> discord.ClientUser | None: ...

    async def create_dm(self, user: discord.abc.Snowflake, /) -> discord.DMChannel: ...

    def get_partial_messageable(
        self, id: int, *, guild_id: int | None = None, type: discord.ChannelType | None = None
    ) -> discord.PartialMessageable: ...


@dataclass(slots=True)
class DeliveryReport:
    """What one run did, for logs, tests and the benchmark."""

    sent: int = 0
    found_sent: int = 0  # an interrupted try had posted it: recorded from the DM's history
    refused: int = 0  # the fan's DMs refused a try
    failed: int = 0  # settled as failed (closed DMs MAX_REFUSALS times, or refused for good)
    missed: int = 0
    cancelled: int = 0
    moved: int = 0
    retry_later: int = 0


class Pacer:
    """At most `rate` starts per second, evenly spaced: the requests the delivery makes stay under
    Discord's global limit however many reminders are due at once."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def take(self) -> None:
        async with self._lock:
            loop = asyncio.get_running_loop()
            wait = self._next - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next = max(loop.time(), self._next) + self._interval


class ReminderDelivery:
    # Class attributes (not on the cog) because load_extension re-imports cogs: tests patch them here.
    poll_interval: float = 60.0  # the loop also wakes for the next due reminder, and when one is added
    concurrency: int = 16
    # DMs opened at once. discord.py counts a bucket's remaining requests from the first answer after a
    # reset, not from those already in flight, so many concurrent opens overshoot Discord's create-DM
    # bucket (93 of 1,093 were 429s with 16 at once in bench/bench_reminders.py); a few at once do not.
    dm_open_concurrency: int = 2
    requests_per_second: float = 40.0
    batch: int = 1000  # due reminders read at once
    send_timeout: float = 30.0  # one Discord request, waits for its rate limits included

    def __init__(self, host: ReminderHost) -> None:
        self.host = host
        self._lock = asyncio.Lock()  # one run at a time: the loop and a direct call never both send
        self._wake = asyncio.Event()
        self._pacer = Pacer(self.requests_per_second)
        self._opening = asyncio.Semaphore(self.dm_open_concurrency)
        self._followed: tuple[int, int] | None = None  # (catalog, server events) last followed

    def wake(self) -> None:
        """Run again now: a reminder was added, or events changed."""
        self._wake.set()

    async def wait(self) -> None:
        """Sleep until the next reminder is due (at most `poll_interval`), or until `wake()`."""
        now = self.host.clock.now()
        next_try = await self.host.reminders.next_try_at()
        delay = self.poll_interval if next_try is None else (next_try - now).total_seconds()
        delay = min(max(delay, MIN_WAIT), self.poll_interval)
        # Not asyncio.wait_for: on Python 3.11 it swallows a cancellation that arrives as the event is set,
        # and the loop would outlive its cog (cog_unload waits for it forever).
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self._wake.wait()
        self._wake.clear()

    async def run_due(self) -> DeliveryReport:
        """Send every reminder due now (by the bot's clock); follow changed events first."""
        report = DeliveryReport()
        async with self._lock:
            now = self.host.clock.now()
            await self._follow_if_changed(now, report)
            seen: set[int] = set()
            while due := [r for r in await self.host.reminders.due(now, self.batch) if r.id not in seen]:
                seen.update(r.id for r in due)
                await self._deliver_all(due, report)
                now = self.host.clock.now()
            await self.host.reminders.prune(now - KEEP_SETTLED)
        if any((report.sent, report.found_sent, report.refused, report.missed, report.cancelled)):
            log.info("Reminders: %s", report)
        return report

    async def _follow_if_changed(self, now: datetime, report: DeliveryReport) -> None:
        """Follow every pending reminder's event when the dataset or a server's events changed."""
        fingerprint = (id(self.host.catalog), self.host.server_events.generation)
        if fingerprint == self._followed:
            return
        followed = await follow_events(self.host, await self.host.reminders.pending(), now)
        report.cancelled += followed.cancelled
        report.moved += followed.moved
        self._followed = fingerprint

    async def _deliver_all(self, due: Iterable[Reminder], report: DeliveryReport) -> None:
        due = list(due)
        events = await current_events(self.host, due)
        slots = asyncio.Semaphore(self.concurrency)

        async def one(reminder: Reminder) -> None:
            async with slots:
                try:
                    await self._handle(reminder, events.get(reminder.event_key), report)
                except Exception:  # one broken reminder (a storage error, a bug) must not stop the others
                    log.exception("Reminder %s failed; it stays pending", reminder.id)

        async with asyncio.TaskGroup() as group:
            for reminder in due:
                group.create_task(one(reminder))

    async def _handle(self, reminder: Reminder, event: CountdownEvent | None, report: DeliveryReport) -> None:
        now = self.host.clock.now()
        # Checked again right before sending, so a reload or removal since the run began is followed.
        followed = Followed()
        still = await apply_change(self.host, reminder, event, now, followed)
        report.cancelled += followed.cancelled
        report.moved += followed.moved
        if not still or event is None:
            return
        if delivery_plan(reminder, now) == "miss":
            await self.host.reminders.settle(reminder, "missed", now, note=MISSED_NOTE)
            report.missed += 1
            return
        channel_id = reminder.dm_channel_id or await self._open_dm(reminder, now, report)
        if channel_id is None:
            return
        channel = self.host.get_partial_messageable(channel_id, type=discord.ChannelType.private)
        prior = reminder.doubt_since  # an earlier try may have posted it, from then on
        if history_needed(reminder, now):
            try:
                await self._pacer.take()
                async with asyncio.timeout(self.send_timeout):
                    earlier = await self._earlier_dm(channel, reminder)
            except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
                # Sending without knowing could duplicate: it stays in doubt and the next run looks again.
                await self._retry(reminder, now, report, exc, doubt_since=prior)
                return
            if earlier is not None:
                await self.host.reminders.settle(reminder, "sent", now, message_id=earlier.id)
                report.found_sent += 1
                log.info("Reminder %s had been sent (message %s): recorded it", reminder.id, earlier.id)
                return
            prior = None  # the history shows no DM since before that try
        tried = await self.host.reminders.record_try(reminder, channel_id, doubt_since=prior or now)
        if tried is None:
            return  # cancelled or forgotten meanwhile: nothing is sent
        await self._send(tried, event, channel, now, report, prior=prior)

    async def _open_dm(self, reminder: Reminder, now: datetime, report: DeliveryReport) -> int | None:
        try:
            async with self._opening:
                await self._pacer.take()
                async with asyncio.timeout(self.send_timeout):
                    channel = await self.host.create_dm(discord.Object(reminder.user_id))
        except discord.HTTPException as exc:
            if 400 <= exc.status < 500 and exc.status != 429:  # an unknown or unreachable user: for good
                await self._fail(reminder, now, report, refused_note(exc.text or str(exc.status)))
                return None
            await self._retry(reminder, now, report, exc, doubt_since=reminder.doubt_since)
            return None
        except (aiohttp.ClientError, TimeoutError) as exc:
            await self._retry(reminder, now, report, exc, doubt_since=reminder.doubt_since)
            return None
        return channel.id

    async def _send(
        self,
        reminder: Reminder,
        event: CountdownEvent,
        channel: discord.PartialMessageable,
        now: datetime,
        report: DeliveryReport,
        *,
        prior: datetime | None,
    ) -> None:
        """Send the try just recorded. What surely did not post keeps only the `prior` doubt (of an earlier
        try); what may have posted keeps this try's."""
        repository = self.host.reminders
        try:
            await self._pacer.take()
            async with asyncio.timeout(self.send_timeout):
                message = await channel.send(
                    content=dm_content(event, reminder, now),
                    embed=dm_embed(event, reminder, now),
                    nonce=reminder.nonce,
                    allowed_mentions=discord.AllowedMentions.none(),
                )
        except discord.Forbidden as exc:  # the fan's DMs are closed to us (50007), or they blocked the bot
            at = after_refusal(reminder, now)
            await repository.refused(reminder, at, now, REFUSED_NOTE, doubt_since=prior)
            report.refused += 1
            report.failed += at is None
            outcome = "will retry" if at else "failed"
            log.info("Reminder %s: DM refused (%s), %s", reminder.id, exc.code, outcome)
            return
        except discord.NotFound as exc:  # the DM channel is gone: open it again next time
            await repository.retry(reminder, now + TRANSIENT_RETRY, doubt_since=prior, forget_channel=True)
            report.retry_later += 1
            log.warning("Reminder %s: DM channel unknown (%s); will reopen it", reminder.id, exc.code)
            return
        except discord.HTTPException as exc:
            if 400 <= exc.status < 500 and exc.status != 429:  # refused as sent: no retry would differ
                await self._fail(reminder, now, report, refused_note(exc.text or str(exc.status)))
                return
            # 429 after discord.py's retries: not posted. A 5xx: it may have been.
            doubt = prior if exc.status == 429 else reminder.doubt_since
            await self._retry(reminder, now, report, exc, doubt_since=doubt)
            return
        except (aiohttp.ClientError, TimeoutError) as exc:  # it may have been posted: in doubt
            await self._retry(reminder, now, report, exc, doubt_since=reminder.doubt_since)
            return
        await repository.settle(reminder, "sent", now, message_id=message.id)
        report.sent += 1
        log.debug("Reminder %s sent (message %s)", reminder.id, message.id)

    async def _earlier_dm(
        self, channel: discord.PartialMessageable, reminder: Reminder
    ) -> discord.Message | None:
        """This bot's DM for `reminder` since just before its first doubtful try, if any."""
        assert reminder.doubt_since is not None
        me = self.host.user
        tag = reference_tag(reminder.reference)
        after = reminder.doubt_since - HISTORY_MARGIN
        async for message in channel.history(limit=HISTORY_LIMIT, after=after, oldest_first=True):
            mine = me is not None and message.author.id == me.id
            if mine and any((embed.footer.text or "").endswith(tag) for embed in message.embeds):
                return message
        return None

    async def _retry(
        self,
        reminder: Reminder,
        now: datetime,
        report: DeliveryReport,
        exc: BaseException,
        *,
        doubt_since: datetime | None,
    ) -> None:
        await self.host.reminders.retry(reminder, now + TRANSIENT_RETRY, doubt_since=doubt_since)
        report.retry_later += 1
        log.warning(
            "Reminder %s: will retry (%s)", reminder.id, exc or f"no answer within {self.send_timeout:g} s"
        )

    async def _fail(self, reminder: Reminder, now: datetime, report: DeliveryReport, note: str) -> None:
        await self.host.reminders.settle(reminder, "failed", now, note=note)
        report.failed += 1
        log.warning("Reminder %s failed: %s", reminder.id, note)
