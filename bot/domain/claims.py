"""Claims about the future, dated: what the dataset said as of the day its facts were checked.

A release that is announced (or rumoured) but not confirmed is a claim about the future. Once the
dataset's facts are older than today, such a claim is told "as of" the day they were checked; once its
whole window has passed with no later news in the dataset, it is told as "was expected", never as
released.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.domain.countdown import period
from bot.domain.dates import PartialDate
from bot.domain.model import Dataset

ClaimState = Literal["current", "as_of", "lapsed"]
_UTC = ZoneInfo("UTC")


def claim_state(
    value: PartialDate, status: str, *, now: datetime, verified_on: date, zone: ZoneInfo = _UTC
) -> ClaimState:
    """ "current" for a confirmed fact or a claim checked today; "as_of" once the facts are older than
    today; "lapsed" once an unconfirmed claim's whole window is over."""
    if status == "confirmed":
        return "current"
    bounds = period(value, zone)
    if bounds is not None and bounds[1] <= now:
        return "lapsed"
    if bounds is None and status != "announced":
        return "current"  # a rumour with no date says nothing about when: there is nothing to date
    if now.astimezone(UTC).date() > verified_on:
        return "as_of"
    return "current"


def as_of(now: datetime, verified_on: date) -> date | None:
    """The day a forward-looking statement with no window of its own ("will be no Season 4", "expected
    to return") is told "as of": the day the facts were checked, once that day is past."""
    return verified_on if now.astimezone(UTC).date() > verified_on else None


def lapsed_claims(dataset: Dataset, now: datetime) -> list[str]:
    """Every unconfirmed date whose whole window has passed: what a maintainer should update."""
    found: list[str] = []

    def check(label: str, value: PartialDate, status: str) -> None:
        if claim_state(value, status, now=now, verified_on=dataset.verified_on) == "lapsed":
            found.append(f"{label}: {status}, {value.human()}")

    for work in dataset.works:
        for publication in work.publications:
            check(f"work {work.id} ({publication.region} publication)", publication.date, publication.status)
    for production in dataset.productions:
        check(f"production {production.id} (release)", production.release_date, production.release_status)
    for event in dataset.events:
        check(f"event {event.id}", event.date, event.status)
    return found
