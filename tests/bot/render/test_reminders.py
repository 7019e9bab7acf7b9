"""What reminders say, within Discord's limits whatever the titles: the choice, the confirmation, the DM
and /me reminders with the most it can list; a server's own titles escaped."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.countdown import CountdownEvent
from bot.domain.dates import PartialDate
from bot.domain.reminders import MAX_PENDING, Reminder
from bot.render.reminders import (
    already_text,
    choose_text,
    confirmed_text,
    dm_content,
    dm_embed,
    reminders_embed,
    reminders_summary,
)

NOW = datetime(2027, 3, 12, 19, 0, tzinfo=UTC)
START = datetime(2027, 3, 12, 20, 0, tzinfo=UTC)
HOSTILE = "@everyone <@123456789012345678> **bold** " + "🎉" * 60


def server_event(title: str = HOSTILE) -> CountdownEvent:
    return CountdownEvent(
        key="guild:1", title=title, date=PartialDate.parse("2027-03-12T20:00 UTC"), status=None
    )


def reminder(**changes: object) -> Reminder:
    base = Reminder(
        id=1,
        user_id=2,
        event_key="guild:1",
        event_title=HOSTILE,
        lead="start",
        starts_at=START,
        due_at=START,
        zone="UTC",
        guild_id=3,
        channel_id=4,
        state="pending",
        next_try_at=START,
        created_at=NOW,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_server_events_title_is_escaped_everywhere() -> None:
    event = server_event()
    texts = [
        choose_text(event, START, ZoneInfo("UTC"), None),
        confirmed_text(reminder()),
        already_text(reminder()),
        dm_content(event, reminder(), NOW),
        reminders_embed([reminder()]).description or "",
    ]
    for text in texts:
        assert "@everyone" not in text and "<@1234" not in text and "**bold**" not in text, text
        assert len(text) <= 2000


def test_the_dm_says_what_when_and_where() -> None:
    event = server_event("Watch party")
    assert dm_content(event, reminder(), START) == "🔔 Reminder: **Watch party** is starting now."
    unix = int(START.timestamp())
    assert dm_content(event, reminder(), NOW) == f"🔔 Reminder: **Watch party** starts <t:{unix}:R>."
    late = dm_content(event, reminder(), START + timedelta(minutes=20))
    assert late == f"🔔 Reminder: **Watch party** started <t:{unix}:R>."
    embed = dm_embed(event, reminder(), NOW)
    assert len(embed) <= 6000
    fields = {f.name: f.value for f in embed.fields}
    assert fields["You asked in"] == "https://discord.com/channels/3/4"
    assert "You asked in" not in {f.name for f in dm_embed(event, reminder(guild_id=None), NOW).fields}


def test_the_longest_list_fits_one_embed() -> None:
    title = "A" * 300
    pending = [
        reminder(id=n, event_key=f"ds:e{n}", event_title=title, refusals=2, note="moved: " + "x" * 200)
        for n in range(MAX_PENDING)
    ]
    settled = [
        reminder(id=100 + n, state="failed", event_title=title, note="x" * 500, settled_at=NOW)
        for n in range(40)
    ]
    embed = reminders_embed([*pending, *settled])
    assert len(embed) <= 6000 and len(embed.description or "") <= 4096
    assert (embed.description or "").startswith("**1.**")
    assert "and" in (embed.description or "")[-40:]  # what does not fit is counted, not cut mid-line


def test_me_show_line() -> None:
    assert reminders_summary(2, 0).startswith("2 waiting: ")
    assert reminders_summary(0, 3).startswith(
        "3 earlier ones (sent, cancelled, failed or missed; kept 30 days): "
    )
