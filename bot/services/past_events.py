"""Deleting servers' own events once they have been shown as past for `PAST_EVENT_KEPT` (run every minute
by the announcement loop; `/config event-add` also deletes its server's in its own transaction)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.countdown import zone_of
from bot.storage.guild_settings import GuildSettingsRepository
from bot.storage.server_events import ServerEventRepository


async def purge_past_events(
    events: ServerEventRepository, guild_settings: GuildSettingsRepository, now: datetime
) -> int:
    """Delete, in one transaction, every server event expired by `now` in its server's time zone.

    Until then reads leave them out anyway (`server_event_book`), so a late or failed run hides nothing
    that should be gone. An event's date never changes, so one found expired here stays expired.
    """
    candidates = await events.possibly_expired(now)
    zones = {
        guild_id: zone_of((await guild_settings.get(guild_id)).timezone)
        for guild_id in {event.guild_id for event in candidates}
    }
    expired = [event for event in candidates if event.is_expired(now, zones[event.guild_id])]
    return await events.delete(expired)
