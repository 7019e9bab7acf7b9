"""The pure rules of reminders: when an event starts for a reminder, which leads are still ahead, what a
reminder does when its event changes, and delivery's limits."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.countdown import CountdownEvent
from bot.domain.dates import PartialDate
from bot.domain.reminders import (
    EVENT_KEY_PATTERN,
    LATE_LIMIT,
    NONCE_LENGTH,
    REFUSAL_RETRY,
    Gone,
    Moved,
    Reminder,
    Retitled,
    StartPassed,
    after_refusal,
    delivery_plan,
    due_time,
    event_start,
    follow,
    history_needed,
    open_leads,
    remindable,
    reminder_nonce,
    server_event_id,
)

NOW = datetime(2027, 4, 1, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def event(date: str, key: str = "ds:volume-7", title: str = "Volume 7") -> CountdownEvent:
    return CountdownEvent(key=key, title=title, date=PartialDate.parse(date), status="confirmed")


def reminder(**changes: object) -> Reminder:
    base = Reminder(
        id=7,
        user_id=42,
        event_key="ds:volume-7",
        event_title="Volume 7",
        lead="1d",
        starts_at=datetime(2027, 4, 16, 23, 0, tzinfo=UTC),
        due_at=datetime(2027, 4, 15, 23, 0, tzinfo=UTC),
        zone="Europe/London",
        guild_id=None,
        channel_id=None,
        state="pending",
        next_try_at=datetime(2027, 4, 15, 23, 0, tzinfo=UTC),
        created_at=NOW,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_time_starts_at_its_instant_and_a_day_at_midnight_in_the_zone() -> None:
    assert event_start(event("2027-04-17T20:00 Europe/London"), ZoneInfo("UTC")) == datetime(
        2027, 4, 17, 19, 0, tzinfo=UTC
    )
    assert event_start(event("2027-04-17"), LONDON) == datetime(2027, 4, 16, 23, 0, tzinfo=UTC)
    assert event_start(event("2027-04-17"), ZoneInfo("UTC")) == datetime(2027, 4, 17, tzinfo=UTC)
    for vague in ("2027-04", "2027", "unknown"):
        assert event_start(event(vague), LONDON) is None and not remindable(event(vague))


def test_only_leads_still_ahead_are_offered() -> None:
    starts = NOW + timedelta(days=3)
    assert open_leads(starts, NOW) == ["start", "1h", "1d"]
    assert open_leads(NOW + timedelta(minutes=1), NOW) == ["start"]
    assert open_leads(NOW, NOW) == []
    assert due_time(starts, "1w") == starts - timedelta(weeks=1)


def test_follow_an_event_as_it_is_now() -> None:
    now = NOW
    assert follow(reminder(), event("2027-04-17"), now) is None
    assert follow(reminder(), None, now) == Gone("removed-dataset")
    assert follow(reminder(event_key="guild:3"), None, now) == Gone("removed-server")
    assert follow(reminder(), event("2027-04"), now) == Gone("no-day")
    assert follow(reminder(), event("2027-04-17", title="Volume 7!"), now) == Retitled("Volume 7!")
    later = datetime(2027, 5, 7, 23, 0, tzinfo=UTC)
    assert follow(reminder(), event("2027-05-08"), now) == Moved(later, later - timedelta(days=1), "Volume 7")
    # Moved so close that its lead has passed: due at once, the event still ahead.
    soon = event("2027-04-02")
    moved = follow(reminder(), soon, now)
    assert isinstance(moved, Moved) and moved.due_at == now
    passed = datetime(2027, 3, 20, tzinfo=UTC)  # midnight in London: GMT until 28 March
    assert follow(reminder(), event("2027-03-20"), now) == StartPassed(passed)


def test_delivery_rules() -> None:
    r = reminder()
    assert delivery_plan(r, r.starts_at + LATE_LIMIT) == "send"
    assert delivery_plan(r, r.starts_at + LATE_LIMIT + timedelta(seconds=1)) == "miss"
    assert after_refusal(r, NOW) == NOW + REFUSAL_RETRY
    assert after_refusal(replace(r, refusals=1), NOW) == NOW + REFUSAL_RETRY
    assert after_refusal(replace(r, refusals=2), NOW) is None  # the third refusal is the last
    assert not history_needed(r, NOW)
    assert not history_needed(replace(r, doubt_since=NOW - timedelta(seconds=59)), NOW)
    assert history_needed(replace(r, doubt_since=NOW - timedelta(seconds=60)), NOW)


def test_nonces_are_deterministic_and_fit_discord() -> None:
    assert reminder_nonce(42, 7) == reminder_nonce(42, 7) == reminder().nonce
    assert reminder_nonce(42, 8) != reminder_nonce(42, 7) != reminder_nonce(43, 7)
    assert len(reminder().nonce) == NONCE_LENGTH and reminder().reference == reminder().nonce[:12]


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("ds:volume-7", True),
        ("guild:12", True),
        ("guild:x", False),
        ("ds:", False),
        ("ds:" + "a" * 60, True),
        ("ds:" + "a" * 61, False),
    ],
)
def test_event_keys_a_custom_id_may_carry(key: str, ok: bool) -> None:
    assert bool(re.fullmatch(EVENT_KEY_PATTERN, key)) is ok
    assert server_event_id("guild:12") == 12 and server_event_id("ds:volume-7") is None
