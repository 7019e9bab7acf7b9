"""The server-event replies of /config: its own events listed, added and removed, and the
announcement settings saved."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from bot.domain.countdown import MAX_SERVER_EVENTS, PAST_EVENT_KEPT, ServerEvent
from bot.domain.i18n import ENGLISH, Words
from bot.domain.server_events import ServerEventBook
from bot.domain.settings import GuildSettings
from bot.domain.text import truncate
from bot.render.common import choice_text, join_lines, timestamp
from bot.render.settings import announcements_text


def server_event_when(event: ServerEvent, tr: Words = ENGLISH) -> str:
    value = event.date
    assert value.year is not None and value.month is not None and value.day is not None
    text = tr.day(date(value.year, value.month, value.day), weekday=True)
    if value.time is not None:
        text += f", {value.time:%H:%M} ({value.tz})"
    return text


def server_event_choice_name(event: ServerEvent, *, past: bool, tr: Words = ENGLISH) -> str:
    """An autocomplete label, the date always visible: "Watch party · Saturday 17 April 2027", and
    "(past)" once it has happened."""
    suffix = f" · {server_event_when(event, tr)}" + (tr(" (past)") if past else "")
    return choice_text(truncate(event.name, max(100 - len(suffix), 10)) + suffix)


def server_events_fields(book: ServerEventBook, zone: ZoneInfo, tr: Words = ENGLISH) -> list[tuple[str, str]]:
    """The /config show fields for the server's own events: the upcoming ones with the count against the
    limit, and the past ones still listed (if any), each within a field's 1024 characters. `zone`: the
    server's, in which a day-only event ends."""
    upcoming = [
        f"• **{e.as_countdown_event().safe_title}**: {server_event_when(e, tr)}" for e in book.upcoming
    ]
    name = tr(
        "This server's events ({count}/{limit} upcoming)", count=len(book.upcoming), limit=MAX_SERVER_EVENTS
    )
    if not upcoming:
        if book.past:
            upcoming = [tr("None upcoming. Add one with `/config event-add`.")]
        else:
            upcoming = [tr("None. Add one with `/config event-add`.")]
    fields = [(name, join_lines(upcoming, tr=tr))]
    if book.past:
        past = [
            tr(
                "• **{title}**: {when} · removed {removed}",
                title=e.as_countdown_event().safe_title,
                when=server_event_when(e, tr),
                removed=timestamp(e.removed_at(zone), "R"),
            )
            for e in book.past
        ]
        name = tr(
            "Past events ({count}), listed for {days} days after they end",
            count=len(book.past),
            days=PAST_EVENT_KEPT.days,
        )
        fields.append((name, join_lines(past, tr=tr)))
    return fields


def event_added_text(
    event: ServerEvent, *, scheduled_note: str | None, announcements_on: bool, tr: Words = ENGLISH
) -> str:
    safe = event.as_countdown_event().safe_title
    text = tr("Added **{title}** on {when}.", title=safe, when=server_event_when(event, tr))
    if event.date.time is None:
        text += tr(" Its day is counted in this server's time zone.")
    text += (
        tr(" It will be announced in the announcement channel.")
        if announcements_on
        else tr(" Turn on `/config announcements` to have it announced.")
    )
    if scheduled_note:
        text += f"\n{scheduled_note}"
    return text


def event_removed_text(event: ServerEvent, *, scheduled_note: str | None, tr: Words = ENGLISH) -> str:
    text = tr(
        "Removed **{title}** ({when}).",
        title=event.as_countdown_event().safe_title,
        when=server_event_when(event, tr),
    )
    if scheduled_note:
        text += f"\n{scheduled_note}"
    return text


def announcements_saved_text(settings: GuildSettings, warnings: Sequence[str], tr: Words = ENGLISH) -> str:
    text = tr("Release-day announcements are on. {details}", details=announcements_text(settings, tr))
    text += tr(
        " A day-only release is announced at 09:00 in this server's time zone; an exact time, at that time."
    )
    for warning in warnings:
        text += f"\n⚠️ {warning}"
    return text
