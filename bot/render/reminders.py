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
from bot.domain.i18n import N_
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

BUTTON_LABEL = N_("Remind me")  # in the answer's language (its flow is still English: README)
BUTTON_EMOJI = "🔔"
LEAD_LABELS: dict[Lead, str] = {
    "start": "When it starts",
    "1h": "1 hour before",
    "1d": "1 day before",
    "1w": "1 week before",
}
SETTLED_SHOWN = 10  # /me reminders lists at most this many settled reminders, the latest

GONE_TEXT = "That event is no longer here (it was removed, or the dataset changed): run /countdown again."
NOT_YOURS_TEXT = (
    "This is someone else's reminder: only the fan who set it can cancel it. Yours are under `/me reminders`."
)
CANCEL_GONE_TEXT = (
    "That reminder is no longer waiting (sent, cancelled or forgotten). `/me reminders` shows yours."
)
NO_REMINDERS = "You have no reminders. Press 🔔 Remind me under a `/countdown` answer to set one."


def reminder_title(reminder: Reminder) -> str:
    """The title stored with the reminder, ready for markdown (a server's own event is user text)."""
    title = reminder.event_title
    return escape_user_text(title, 100) if reminder.event_key.startswith(SERVER_KEY_PREFIX) else title


def _zone_suffix(owner: ZoneOwner) -> str:
    if owner == "fan":
        return ", your time zone"
    if owner == "server":
        return ", this server's time zone (yours: `/me timezone`)"
    return " (yours: `/me timezone`)"


def starts_text(event: CountdownEvent, starts_at: datetime, zone: ZoneInfo, owner: ZoneOwner) -> str:
    """When a reminder counts the event's start from: the instant, or 00:00 of its day in `zone`."""
    if event.date.precision == "time":
        return f"{timestamp(starts_at, 'F')} ({timestamp(starts_at, 'R')})"
    day = starts_at.astimezone(zone).date()
    return f"on **{long_date(day, weekday=True)}**, from 00:00 in {zone.key}{_zone_suffix(owner)}"


def choose_text(event: CountdownEvent, starts_at: datetime, zone: ZoneInfo, owner: ZoneOwner) -> str:
    return truncate(
        f"🔔 When should I remind you of **{event.safe_title}**? It starts "
        f"{starts_text(event, starts_at, zone, owner)}. I'll send you one DM at the time you pick.",
        2000,
    )


def no_day_text(event: CountdownEvent) -> str:
    return (
        f"**{event.safe_title}** has no day yet ({event.date.human()}), so there is no moment to remind you "
        "of. Try again once its day is known."
    )


def started_text(event: CountdownEvent) -> str:
    return f"**{event.safe_title}** has already started: there is nothing left to remind you of."


def lead_passed_text(lead: Lead) -> str:
    return f"{LEAD_LABELS[lead]} has already passed: pick another time, or run /countdown again."


def too_many_text(pending: int) -> str:
    return (
        f"You have {pending} reminders waiting, the most you can have ({MAX_PENDING}). Cancel one with "
        "`/me reminders` first."
    )


def _due_text(reminder: Reminder) -> str:
    return f"{timestamp(reminder.due_at, 'F')} ({timestamp(reminder.due_at, 'R')})"


def already_text(reminder: Reminder) -> str:
    lead = LEAD_LABELS[reminder.lead].lower()
    return (
        f"You already have that reminder: **{reminder_title(reminder)}**, {lead}, {_due_text(reminder)}. "
        "`/me reminders` lists yours."
    )


def confirmed_text(reminder: Reminder) -> str:
    lead = "when it starts" if reminder.lead == "start" else LEAD_LABELS[reminder.lead].lower() + " it starts"
    return truncate(
        f"🔔 Done: I'll DM you about **{reminder_title(reminder)}** {lead}, {_due_text(reminder)}. "
        "Make sure Fandex may DM you (your privacy settings for the server or the app). `/me reminders` "
        "lists your reminders and cancels them.",
        2000,
    )


def cancelled_text(reminder: Reminder) -> str:
    return f"Cancelled: no DM about **{reminder_title(reminder)}** ({LEAD_LABELS[reminder.lead].lower()})."


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


def _settled_line(reminder: Reminder) -> str:
    title = reminder_title(reminder)
    lead = LEAD_LABELS[reminder.lead].lower()
    when = timestamp(reminder.settled_at, "f") if reminder.settled_at else ""
    if reminder.state == "sent":
        return f"✅ **{title}** · {lead} · sent {when}"
    if reminder.state == "failed":
        return f"❌ **{title}** · {lead} · {reminder.note or REFUSED_NOTE}"
    if reminder.state == "missed":
        return f"⌛ **{title}** · {lead} · {reminder.note or MISSED_NOTE}"
    return f"🚫 **{title}** · {lead} · cancelled: {reminder.note or 'the event changed'}"


def _pending_line(number: int, reminder: Reminder) -> str:
    line = (
        f"**{number}.** **{reminder_title(reminder)}** · {LEAD_LABELS[reminder.lead].lower()} · "
        f"{timestamp(reminder.due_at, 'f')} ({timestamp(reminder.due_at, 'R')})"
    )
    if reminder.refusals:
        line += (
            f"\n   ⚠️ your DMs refused it {reminder.refusals} of {MAX_REFUSALS} times; "
            f"next try {timestamp(reminder.next_try_at, 'R')}"
        )
    if reminder.note:
        line += f"\n   ↪ {reminder.note}"
    return line


def reminders_embed(reminders: Sequence[Reminder]) -> discord.Embed:
    """The fan's reminders: those waiting, numbered like their cancel buttons, then the latest settled."""
    pending = [r for r in reminders if r.state == "pending"]
    settled = [r for r in reminders if r.state != "pending"][:SETTLED_SHOWN]
    embed = discord.Embed(title="Your reminders", colour=BRAND_COLOUR)
    if not pending and not settled:
        embed.description = NO_REMINDERS
        return embed
    lines = [_pending_line(number, r) for number, r in enumerate(pending, 1)] or ["None waiting."]
    if settled:
        lines += ["", "**Earlier**", *(_settled_line(r) for r in settled)]
    embed.description = join_lines(lines, EMBED_DESCRIPTION_LIMIT)
    days = KEEP_SETTLED.days
    embed.set_footer(
        text=f"Only you can see this. {len(pending)}/{MAX_PENDING} waiting; the buttons cancel them. "
        f"Settled reminders are deleted {days} days later; /me forget deletes all of them now."
    )
    return fit_embed(embed)


def cancel_label(number: int) -> str:
    return f"Cancel {number}"


REMINDERS_FIELD = "Reminders"


def reminders_summary(pending: int, settled: int) -> str:
    """The /me show line: what is kept about the fan's reminders."""
    parts = [f"{pending} waiting"] if pending else []
    if settled:
        earlier = "1 earlier one" if settled == 1 else f"{settled} earlier ones"
        parts.append(f"{earlier} (sent, cancelled, failed or missed; kept {KEEP_SETTLED.days} days)")
    return (
        f"{', '.join(parts)}: each keeps the event, when to DM you and where you asked. "
        "`/me reminders` lists them."
    )
