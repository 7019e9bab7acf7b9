""" "🔔 Remind me": the private choice and confirmation, the reminder's DM, and /me reminders (pure).

Every time is a Discord timestamp, so each fan reads it in their own zone; a day-only event says which
zone its 00:00 is counted in. A server event's title is its moderators' text and is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import discord

from bot.domain.countdown import SERVER_KEY_PREFIX, CountdownEvent
from bot.domain.dates import long_date
from bot.domain.i18n import ENGLISH, N_, Words
from bot.domain.reminders import (
    KEEP_SETTLED,
    MAX_PENDING,
    MAX_REFUSALS,
    GoneReason,
    Lead,
    Reminder,
)
from bot.domain.settings import ZoneOwner
from bot.domain.text import escape_user_text, truncate
from bot.render.common import BRAND_COLOUR, EMBED_DESCRIPTION_LIMIT, fit_embed, join_lines, timestamp
from bot.render.countdown import event_title, status_text, when_lines

BUTTON_LABEL = N_("Remind me")  # in the answer's language; the flow in the clicker's (the DM in English)
BUTTON_EMOJI = "🔔"
LEAD_LABELS: dict[Lead, str] = {
    "start": N_("When it starts"),
    "1h": N_("1 hour before"),
    "1d": N_("1 day before"),
    "1w": N_("1 week before"),
}
# A lead inside a sentence (the label in lower case, in English).
LEAD_PHRASES: dict[Lead, str] = {
    "start": N_("when it starts"),
    "1h": N_("1 hour before"),
    "1d": N_("1 day before"),
    "1w": N_("1 week before"),
}
# When the DM comes, as the confirmation says it.
CONFIRMED_LEADS: dict[Lead, str] = {
    "start": N_("when it starts"),
    "1h": N_("1 hour before it starts"),
    "1d": N_("1 day before it starts"),
    "1w": N_("1 week before it starts"),
}
SETTLED_SHOWN = 10  # /me reminders lists at most this many settled reminders, the latest

GONE_TEXT = N_("That event is no longer here (it was removed, or the dataset changed): run /countdown again.")
NOT_YOURS_TEXT = N_(
    "This is someone else's reminder: only the fan who set it can cancel it. Yours are under `/me reminders`."
)
CANCEL_GONE_TEXT = N_(
    "That reminder is no longer waiting (sent, cancelled or forgotten). `/me reminders` shows yours."
)
NO_REMINDERS = N_("You have no reminders. Press 🔔 Remind me under a `/countdown` answer to set one.")


def reminder_title(reminder: Reminder) -> str:
    """The title stored with the reminder, ready for markdown (a server's own event is user text)."""
    title = reminder.event_title
    return escape_user_text(title, 100) if reminder.event_key.startswith(SERVER_KEY_PREFIX) else title


def _zone_suffix(owner: ZoneOwner, tr: Words) -> str:
    if owner == "fan":
        return tr(", your time zone")
    if owner == "server":
        return tr(", this server's time zone (yours: `/me timezone`)")
    return tr(" (yours: `/me timezone`)")


def starts_text(
    event: CountdownEvent, starts_at: datetime, zone: ZoneInfo, owner: ZoneOwner, tr: Words = ENGLISH
) -> str:
    """When a reminder counts the event's start from: the instant, or 00:00 of its day in `zone`."""
    if event.date.precision == "time":
        return f"{timestamp(starts_at, 'F')} ({timestamp(starts_at, 'R')})"
    day = starts_at.astimezone(zone).date()
    return tr(
        "on **{day}**, from 00:00 in {zone}{suffix}",
        day=tr.day(day, weekday=True),
        zone=zone.key,
        suffix=_zone_suffix(owner, tr),
    )


def choose_text(
    event: CountdownEvent, starts_at: datetime, zone: ZoneInfo, owner: ZoneOwner, tr: Words = ENGLISH
) -> str:
    return truncate(
        tr(
            "🔔 When should I remind you of **{title}**? It starts {starts}. "
            "I'll send you one DM at the time you pick.",
            title=event.safe_title,
            starts=starts_text(event, starts_at, zone, owner, tr),
        ),
        2000,
    )


def no_day_text(event: CountdownEvent, tr: Words = ENGLISH) -> str:
    return tr(
        "**{title}** has no day yet ({date}), so there is no moment to remind you of. "
        "Try again once its day is known.",
        title=event.safe_title,
        date=tr.human(event.date),
    )


def started_text(event: CountdownEvent, tr: Words = ENGLISH) -> str:
    return tr(
        "**{title}** has already started: there is nothing left to remind you of.", title=event.safe_title
    )


def lead_passed_text(lead: Lead, tr: Words = ENGLISH) -> str:
    return tr(
        "{lead} has already passed: pick another time, or run /countdown again.", lead=tr(LEAD_LABELS[lead])
    )


def too_many_text(pending: int, tr: Words = ENGLISH) -> str:
    return tr(
        "You have {n} reminders waiting, the most you can have ({most}). Cancel one with "
        "`/me reminders` first.",
        n=pending,
        most=MAX_PENDING,
    )


def _due_text(reminder: Reminder) -> str:
    return f"{timestamp(reminder.due_at, 'F')} ({timestamp(reminder.due_at, 'R')})"


def already_text(reminder: Reminder, tr: Words = ENGLISH) -> str:
    return tr(
        "You already have that reminder: **{title}**, {lead}, {due}. `/me reminders` lists yours.",
        title=reminder_title(reminder),
        lead=tr(LEAD_PHRASES[reminder.lead]),
        due=_due_text(reminder),
    )


def confirmed_text(reminder: Reminder, tr: Words = ENGLISH) -> str:
    return truncate(
        tr(
            "🔔 Done: I'll DM you about **{title}** {lead}, {due}. "
            "Make sure Fandex may DM you (your privacy settings for the server or the app). `/me reminders` "
            "lists your reminders and cancels them.",
            title=reminder_title(reminder),
            lead=tr(CONFIRMED_LEADS[reminder.lead]),
            due=_due_text(reminder),
        ),
        2000,
    )


def cancelled_text(reminder: Reminder, tr: Words = ENGLISH) -> str:
    return tr(
        "Cancelled: no DM about **{title}** ({lead}).",
        title=reminder_title(reminder),
        lead=tr(LEAD_PHRASES[reminder.lead]),
    )


# -- notes stored with a reminder (at most 500 characters; no titles, which the listing shows anyway) ----

GONE_NOTES: dict[GoneReason, str] = {
    "removed-server": "the server's moderators removed this event",
    "removed-dataset": "this event is no longer in Fandex's dataset",
    "no-day": "its date is no longer known to the day",
}
REFUSED_NOTE = f"couldn't reach you: your DMs were closed to Fandex ({MAX_REFUSALS} tries)"
MISSED_NOTE = "missed: Fandex was offline until after the event had started"


def moved_note(old_start: datetime, new_start: datetime) -> str:
    return f"moved: the event now starts {timestamp(new_start, 'f')} (it was {timestamp(old_start, 'f')})"


def start_passed_note(new_start: datetime) -> str:
    return f"the event was moved to {timestamp(new_start, 'f')}, which has passed"


def refused_note(detail: str) -> str:
    return truncate(f"Discord refused the DM: {detail}", 500)


# -- the DM ------------------------------------------------------------------------------------------


def reference_tag(reference: str) -> str:
    """How a reminder DM's footer ends, so a later try can recognise it in the DM's history."""
    return f"ref {reference}"


def dm_content(event: CountdownEvent, reminder: Reminder, now: datetime) -> str:
    """The DM's first line: what, and how soon."""
    title = f"**{event.safe_title}**"
    start = reminder.starts_at
    if event.date.precision == "day":
        local_today = now.astimezone(ZoneInfo(reminder.zone)).date()
        day = start.astimezone(ZoneInfo(reminder.zone)).date()
        if day > local_today:
            when = f"is on {long_date(day, weekday=True)} ({timestamp(start, 'R')})"
        else:
            when = "is today" if day == local_today else f"was on {long_date(day, weekday=True)}"
    elif abs(start - now) < timedelta(minutes=1):
        when = "is starting now"
    else:
        when = f"{'starts' if start > now else 'started'} {timestamp(start, 'R')}"
    return truncate(f"🔔 Reminder: {title} {when}.", 2000)


def asked_in_link(reminder: Reminder) -> str | None:
    if reminder.guild_id is None or reminder.channel_id is None:
        return None
    return f"https://discord.com/channels/{reminder.guild_id}/{reminder.channel_id}"


def dm_embed(event: CountdownEvent, reminder: Reminder, now: datetime) -> discord.Embed:
    embed = discord.Embed(
        title=event_title(event),
        description="\n".join(when_lines(event, now, ZoneInfo(reminder.zone), zone_owner=None)),
        colour=BRAND_COLOUR,
    )
    embed.add_field(name="Status", value=status_text(event), inline=False)
    embed.add_field(name="Your reminder", value=LEAD_LABELS[reminder.lead], inline=True)
    if (link := asked_in_link(reminder)) is not None:
        embed.add_field(name="You asked in", value=link, inline=True)
    tag = reference_tag(reminder.reference)
    embed.set_footer(text=f"Fandex reminder · /me reminders lists yours · {tag}")
    return fit_embed(embed)


# -- /me reminders and /me show ----------------------------------------------------------------------


def _settled_line(reminder: Reminder, tr: Words) -> str:
    title = reminder_title(reminder)
    lead = tr(LEAD_PHRASES[reminder.lead])
    when = timestamp(reminder.settled_at, "f") if reminder.settled_at else ""
    if reminder.state == "sent":
        return tr("✅ **{title}** · {lead} · sent {when}", title=title, lead=lead, when=when)
    # A stored note stays as it was stored (English, like the DM); the words around it are translated.
    if reminder.state == "failed":
        return f"❌ **{title}** · {lead} · {reminder.note or REFUSED_NOTE}"
    if reminder.state == "missed":
        return f"⌛ **{title}** · {lead} · {reminder.note or MISSED_NOTE}"
    note = reminder.note or tr("the event changed")
    return tr("🚫 **{title}** · {lead} · cancelled: {note}", title=title, lead=lead, note=note)


def _pending_line(number: int, reminder: Reminder, tr: Words) -> str:
    line = (
        f"**{number}.** **{reminder_title(reminder)}** · {tr(LEAD_PHRASES[reminder.lead])} · "
        f"{timestamp(reminder.due_at, 'f')} ({timestamp(reminder.due_at, 'R')})"
    )
    if reminder.refusals:
        line += "\n   " + tr(
            "⚠️ your DMs refused it {n} of {most} times; next try {when}",
            n=reminder.refusals,
            most=MAX_REFUSALS,
            when=timestamp(reminder.next_try_at, "R"),
        )
    if reminder.note:
        line += f"\n   ↪ {reminder.note}"
    return line


def reminders_embed(reminders: Sequence[Reminder], tr: Words = ENGLISH) -> discord.Embed:
    """The fan's reminders: those waiting, numbered like their cancel buttons, then the latest settled."""
    pending = [r for r in reminders if r.state == "pending"]
    settled = [r for r in reminders if r.state != "pending"][:SETTLED_SHOWN]
    embed = discord.Embed(title=tr("Your reminders"), colour=BRAND_COLOUR)
    if not pending and not settled:
        embed.description = tr(NO_REMINDERS)
        return embed
    lines = [_pending_line(number, r, tr) for number, r in enumerate(pending, 1)] or [tr("None waiting.")]
    if settled:
        lines += ["", tr("**Earlier**"), *(_settled_line(r, tr) for r in settled)]
    embed.description = join_lines(lines, EMBED_DESCRIPTION_LIMIT, tr)
    embed.set_footer(
        text=tr(
            "Only you can see this. {n}/{most} waiting; the buttons cancel them. "
            "Settled reminders are deleted {days} days later; /me forget deletes all of them now.",
            n=len(pending),
            most=MAX_PENDING,
            days=KEEP_SETTLED.days,
        )
    )
    return fit_embed(embed)


def cancel_label(number: int, tr: Words = ENGLISH) -> str:
    return tr("Cancel {n}", n=number)


REMINDERS_FIELD = N_("Reminders")


def reminders_summary(pending: int, settled: int, tr: Words = ENGLISH) -> str:
    """The /me show line: what is kept about the fan's reminders."""
    parts = [tr("{n} waiting", n=pending)] if pending else []
    if settled:
        parts.append(
            tr.plural(
                settled,
                "{n} earlier one (sent, cancelled, failed or missed; kept {days} days)",
                "{n} earlier ones (sent, cancelled, failed or missed; kept {days} days)",
                days=KEEP_SETTLED.days,
            )
        )
    return tr(
        "{parts}: each keeps the event, when to DM you and where you asked. `/me reminders` lists them.",
        parts=", ".join(parts),
    )
