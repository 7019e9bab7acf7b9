"""Release-day announcements: which are due, their nonces and references (pure)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from bot.domain.countdown import CountdownEvent
from bot.domain.settings import Reminder

if TYPE_CHECKING:
    pass


Kind = Literal["reminder", "release"]


State = Literal["pending", "sent", "skipped", "failed"]


CATCH_UP_LIMIT = timedelta(hours=6)


# Due times further back are not considered at all: they predate any outage worth recording.
LOOKBACK = timedelta(days=7)


DAY_RELEASE_TIME = time(9, 0)  # a day-precision release is announced at 09:00 in the server's zone


REMINDER_LEADS: dict[str, timedelta] = {"1d": timedelta(days=1), "1w": timedelta(weeks=1)}


NONCE_LENGTH = 25  # Discord's limit for a string nonce


# "fx" and 10 hex digits: 40 bits tell one server's announcements apart, in a footer that stays short.
REFERENCE_LENGTH = 12


# Discord's memory of an enforced nonce is undocumented ("a few minutes"; 2 minutes observed). Within
# 60 s of the first attempt a re-send cannot post twice; after that, only the channel's history can tell.
NONCE_TRUSTED = timedelta(seconds=60)


def announces(event: CountdownEvent) -> bool:
    """Only a date that falls on a day can fire, and a rumour is never announced."""
    return event.date.precision in ("time", "day") and not event.is_rumour


def release_due(event: CountdownEvent, zone: ZoneInfo) -> datetime | None:
    """When the release announcement is due: an exact time at that time; a day at 09:00 in `zone`."""
    if event.date.precision == "time":
        return event.date.moment()
    if event.date.precision == "day":
        assert event.date.year is not None and event.date.month is not None and event.date.day is not None
        day = date(event.date.year, event.date.month, event.date.day)
        return datetime.combine(day, DAY_RELEASE_TIME, tzinfo=zone).astimezone(UTC)
    return None


@dataclass(frozen=True, slots=True)
class DueAnnouncement:
    event: CountdownEvent
    kind: Kind
    due_at: datetime
    late_from: datetime  # lateness counts from here: the due time, or when a server event was added after it


def due_announcements(
    events: Iterable[CountdownEvent], *, reminder: Reminder, zone: ZoneInfo, now: datetime
) -> list[DueAnnouncement]:
    """Announcements whose time has come (up to `LOOKBACK` ago), oldest first."""
    found: list[DueAnnouncement] = []
    lead = REMINDER_LEADS.get(reminder)
    for event in events:
        if not announces(event):
            continue
        release = release_due(event, zone)
        assert release is not None
        candidates: list[tuple[Kind, datetime]] = [("release", release)]
        if lead is not None:
            candidates.append(("reminder", release - lead))
        for kind, due in candidates:
            if due > now or now - due > LOOKBACK:
                continue
            late_from = due
            if event.created_at is not None and event.created_at > due:
                if kind == "reminder":
                    continue  # added after its reminder time: the release announcement is enough
                late_from = event.created_at  # a release added late (today, after 09:00) is not stale news
            found.append(DueAnnouncement(event, kind, due, late_from))
    found.sort(key=lambda d: (d.due_at, d.kind != "reminder"))
    return found


def announcement_nonce(guild_id: int, event_key: str, kind: Kind) -> str:
    """The same nonce for the same (server, event, kind), in this process or the next."""
    digest = hashlib.sha256(f"{guild_id}:{event_key}:{kind}".encode()).hexdigest()
    return ("fx" + digest)[:NONCE_LENGTH]


def announcement_reference(nonce: str) -> str:
    """The short tag an announcement's footer ends with: what identifies the post in the channel's history."""
    return nonce[:REFERENCE_LENGTH]


def late_text(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours >= 48:
        return f"{hours // 24} days"
    return f"{hours} h {int(delta.total_seconds() // 60) % 60} min"


@dataclass(frozen=True, slots=True)
class Announcement:
    guild_id: int
    event_key: str
    kind: Kind
    due_at: datetime
    state: State
    nonce: str
    message_id: int | None = None
    attempted_at: datetime | None = None  # the FIRST attempt: no post of this row can be older
    detail: str | None = None
