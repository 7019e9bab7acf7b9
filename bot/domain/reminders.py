""" "🔔 Remind me": when a fan's reminder is due, what follows an event's change, and delivery's rules (pure).

A reminder is for one event with a day or a time. It is due at the event's start minus the lead the fan
chose. An exact time starts at that instant; a day-only date starts at 00:00 of that day in the zone the
reminder was set in: the fan's own (`/me timezone`), else the server's where they asked, else UTC, the
zone of a private answer (`limits.time_zone_for(private=True)`), because the DM is theirs alone.

Delivery is exactly once (bot/services/reminders.py): every try is recorded before it is sent, with a
nonce derived from the reminder, so a try cut short is repeated with the same nonce, or looked for in the
DM's history once Discord may have forgotten the nonce. A fan whose DMs are closed gets `MAX_REFUSALS` tries,
spaced by `REFUSAL_RETRY`, then the reminder is "failed". A reminder more than `LATE_LIMIT` after its
event started is "missed" rather than sent (Fandex was offline all that time).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.domain.countdown import DATASET_KEY_PREFIX, SERVER_KEY_PREFIX, CountdownEvent, local_midnight

Lead = Literal["start", "1h", "1d", "1w"]
State = Literal["pending", "sent", "failed", "cancelled", "missed"]

# Soonest last, the order the choices are offered in: "when it starts" first.
LEADS: dict[Lead, timedelta] = {
    "start": timedelta(0),
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "1w": timedelta(weeks=1),
}
MAX_PENDING = 25  # reminders waiting per fan (also what one /me reminders message can carry buttons for)
MAX_REFUSALS = 3  # tries a fan whose DMs are closed gets
REFUSAL_RETRY = timedelta(minutes=5)  # between those tries
TRANSIENT_RETRY = timedelta(seconds=30)  # after Discord or the network failed (not the fan's settings)
LATE_LIMIT = timedelta(hours=6)  # after the event started, a reminder not yet sent is missed
KEEP_SETTLED = timedelta(days=30)  # sent, failed, cancelled and missed reminders, then deleted
# Discord remembers an enforced nonce for a few minutes (2 observed): a try repeated within this of the
# first doubtful one cannot post twice; later, only the DM's history can tell.
NONCE_TRUSTED = timedelta(seconds=60)
NONCE_LENGTH = 25  # Discord's limit for a string nonce
REFERENCE_LENGTH = 12  # how much of the nonce a DM's footer shows, to find it in the history
# Event keys a button's custom_id may carry: a dataset id of up to 60 characters (as for "Something wrong?",
# so that "fx:remind-at:start:ds:<id>" stays within Discord's 100) and a server event's row id.
EVENT_KEY_PATTERN = rf"(?:{DATASET_KEY_PREFIX}[a-z0-9-]{{1,60}}|{SERVER_KEY_PREFIX}[0-9]{{1,19}})"


def remindable(event: CountdownEvent) -> bool:
    """Only a date that falls on a day (or an exact time) has a moment to remind of."""
    return event.date.precision in ("time", "day")


def event_start(event: CountdownEvent, zone: ZoneInfo) -> datetime | None:
    """When the event starts (UTC): an exact time as given, a day at 00:00 in `zone`; None without a day."""
    value = event.date
    if value.precision == "time":
        return value.moment()
    if value.precision == "day":
        assert value.year is not None and value.month is not None and value.day is not None
        return local_midnight(date(value.year, value.month, value.day), zone)
    return None


def due_time(starts_at: datetime, lead: Lead) -> datetime:
    return starts_at - LEADS[lead]


def open_leads(starts_at: datetime, now: datetime) -> list[Lead]:
    """The leads whose moment is still ahead: a week before an event in three days is not."""
    return [lead for lead in LEADS if due_time(starts_at, lead) > now]


def server_event_id(key: str) -> int | None:
    """The `guild_events` row id in a server event's key, else None."""
    if not key.startswith(SERVER_KEY_PREFIX):
        return None
    number = key.removeprefix(SERVER_KEY_PREFIX)
    return int(number) if number.isdigit() else None


