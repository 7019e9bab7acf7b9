"""The reminder buttons' custom_ids: every one an event can get fits Discord's 100 characters, and an event
whose key could not (or with no day, or already started) gets no Remind me button."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app.reminders import CancelReminderButton, LeadButton, remind_button
from bot.domain.countdown import CountdownEvent
from bot.domain.dates import PartialDate
from bot.domain.reminders import LEADS

NOW = datetime(2027, 1, 1, tzinfo=UTC)


def event(key: str, date: str = "2027-04-17") -> CountdownEvent:
    return CountdownEvent(key=key, title="Volume 7", date=PartialDate.parse(date), status="confirmed")


def test_the_longest_keys_fit_and_longer_ones_get_no_button() -> None:
    longest = "ds:" + "a" * 60
    button = remind_button(event(longest), NOW, "UTC")
    assert button is not None and button.item.custom_id == f"fx:remind:{longest}"
    for lead in LEADS:
        custom_id = LeadButton(lead, longest).item.custom_id
        assert custom_id is not None and len(custom_id) <= 100
    assert remind_button(event("ds:" + "a" * 61), NOW, "UTC") is None
    assert len(CancelReminderButton(2**63 - 1, 25).item.custom_id or "") <= 100
    assert remind_button(event("guild:9223372036854775807"), NOW, "UTC") is not None


def test_no_button_without_a_day_or_once_started() -> None:
    assert remind_button(event("ds:volume-7", "2027-04"), NOW, "UTC") is None
    assert remind_button(event("ds:volume-7", "2026-12-31"), NOW, "UTC") is None
    assert remind_button(event("ds:volume-7", "2027-01-01"), NOW, "UTC") is None  # started at midnight
    assert remind_button(event("ds:volume-7", "2027-01-01T00:01 UTC"), NOW, "UTC") is not None
