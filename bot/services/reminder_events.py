"""Reminders follow their events: a removed event cancels them (with a note the fan sees in /me reminders),
a re-dated one moves them, a retitled one renames them. Run before every delivery, and whenever the
dataset is reloaded or a server's events change, so a reminder never fires for a date that is gone."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.catalog import Catalog
from bot.domain.countdown import DATASET_KEY_PREFIX, CountdownEvent
from bot.domain.reminders import Gone, Moved, Reminder, Retitled, StartPassed, follow, server_event_id
from bot.render.reminders import GONE_NOTES, moved_note, start_passed_note
from bot.storage.reminders import ReminderRepository
from bot.storage.server_events import ServerEventRepository

log = logging.getLogger(__name__)


class EventsHost(Protocol):
    catalog: Catalog
    server_events: ServerEventRepository
    reminders: ReminderRepository


@dataclass(slots=True)
class Followed:
    cancelled: int = 0
    moved: int = 0


async def current_events(host: EventsHost, reminders: Iterable[Reminder]) -> dict[str, CountdownEvent]:
    """The events these reminders are for, as they are now, by key (a key missing: the event is gone).

    A server event is looked for in the server the fan asked in: /countdown shows a server's own events
    only there, so that is where its Remind me button was.
    """
    wanted = list(reminders)
    found: dict[str, CountdownEvent] = {}
    if any(r.event_key.startswith(DATASET_KEY_PREFIX) for r in wanted):
        found |= {event.key: event for event in host.catalog.events}
    for guild_id in {r.guild_id for r in wanted if server_event_id(r.event_key) is not None}:
        if guild_id is not None:
            found |= {e.key: e.as_countdown_event() for e in await host.server_events.for_guild(guild_id)}
    return found


async def apply_change(
    host: EventsHost, reminder: Reminder, event: CountdownEvent | None, now: datetime, followed: Followed
) -> bool:
    """Make a pending reminder follow its event; whether it is still to be sent as it is (False: it was
    cancelled or moved, so nothing is sent for its old date)."""
    change = follow(reminder, event, now)
    repository = host.reminders
    if change is None:
        return True
    if isinstance(change, Retitled):
        await repository.retitle(reminder, change.title)
        return True
    if isinstance(change, Moved):
        note = moved_note(reminder.starts_at, change.starts_at)
        await repository.move(
            reminder, starts_at=change.starts_at, due_at=change.due_at, title=change.title, note=note
        )
        followed.moved += 1
        log.info("Reminder %s moved with its event %s", reminder.id, reminder.event_key)
        return False
    if isinstance(change, Gone):
        note = GONE_NOTES[change.reason]
    else:
        assert isinstance(change, StartPassed)
        note = start_passed_note(change.starts_at)
    await repository.settle(reminder, "cancelled", now, note=note)
    followed.cancelled += 1
    log.info("Reminder %s cancelled: %s", reminder.id, note)
    return False


async def follow_events(host: EventsHost, reminders: Iterable[Reminder], now: datetime) -> Followed:
    """Make each of these pending reminders follow its event as it is now."""
    pending = [r for r in reminders if r.state == "pending"]
    events = await current_events(host, pending)
    followed = Followed()
    for reminder in pending:
        await apply_change(host, reminder, events.get(reminder.event_key), now, followed)
    return followed
