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

from bot.domain.countdown import CountdownEvent, period
from bot.domain.i18n import ENGLISH, N_, Words
from bot.domain.settings import ZoneOwner
from bot.domain.text import escape_user_text, truncate
from bot.render.common import (
    BRAND_COLOUR,
    CHOICE_LIMIT,
    CHOICE_TEXT_LIMIT,
    FIELD_VALUE_LIMIT,
    choice_text,
    fit_embed,
    source_links,
    status_label,
    timestamp,
)

RUMOUR_COLOUR = discord.Colour(0x95A5A6)
SERVER_EVENT_LABEL = N_("🏠 This server's own event (added by its moderators)")
CHOICE_STATUS_SUFFIXES = {"announced": N_(" (announced)"), "rumoured": N_(" (rumour)")}


def _status_suffix(event: CountdownEvent, tr: Words) -> str:
    suffix = CHOICE_STATUS_SUFFIXES.get(event.status or "")
    return tr(suffix) if suffix else ""


def duration_text(delta: timedelta, tr: Words = ENGLISH) -> str:
    """A countdown in the two largest units: "3 days, 4 hours", "5 hours, 12 minutes", "12 minutes"."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    hours_text = tr.plural(hours, "{n} hour", "{n} hours")
    if days:
        return tr.plural(days, "{n} day", "{n} days") + (f", {hours_text}" if hours else "")
    minutes_text = tr.plural(minutes, "{n} minute", "{n} minutes")
    if hours:
        return hours_text + (f", {minutes_text}" if minutes else "")
    return minutes_text if minutes else tr("less than a minute")


def zone_note(zone: ZoneInfo, *, owner: ZoneOwner, tr: Words = ENGLISH) -> str:
    if owner == "server":
        return tr("days counted in {zone}, this server's time zone", zone=zone.key)
    if owner == "fan":
        return tr("days counted in {zone}, your time zone", zone=zone.key)
    return tr("days counted in {zone}", zone=zone.key)


def _period_label(event: CountdownEvent, tr: Words) -> str:
    value = event.date
    assert value.year is not None
    if value.month is None:
        return str(value.year)
    if tr.is_english:
        return f"{calendar.month_name[value.month]} {value.year}"
    return tr.month(value.year, value.month)


def _ago_in_months(event: CountdownEvent, now: datetime, zone: ZoneInfo, tr: Words) -> str:
    local = now.astimezone(zone)
    value = event.date
    assert value.year is not None
    if value.month is None:
        years = local.year - value.year
        return tr("last year") if years == 1 else tr("{n} years ago", n=years)
    months = (local.year - value.year) * 12 + local.month - value.month
    if months < 12:
        return tr("last month") if months == 1 else tr("{n} months ago", n=months)
    return tr.plural(months // 12, "about {n} year ago", "about {n} years ago")


def _as_of(event: CountdownEvent, now: datetime, tr: Words) -> str:
    """ " (as of 3 July 2026)" on an unconfirmed claim once the dataset's facts are older than today."""
    if event.status in (None, "confirmed") or event.verified_on is None:
        return ""
    if now.date() <= event.verified_on:
        return ""
    return tr(" (as of {date})", date=tr.day(event.verified_on))


