"""The Fandex bot: resources, extensions and command sync."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path

import aiosqlite
import discord
import yarl
from discord.ext import commands

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.database import open_database, transaction
from bot.dataset import Dataset
from bot.dataset_store import install_dataset
from bot.errors import FandexTree
from bot.events import ServerEventRepository
from bot.guild_settings import GuildSettingsRepository
from bot.interaction_http import install_callback_adapter

log = logging.getLogger(__name__)

COGS_DIR = Path(__file__).resolve().parent.parent / "cogs"


def extension_names() -> list[str]:
    """Every feature module in cogs/ (files starting with an underscore are helpers, not extensions)."""
    return sorted(f"cogs.{path.stem}" for path in COGS_DIR.glob("*.py") if not path.stem.startswith("_"))


def configure_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    """Point discord.py's REST and gateway clients somewhere else (a proxy, or the test emulator).

    Interaction callbacks and webhooks share `Route.BASE`, so one assignment covers all REST traffic.
    """
    if api_base:
        discord.http.Route.BASE = api_base
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def bot_intents() -> discord.Intents:
    # Only the guilds intent: channel and role caches let us check our own permissions before
    # posting announcements. No privileged intent (members, presences, message content).
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


class FandexBot(commands.Bot):
    db: aiosqlite.Connection
    dataset: Dataset
    guild_settings: GuildSettingsRepository
    server_events: ServerEventRepository

    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, guild_ready_timeout: float = 2.0
    ) -> None:
        """`guild_ready_timeout`: how long discord.py waits after the last GUILD_CREATE before `ready`
        (its default, 2 s; the tests and `python -m bot ask` start against a local emulator and pass less)."""
        configure_endpoints(settings.api_base, settings.gateway_url)
        # Fandex never joins voice: don't warn operators about missing voice libraries.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=bot_intents(),
            tree_cls=FandexTree,
            allowed_mentions=discord.AllowedMentions.none(),
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
            max_messages=None,
            guild_ready_timeout=guild_ready_timeout,
        )
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.started_at = time.monotonic()
        self.dataset_rebuilt = False

    async def setup_hook(self) -> None:
        install_callback_adapter()
        await self.prepare()
        await self.sync_commands_if_changed()

    async def prepare(self) -> None:
        """Open the database, install the dataset and load every extension: everything but Discord.

        setup_hook runs it before syncing.
        """
        self.db = await open_database(self.settings.database_path)
        self.dataset, self.dataset_rebuilt = await install_dataset(self.db, self.settings.dataset_path)
        log.info(
            "Dataset %r ready (%s)", self.dataset.title, "rebuilt" if self.dataset_rebuilt else "unchanged"
        )
        self.guild_settings = GuildSettingsRepository(self.db, self.clock)
        self.server_events = ServerEventRepository(self.db, self.clock)
        for name in extension_names():
            await self.load_extension(name)

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            db = getattr(self, "db", None)
            if db is not None:
                await db.close()

    # -- command sync ---------------------------------------------------------------------------

    def command_payload(self) -> list[dict[str, object]]:
        return [command.to_dict(self.tree) for command in self.tree.get_commands()]

    def command_hash(self) -> str:
        blob = json.dumps(self.command_payload(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    async def sync_commands_if_changed(self) -> bool:
        """Sync when the command set differs from the last one synced to this scope; return whether it did."""
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        scope = f"guild:{guild.id}" if guild else "global"
        key = f"command_hash:{self.application_id}:{scope}"
        digest = self.command_hash()
        async with self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cursor:
            row = await cursor.fetchone()
        if row is not None and row[0] == digest:
            log.info("Commands unchanged since the last sync (%s); not syncing", scope)
            return False

        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        try:
            synced = await self.tree.sync(guild=guild)
        except discord.HTTPException:
            # The bot still works with the previously registered commands; next start tries again.
            log.exception("Command sync (%s) failed", scope)
            return False
        async with transaction(self.db) as db:
            await db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, digest),
            )
        log.info("Synced %d commands (%s)", len(synced), scope)
        return True

    # -- events ---------------------------------------------------------------------------------

    async def on_ready(self) -> None:
        log.info(
            "Connected as %s (%s) to %d servers",
            self.user,
            self.user.id if self.user else "?",
            len(self.guilds),
        )
