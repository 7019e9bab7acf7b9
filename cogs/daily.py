""" "On this day": the background loop that posts a server's anniversaries at 09:00 its time.

No commands here (moderators turn it on with /config daily). The loop only wakes up and asks the poster
what is due, computed from the database, the dataset and the bot's clock each time, so a restart loses
nothing. Tests await `run_daily()` after moving a fake clock.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.app.background import BackgroundTask
from bot.services.daily import DailyPoster, DailyReport

if TYPE_CHECKING:
    from bot.app.client import FandexBot

log = logging.getLogger(__name__)


class Daily(commands.Cog):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot
        self.poster = DailyPoster(bot)
        self.background = BackgroundTask("fandex-daily", self._post_forever)

    async def cog_load(self) -> None:
        self.background.start()

    async def cog_unload(self) -> None:
        await self.background.stop()

    async def run_daily(self) -> DailyReport:
        """Post whatever is due right now (by the bot's clock); safe to call while the loop runs."""
        return await self.poster.run_due()

    async def _post_forever(self) -> None:
        await self.bot.wait_until_ready()  # guilds and channels must be cached to check permissions
        while not self.bot.is_closed():
            try:
                await self.run_daily()
            except Exception:
                log.exception("On this day run failed; trying again in %.0f s", self.poster.poll_interval)
            await asyncio.sleep(self.poster.poll_interval)


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Daily(bot))