def when_lines(
    event: CountdownEvent,
    now: datetime,
    zone: ZoneInfo,
    *,
    zone_owner: ZoneOwner = "server",
    tr: Words = ENGLISH,
) -> list[str]:
    """The date, and how long to go or how long ago, to the precision the source gives.

    An unconfirmed date is dated "as of" the day the facts were checked; one whose window is over is
    told as "was expected", never as a release that happened.
    """
    bounds = period(event.date, zone)
    as_of = _as_of(event, now, tr)
    if bounds is None:
        return [tr("📅 No date known yet{as_of}.", as_of=as_of)]
    if event.status in ("announced", "rumoured") and bounds[1] <= now and event.verified_on is not None:
        told, verified = tr.human(event.date), tr.day(event.verified_on)
        if event.is_rumour:
            return [
                tr(
                    "📅 Was rumoured for **{date}**; this dataset has no later news "
                    "(facts verified {verified}).",
                    date=told,
                    verified=verified,
                )
            ]
        return [
            tr(
                "📅 Was expected **{date}**; this dataset has no later news (facts verified {verified}).",
                date=told,
                verified=verified,
            )
        ]
    precision = event.date.precision
    if precision == "time":
        moment = bounds[0]
        lines = [f"📅 **{timestamp(moment, 'F')}** ({timestamp(moment, 'R')}){as_of}"]
        if moment > now:
            lines.append(tr("⏳ {duration} to go", duration=duration_text(moment - now, tr)))
        return lines
    if precision == "day":
        value = event.date
        assert value.year is not None and value.month is not None and value.day is not None
        day = date(value.year, value.month, value.day)
        days = (day - now.astimezone(zone).date()).days
        label = f"📅 **{tr.day(day, weekday=True)}**"
        note = zone_note(zone, owner=zone_owner, tr=tr)
        if days > 0:
            return [
                label + as_of,
                tr.plural(days, "⏳ {n} day to go ({note})", "⏳ {n} days to go ({note})", note=note),
            ]
        if days == 0:
            return [label, tr("🎉 That's today ({note})", note=note)]
        if days == -1:
            return [tr("{label}, yesterday ({note})", label=label, note=note)]
        return [tr("{label}, {n} days ago ({note})", label=label, n=-days, note=note)]
    # month or year: never a day the source does not give
    label = _period_label(event, tr)
    if now < bounds[1]:
        if event.is_rumour:
            return [
                tr("📅 Rumoured for **{date}**; no exact date announced yet{as_of}.", date=label, as_of=as_of)
            ]
        return [tr("📅 Expected **{date}**; no exact date announced yet{as_of}.", date=label, as_of=as_of)]
    return [
        tr(
            "📅 **{date}** (no exact date known), {ago}.",
            date=label,
            ago=_ago_in_months(event, now, zone, tr),
        )
    ]


def status_text(event: CountdownEvent, tr: Words = ENGLISH) -> str:
    return tr(SERVER_EVENT_LABEL) if event.status is None else status_label(event.status, tr)


def _status_banner(event: CountdownEvent, tr: Words) -> list[str]:
    if event.is_rumour:
        return [tr("❓ **Unconfirmed rumour, not a fact.** Treat it with care.")]
    if event.status == "announced":
        return [tr("📣 **Announced, not yet confirmed.**")]
    return []


def _add_details(embed: discord.Embed, event: CountdownEvent, tr: Words) -> None:
    embed.add_field(name=tr("Status"), value=status_text(event, tr), inline=False)
    if event.note:
        embed.add_field(name=tr("Note"), value=truncate(event.note, FIELD_VALUE_LIMIT), inline=False)
    if event.sources:
        embed.add_field(name=tr("Sources"), value=source_links(event.sources, tr=tr), inline=False)
    elif event.unreliable_sources:
        embed.add_field(
            name=tr("Sources"),
            value=tr("Only unreliable pages report this, so none is linked."),
            inline=False,
        )


def event_title(event: CountdownEvent, tr: Words = ENGLISH) -> str:
    return tr("❓ Rumour: {title}", title=event.safe_title) if event.is_rumour else event.safe_title


def countdown_embed(
    event: CountdownEvent,
    now: datetime,
    zone: ZoneInfo,
    *,
    zone_owner: ZoneOwner = "server",
    tr: Words = ENGLISH,
) -> discord.Embed:
    lines = [*_status_banner(event, tr), *when_lines(event, now, zone, zone_owner=zone_owner, tr=tr)]
    embed = discord.Embed(
        title=event_title(event, tr),
        description="\n".join(lines),
        colour=RUMOUR_COLOUR if event.is_rumour else BRAND_COLOUR,
    )
    _add_details(embed, event, tr)
    return fit_embed(embed)


