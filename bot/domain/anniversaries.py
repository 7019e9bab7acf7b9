""" "On this day": which dataset events have an anniversary on a day, within a spoiler limit (pure).

Only an event known to the day (a day or an exact time) whose status is confirmed counts: a month, a
rumour or an announced plan has no anniversary. Each event reveals the story point of what it is about
(`related`: a season's or the film's spoiler season, a book's spoiler volume), so under a limit a later
season's premiere or a later volume's publication is left out. An event of 29 February is remembered on
28 February in other years. The post goes out at 09:00 in the server's zone, any time later that day
after an outage, and never on the next day.
"""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.announcements import DAY_RELEASE_TIME, NONCE_LENGTH
from bot.domain.i18n import ENGLISH, Words
from bot.domain.model import NO_STORY, Dataset, ReleaseEvent, StoryPoint
from bot.domain.spoilers import SpoilerLimit

DAILY_TIME = DAY_RELEASE_TIME  # 09:00 in the server's zone, as day-precision announcements


@dataclass(frozen=True, slots=True)
class Anniversary:
    event_id: str
    title: str
    kind: str  # the dataset event's kind: "book", "season", "film" or "news"
    on: date  # the day it happened
    years: int  # how many years ago, at least 1
    reveals: StoryPoint


def event_day(event: ReleaseEvent) -> date | None:
    """The day a confirmed event happened, if the dataset knows it to the day."""
    when = event.date
    if event.status != "confirmed" or when.precision not in ("day", "time"):
        return None
    assert when.year is not None and when.month is not None and when.day is not None
    return date(when.year, when.month, when.day)


def remembered_on(day: date, year: int) -> date:
    """The day in `year` on which `day` has its anniversary (29 February falls on the 28th otherwise)."""
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def event_reveals(dataset: Dataset, event: ReleaseEvent) -> StoryPoint:
    """The story point of what the event is about: its season (or the film) or its book."""
    if event.related is None:
        return NO_STORY
    production = dataset.production(event.related)
    if production is not None:
        return StoryPoint(season=production.spoiler_season or None)
    work = dataset.work(event.related)
    if work is not None:
        return StoryPoint(volume=work.spoiler_volume or None)
    return NO_STORY


def anniversaries_on(dataset: Dataset, day: date, limit: SpoilerLimit) -> list[Anniversary]:
    """The events with an anniversary on `day` that `limit` does not hide, oldest first."""
    found: list[Anniversary] = []
    for event in dataset.events:
        happened = event_day(event)
        if happened is None or day.year - happened.year < 1:
            continue
        if remembered_on(happened, day.year) != day:
            continue
        reveals = event_reveals(dataset, event)
        if limit.hides(reveals):
            continue
        found.append(
            Anniversary(event.id, event.title, event.kind, happened, day.year - happened.year, reveals)
        )
    found.sort(key=lambda a: (a.on, a.title))
    return found


def daily_day(now: datetime, zone: ZoneInfo) -> date | None:
    """The server's day whose post is due now: today from 09:00 on, nothing before (yesterday's is gone)."""
    local = now.astimezone(zone)
    return local.date() if local.time() >= DAILY_TIME else None


def daily_nonce(guild_id: int, day: date) -> str:
    """The same nonce for the same server and day, in this process or the next."""
    digest = hashlib.sha256(f"{guild_id}:daily:{day.isoformat()}".encode()).hexdigest()
    return ("fd" + digest)[:NONCE_LENGTH]


def years_ago_text(years: int, tr: Words = ENGLISH) -> str:
    return tr.plural(years, "{n} year ago today", "{n} years ago today")


@dataclass(frozen=True, slots=True)
class DailyPost:
    guild_id: int
    day: date
    state: str  # "pending", "sent" or "failed"
    nonce: str
    attempted_at: datetime  # the FIRST attempt: no post of this row can be older
    message_id: int | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class ReleaseThread:
    guild_id: int
    event_key: str
    state: str  # "pending", "created" or "failed"
    attempted_at: datetime
    message_id: int | None = None
    thread_id: int | None = None
    detail: str | None = None
