"""bot/events.py: periods in a zone, what is next, matching, strict input parsing and the server-event
repository against a real SQLite file."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.countdown import (
    MAX_SERVER_EVENTS,
    CountdownEvent,
    ServerEvent,
    clean_event_name,
    find_event,
    find_server_event,
    most_recent,
    next_upcoming,
    parse_event_date,
    period,
    timeline,
    zone_of,
)
from bot.domain.dates import PartialDate
from bot.domain.errors import FandexError, InvalidOptionError, NotFoundError, StorageError
from bot.domain.event_search import suggest_events
from bot.services.past_events import purge_past_events
from bot.services.scheduled_events import scheduled_event_times
from bot.storage.database import Connection, open_database
from bot.storage.guild_settings import GuildSettingsRepository
from bot.storage.server_events import ServerEventRepository
from tests.clock import FakeClock

UTC_ZONE = ZoneInfo("UTC")
LONDON = ZoneInfo("Europe/London")
AUCKLAND = ZoneInfo("Pacific/Auckland")
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def event(key: str, when: str, status: str | None = "confirmed", title: str | None = None) -> CountdownEvent:
    return CountdownEvent(key=key, title=title or key, date=PartialDate.parse(when), status=status)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Periods and the timeline
# --------------------------------------------------------------------------------------------


def test_a_day_is_counted_in_the_given_zone() -> None:
    start, end = period(PartialDate.parse("2027-07-01"), LONDON)  # type: ignore[misc]
    assert start == datetime(2027, 6, 30, 23, 0, tzinfo=UTC)  # BST: midnight is 23:00 UTC the day before
    assert end - start == timedelta(days=1)
    start, end = period(PartialDate.parse("2027-07-01"), AUCKLAND)  # type: ignore[misc]
    assert start == datetime(2027, 6, 30, 12, 0, tzinfo=UTC)


def test_month_and_year_periods_and_an_exact_time() -> None:
    assert period(PartialDate.parse("2027-02"), UTC_ZONE) == (
        datetime(2027, 2, 1, tzinfo=UTC),
        datetime(2027, 3, 1, tzinfo=UTC),
    )
    assert period(PartialDate.parse("2027-12"), UTC_ZONE) == (
        datetime(2027, 12, 1, tzinfo=UTC),
        datetime(2028, 1, 1, tzinfo=UTC),
    )
    assert period(PartialDate.parse("2027"), UTC_ZONE) == (
        datetime(2027, 1, 1, tzinfo=UTC),
        datetime(2028, 1, 1, tzinfo=UTC),
    )
    moment = datetime(2027, 4, 17, 7, 0, tzinfo=UTC)  # 08:00 BST
    assert period(PartialDate.parse("2027-04-17T08:00 Europe/London"), AUCKLAND) == (moment, moment)
    assert period(PartialDate.parse("unknown"), UTC_ZONE) is None


def test_timeline_orders_upcoming_soonest_first_and_past_most_recent_first() -> None:
    events = [
        event("later-month", "2027-05"),
        event("soon-day", "2027-05-01"),
        event("year", "2027"),  # still under way: upcoming
        event("past-old", "2020-01-01"),
        event("past-recent", "2027-03-09"),
        event("today", "2027-03-10"),  # under way today
        event("undated", "unknown"),
        event("past-time", "2027-03-10T11:59 Europe/London"),
    ]
    line = timeline(events, NOW, UTC_ZONE)
    # By when each will surely have happened: the year under way comes last.
    assert [e.key for e in line.upcoming] == ["today", "soon-day", "later-month", "year"]
    assert [e.key for e in line.past] == ["past-time", "past-recent", "past-old"]
    assert [e.key for e in line.undated] == ["undated"]


def test_a_precise_date_sorts_before_a_vaguer_one_starting_together() -> None:
    line = timeline([event("month", "2027-05"), event("day", "2027-05-01")], NOW, UTC_ZONE)
    assert [e.key for e in line.upcoming] == ["day", "month"]


def test_a_definite_day_comes_before_a_vague_year_already_under_way() -> None:
    line = timeline([event("film", "2027", "announced"), event("party", "2027-03-11", None)], NOW, UTC_ZONE)
    assert [e.key for e in line.upcoming] == ["party", "film"]


def test_an_exact_time_is_past_the_moment_it_happens() -> None:
    at_noon = event("noon", "2027-03-10T12:00 UTC")
    assert next_upcoming([at_noon], NOW - timedelta(seconds=1), UTC_ZONE) == at_noon
    assert next_upcoming([at_noon], NOW, UTC_ZONE) is None


def test_the_next_release_is_never_a_rumour() -> None:
    rumour = event("rumour", "2027-04-01", status="rumoured")
    fact = event("fact", "2027-06-01")
    assert next_upcoming([rumour, fact], NOW, UTC_ZONE) == fact
    assert next_upcoming([rumour], NOW, UTC_ZONE) is None
    assert most_recent(
        [event("old-rumour", "2027-03-01", "rumoured"), event("old", "2026")], NOW, UTC_ZONE
    ) == (event("old", "2026"))


def test_a_day_under_way_depends_on_the_zone() -> None:
    # 23:30 UTC on 9 March is already 10 March in Auckland: a 9 March release is past there.
    late = datetime(2027, 3, 9, 23, 30, tzinfo=UTC)
    ninth = event("ninth", "2027-03-09")
    assert next_upcoming([ninth], late, UTC_ZONE) == ninth
    assert next_upcoming([ninth], late, AUCKLAND) is None


def test_autocomplete_lists_upcoming_then_past_then_undated_and_filters() -> None:
    events = [
        event("ds:old", "2020-01-01", title="Old release"),
        event("ds:undated", "unknown", title="Trailer"),
        event("ds:next", "2027-06-01", title="Next release"),
        event("guild:1", "2027-04-01", status=None, title="Watch party"),
    ]
    keys = [e.key for e in suggest_events(events, NOW, UTC_ZONE, "")]
    assert keys == ["guild:1", "ds:next", "ds:old", "ds:undated"]
    assert [e.key for e in suggest_events(events, NOW, UTC_ZONE, "  RELEASE ")] == ["ds:next", "ds:old"]
    many = [event(f"ds:e{i}", "2027-06-01") for i in range(40)]
    assert len(suggest_events(many, NOW, UTC_ZONE, "")) == 25


# --------------------------------------------------------------------------------------------
# Finding an event from an option value
# --------------------------------------------------------------------------------------------

EVENTS = [
    event("ds:season-4", "2027-06-01", title="Season 4 premieres"),
    event("ds:film", "2027", title="Heartstopper Forever premieres"),
    event("guild:7", "2027-04-01", status=None, title="Watch party"),
]


def test_find_by_key_exact_title_any_case_or_a_unique_fragment() -> None:
    assert find_event(EVENTS, "guild:7").key == "guild:7"
    assert find_event(EVENTS, "  watch PARTY ").key == "guild:7"
    assert find_event(EVENTS, "forever").key == "ds:film"


def test_an_ambiguous_or_unknown_name_suggests_events() -> None:
    with pytest.raises(NotFoundError) as ambiguous:
        find_event(EVENTS, "premieres")
    assert "Several events match" in ambiguous.value.message
    assert "Season 4 premieres" in ambiguous.value.message
    with pytest.raises(NotFoundError) as unknown:
        find_event(EVENTS, "Watch prty")
    assert "Did you mean" in unknown.value.message and "Watch party" in unknown.value.message


def test_another_servers_event_key_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        find_event(EVENTS, "guild:8")


def test_hostile_names_are_escaped_in_the_error() -> None:
    with pytest.raises(NotFoundError) as caught:
        find_event(EVENTS, "@everyone <@&123> **bold**")
    assert "@everyone" not in caught.value.message
    assert "<@&123>" not in caught.value.message


@given(st.text(max_size=300))
def test_find_event_answers_or_raises_a_user_error(text: str) -> None:
    try:
        found = find_event(EVENTS, text)
    except FandexError as error:
        assert error.message and len(error.message) < 2000
    else:
        assert found in EVENTS


# --------------------------------------------------------------------------------------------
# Parsing /config event-add input
# --------------------------------------------------------------------------------------------


def test_names_are_cleaned_and_bounded() -> None:
    assert clean_event_name("  Watch\u200b   party \u202e🎉 ") == "Watch party 🎉"
    assert clean_event_name("x" * 100) == "x" * 100
    with pytest.raises(InvalidOptionError, match="at most 100 characters; that one has 5000"):
        clean_event_name("x" * 5000)
    with pytest.raises(InvalidOptionError, match="Give the event a name"):
        clean_event_name(" \u200b\n\t ")


def test_a_day_in_the_server_zone() -> None:
    assert parse_event_date("2027-04-17", None, "Europe/London", NOW) == PartialDate(2027, 4, 17)
    assert parse_event_date(" 2027-4-7 ", None, "UTC", NOW) == PartialDate(2027, 4, 7)
    assert parse_event_date("2027-03-10", None, "UTC", NOW) == PartialDate(2027, 3, 10)  # today is fine


def test_a_time_carries_the_server_zone() -> None:
    parsed = parse_event_date("2027-04-17", "20:30", "Europe/London", NOW)
    assert parsed == PartialDate(2027, 4, 17, time(20, 30), "Europe/London")
    assert parsed.moment() == datetime(2027, 4, 17, 19, 30, tzinfo=UTC)
    assert parse_event_date("2027-04-17", "8:05", "UTC", NOW).time == time(8, 5)


@pytest.mark.parametrize(
    ("date_text", "time_text", "message"),
    [
        ("2027-02-30", None, "February 2027 has no day 30"),
        ("2028-02-30", None, "February 2028 has no day 30 (it has 29 days)"),
        ("2027-13-01", None, "no month 13"),
        ("2027-00-10", None, "no month 0"),
        ("2027/04/17", None, "YYYY-MM-DD"),
        ("17-04-2027", None, "YYYY-MM-DD"),
        ("tomorrow", None, "YYYY-MM-DD"),
        ("", None, "YYYY-MM-DD"),
        ("２０２７-04-17", None, "YYYY-MM-DD"),  # full-width digits are digits to \d, not to us
        ("0000-01-01", None, "in the past"),
        ("2027-03-09", None, "in the past"),
        ("2099-01-01", None, "within the next 10 years"),
        ("2027-04-17", "25:00", "not a time of day"),
        ("2027-04-17", "12:60", "not a time of day"),
        ("2027-04-17", "8pm", "HH:MM"),
        ("2027-04-17", "20:30:00", "HH:MM"),
        ("2027-04-17", "", "HH:MM"),
        ("2027-03-10", "11:59", "in the past"),
        ("2027-03-28", "01:30", "does not exist"),  # Europe/London springs forward at 01:00
    ],
)
def test_bad_dates_and_times_are_refused_clearly(date_text: str, time_text: str | None, message: str) -> None:
    zone = "Europe/London" if message == "does not exist" else "UTC"
    with pytest.raises(InvalidOptionError, match=re.escape(message)):
        parse_event_date(date_text, time_text, zone, NOW)


def test_an_ambiguous_autumn_time_takes_the_first_occurrence() -> None:
    parsed = parse_event_date("2027-10-31", "01:30", "Europe/London", NOW)
    assert parsed.moment() == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # still BST


def test_the_past_is_judged_in_the_server_zone() -> None:
    # 12:00 UTC on 10 March is already 11 March (01:00) in Auckland.
    with pytest.raises(InvalidOptionError, match="in the past"):
        parse_event_date("2027-03-10", None, "Pacific/Auckland", NOW)


@given(st.text(max_size=40), st.one_of(st.none(), st.text(max_size=12)))
def test_parse_event_date_never_crashes(date_text: str, time_text: str | None) -> None:
    try:
        parsed = parse_event_date(date_text, time_text, "Europe/London", NOW)
    except InvalidOptionError as error:
        assert error.message
    else:
        assert parsed.precision in ("day", "time")


def test_an_unknown_stored_zone_counts_in_utc() -> None:
    assert zone_of("Mars/Olympus_Mons").key == "UTC"


def test_scheduled_event_times() -> None:
    at_eight = PartialDate(2027, 4, 17, time(20, 0), "Europe/London")
    start, end = scheduled_event_times(at_eight, LONDON, NOW)
    assert start == datetime(2027, 4, 17, 19, 0, tzinfo=UTC) and end - start == timedelta(hours=2)
    start, end = scheduled_event_times(PartialDate(2027, 4, 17), LONDON, NOW)
    assert start == datetime(2027, 4, 17, 8, 0, tzinfo=UTC)  # 09:00 BST
    assert end == datetime(2027, 4, 17, 23, 0, tzinfo=UTC)  # midnight BST
    today = scheduled_event_times(PartialDate(2027, 3, 10), UTC_ZONE, NOW)
    assert today[0] > NOW  # Discord refuses a start in the past


# --------------------------------------------------------------------------------------------
# The repository, on a real database file
# --------------------------------------------------------------------------------------------


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    """SQLite only: for the tests that reach into it (a temp trigger, a paused cursor)."""
    connection = await open_database(tmp_path / "fandex.sqlite3")
    try:
        yield connection
    finally:
        await connection.close()


async def count_rows(db: Connection) -> int:
    async with db.execute("SELECT COUNT(*) FROM guild_events") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def test_add_list_and_remove(db: Connection) -> None:
    repo = ServerEventRepository(db, FakeClock(NOW))
    later = await repo.add(1, name="Premiere", date=PartialDate(2027, 6, 1), created_by=42, zone=UTC_ZONE)
    sooner = await repo.add(
        1, name="Watch party", date=PartialDate(2027, 4, 1, time(20, 0), "UTC"), created_by=42, zone=UTC_ZONE
    )
    await repo.add(2, name="Elsewhere", date=PartialDate(2027, 5, 1), created_by=43, zone=UTC_ZONE)

    listed = await repo.for_guild(1)
    assert [e.name for e in listed] == ["Watch party", "Premiere"]  # chronological
    assert listed[0] == sooner and listed[0].created_at == NOW and listed[0].key == f"guild:{sooner.id}"
    assert set(await repo.by_guild()) == {1, 2}

    assert not await repo.remove(2, later.id)  # another server's event is out of reach
    assert await repo.remove(1, later.id)
    assert [e.name for e in await repo.for_guild(1)] == ["Watch party"]

    listed = await repo.add(
        1, name="Listed", date=PartialDate(2027, 5, 1), created_by=42, zone=UTC_ZONE, scheduled_event_id=999
    )
    assert listed.scheduled_event_id == 999
    assert [e.scheduled_event_id for e in await repo.for_guild(1)] == [None, 999]


async def test_names_are_unique_per_server_ignoring_case(db: Connection) -> None:
    repo = ServerEventRepository(db, FakeClock(NOW))
    await repo.add(1, name="Watch Party", date=PartialDate(2027, 6, 1), created_by=42, zone=UTC_ZONE)
    with pytest.raises(InvalidOptionError, match="already has an event called"):
        await repo.add(1, name="watch party", date=PartialDate(2027, 7, 1), created_by=42, zone=UTC_ZONE)
    await repo.add(
        2, name="watch party", date=PartialDate(2027, 7, 1), created_by=42, zone=UTC_ZONE
    )  # another server
    assert await count_rows(db) == 2


async def test_at_most_25_events_per_server(db: Connection) -> None:
    repo = ServerEventRepository(db, FakeClock(NOW))
    for number in range(MAX_SERVER_EVENTS):
        await repo.add(1, name=f"Event {number}", date=PartialDate(2027, 6, 1), created_by=42, zone=UTC_ZONE)
    with pytest.raises(InvalidOptionError, match="already has 25 upcoming events"):
        await repo.add(1, name="One too many", date=PartialDate(2027, 6, 1), created_by=42, zone=UTC_ZONE)
    assert await count_rows(db) == MAX_SERVER_EVENTS


async def test_past_events_stop_counting_and_an_add_deletes_expired_ones(db: Connection) -> None:
    clock = FakeClock(NOW)
    repo = ServerEventRepository(db, clock)
    for number in range(MAX_SERVER_EVENTS):  # 9 on 11 March, 8 on the 12th, 8 on the 13th
        day = PartialDate(2027, 3, 11 + number % 3)
        await repo.add(1, name=f"Event {number}", date=day, created_by=42, zone=UTC_ZONE)
    clock.current = datetime(2027, 3, 12, tzinfo=UTC)  # 11 March is over: 9 past, room for 9 more
    for number in range(9):
        await repo.add(1, name=f"More {number}", date=PartialDate(2027, 4, 1), created_by=42, zone=UTC_ZONE)
    assert await count_rows(db) == 34
    with pytest.raises(InvalidOptionError, match="already has 25 upcoming events"):
        await repo.add(1, name="Too many", date=PartialDate(2027, 4, 1), created_by=42, zone=UTC_ZONE)

    clock.current = datetime(2027, 3, 19, tzinfo=UTC)  # a week after 11 March ended: those 9 go
    await repo.add(1, name="And another", date=PartialDate(2027, 4, 1), created_by=42, zone=UTC_ZONE)
    assert await count_rows(db) == 34 - 9 + 1
    assert "Event 0" not in [e.name for e in await repo.for_guild(1)]


async def test_the_purge_deletes_expired_events_in_each_servers_zone(db: Connection) -> None:
    clock = FakeClock(NOW)
    settings = GuildSettingsRepository(db, clock)
    await settings.update(2, timezone="Pacific/Honolulu")
    repo = ServerEventRepository(db, clock)
    await repo.add(1, name="Launch", date=PartialDate(2027, 3, 11), created_by=42, zone=UTC_ZONE)
    await repo.add(1, name="Later", date=PartialDate(2027, 3, 20), created_by=42, zone=UTC_ZONE)
    await repo.add(
        2, name="Launch", date=PartialDate(2027, 3, 11), created_by=42, zone=ZoneInfo("Pacific/Honolulu")
    )
    assert [e.name for e in await repo.for_guild(1)] == ["Launch", "Later"]  # cached now

    week_after = datetime(2027, 3, 19, tzinfo=UTC)  # after 11 March in UTC; Honolulu's ends 10 hours later
    assert await purge_past_events(repo, settings, week_after - timedelta(seconds=1)) == 0
    assert await purge_past_events(repo, settings, week_after) == 1
    assert [e.name for e in await repo.for_guild(1)] == ["Later"]  # the cache was dropped
    assert [e.name for e in await repo.for_guild(2)] == ["Launch"]
    assert await purge_past_events(repo, settings, week_after + timedelta(hours=10)) == 1
    assert await repo.for_guild(2) == []
    assert await count_rows(db) == 1


async def test_the_purge_is_one_transaction(sqlite_db: aiosqlite.Connection) -> None:
    db = sqlite_db
    clock = FakeClock(NOW)
    settings = GuildSettingsRepository(db, clock)
    repo = ServerEventRepository(db, clock)
    for guild_id in (1, 2, 3):
        await repo.add(guild_id, name="Launch", date=PartialDate(2027, 3, 11), created_by=42, zone=UTC_ZONE)
    await db.execute(
        "CREATE TEMP TRIGGER fail_delete BEFORE DELETE ON guild_events WHEN OLD.guild_id = 2 "
        "BEGIN SELECT json('the disk is full'); END"
    )
    later = datetime(2027, 4, 1, tzinfo=UTC)
    with pytest.raises(StorageError):
        await purge_past_events(repo, settings, later)
    assert await count_rows(db) == 3  # none deleted, not two of three
    await db.execute("DROP TRIGGER temp.fail_delete")
    assert await purge_past_events(repo, settings, later) == 3


async def test_ids_are_never_reused(db: Connection) -> None:
    # Announcements are keyed by "guild:<id>": a reused id would look already announced.
    repo = ServerEventRepository(db, FakeClock(NOW))
    first = await repo.add(1, name="A", date=PartialDate(2027, 6, 1), created_by=42, zone=UTC_ZONE)
    await repo.remove(1, first.id)
    second = await repo.add(1, name="A", date=PartialDate(2027, 6, 1), created_by=42, zone=UTC_ZONE)
    assert second.id != first.id


def test_find_server_event_by_key_or_name() -> None:
    events = [
        ServerEvent(3, 1, "Watch party", PartialDate(2027, 4, 1), None, 42, NOW),
        ServerEvent(4, 1, "Premiere", PartialDate(2027, 6, 1), None, 42, NOW),
    ]
    assert find_server_event(events, "guild:4").id == 4
    assert find_server_event(events, "WATCH party").id == 3
    with pytest.raises(NotFoundError):
        find_server_event(events, "guild:5")


class PausedRead:
    """The real connection, except that the first query `pauses(sql)` picks stops after fetching its rows
    until `resume` is set: the moment a reader has its snapshot but has not used it yet."""

    def __init__(self, db: aiosqlite.Connection, pauses: Callable[[str], bool]) -> None:
        self._db = db
        self._pauses = pauses
        self.fetched = asyncio.Event()
        self.resume = asyncio.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        query = self._db.execute(sql, parameters)
        if self.fetched.is_set() or not self._pauses(sql):
            return query
        return _PausedQuery(query, self)


class _PausedQuery:
    def __init__(self, query: Any, gate: PausedRead) -> None:
        self._query = query
        self._gate = gate

    async def __aenter__(self) -> _PausedCursor:
        return _PausedCursor(await self._query.__aenter__(), self._gate)

    async def __aexit__(self, *exc_info: object) -> None:
        await self._query.__aexit__(*exc_info)


class _PausedCursor:
    def __init__(self, cursor: aiosqlite.Cursor, gate: PausedRead) -> None:
        self._cursor = cursor
        self._gate = gate

    async def fetchall(self) -> Any:
        rows = await self._cursor.fetchall()
        self._gate.fetched.set()
        await self._gate.resume.wait()
        return rows


async def test_an_event_added_during_a_read_is_not_hidden_by_that_read(
    sqlite_db: aiosqlite.Connection,
) -> None:
    db = sqlite_db
    # /countdown reads the list while a moderator's /config event-add commits: the read's snapshot
    # predates the new event, and must not become the cached list once the add has invalidated it.
    # for_guild's read, not the one `add` makes inside its transaction.
    paused = PausedRead(
        db,
        lambda sql: sql.startswith("SELECT id,") and "WHERE guild_id = ?" in sql and not db.in_transaction,
    )
    repo = ServerEventRepository(paused, FakeClock(NOW))  # type: ignore[arg-type]
    await repo.add(1, name="Premiere", date=PartialDate(2027, 6, 1), created_by=42, zone=UTC_ZONE)

    reader = asyncio.create_task(repo.for_guild(1))
    await asyncio.wait_for(paused.fetched.wait(), 5)  # the reader holds the one-event snapshot
    await repo.add(1, name="Watch party", date=PartialDate(2027, 4, 1), created_by=42, zone=UTC_ZONE)
    paused.resume.set()
    assert [e.name for e in await reader] == ["Premiere"]  # it began before the add: fine

    assert [e.name for e in await repo.for_guild(1)] == ["Watch party", "Premiere"]
    assert [e.name for e in (await repo.by_guild())[1]] == ["Watch party", "Premiere"]