def nothing_upcoming_embed(
    recent: CountdownEvent | None,
    now: datetime,
    zone: ZoneInfo,
    *,
    zone_owner: ZoneOwner = "server",
    overdue: Sequence[CountdownEvent] = (),
    tr: Words = ENGLISH,
) -> discord.Embed:
    lines = [tr("No upcoming release is known yet.")]
    for event in overdue[:3]:
        lines += ["", f"**{event.safe_title}**:", *when_lines(event, now, zone, zone_owner=zone_owner, tr=tr)]
    if recent is not None:
        lines += ["", tr("The most recent was **{title}**:", title=recent.safe_title)]
        lines += [*_status_banner(recent, tr), *when_lines(recent, now, zone, zone_owner=zone_owner, tr=tr)]
    embed = discord.Embed(title=tr("Nothing upcoming yet"), description="\n".join(lines), colour=BRAND_COLOUR)
    if recent is not None:
        _add_details(embed, recent, tr)
    return fit_embed(embed)


def short_date(event: CountdownEvent, tr: Words = ENGLISH) -> str:
    value = event.date
    if value.precision == "time" and value.time is not None:
        if not tr.is_english:
            return tr.human(value)
        return (
            f"{value.day} {calendar.month_abbr[value.month or 1]} {value.year}, {value.time:%H:%M} {value.tz}"
        )
    return tr.human(value)


def event_choice_name(event: CountdownEvent, now: datetime, zone: ZoneInfo, tr: Words = ENGLISH) -> str:
    """An autocomplete label, 1-100 characters, the date always visible: "⏳ Title · 17 April 2027"."""
    bounds = period(event.date, zone)
    marker = "⏳ " if bounds is not None and now < bounds[1] else ""
    suffix = f" · {short_date(event, tr)}" + _status_suffix(event, tr)
    title = truncate(event.title, max(100 - len(marker) - len(suffix), 10))
    return choice_text(f"{marker}{title}{suffix}")


def event_candidates_embed(
    query: str, events: Sequence[CountdownEvent], *, more: bool, tr: Words = ENGLISH
) -> discord.Embed:
    """ "Which one?" for an event name several events fit; the menu under it picks one."""
    lines = [
        f"• **{event.safe_title}** · {short_date(event, tr)}{_status_suffix(event, tr)}" for event in events
    ]
    if more:
        lines.append(tr("…and more: type more of the name to narrow it down."))
    shown = escape_user_text(query, 60) or tr("that")
    embed = discord.Embed(
        title=tr("Which one?"),
        description=tr("Several events match **{query}**. Pick one below.", query=shown)
        + "\n\n"
        + "\n".join(lines),
        colour=BRAND_COLOUR,
    )
    return fit_embed(embed)


def event_options(
    events: Sequence[CountdownEvent], now: datetime, zone: ZoneInfo, tr: Words = ENGLISH
) -> list[discord.SelectOption]:
    """The pick menu's options for an ambiguous /countdown event: the label has the date, the
    description the status."""
    return [
        discord.SelectOption(
            label=event_choice_name(event, now, zone, tr),
            value=event.key,
            description=choice_text(status_text(event, tr)),
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
    tr: Words = ENGLISH,
) -> str:
    """The message text: the role ping (if any) first, then what is happening."""
    ping = f"<@&{role_id}> " if role_id is not None else ""
    title = f"**{event.safe_title}**"
    if kind == "release":
        if event.date.precision == "time":
            body = tr("🎉 It's time: {title}", title=title)
        else:
            body = tr("🎉 Today: {title}", title=title)
    else:
        bounds = period(event.date, zone)
        assert bounds is not None
        if event.date.precision == "time":
            when = timestamp(bounds[0], "R")
        else:
            days = (bounds[0].astimezone(zone).date() - now.astimezone(zone).date()).days
            when = tr("tomorrow") if days == 1 else tr("in {n} days", n=days)
        body = tr("⏰ Reminder: {title}, {when}", title=title, when=when)
    if event.status == "announced":
        body += tr(" (the date is announced, not yet confirmed)")
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
    tr: Words = ENGLISH,
) -> discord.Embed:
    """The embed of an announcement; `reference` (from bot.announcer) ends its footer, small and quiet."""
    embed = countdown_embed(event, now, zone, tr=tr)
    label = tr("Fandex reminder") if kind == "reminder" else tr("Fandex release-day announcement")
    embed.set_footer(text=label if reference is None else f"{label} · {reference_tag(reference)}")
    return embed
