"""The floor: a bare discord.py bot that answers one slash command with a constant embed.

    python -m bench.floor_bot      (reads DISCORD_TOKEN, DISCORD_API_BASE, DISCORD_GATEWAY_URL, LOG_LEVEL)

It is what discord.py itself costs, so Fandex's numbers are read as a ratio to it. It is configured like
FandexBot wherever discord.py is concerned (intents, caches, allowed mentions, logging), and imports
nothing from Fandex: loading the bot package would put Fandex's own costs into the floor.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal

import discord
import yarl
from discord import app_commands

log = logging.getLogger("bench.floor_bot")

EMBED = discord.Embed(title="Floor", description="A constant answer.", colour=0x2B2D31)
CHOICES = [app_commands.Choice(name=f"Choice {n}", value=f"choice-{n}") for n in range(1, 26)]


class FloorBot(discord.Client):
    def __init__(self) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # the same single intent Fandex asks for
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
            max_messages=None,
        )
        self.tree = app_commands.CommandTree(self)
        self.tree.add_command(floor)
        self.tree.add_command(floor_button)

    async def setup_hook(self) -> None:
        self.add_view(FloorButton())  # persistent, as Fandex answers its buttons after a restart
        # A bare bot syncs on every start; against the emulator a PUT costs about a millisecond.
        await self.tree.sync()

    async def on_ready(self) -> None:
        # Same wording as FandexBot.on_ready: the benchmark waits for this line.
        log.info(
            "Connected as %s (%s) to %d servers",
            self.user,
            self.user.id if self.user else "?",
            len(self.guilds),
        )


@app_commands.command(name="floor", description="Answer with a constant embed")
@app_commands.describe(query="Ignored; it gives autocomplete something to complete")
async def floor(interaction: discord.Interaction, query: str | None = None) -> None:
    await interaction.response.send_message(embed=EMBED)


class FloorButton(discord.ui.View):
    """One button that answers privately with a constant text: the floor for a trivia answer click."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Answer", custom_id="floor:answer")
    async def answer(self, interaction: discord.Interaction, button: discord.ui.Button[FloorButton]) -> None:
        await interaction.response.send_message("Counted.", ephemeral=True)


@app_commands.command(name="floor-button", description="Answer with a constant message and a button")
async def floor_button(interaction: discord.Interaction) -> None:
    await interaction.response.send_message(embed=EMBED, view=FloorButton())


@floor.autocomplete("query")
async def floor_autocomplete(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    return CHOICES


async def main() -> None:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO") or "INFO",
        format="%(asctime)s %(levelname)-8s %(name)s: %(message)s",
    )
    if api_base := os.environ.get("DISCORD_API_BASE"):
        discord.http.Route.BASE = api_base
    if gateway_url := os.environ.get("DISCORD_GATEWAY_URL"):
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    async with FloorBot() as bot:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: asyncio.ensure_future(bot.close()))
        await bot.start(os.environ["DISCORD_TOKEN"])


if __name__ == "__main__":
    asyncio.run(main())
