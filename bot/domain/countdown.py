"""Countdown maths: dataset and server events as one model, their periods, what is next.

Calendar dates (a day, a month, a year) count in the server's time zone; an exact time is an instant
and carries its own zone. Nothing here invents a part of a date the source does not give.
"""

from __future__ import annotations

import calendar
import difflib
import functools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.dates import PRECISIONS, PartialDate, Status
from bot.domain.errors import InvalidOptionError, NotFoundError, Text
from bot.domain.i18n import Told
from bot.domain.text import clean_user_text, escape_user_text

log = logging.getLogger(__name__)


DATASET_KEY_PREFIX = "ds:"


SERVER_KEY_PREFIX = "guild:"


MAX_SERVER_EVENTS = 25  # upcoming ones: an event that has ended no longer counts


# A server's own event is still shown, as past, this long after it ended; then it is deleted.
PAST_EVENT_KEPT = timedelta(days=7)


EVENT_NAME_LIMIT = 100


MAX_YEARS_AHEAD = 10  # keeps dates far from datetime's year-9999 edge, and typos like 2206 out


_DATE_INPUT = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")


_TIME_INPUT = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")


def zone_of(name: str) -> ZoneInfo:
    """The server's zone; UTC if the stored name is somehow unknown here (it was validated when set)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("Unknown stored time zone %r; counting in UTC", name)
        return ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class CountdownEvent:
    """An event /countdown can show: from the dataset (`status` set) or a server's own (`status` None)."""

    key: str  # "ds:<dataset event id>" or "guild:<guild_events.id>"
    title: str  # for a server event this is user text: use `safe_title` to display it
    date: PartialDate
    status: Status | None
    note: str = ""
    sources: tuple[str, ...] = ()
    created_at: datetime | None = None  # when a server's own event was added
    verified_on: date | None = None  # a dataset event: the day its facts were last checked
    unreliable_sources: int = 0  # weak pages behind a dataset event: counted, never linked
    kind: str = ""  # a dataset event's kind: "book", "season", "film" (releases) or "news"
    related_keys: frozenset[str] = frozenset()  # lookup keys of what it releases ("film", "volume6")
    words: frozenset[str] = frozenset()  # what /countdown matches: its title's words and those names'

    @property
    def is_news(self) -> bool:
        return self.kind == "news"

    @property
    def is_server_event(self) -> bool:
        return self.key.startswith(SERVER_KEY_PREFIX)

    @property
    def is_rumour(self) -> bool:
        return self.status == "rumoured"

    @property
    def safe_title(self) -> str:
        """The title ready for markdown: a server's user-typed name is escaped, the dataset's is ours."""
        return escape_user_text(self.title, EVENT_NAME_LIMIT) if self.is_server_event else self.title


def merged_events(
    dataset_events: Iterable[CountdownEvent], server_events: Iterable[ServerEvent]
) -> list[CountdownEvent]:
    return [*dataset_events, *(event.as_countdown_event() for event in server_events)]


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The first instant (UTC) of `day` in `zone`."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


