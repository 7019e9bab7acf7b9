"""The Fandex bot: resources, extensions and command sync."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Any

import discord
import discord.gateway
import discord.http
import yarl
from discord.ext import commands

from bot.app.buttons import DYNAMIC_ITEMS
from bot.app.components import ComponentFallback
from bot.app.interaction_http import install_callback_adapter
from bot.app.reports import REPORT_FORMS
from bot.app.translator import FandexTranslator
from bot.app.tree import FandexTree
from bot.config import Settings
from bot.domain.catalog import Catalog
from bot.domain.clock import Clock, SystemClock
from bot.domain.model import Dataset
from bot.domain.source import DatasetError, load_dataset
from bot.services.personal_data import FanStore
from bot.services.trivia import TriviaGame
from bot.storage.database import Connection, open_storage
from bot.storage.guild_settings import GuildSettingsRepository
from bot.storage.meta import MetaRepository
from bot.storage.reminders import ReminderRepository
from bot.storage.reports import ReportRepository
from bot.storage.server_events import ServerEventRepository
from bot.storage.user_settings import UserSettingsRepository

log = logging.getLogger(__name__)

COGS_DIR = Path(__file__).resolve().parents[2] / "cogs"


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


def shard_options(settings: Settings) -> dict[str, Any]:
    """AutoShardedBot's shard_count and shard_ids as configured (none: discord.py asks Discord)."""
    options: dict[str, Any] = {}
    if settings.shard_count is not None:
        options["shard_count"] = settings.shard_count
    if settings.shard_ids is not None:
        options["shard_ids"] = list(settings.shard_ids)
    return options


