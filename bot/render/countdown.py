"""The /countdown answers, the announcement messages and the server-event replies of /config.

Every date is shown to the precision the source gives: an exact time as Discord timestamps (each reader
sees their own zone and language), a day with the zone its days are counted in, a month or a year as
"expected …" and never a made-up day. Statuses other than confirmed are always labelled.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import discord

from bot.domain.countdown import MAX_SERVER_EVENTS, PAST_EVENT_KEPT, CountdownEvent, ServerEvent, period
from bot.domain.dates import long_date
from bot.domain.server_events import ServerEventBook
from bot.domain.settings import GuildSettings, ZoneOwner
from bot.domain.text import escape_user_text, truncate
from bot.render.common import (
    BRAND_COLOUR,
    CHOICE_LIMIT,
    CHOICE_TEXT_LIMIT,
    FIELD_VALUE_LIMIT,
    choice_text,
    fit_embed,
    join_lines,
    source_links,
    status_label,
    timestamp,
)
from bot.render.settings import announcements_text

RUMOUR_COLOUR = discord.Colour(0x95A5A6)
SERVER_EVENT_LABEL = "🏠 This server's own event (added by its moderators)"
CHOICE_STATUS_SUFFIXES = {"announced": " (announced)", "rumoured": " (rumour)"}


def _plural(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def duration_text(delta: timedelta) -> str:
    """A countdown in the two largest units: "3 days, 4 hours", "5 hours, 12 minutes", "12 minutes"."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _plural(days, "day") + (f", {_plural(hours, 'hour')}" if hours else "")
    if hours:
        return _plural(hours, "hour") + (f", {_plural(minutes, 'minute')}" if minutes else "")
    return _plural(minutes, "minute") if minutes else "less than a minute"


_ZONE_OWNERS = {"server": ", this server's time zone", "fan": ", your time zone"}


def zone_note(zone: ZoneInfo, *, owner: ZoneOwner) -> str:
    return f"days counted in {zone.key}" + (_ZONE_OWNERS[owner] if owner else "")


def _period_label(event: CountdownEvent) -> str:
    value = event.date
    assert value.year is not None
    if value.month is None:
        return str(value.year)
    return f"{calendar.month_name[value.month]} {value.year}"


def _ago_in_months(event: CountdownEvent, now: datetime, zone: ZoneInfo) -> str:
    local = now.astimezone(zone)
    value = event.date
    assert value.year is not None
    if value.month is None:
        years = local.year - value.year
        return "last year" if years == 1 else f"{years} years ago"
    months = (local.year - value.year) * 12 + local.month - value.month
    if months < 12:
        return "last month" if months == 1 else f"{months} months ago"
    return f"about {_plural(months // 12, 'year')} ago"


def _as_of(event: CountdownEvent, now: datetime) -> str:
    """ " (as of 3 July 2026)" on an unconfirmed claim once the dataset's facts are older than today."""
    if event.status in (None, "confirmed") or event.verified_on is None:
        return ""
    if now.date() <= event.verified_on:
        return ""
    return f" (as of {long_date(event.verified_on)})"


def when_lines(
    event: CountdownEvent, now: datetime, zone: ZoneInfo, *, zone_owner: ZoneOwner = "server"
) -> list[str]:
    """The date, and how long to go or how long ago, to the precision the source gives.

    An unconfirmed date is dated "as of" the day the facts were checked; one whose window is over is
    told as "was expected", never as a release that happened.
    """
    bounds = period(event.date, zone)
    as_of = _as_of(event, now)
    if bounds is None:
        return [f"📅 No date known yet{as_of}."]
    if event.status in ("announced", "rumoured") and bounds[1] <= now and event.verified_on is not None:
        verb = "Was rumoured for" if event.is_rumour else "Was expected"
        return [
            f"📅 {verb} **{event.date.human()}**; this dataset has no later news "
            f"(facts verified {long_date(event.verified_on)})."
        ]
    precision = event.date.precision
    if precision == "time":
        moment = bounds[0]
        lines = [f"📅 **{timestamp(moment, 'F')}** ({timestamp(moment, 'R')}){as_of}"]
        if moment > now:
            lines.append(f"⏳ {duration_text(moment - now)} to go")
        return lines
    if precision == "day":
        value = event.date
        assert value.year is not None and value.month is not None and value.day is not None
        day = date(value.year, value.month, value.day)
        days = (day - now.astimezone(zone).date()).days
        label = f"📅 **{long_date(day, weekday=True)}**"
        note = zone_note(zone, owner=zone_owner)
        if days > 0:
            return [label + as_of, f"⏳ {_plural(days, 'day')} to go ({note})"]
        if days == 0:
            return [label, f"🎉 That's today ({note})"]
        ago = "yesterday" if days == -1 else f"{-days} days ago"
        return [f"{label}, {ago} ({note})"]
    # month or year: never a day the source does not give
    label = _period_label(event)
    if now < bounds[1]:
        verb = "Rumoured for" if event.is_rumour else "Expected"
        return [f"📅 {verb} **{label}**; no exact date announced yet{as_of}."]
    return [f"📅 **{label}** (no exact date known), {_ago_in_months(event, now, zone)}."]