# A pure function of a frozen date and a zone, computed for every event on every /countdown (with
# `local_midnight`'s zone conversions it was 11% of /countdown's profile): the dataset's dates and
# the servers' zones are few, so the answers are kept.
@functools.lru_cache(maxsize=4096)
def period(value: PartialDate, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """[start, end) in UTC of what `value` denotes, calendar parts counted in `zone`.

    An exact time is an instant (start == end, in the date's own zone); unknown gives None.
    """
    if value.year is None:
        return None
    if value.precision == "time":
        moment = value.moment()
        assert moment is not None
        return moment, moment
    first = date(value.year, value.month or 1, value.day or 1)
    if value.precision == "day":
        after = first + timedelta(days=1)
    elif value.precision == "month":
        after = first + timedelta(days=calendar.monthrange(first.year, first.month)[1])
    else:
        after = date(first.year + 1, 1, 1)
    return local_midnight(first, zone), local_midnight(after, zone)


@dataclass(frozen=True, slots=True)
class Timeline:
    upcoming: tuple[CountdownEvent, ...]  # soonest first by end (includes a day or month under way)
    past: tuple[CountdownEvent, ...]  # most recent first
    undated: tuple[CountdownEvent, ...]  # "unknown" dates


def timeline(events: Iterable[CountdownEvent], now: datetime, zone: ZoneInfo) -> Timeline:
    upcoming: list[tuple[tuple[datetime, int], CountdownEvent]] = []
    past: list[tuple[datetime, CountdownEvent]] = []
    undated: list[CountdownEvent] = []
    for event in events:
        bounds = period(event.date, zone)
        if bounds is None:
            undated.append(event)
        elif now < bounds[1]:
            # Ordered by when it will surely have happened: "tomorrow" comes before a "2026" already under
            # way, and a precise date before a vaguer one ending together.
            upcoming.append(((bounds[1], PRECISIONS.index(event.date.precision)), event))
        else:
            past.append((bounds[1], event))
    upcoming.sort(key=lambda pair: pair[0])
    past.sort(key=lambda pair: pair[0], reverse=True)
    return Timeline(
        upcoming=tuple(event for _, event in upcoming),
        past=tuple(event for _, event in past),
        undated=tuple(undated),
    )


def next_upcoming(events: Iterable[CountdownEvent], now: datetime, zone: ZoneInfo) -> CountdownEvent | None:
    """The next release to count down to. Rumours are never offered as "the next release"."""
    return next((e for e in timeline(events, now, zone).upcoming if not e.is_rumour), None)


def most_recent(events: Iterable[CountdownEvent], now: datetime, zone: ZoneInfo) -> CountdownEvent | None:
    """The latest release that happened: confirmed, or a server's own event. An announced date whose
    window has passed is no evidence of a release, so it is never "the most recent"."""
    return next((e for e in timeline(events, now, zone).past if e.status in (None, "confirmed")), None)


def lapsed(events: Iterable[CountdownEvent], now: datetime, zone: ZoneInfo) -> list[CountdownEvent]:
    """Announced dates whose whole window has passed with no later news in the dataset."""
    return [e for e in timeline(events, now, zone).past if e.status == "announced"]


def find_event(events: Sequence[CountdownEvent], query: str) -> CountdownEvent:
    """The event an option names: an autocomplete key, or a title typed by hand (any case)."""
    text = clean_user_text(query)
    if not text:
        raise InvalidOptionError("Type an event's name, or pick one from the suggestions.")
    for event in events:
        if event.key == text:
            return event
    folded = text.casefold()
    exact = [e for e in events if e.title.casefold() == folded]
    if exact:
        return exact[0]
    partial = [e for e in events if folded in e.title.casefold()]
    if len(partial) == 1:
        return partial[0]
    unknown = unknown_event_message(events, text, partial)
    raise NotFoundError(unknown.template, **unknown.values)


def unknown_event_message(events: Sequence[CountdownEvent], text: str, partial: list[CountdownEvent]) -> Text:
    """The error for an event name that fits none (or several), as a `Text` for the reader's language."""
    candidates = partial
    if not candidates:
        by_title = {e.title.casefold(): e for e in events}
        close = difflib.get_close_matches(text.casefold(), list(by_title), n=3, cutoff=0.4)
        candidates = [by_title[title] for title in close]
    shown = escape_user_text(text, 80) or Text("that")
    hint: Text | str = ""
    if candidates:
        hint = Text(" Did you mean: {names}?", names="; ".join(f"**{e.safe_title}**" for e in candidates[:3]))
    if len(partial) > 1:
        return Text(
            "Several events match **{query}**.{hint} Pick one from the suggestions as you type.",
            query=shown,
            hint=hint,
        )
    return Text(
        "I know no event called **{query}**.{hint} Pick one from the suggestions as you type.",
        query=shown,
        hint=hint,
    )


def clean_event_name(text: str) -> str:
    """The name as stored: control characters dropped, whitespace folded, 1-100 characters."""
    name = clean_user_text(text)
    if not name:
        raise InvalidOptionError("Give the event a name (letters or emoji, not only spaces).")
    if len(name) > EVENT_NAME_LIMIT:
        raise InvalidOptionError(
            "Event names can be at most {most} characters; that one has {n}.",
            most=EVENT_NAME_LIMIT,
            n=len(name),
        )
    return name


def parse_event_date(date_text: str, time_text: str | None, zone_name: str, now: datetime) -> PartialDate:
    """A server event's date from `YYYY-MM-DD` and an optional 24-hour `HH:MM` in the server's zone.

    Refuses impossible dates (30 February), times a clock change skips, the past and the far future.
    """
    zone = zone_of(zone_name)
    raw_date = clean_user_text(date_text)
    match = _DATE_INPUT.match(raw_date)
    if match is None:
        raise InvalidOptionError(
            "**{text}** is not a date: write it as YYYY-MM-DD, for example `2027-04-17`.",
            text=escape_user_text(date_text, 40) or Text("That"),
        )
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise InvalidOptionError("There is no month {month}: months run from 01 to 12.", month=month)
    today = now.astimezone(zone).date()
    told_today = Told(lambda tr: tr.day(today))  # dates in the fan's language, when the error is shown
    if year < today.year:
        raise InvalidOptionError(
            "{date} is in the past (today is {today} in {zone}).",
            date=raw_date,
            today=told_today,
            zone=zone.key,
        )
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise InvalidOptionError(
            "{month} has no day {day} (it has {days} days).",
            month=Told(lambda tr: tr.month(year, month)),
            day=day,
            days=calendar.monthrange(year, month)[1],
        )
    if year > today.year + MAX_YEARS_AHEAD:
        raise InvalidOptionError("Pick a date within the next {n} years.", n=MAX_YEARS_AHEAD)
    chosen = date(year, month, day)
    told_chosen = Told(lambda tr: tr.day(chosen))

    if time_text is None:
        if chosen < today:
            raise InvalidOptionError(
                "{date} is in the past (today is {today} in {zone}).",
                date=told_chosen,
                today=told_today,
                zone=zone.key,
            )
        return PartialDate(year, month, day)

    raw_time = clean_user_text(time_text)
    time_match = _TIME_INPUT.match(raw_time)
    if time_match is None:
        raise InvalidOptionError(
            "**{text}** is not a time: write it as HH:MM on a 24-hour clock, for example `20:30`.",
            text=escape_user_text(time_text, 40) or Text("That"),
        )
    hour, minute = int(time_match.group(1)), int(time_match.group(2))
    if hour > 23 or minute > 59:
        raise InvalidOptionError("{time} is not a time of day: use 00:00 to 23:59.", time=raw_time)
    local = datetime(year, month, day, hour, minute, tzinfo=zone)
    # zoneinfo accepts a wall time the clocks skip (spring forward); a round trip through UTC exposes it.
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise InvalidOptionError(
            "{time} does not exist on {date} in {zone}: the clocks skip it. Pick another time.",
            time=f"{hour:02d}:{minute:02d}",
            date=told_chosen,
            zone=zone.key,
        )
    if local.astimezone(UTC) <= now:
        there = now.astimezone(zone)
        raise InvalidOptionError(
            "{date}, {time} ({zone}) is in the past; it is now {today}, {now} there.",
            date=told_chosen,
            time=f"{hour:02d}:{minute:02d}",
            zone=zone.key,
            today=Told(lambda tr: tr.day(there.date())),
            now=f"{there:%H:%M}",
        )
    return PartialDate(year, month, day, time(hour, minute), zone.key)


@dataclass(frozen=True, slots=True)
class ServerEvent:
    id: int
    guild_id: int
    name: str  # cleaned user text; escape when displaying
    date: PartialDate  # "day" or "time" precision; a time carries the zone it was entered in
    scheduled_event_id: int | None
    created_by: int
    created_at: datetime

    @property
    def key(self) -> str:
        return f"{SERVER_KEY_PREFIX}{self.id}"

    def ends_at(self, zone: ZoneInfo) -> datetime:
        """When it is over: an exact time at that moment (as /countdown counts it), a day-only event when
        that day ends in `zone`, the server's time zone."""
        bounds = period(self.date, zone)
        assert bounds is not None  # a server event always has a day
        return bounds[1]

    def has_ended(self, now: datetime, zone: ZoneInfo) -> bool:
        return now >= self.ends_at(zone)

    def removed_at(self, zone: ZoneInfo) -> datetime:
        """When it stops being shown as past and is deleted."""
        return self.ends_at(zone) + PAST_EVENT_KEPT

    def is_expired(self, now: datetime, zone: ZoneInfo) -> bool:
        return now >= self.removed_at(zone)

    def as_countdown_event(self) -> CountdownEvent:
        return CountdownEvent(
            key=self.key, title=self.name, date=self.date, status=None, created_at=self.created_at
        )


def find_server_event(events: Sequence[ServerEvent], query: str) -> ServerEvent:
    """The server event an option names: its key from autocomplete, or its name in any case."""
    found = find_event([e.as_countdown_event() for e in events], query)
    return next(e for e in events if e.key == found.key)
