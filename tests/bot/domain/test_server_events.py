"""bot/domain/server_events.py and ServerEvent's end: when a server's own event has ended (an exact time at
its moment, a day-only event when that day ends in the server's zone), the week it stays listed as past,
what counts against the limit, and the bound the purge query relies on."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.countdown import MAX_SERVER_EVENTS, PAST_EVENT_KEPT, ServerEvent
from bot.domain.dates import PartialDate
from bot.domain.errors import InvalidOptionError
from bot.domain.server_events import check_addable, last_day_possibly_expired, server_event_book

UTC_ZONE = ZoneInfo("UTC")
LONDON = ZoneInfo("Europe/London")
AUCKLAND = ZoneInfo("Pacific/Auckland")
HONOLULU = ZoneInfo("Pacific/Honolulu")
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def server_event(number: int, when: PartialDate, name: str | None = None) -> ServerEvent:
    return ServerEvent(number, 1, name or f"Event {number}", when, None, 42, NOW)


def test_a_day_only_event_ends_when_its_day_ends_in_the_servers_zone() -> None:
    launch = server_event(1, PartialDate(2027, 7, 1))
    assert launch.ends_at(LONDON) == datetime(2027, 7, 1, 23, 0, tzinfo=UTC)  # midnight BST
    assert launch.ends_at(AUCKLAND) == datetime(2027, 7, 1, 12, 0, tzinfo=UTC)
    assert launch.ends_at(HONOLULU) == datetime(2027, 7, 2, 10, 0, tzinfo=UTC)
    evening = datetime(2027, 7, 1, 22, 0, tzinfo=UTC)  # 23:00 in London, already 2 July in Auckland
    assert not launch.has_ended(evening, LONDON)
    assert launch.has_ended(evening, AUCKLAND)
    assert launch.has_ended(datetime(2027, 7, 1, 23, 0, tzinfo=UTC), LONDON)


def test_an_exact_time_ends_at_its_moment_whatever_the_servers_zone() -> None:
    party = server_event(1, PartialDate(2027, 4, 16, time(20, 30), "Europe/London"))
    moment = datetime(2027, 4, 16, 19, 30, tzinfo=UTC)
    assert party.ends_at(AUCKLAND) == party.ends_at(UTC_ZONE) == moment
    assert not party.has_ended(moment - timedelta(seconds=1), AUCKLAND)
    assert party.has_ended(moment, AUCKLAND)


def test_a_past_event_is_kept_for_a_week_then_expires() -> None:
    assert timedelta(days=7) == PAST_EVENT_KEPT
    launch = server_event(1, PartialDate(2027, 3, 1))
    ended = datetime(2027, 3, 2, tzinfo=UTC)
    assert launch.removed_at(UTC_ZONE) == ended + PAST_EVENT_KEPT
    assert not launch.is_expired(ended + PAST_EVENT_KEPT - timedelta(seconds=1), UTC_ZONE)
    assert launch.is_expired(ended + PAST_EVENT_KEPT, UTC_ZONE)
    # A week after the day ends there, not in UTC: Honolulu's 1 March ends ten hours later.
    assert not launch.is_expired(ended + PAST_EVENT_KEPT, HONOLULU)


def test_the_book_sorts_upcoming_soonest_first_and_past_most_recent_first() -> None:
    events = [
        server_event(1, PartialDate(2027, 3, 20)),
        server_event(2, PartialDate(2027, 3, 9)),  # yesterday: past
        server_event(3, PartialDate(2027, 3, 10, time(11, 0), "UTC")),  # an hour ago: past
        server_event(4, PartialDate(2027, 3, 10)),  # today: under way, not ended
        server_event(5, PartialDate(2027, 3, 2)),  # ended 8 days ago: expired
        server_event(6, PartialDate(2027, 3, 3, time(12, 0), "UTC")),  # a week ago to the minute: expired
        server_event(7, PartialDate(2027, 3, 10, time(12, 0), "UTC")),  # this very moment: ended
        server_event(8, PartialDate(2027, 3, 3)),  # its week ends at midnight tonight: still past
    ]
    book = server_event_book(events, NOW, UTC_ZONE)
    assert [e.id for e in book.upcoming] == [4, 1]
    assert [e.id for e in book.past] == [7, 3, 2, 8]
    assert sorted(e.id for e in book.expired) == [5, 6]
    assert book.shown == book.upcoming + book.past


def test_only_upcoming_events_count_against_the_limit() -> None:
    upcoming = [server_event(i, PartialDate(2027, 4, 1)) for i in range(MAX_SERVER_EVENTS - 1)]
    past = [server_event(100 + i, PartialDate(2027, 3, 5)) for i in range(10)]
    book = server_event_book(upcoming + past, NOW, UTC_ZONE)
    assert not book.is_full
    check_addable(book, "One more")
    full = server_event_book([*upcoming, server_event(99, PartialDate(2027, 4, 2)), *past], NOW, UTC_ZONE)
    assert full.is_full
    with pytest.raises(InvalidOptionError, match=r"already has 25 upcoming events.*past ones don't count"):
        check_addable(full, "One more")


def test_a_past_events_name_is_taken_until_it_goes_and_says_why() -> None:
    book = server_event_book(
        [
            server_event(1, PartialDate(2027, 3, 9), "Watch party"),
            server_event(2, PartialDate(2027, 4, 9), "Premiere"),
            server_event(3, PartialDate(2027, 2, 1), "Old party"),  # expired: its name is free again
        ],
        NOW,
        UTC_ZONE,
    )
    with pytest.raises(InvalidOptionError, match="it has happened, and past events stay listed for 7 days"):
        check_addable(book, "WATCH party")
    with pytest.raises(InvalidOptionError, match=r"already has an event called \*\*premiere\*\*\. Pick"):
        check_addable(book, "premiere")
    check_addable(book, "Old party")


ZONES = [
    "UTC",
    "Pacific/Kiritimati",  # UTC+14
    "Etc/GMT+12",  # UTC-12
    "Pacific/Auckland",
    "Pacific/Honolulu",
    "Europe/London",
    "America/St_Johns",
]


@given(
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)),
    at=st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0))),
    event_zone=st.sampled_from(ZONES),
    server_zone=st.sampled_from(ZONES),
    now=st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001 (hypothesis wants naive bounds; UTC is added below)
        max_value=datetime(2029, 1, 31),  # noqa: DTZ001
    ).map(lambda moment: moment.replace(tzinfo=UTC)),
)
def test_no_expired_event_is_dated_after_the_purge_bound(
    day: date, at: time | None, event_zone: str, server_zone: str, now: datetime
) -> None:
    when = PartialDate(day.year, day.month, day.day, at, event_zone if at else None)
    expired = server_event(1, when).is_expired(now, ZoneInfo(server_zone))
    if expired:
        assert when.iso()[:10] <= last_day_possibly_expired(now).isoformat()
