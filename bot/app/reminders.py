""" "🔔 Remind me": the button under a /countdown answer, the private choice of when, and /me reminders.

Every button here is a DynamicItem whose custom_id says what it is about, so any process answers it,
after a restart too: `fx:remind:<event key>` (under the answer), `fx:remind-at:<lead>:<event key>` (the
private choice), `fx:remind-cancel:<reminder id>` (in /me reminders). Each click checks everything again
(the event is still there, the moment is still ahead, the fan's limit, whose reminder it is), so a stale or
forged custom_id gets a private answer saying why nothing happened. The event key is `ds:<dataset id>` or
`guild:<row id>`; a server's own event is looked for only in the server the click comes from.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.app.components import edit_with_view, send_with_view
from bot.app.language import private_words
from bot.app.limits import time_zone_for
from bot.app.reach import installed_server_id
from bot.app.replies import send_private
from bot.domain.countdown import DATASET_KEY_PREFIX, CountdownEvent, zone_of
from bot.domain.i18n import ENGLISH, Words
from bot.domain.reminders import (
    EVENT_KEY_PATTERN,
    LEADS,
    MAX_PENDING,
    Added,
    AlreadySet,
    Lead,
    Reminder,
    TooMany,
    event_start,
    open_leads,
    remindable,
)
from bot.domain.settings import ZoneOwner
from bot.render.reminders import (
    BUTTON_EMOJI,
    BUTTON_LABEL,
    CANCEL_GONE_TEXT,
    GONE_TEXT,
    LEAD_LABELS,
    NOT_YOURS_TEXT,
    already_text,
    cancel_label,
    cancelled_text,
    choose_text,
    confirmed_text,
    lead_passed_text,
    no_day_text,
    reminders_embed,
    started_text,
    too_many_text,
)
from bot.services.reminder_events import follow_events

if TYPE_CHECKING:
    from bot.app.client import FandexBot

log = logging.getLogger(__name__)

CUSTOM_ID_LIMIT = 100
_LEAD = "|".join(LEADS)


async def find_event(interaction: discord.Interaction[FandexBot], key: str) -> CountdownEvent | None:
    """The event a custom_id names, as it is now and where it is clicked; None if it is not there."""
    bot = interaction.client
    if key.startswith(DATASET_KEY_PREFIX):
        return next((event for event in bot.catalog.events if event.key == key), None)
    guild_id = installed_server_id(interaction)
    if guild_id is None:  # a server's own events are shown (and reminded of) only in that server
        return None
    events = await bot.server_events.for_guild(guild_id)
    return next((e.as_countdown_event() for e in events if e.key == key), None)


def remind_button(
    event: CountdownEvent, now: datetime, zone_name: str, tr: Words = ENGLISH
) -> RemindButton | None:
    """The button for an event with a day or a time still ahead (in the answer's zone), else None."""
    if not remindable(event) or not re.fullmatch(EVENT_KEY_PATTERN, event.key):
        return None
    starts_at = event_start(event, zone_of(zone_name))
    if starts_at is None or starts_at <= now:
        return None
    return RemindButton(event.key, label=tr(BUTTON_LABEL))


def _button(custom_id: str, label: str, *, emoji: str | None = None) -> discord.ui.Button[Any]:
    assert len(custom_id) <= CUSTOM_ID_LIMIT, custom_id
    style = discord.ButtonStyle.secondary
    return discord.ui.Button(label=label, emoji=emoji, style=style, custom_id=custom_id)


async def _answer(interaction: discord.Interaction[FandexBot], text: str) -> None:
    """Replace the private choice with `text` (its buttons go), or say it privately anywhere else."""
    message = interaction.message
    if message is not None and message.flags.ephemeral:
        await edit_with_view(interaction, None, content=text, embed=None)
    else:
        await send_private(interaction, text)


@dataclass(frozen=True, slots=True)
class _Choice:
    """What a click on Remind me (or one of its choices) found: the event, its start and open leads."""

    event: CountdownEvent
    starts_at: datetime
    zone: str
    owner: ZoneOwner
    leads: list[Lead]


async def _choice(interaction: discord.Interaction[FandexBot], key: str, tr: Words) -> _Choice | str:
    """The event and when it starts for this fan, or the private answer saying why there is nothing to set."""
    event = await find_event(interaction, key)
    if event is None:
        return tr(GONE_TEXT)
    zone, owner = await time_zone_for(interaction, private=True)  # the DM is the fan's own
    starts_at = event_start(event, zone_of(zone))
    if starts_at is None:
        return no_day_text(event, tr)
    leads = open_leads(starts_at, interaction.client.clock.now())
    if not leads:
        return started_text(event, tr)
    return _Choice(event, starts_at, zone_of(zone).key, owner, leads)


class RemindButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"fx:remind:(?P<key>{EVENT_KEY_PATTERN})"
):
    """ "🔔 Remind me": a private choice of when, for whoever clicks it."""

    def __init__(self, key: str, *, label: str = BUTTON_LABEL) -> None:
        super().__init__(_button(f"fx:remind:{key}", label, emoji=BUTTON_EMOJI))
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RemindButton:
        return cls(match["key"])

    async def callback(self, interaction: discord.Interaction[FandexBot]) -> None:
        tr = private_words(interaction)  # the choice is the clicker's only
        found = await _choice(interaction, self.key, tr)
        if isinstance(found, str):
            await send_private(interaction, found)
            return
        pending = len(await interaction.client.reminders.pending(interaction.user.id))
        if pending >= MAX_PENDING:
            await send_private(interaction, too_many_text(pending, tr))
            return
        view = discord.ui.View(timeout=None)
        for lead in found.leads:
            view.add_item(LeadButton(lead, self.key, tr))
        text = choose_text(found.event, found.starts_at, zone_of(found.zone), found.owner, tr)
        await send_with_view(
            interaction, view, content=text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )


class LeadButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"fx:remind-at:(?P<lead>{_LEAD}):(?P<key>{EVENT_KEY_PATTERN})",
):
    """One choice of when: stores the reminder and confirms it privately."""

    def __init__(self, lead: Lead, key: str, tr: Words = ENGLISH) -> None:
        super().__init__(_button(f"fx:remind-at:{lead}:{key}", tr(LEAD_LABELS[lead])))
        self.lead: Lead = lead
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> LeadButton:
        return cls(cast(Lead, match["lead"]), match["key"])

    async def callback(self, interaction: discord.Interaction[FandexBot]) -> None:
        bot = interaction.client
        tr = private_words(interaction)
        found = await _choice(interaction, self.key, tr)
        if isinstance(found, str):
            await _answer(interaction, found)
            return
        if self.lead not in found.leads:  # its moment has passed since the choice was shown
            await send_private(interaction, lead_passed_text(self.lead, tr))
            return
        result = await bot.reminders.add(
            user_id=interaction.user.id,
            event_key=found.event.key,
            event_title=found.event.title,
            lead=self.lead,
            starts_at=found.starts_at,
            zone=found.zone,
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id if interaction.guild_id is not None else None,
        )
        if isinstance(result, TooMany):
            await _answer(interaction, too_many_text(result.pending, tr))
        elif isinstance(result, AlreadySet):
            await _answer(interaction, already_text(result.reminder, tr))
        else:
            assert isinstance(result, Added)
            bot.dispatch("reminder_added")  # the delivery loop wakes, should this one be due soon
            await _answer(interaction, confirmed_text(result.reminder, tr))


class CancelReminderButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"fx:remind-cancel:(?P<id>[0-9]{1,19})"
):
    """Cancel one of the fan's reminders, from /me reminders: only the fan who set it can."""

    def __init__(self, reminder_id: int, number: int = 0, tr: Words = ENGLISH) -> None:
        super().__init__(_button(f"fx:remind-cancel:{reminder_id}", cancel_label(number, tr), emoji="✖️"))
        self.reminder_id = reminder_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CancelReminderButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction[FandexBot]) -> None:
        repository = interaction.client.reminders
        tr = private_words(interaction)
        reminder = await repository.get(self.reminder_id)
        if reminder is not None and reminder.user_id != interaction.user.id:
            await send_private(interaction, tr(NOT_YOURS_TEXT))
            return
        if reminder is None or not await repository.cancel(reminder.id, interaction.user.id):
            await send_private(interaction, tr(CANCEL_GONE_TEXT))
            return
        log.info("Reminder %s cancelled by its fan", reminder.id)
        message = interaction.message
        if message is None or not message.flags.ephemeral:
            await send_private(interaction, cancelled_text(reminder, tr))
            return
        reminders = await repository.for_user(interaction.user.id)
        await edit_with_view(
            interaction,
            reminders_view(reminders, tr),
            content=cancelled_text(reminder, tr),
            embed=reminders_embed(reminders, tr),
        )


def reminders_view(reminders: Sequence[Reminder], tr: Words = ENGLISH) -> discord.ui.View | None:
    """A cancel button per waiting reminder, numbered as /me reminders lists them (at most 25)."""
    pending = [r for r in reminders if r.state == "pending"][:MAX_PENDING]
    if not pending:
        return None
    view = discord.ui.View(timeout=None)
    for number, reminder in enumerate(pending, 1):
        view.add_item(CancelReminderButton(reminder.id, number, tr))
    return view


async def follow_fan_reminders(bot: FandexBot, user_id: int) -> None:
    """Bring the fan's waiting reminders up to date with their events (removed, re-dated) before showing
    them, rather than waiting for the delivery loop to notice."""
    await follow_events(bot, await bot.reminders.pending(user_id), bot.clock.now())


async def show_reminders(interaction: discord.Interaction[FandexBot]) -> None:
    """/me reminders: the fan's reminders, each waiting one with its cancel button, privately."""
    bot = interaction.client
    user_id = interaction.user.id
    await follow_fan_reminders(bot, user_id)
    reminders = await bot.reminders.for_user(user_id)
    tr = private_words(interaction)
    embed = reminders_embed(reminders, tr)
    view = reminders_view(reminders, tr)
    if view is None:
        await send_private(interaction, embed=embed)
        return
    await send_with_view(
        interaction, view, embed=embed, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
    )


REMINDER_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    RemindButton,
    LeadButton,
    CancelReminderButton,
)
