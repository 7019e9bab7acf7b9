"""A server's own events as of now: which count against the limit, which show as past, which are deleted.

An event has ended once its moment has passed (an exact time) or its day is over in the server's time zone
(a day-only event). Ended events no longer count against `MAX_SERVER_EVENTS`; they are shown as past for
`PAST_EVENT_KEPT` after they ended, and then deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.countdown import MAX_SERVER_EVENTS, PAST_EVENT_KEPT, ServerEvent, period
from bot.domain.dates import PRECISIONS
from bot.domain.errors import InvalidOptionError
from bot.domain.text import escape_user_text

# The furthest any time zone is ahead of UTC (Pacific/Kiritimati): a local day ends no earlier than this
# many hours before the same day ends in UTC.
_MAX_UTC_OFFSET = timedelta(hours=14)


@dataclass(frozen=True, slots=True)
class ServerEventBook:
    """One server's events at one instant, in its time zone."""

    upcoming: tuple[ServerEvent, ...]  # not ended yet, soonest first: these count against the limit
    past: tuple[ServerEvent, ...]  # ended less than PAST_EVENT_KEPT ago, most recent first
    expired: tuple[ServerEvent, ...]  # ended longer ago: never shown, deleted when next written

    @property
    def shown(self) -> tuple[ServerEvent, ...]:
        """What the server sees: the upcoming events, then the past ones."""
        return self.upcoming + self.past

    @property
    def is_full(self) -> bool:
        return len(self.upcoming) >= MAX_SERVER_EVENTS


def server_event_book(events: Iterable[ServerEvent], now: datetime, zone: ZoneInfo) -> ServerEventBook:
    upcoming: list[ServerEvent] = []
    past: list[ServerEvent] = []
    expired: list[ServerEvent] = []
    for event in events:
        if event.is_expired(now, zone):
            expired.append(event)
        elif event.has_ended(now, zone):
            past.append(event)
        else:
            upcoming.append(event)

    def start(event: ServerEvent) -> tuple[datetime, int, int]:
        bounds = period(event.date, zone)
        assert bounds is not None  # a server event always has a day
        return bounds[0], PRECISIONS.index(event.date.precision), event.id

    return ServerEventBook(
        upcoming=tuple(sorted(upcoming, key=start)),
        past=tuple(sorted(past, key=start, reverse=True)),
        expired=tuple(expired),
    )


def check_addable(book: ServerEventBook, name: str) -> None:
    """Refuse a name already used by an event still shown, or a server with MAX_SERVER_EVENTS upcoming."""
    folded = name.casefold()
    taken = next((e for e in book.shown if e.name.casefold() == folded), None)
    if taken is not None:
        if taken in book.past:
            raise InvalidOptionError(
                "This server already has an event called **{name}**: it has happened, and past events stay "
                "listed for {days} days after they end. Pick another name (a date in it, say), or remove "
                "the past one with `/config event-remove` first.",
                name=escape_user_text(name),
                days=PAST_EVENT_KEPT.days,
            )
        raise InvalidOptionError(
            "This server already has an event called **{name}**. Pick another name, or remove that one "
            "first.",
            name=escape_user_text(name),
        )
    if book.is_full:
        raise InvalidOptionError(
            "This server already has {most} upcoming events, the most it can have (past ones don't count). "
            "Remove one with `/config event-remove` first.",
            most=MAX_SERVER_EVENTS,
        )


def last_day_possibly_expired(now: datetime) -> date:
    """No server event dated after this day (the date as written, in whatever zone) can have expired by
    `now`, so a query can leave the rest out.

    No zone is more than 14 hours ahead of UTC, so a day-only event ends, and an exact time happens, at
    most 14 hours before the same wall time in UTC; the day added on top is a margin, nothing more.
    """
    return (now - PAST_EVENT_KEPT + _MAX_UTC_OFFSET).date() + timedelta(days=1)