def status_text(event: CountdownEvent) -> str:
    return SERVER_EVENT_LABEL if event.status is None else status_label(event.status)


def _status_banner(event: CountdownEvent) -> list[str]:
    if event.is_rumour:
        return ["❓ **Unconfirmed rumour, not a fact.** Treat it with care."]
    if event.status == "announced":
        return ["📣 **Announced, not yet confirmed.**"]
    return []


def _add_details(embed: discord.Embed, event: CountdownEvent) -> None:
    embed.add_field(name="Status", value=status_text(event), inline=False)
    if event.note:
        embed.add_field(name="Note", value=truncate(event.note, FIELD_VALUE_LIMIT), inline=False)
    if event.sources:
        embed.add_field(name="Sources", value=source_links(event.sources), inline=False)
    elif event.unreliable_sources:
        embed.add_field(
            name="Sources", value="Only unreliable pages report this, so none is linked.", inline=False
        )


def event_title(event: CountdownEvent) -> str:
    return f"❓ Rumour: {event.safe_title}" if event.is_rumour else event.safe_title


def countdown_embed(
    event: CountdownEvent, now: datetime, zone: ZoneInfo, *, zone_owner: ZoneOwner = "server"
) -> discord.Embed:
    embed = discord.Embed(
        title=event_title(event),
        description="\n".join([*_status_banner(event), *when_lines(event, now, zone, zone_owner=zone_owner)]),
        colour=RUMOUR_COLOUR if event.is_rumour else BRAND_COLOUR,
    )
    _add_details(embed, event)
    return fit_embed(embed)


def nothing_upcoming_embed(
    recent: CountdownEvent | None,
    now: datetime,
    zone: ZoneInfo,
    *,
    zone_owner: ZoneOwner = "server",
    overdue: Sequence[CountdownEvent] = (),
) -> discord.Embed:
    lines = ["No upcoming release is known yet."]
    for event in overdue[:3]:
        lines += ["", f"**{event.safe_title}**:", *when_lines(event, now, zone, zone_owner=zone_owner)]
    if recent is not None:
        lines += ["", f"The most recent was **{recent.safe_title}**:"]
        lines += [*_status_banner(recent), *when_lines(recent, now, zone, zone_owner=zone_owner)]
    embed = discord.Embed(title="Nothing upcoming yet", description="\n".join(lines), colour=BRAND_COLOUR)
    if recent is not None:
        _add_details(embed, recent)
    return fit_embed(embed)


def short_date(event: CountdownEvent) -> str:
    value = event.date
    if value.precision == "time" and value.time is not None:
        return (
            f"{value.day} {calendar.month_abbr[value.month or 1]} {value.year}, {value.time:%H:%M} {value.tz}"
        )
    return value.human()


def event_choice_name(event: CountdownEvent, now: datetime, zone: ZoneInfo) -> str:
    """An autocomplete label, 1-100 characters, the date always visible: "⏳ Title · 17 April 2027"."""
    bounds = period(event.date, zone)
    marker = "⏳ " if bounds is not None and now < bounds[1] else ""
    suffix = f" · {short_date(event)}" + CHOICE_STATUS_SUFFIXES.get(event.status or "", "")
    title = truncate(event.title, max(100 - len(marker) - len(suffix), 10))
    return choice_text(f"{marker}{title}{suffix}")


def event_candidates_embed(query: str, events: Sequence[CountdownEvent], *, more: bool) -> discord.Embed:
    """ "Which one?" for an event name several events fit; the menu under it picks one."""
    lines = [
        f"• **{event.safe_title}** · {short_date(event)}{CHOICE_STATUS_SUFFIXES.get(event.status or '', '')}"
        for event in events
    ]
    if more:
        lines.append("…and more: type more of the name to narrow it down.")
    shown = escape_user_text(query, 60) or "that"
    embed = discord.Embed(
        title="Which one?",
        description=f"Several events match **{shown}**. Pick one below.\n\n" + "\n".join(lines),
        colour=BRAND_COLOUR,
    )
    return fit_embed(embed)


def event_options(
    events: Sequence[CountdownEvent], now: datetime, zone: ZoneInfo
) -> list[discord.SelectOption]:
    """The pick menu's options for an ambiguous /countdown event: the label has the date, the
    description the status."""
    return [
        discord.SelectOption(
            label=event_choice_name(event, now, zone),
            value=event.key,
            description=choice_text(status_text(event)),
        )
        for event in [e for e in events if len(e.key) <= CHOICE_TEXT_LIMIT][:CHOICE_LIMIT]
    ]