@dataclass(frozen=True, slots=True)
class Reminder:
    id: int
    user_id: int
    event_key: str
    event_title: str  # the title when set (or last followed): shown once the event is gone
    lead: Lead
    starts_at: datetime  # the event's start it was computed from; a different start is a re-dating
    due_at: datetime
    zone: str  # the zone a day-only date starts in
    guild_id: int | None  # where the fan asked (None: a DM or group DM)
    channel_id: int | None
    state: State
    next_try_at: datetime  # not tried before this: the due time, or a retry's
    created_at: datetime
    tries: int = 0  # sends started, each recorded before it went out
    refusals: int = 0  # sends Discord refused because the fan's DMs are closed
    doubt_since: datetime | None = None  # a send whose outcome is unknown started then (None: none)
    dm_channel_id: int | None = None
    message_id: int | None = None
    note: str | None = None  # why it was cancelled, failed or missed, or that it moved
    settled_at: datetime | None = None

    @property
    def nonce(self) -> str:
        return reminder_nonce(self.user_id, self.id)

    @property
    def reference(self) -> str:
        """The tag its DM's footer carries: how a later try finds the DM in the channel's history."""
        return self.nonce[:REFERENCE_LENGTH]


def reminder_nonce(user_id: int, reminder_id: int) -> str:
    """The same nonce for the same reminder, in this process or the next."""
    digest = hashlib.sha256(f"reminder:{user_id}:{reminder_id}".encode()).hexdigest()
    return ("fr" + digest)[:NONCE_LENGTH]


@dataclass(frozen=True, slots=True)
class Added:
    reminder: Reminder


@dataclass(frozen=True, slots=True)
class AlreadySet:
    reminder: Reminder


@dataclass(frozen=True, slots=True)
class TooMany:
    pending: int


AddResult = Added | AlreadySet | TooMany


GoneReason = Literal["removed-server", "removed-dataset", "no-day"]


@dataclass(frozen=True, slots=True)
class Gone:
    """The event is no longer there, or no longer has a day: the reminder is cancelled."""

    reason: GoneReason


@dataclass(frozen=True, slots=True)
class Moved:
    """The event's start changed: the reminder follows (due at once if its lead has passed)."""

    starts_at: datetime
    due_at: datetime
    title: str


@dataclass(frozen=True, slots=True)
class StartPassed:
    """The event moved to a start already past: nothing left to remind of."""

    starts_at: datetime


@dataclass(frozen=True, slots=True)
class Retitled:
    title: str


Change = Gone | Moved | StartPassed | Retitled


def follow(reminder: Reminder, event: CountdownEvent | None, now: datetime) -> Change | None:
    """What a pending reminder must do about its event as it is now (`None`: the event is gone)."""
    if event is None:
        from_server = reminder.event_key.startswith(SERVER_KEY_PREFIX)
        return Gone("removed-server" if from_server else "removed-dataset")
    starts_at = event_start(event, ZoneInfo(reminder.zone))
    if starts_at is None:
        return Gone("no-day")
    if starts_at != reminder.starts_at:
        if starts_at <= now:
            return StartPassed(starts_at)
        return Moved(starts_at, max(due_time(starts_at, reminder.lead), now), event.title)
    if event.title != reminder.event_title:
        return Retitled(event.title)
    return None


Plan = Literal["send", "miss"]


def delivery_plan(reminder: Reminder, now: datetime) -> Plan:
    """Send a due reminder, unless its event started more than LATE_LIMIT ago."""
    return "miss" if now - reminder.starts_at > LATE_LIMIT else "send"


def history_needed(reminder: Reminder, now: datetime) -> bool:
    """Whether an earlier try may have posted a DM that Discord no longer matches by nonce."""
    return reminder.doubt_since is not None and now - reminder.doubt_since >= NONCE_TRUSTED


def after_refusal(reminder: Reminder, now: datetime) -> datetime | None:
    """When to try again after the fan's closed DMs refused a try; None once MAX_REFUSALS is reached."""
    return None if reminder.refusals + 1 >= MAX_REFUSALS else now + REFUSAL_RETRY