class FandexBot(commands.AutoShardedBot):
    """The bot. Always discord.py's AutoShardedBot: with SHARD_COUNT (and SHARD_IDS) it runs those shards
    of the total; without, it asks Discord (GET /gateway/bot) how many shards to run, as one shard
    does for a bot in fewer than 2,500 servers."""

    db: Connection
    catalog: Catalog
    guild_settings: GuildSettingsRepository
    server_events: ServerEventRepository
    reports: ReportRepository
    user_settings: UserSettingsRepository
    trivia: TriviaGame
    reminders: ReminderRepository

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
            **shard_options(settings),
        )
        self.settings = settings
        self.components = ComponentFallback(self, DYNAMIC_ITEMS, REPORT_FORMS)
        self.clock: Clock = clock or SystemClock()

    async def setup_hook(self) -> None:
        install_callback_adapter()
        await self.prepare()  # sets the translator: the sync and its hash carry the localizations
        if self.settings.runs_shard_zero:
            await self.sync_commands_if_changed()
        else:
            log.info("Not syncing commands: the process running shard 0 does (SHARD_IDS=%s)", self.shard_ids)

    async def launch_shards(self) -> None:
        # Without SHARD_COUNT discord.py takes both the count and the gateway URL from GET /gateway/bot;
        # a configured DISCORD_GATEWAY_URL (a gateway proxy) still wins, as it does for one shard.
        if self.shard_count is None and self.settings.gateway_url:
            self.shard_count, _url, _limits = await self.http.get_bot_gateway()
        if self.shard_ids is None:
            log.info("Running all %s shards", self.shard_count if self.shard_count else "of Discord's")
        else:
            log.info("Running shards %s of %s", ", ".join(map(str, self.shard_ids)), self.shard_count)
        await super().launch_shards()

    def reminder_split(self) -> tuple[int, tuple[int, ...]] | None:
        """Which fans' reminder DMs this process sends: those whose (user_id >> 22) % SHARD_COUNT is one of
        its shards (a stable split between processes); None: every fan's, when it runs all shards."""
        count, ids = self.settings.shard_count, self.settings.shard_ids
        if count is None or ids is None or len(ids) == count:
            return None
        return count, ids

    async def prepare(self) -> None:
        """Load the dataset, open the database and load every extension: everything but Discord.

        setup_hook runs it before syncing.
        The dataset is read from its TOML file on every start (no copy in SQLite: see
        migrations/0004_drop_dataset_tables.sql); a file that does not validate raises DatasetError,
        with every problem listed, before the database is opened.
        """
        started = time.perf_counter()
        dataset = await asyncio.to_thread(load_dataset, self.settings.dataset_path)
        self.catalog = Catalog.build(dataset)
        log.info(
            "Dataset %r ready: %d characters in %.0f ms",
            self.dataset.title,
            len(self.dataset.characters),
            (time.perf_counter() - started) * 1000,
        )
        self.db = await open_storage(self.settings)
        self.add_dynamic_items(*DYNAMIC_ITEMS)  # buttons answered by custom_id, across restarts
        self.guild_settings = GuildSettingsRepository(self.db, self.clock)
        self.server_events = ServerEventRepository(self.db, self.clock)
        self.reports = ReportRepository(self.db, self.clock)
        self.user_settings = UserSettingsRepository(self.db, self.clock)
        await self.guild_settings.watch()  # other processes' writes drop cached settings (PostgreSQL)
        await self.user_settings.watch()
        await self.server_events.watch()
        self.trivia = TriviaGame(self)
        self.reminders = ReminderRepository(self.db, self.clock, split=self.reminder_split())
        await self.reminders.watch(lambda: self.dispatch("reminder_added"))  # added by another process
        for name in extension_names():
            await self.load_extension(name)
        # Before any sync (here in setup_hook, and in `python -m bot sync`) and before its hash: the
        # localized names and descriptions are part of both. Loading reads every catalog.
        await self.tree.set_translator(FandexTranslator())

    def fan_stores(self) -> tuple[FanStore, ...]:
        """Every repository holding something about a fan: `/me forget` deletes from all of them at once."""
        return (self.user_settings, self.reports, self.trivia.store, self.reminders)

    @property
    def dataset(self) -> Dataset:
        """The dataset behind the catalog: one attribute, so a reload swaps both at once."""
        return self.catalog.dataset

    async def reload_dataset(self) -> bool:
        """Re-read the dataset source (on SIGHUP) without a restart.

        A valid file replaces the catalog in one assignment, so a request sees the old one or the new one,
        never a mix; an invalid one is refused with the same report as `check-data`, and the old one stays.
        Parsing runs in a thread so interactions keep being answered meanwhile.
        """
        path = self.settings.dataset_path
        started = time.perf_counter()
        try:
            dataset = await asyncio.to_thread(load_dataset, path)
            catalog = await asyncio.to_thread(Catalog.build, dataset)
        except DatasetError as exc:
            log.error("Dataset reload refused, keeping the one loaded (%s):\n%s", self.dataset.title, exc)
            return False
        self.catalog = catalog
        self.dispatch("dataset_reloaded")  # reminders follow their events' new dates (cogs/reminders.py)
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.info("Dataset %r reloaded from %s in %.0f ms", dataset.title, path, elapsed_ms)
        return True

    async def close(self) -> None:
        if not hasattr(self, "_AutoShardedClient__queue"):
            # Never logged in (only `prepare()`d, as the extension tests do): AutoShardedClient.close puts
            # its last event on a queue that login creates, so create it the same way first.
            await self._async_setup_hook()
        try:
            await super().close()
        finally:
            db = getattr(self, "db", None)
            if db is not None:
                await db.close()

    # -- command sync ---------------------------------------------------------------------------

    async def command_payload(self) -> list[dict[str, Any]]:
        """The commands as `tree.sync` sends them: translated (name and description localizations) once
        the translator is set, so a changed translation changes the hash and syncs."""
        translator = self.tree.translator
        commands = self.tree.get_commands()
        if translator is None:
            return [command.to_dict(self.tree) for command in commands]
        return [await command.get_translated_payload(self.tree, translator) for command in commands]

    async def command_hash(self) -> str:
        blob = json.dumps(await self.command_payload(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    async def sync_commands_if_changed(self) -> bool:
        """Sync when the command set differs from the last one synced to this scope; return whether it did."""
        try:
            return await self.sync_commands() is not None
        except discord.HTTPException:
            # The bot still works with the previously registered commands; next start tries again.
            log.exception("Command sync failed")
            return False

    async def sync_commands(self, *, force: bool = False) -> int | None:
        """Sync to DEV_GUILD_ID's server (else globally) when the command set differs from the last one
        synced there, or always with `force`. How many were synced, or None when unchanged; raises
        discord.HTTPException when Discord refuses."""
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        scope = f"guild:{guild.id}" if guild else "global"
        key = f"command_hash:{self.application_id}:{scope}"
        digest = await self.command_hash()
        meta = MetaRepository(self.db)
        if not force and await meta.get(key) == digest:
            log.info("Commands unchanged since the last sync (%s); not syncing", scope)
            return None

        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        synced = await self.tree.sync(guild=guild)
        await meta.put(key, digest)
        log.info("Synced %d commands (%s)", len(synced), scope)
        return len(synced)

    # -- events ---------------------------------------------------------------------------------

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        if event_name == "interaction":
            # discord.py's view store has just decided whether a view takes this interaction; decide the
            # same now, before any view callback runs (bot/app/components.py).
            self.components.screen(args[0])
        super().dispatch(event_name, *args, **kwargs)

    async def on_ready(self) -> None:
        log.info(
            "Connected as %s (%s) to %d servers on shards %s of %s",
            self.user,
            self.user.id if self.user else "?",
            len(self.guilds),
            ",".join(map(str, sorted(self.shards))),
            self.shard_count,
        )