# --------------------------------------------------------------------------------------------
# Announcements
# --------------------------------------------------------------------------------------------


def announcement_content(
    event: CountdownEvent,
    kind: Literal["reminder", "release"],
    role_id: int | None,
    now: datetime,
    zone: ZoneInfo,
) -> str:
    """The message text: the role ping (if any) first, then what is happening."""
    ping = f"<@&{role_id}> " if role_id is not None else ""
    title = f"**{event.safe_title}**"
    if kind == "release":
        body = f"🎉 It's time: {title}" if event.date.precision == "time" else f"🎉 Today: {title}"
    else:
        bounds = period(event.date, zone)
        assert bounds is not None
        if event.date.precision == "time":
            when = timestamp(bounds[0], "R")
        else:
            days = (bounds[0].astimezone(zone).date() - now.astimezone(zone).date()).days
            when = "tomorrow" if days == 1 else f"in {days} days"
        body = f"⏰ Reminder: {title}, {when}"
    if event.status == "announced":
        body += " (the date is announced, not yet confirmed)"
    return truncate(ping + body, 2000)


def reference_tag(reference: str) -> str:
    """How an announcement's footer ends, so a later run can recognise the post in the channel's history."""
    return f"ref {reference}"


def announcement_embed(
    event: CountdownEvent,
    kind: Literal["reminder", "release"],
    now: datetime,
    zone: ZoneInfo,
    *,
    reference: str | None = None,
) -> discord.Embed:
    """The embed of an announcement; `reference` (from bot.announcer) ends its footer, small and quiet."""
    embed = countdown_embed(event, now, zone)
    label = "Fandex reminder" if kind == "reminder" else "Fandex release-day announcement"
    embed.set_footer(text=label if reference is None else f"{label} · {reference_tag(reference)}")
    return embed


# --------------------------------------------------------------------------------------------
# A server's own events in /config
# --------------------------------------------------------------------------------------------


def server_event_when(event: ServerEvent) -> str:
    value = event.date
    assert value.year is not None and value.month is not None and value.day is not None
    text = long_date(date(value.year, value.month, value.day), weekday=True)
    if value.time is not None:
        text += f", {value.time:%H:%M} ({value.tz})"
    return text


def server_event_choice_name(event: ServerEvent, *, past: bool) -> str:
    """An autocomplete label, the date always visible: "Watch party · Saturday 17 April 2027", and
    "(past)" once it has happened."""
    suffix = f" · {server_event_when(event)}" + (" (past)" if past else "")
    return choice_text(truncate(event.name, max(100 - len(suffix), 10)) + suffix)


def server_events_fields(book: ServerEventBook, zone: ZoneInfo) -> list[tuple[str, str]]:
    """The /config show fields for the server's own events: the upcoming ones with the count against the
    limit, and the past ones still listed (if any), each within a field's 1024 characters. `zone`: the
    server's, in which a day-only event ends."""
    upcoming = [f"• **{e.as_countdown_event().safe_title}**: {server_event_when(e)}" for e in book.upcoming]
    name = f"This server's events ({len(book.upcoming)}/{MAX_SERVER_EVENTS} upcoming)"
    if not upcoming:
        upcoming = [f"None{' upcoming' if book.past else ''}. Add one with `/config event-add`."]
    fields = [(name, join_lines(upcoming))]
    if book.past:
        past = [
            f"• **{e.as_countdown_event().safe_title}**: {server_event_when(e)} · "
            f"removed {timestamp(e.removed_at(zone), 'R')}"
            for e in book.past
        ]
        name = f"Past events ({len(book.past)}), listed for {PAST_EVENT_KEPT.days} days after they end"
        fields.append((name, join_lines(past)))
    return fields


def event_added_text(event: ServerEvent, *, scheduled_note: str | None, announcements_on: bool) -> str:
    safe = event.as_countdown_event().safe_title
    text = f"Added **{safe}** on {server_event_when(event)}."
    if event.date.time is None:
        text += " Its day is counted in this server's time zone."
    text += (
        " It will be announced in the announcement channel."
        if announcements_on
        else " Turn on `/config announcements` to have it announced."
    )
    if scheduled_note:
        text += f"\n{scheduled_note}"
    return text


def event_removed_text(event: ServerEvent, *, scheduled_note: str | None) -> str:
    text = f"Removed **{event.as_countdown_event().safe_title}** ({server_event_when(event)})."
    if scheduled_note:
        text += f"\n{scheduled_note}"
    return text


def announcements_saved_text(settings: GuildSettings, warnings: Sequence[str]) -> str:
    text = f"Release-day announcements are on. {announcements_text(settings)}"
    text += (
        " A day-only release is announced at 09:00 in this server's time zone; an exact time, at that time."
    )
    for warning in warnings:
        text += f"\n⚠️ {warning}"
    return text
