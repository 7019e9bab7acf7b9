"""The background loop that sends fans' reminder DMs ("🔔 Remind me" under /countdown; /me reminders).

The loop only wakes up and asks the delivery what is due; what is due is read from the database each time,
so a restart loses nothing. It sleeps until the next reminder is due (at most `poll_interval`), and wakes
at once when a reminder is added, the dataset is reloaded or a server removes an event. Tests await
`run_due_reminders()` after moving a fake clock.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.app.background import BackgroundTask
from bot.services.reminders import DeliveryReport, ReminderDelivery

if TYPE_CHECKING:
    from bot.app.client import FandexBot

log = logging.getLogger(__name__)


class Reminders(commands.Cog):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot
        self.delivery = ReminderDelivery(bot)
        self.background = BackgroundTask("fandex-reminders", self._deliver_forever)

    async def cog_load(self) -> None:
        self.background.start()

    async def cog_unload(self) -> None:
        await self.background.stop()

    async def run_due_reminders(self) -> DeliveryReport:
        """Send whatever is due right now (by the bot's clock); safe to call while the loop runs."""
        return await self.delivery.run_due()

    async def _deliver_forever(self) -> None:
        await self.bot.wait_until_ready()
        while not self.bot.is_closed():
            try:
                await self.run_due_reminders()
            except Exception:
                log.exception("Reminder run failed; trying again shortly")
            try:
                await self.delivery.wait()
            except Exception:
                log.exception("Could not read when the next reminder is due")
                await asyncio.sleep(self.delivery.poll_interval)

    @commands.Cog.listener()
    async def on_reminder_added(self) -> None:
        self.delivery.wake()

    @commands.Cog.listener()
    async def on_dataset_reloaded(self) -> None:
        self.delivery.wake()

    @commands.Cog.listener()
    async def on_server_event_removed(self) -> None:
        self.delivery.wake()


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Reminders(bot))
