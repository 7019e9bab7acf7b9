"""bot/announcer.py: which announcements are due, the nonce, and the log on a real SQLite file.
Delivery itself (Discord, restarts, crashes) is tested end to end in tests/cogs/test_announcements.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import cast
from zoneinfo import ZoneInfo

import aiosqlite
import discord
import pytest

from bot.domain.announcements import (
    NONCE_LENGTH,
    Announcement,
    announcement_nonce,
    announcement_reference,
    announces,
    due_announcements,
    late_text,
    release_due,
)
from bot.domain.countdown import CountdownEvent
from bot.domain.dates import PartialDate
from bot.render.countdown import announcement_embed
from bot.services.announcement_checks import announcement_allowed_mentions
from bot.services.announcer import is_announcement_post
from bot.storage.announcement_log import AnnouncementLog
from bot.storage.database import open_database

UTC_ZONE = ZoneInfo("UTC")
LONDON = ZoneInfo("Europe/London")


def event(
    when: str, status: str | None = "confirmed", key: str = "ds:e", created_at: datetime | None = None
) -> CountdownEvent:
    return CountdownEvent(
        key=key,
        title=key,
        date=PartialDate.parse(when),
        status=status,
        created_at=created_at,  # type: ignore[arg-type]
    )


def test_only_day_or_time_dates_that_are_not_rumours_announce() -> None:
    assert announces(event("2027-06-01"))
    assert announces(event("2027-06-01T20:00 UTC", status="announced"))
    assert announces(event("2027-06-01", status=None))  # a server's own event
    assert not announces(event("2027-06-01", status="rumoured"))
    assert not announces(event("2027-06"))
    assert not announces(event("2027"))
    assert not announces(event("unknown"))


def test_a_day_is_announced_at_nine_in_the_server_zone() -> None:
    assert release_due(event("2027-06-01"), LONDON) == datetime(2027, 6, 1, 8, 0, tzinfo=UTC)  # 09:00 BST
    assert release_due(event("2027-12-01"), LONDON) == datetime(2027, 12, 1, 9, 0, tzinfo=UTC)  # 09:00 GMT
    exact = event("2027-06-01T20:30 America/New_York")
    assert release_due(exact, LONDON) == datetime(2027, 6, 2, 0, 30, tzinfo=UTC)
    assert release_due(event("2027-06"), LONDON) is None


def test_nothing_is_due_before_its_time() -> None:
    day = event("2027-06-01")
    due_at = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
    assert due_announcements([day], reminder="none", zone=UTC_ZONE, now=due_at - timedelta(seconds=1)) == []
    [due] = due_announcements([day], reminder="none", zone=UTC_ZONE, now=due_at)
    assert (due.kind, due.due_at, due.late_from) == ("release", due_at, due_at)


def test_reminders_come_a_day_or_a_week_before() -> None:
    exact = event("2027-06-08T20:00 UTC")
    week_before = datetime(2027, 6, 1, 20, 0, tzinfo=UTC)
    [reminder] = due_announcements([exact], reminder="1w", zone=UTC_ZONE, now=week_before)
    assert (reminder.kind, reminder.due_at) == ("reminder", week_before)
    assert due_announcements([exact], reminder="1d", zone=UTC_ZONE, now=week_before) == []
    release = datetime(2027, 6, 8, 20, 0, tzinfo=UTC)
    kinds = [d.kind for d in due_announcements([exact], reminder="1d", zone=UTC_ZONE, now=release)]
    assert kinds == ["reminder", "release"]  # oldest first: the (already handled) reminder, then the release


def test_rumours_and_vague_dates_are_never_due() -> None:
    now = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
    events = [event("2027-06-01", status="rumoured"), event("2027-06"), event("2027")]
    assert due_announcements(events, reminder="1d", zone=UTC_ZONE, now=now) == []


def test_long_past_events_are_not_considered_at_all() -> None:
    old = event("2027-05-01")
    assert (
        due_announcements([old], reminder="none", zone=UTC_ZONE, now=datetime(2027, 6, 1, tzinfo=UTC)) == []
    )
    recent = due_announcements([old], reminder="none", zone=UTC_ZONE, now=datetime(2027, 5, 3, tzinfo=UTC))
    assert [d.kind for d in recent] == ["release"]  # late, for the announcer to record as skipped


def test_a_server_event_added_after_its_time_counts_lateness_from_when_it_was_added() -> None:
    added = datetime(2027, 6, 1, 15, 0, tzinfo=UTC)  # after 09:00 on the day itself
    today = event("2027-06-01", status=None, key="guild:1", created_at=added)
    [due] = due_announcements([today], reminder="1d", zone=UTC_ZONE, now=added)
    # No reminder for a moment before the event existed; the release is due and not late.
    assert (due.kind, due.late_from) == ("release", added)


def test_the_nonce_is_deterministic_short_and_distinct() -> None:
    nonce = announcement_nonce(1, "ds:film", "release")
    assert nonce == announcement_nonce(1, "ds:film", "release")
    assert len(nonce) <= NONCE_LENGTH
    others = {
        announcement_nonce(2, "ds:film", "release"),
        announcement_nonce(1, "ds:film", "reminder"),
        announcement_nonce(1, "guild:1", "release"),
    }
    assert nonce not in others and len(others) == 3


def test_the_reference_in_the_footer_identifies_only_this_bots_post_of_this_announcement() -> None:
    nonce = announcement_nonce(1, "ds:film", "release")
    reference = announcement_reference(nonce)
    assert reference == announcement_reference(announcement_nonce(1, "ds:film", "release"))
    assert nonce.startswith(reference) and len(reference) == 12  # short: it sits in a footer
    others = [announcement_nonce(2, "ds:film", "release"), announcement_nonce(1, "ds:film", "reminder")]
    assert reference not in {announcement_reference(other) for other in others}

    film = event("2027-06-01", key="ds:film")
    now = datetime(2027, 5, 1, tzinfo=UTC)
    embed = announcement_embed(film, "release", now, UTC_ZONE, reference=reference)
    assert embed.footer.text == f"Fandex release-day announcement · ref {reference}"

    def message(author_id: int, *embeds: discord.Embed) -> discord.Message:
        # Only the author and the embeds are read: a stand-in for what channel.history() yields.
        return cast(
            discord.Message, SimpleNamespace(author=SimpleNamespace(id=author_id), embeds=list(embeds))
        )

    bot_id = 42
    assert is_announcement_post(message(bot_id, embed), bot_id, reference)
    assert not is_announcement_post(message(7, embed), bot_id, reference)  # someone quoting it
    assert not is_announcement_post(message(bot_id), bot_id, reference)  # a plain message of ours
    reminder = announcement_embed(
        film, "reminder", now, UTC_ZONE, reference=announcement_reference(others[1])
    )
    assert not is_announcement_post(message(bot_id, reminder), bot_id, reference)
    assert not is_announcement_post(message(bot_id, discord.Embed(title="x")), bot_id, reference)


def test_allowed_mentions_allow_only_the_role() -> None:
    assert announcement_allowed_mentions(None).to_dict() == {"parse": []}
    allowed = announcement_allowed_mentions(123).to_dict()
    assert allowed["parse"] == [] and allowed["roles"] == [123] and "users" not in allowed
    assert discord.AllowedMentions.none().to_dict() == {"parse": []}


def test_late_text() -> None:
    assert late_text(timedelta(hours=7, minutes=5)) == "7 h 5 min"
    assert late_text(timedelta(days=3, hours=2)) == "3 days"


# --------------------------------------------------------------------------------------------
# The log, on a real database file
# --------------------------------------------------------------------------------------------


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    connection = await open_database(tmp_path / "fandex.sqlite3")
    try:
        yield connection
    finally:
        await connection.close()


def pending(kind: str = "release") -> Announcement:
    now = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
    return Announcement(
        1, "ds:film", kind, now, "pending", announcement_nonce(1, "ds:film", kind), attempted_at=now
    )  # type: ignore[arg-type]


async def test_one_row_per_server_event_and_kind(db: aiosqlite.Connection) -> None:
    log = AnnouncementLog(db)
    assert await log.insert(pending())
    assert not await log.insert(pending())  # the second writer loses: no second announcement
    assert await log.insert(pending("reminder"))
    rows = await log.for_guild(1)
    assert [(r.kind, r.state) for r in rows] == [("release", "pending"), ("reminder", "pending")]
    assert await log.get(1, "ds:film", "release") == pending()


async def test_a_settled_row_never_changes_again(db: aiosqlite.Connection) -> None:
    log = AnnouncementLog(db)
    row = pending()
    await log.insert(row)
    await log.settle(row, "sent", message_id=555)
    await log.settle(row, "failed", detail="late news")  # ignored: already sent
    stored = await log.get(1, "ds:film", "release")
    assert stored is not None
    assert (stored.state, stored.message_id, stored.detail) == ("sent", 555, None)


async def test_the_log_survives_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "fandex.sqlite3"
    first = await open_database(path)
    await AnnouncementLog(first).insert(pending())
    await first.close()
    second = await open_database(path)
    try:
        stored = await AnnouncementLog(second).get(1, "ds:film", "release")
    finally:
        await second.close()
    assert stored is not None and stored.state == "pending" and stored.nonce == pending().nonce
