"""A preview session: the loopback Discord and the real bot in this process, and one interaction at a time.

`PreviewSession` starts `discord_emulator.DiscordEmulator` on 127.0.0.1 with the preview server
(bot.preview.world), then the real FandexBot against it over loopback HTTP and websocket, exactly as the
tests start it (`start_bot` here is what tests/conftest.py uses too). A command is sent the way a member's
Discord client sends it (the emulator's slash/autocomplete/click/select), and what the bot did is read back
from what the emulator recorded: the messages it created or changed, and its other REST calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import discord
import discord.gateway
import discord.http

from bot.app.client import FandexBot
from bot.app.invite import permission_label
from bot.config import Settings
from bot.domain.clock import Clock
from bot.preview.command_line import (
    CommandLine,
    UsageError,
    option_value,
    parse_command_line,
    parse_for_suggestions,
)
from bot.preview.terminal import RenderContext
from bot.preview.world import BOT_ID, GUILD_ID, PreviewServer, PreviewWorld
from discord_emulator import (
    DiscordEmulator,
    EmulatorUsageError,
    InteractionResult,
    InteractionTimeout,
    PostedMessage,
)
from discord_emulator.records import RecordedRequest

log = logging.getLogger(__name__)

PREVIEW_TOKEN = "preview-token"  # never the operator's DISCORD_TOKEN: nothing here is Discord
# discord.py waits this long after the last GUILD_CREATE before `ready` (2 s by default): the emulator sends
# READY and the preview server's GUILD_CREATE together. Should the guild still come later, the session
# waits for it (`guild_available`) before the first interaction.
GUILD_READY_TIMEOUT = 0.02
START_LIMIT = 30.0  # seconds the bot may take to become ready
WORK_LIMIT = 60.0  # how long to wait for a deferred command to show its answer
# The bot has finished with an interaction once it made no request for this long after its visible answer:
# a further follow-up or post starts within milliseconds on loopback.
SETTLE = 0.02
BUTTON, STRING_SELECT = 2, 3
LOADING = 1 << 7
_CHANNEL_POST = re.compile(r"^/channels/\d+/messages$")


class FixedClock:
    """A clock stopped at one instant, so previews and README transcripts are reproducible."""

    def __init__(self, moment: datetime) -> None:
        self._moment = moment

    def now(self) -> datetime:
        return self._moment


# -- the bot, started as the tests start it ---------------------------------------------------------


async def start_bot(
    settings: Settings,
    *,
    clock: Clock | None = None,
    guild_ready_timeout: float = GUILD_READY_TIMEOUT,
    timeout: float = START_LIMIT,  # noqa: ASYNC109
) -> tuple[FandexBot, asyncio.Task[None]]:
    """Start the real FandexBot with `settings` (pointed at an emulator) and wait until it is ready.

    If it stops or is not ready in time, it is closed (with its database) and the reason raised.
    """
    bot = FandexBot(settings, clock=clock, guild_ready_timeout=guild_ready_timeout)
    task = asyncio.create_task(bot.start(settings.token))
    ready = asyncio.create_task(bot.wait_until_ready())
    await asyncio.wait({ready, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        ready.cancel()
        await stop_bot(bot, task)  # re-raises why the bot stopped
        raise RuntimeError("the bot stopped before it was ready")
    if not ready.done():
        ready.cancel()
        await stop_bot(bot, task)
        raise TimeoutError(f"the bot was not ready within {timeout:.0f} s")
    return bot, task


async def stop_bot(bot: FandexBot, task: asyncio.Task[None]) -> None:
    if not bot.is_closed():
        await bot.close()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)


# -- what one interaction did -----------------------------------------------------------------------


@dataclass
class Exchange:
    """What one interaction produced, read from the emulator's records."""

    answered: bool = False  # the bot's first answer arrived within Discord's deadline
    late_after: float | None = None  # seconds after which a too-late answer came (Discord refused it)
    messages: list[PostedMessage] = field(default_factory=list)  # created or changed, oldest first
    edited: set[int] = field(default_factory=set)  # ids among `messages` that existed before
    choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    rest_calls: list[RestCall] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    deadline: float = 3.0


@dataclass(frozen=True, slots=True)
class RestCall:
    """A REST request besides the interaction's own answers and the channel messages shown as such."""

    request: RecordedRequest
    emulated: bool  # False: the emulator does not know the route, so the bot got an error

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def path(self) -> str:
        return self.request.path


class PreviewSession:
    """`async with PreviewSession(settings, clock) as session: await session.command("/about")`."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        world: PreviewWorld | None = None,
        *,
        settle: float = SETTLE,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.world = world or PreviewWorld()
        self.settle = settle
        # Beside the settings database: the preview server's own state (its scheduled events), so
        # `/config event-add` in one run and `/config event-remove` in the next meet the same server.
        self.state_path = settings.database_path.with_name(settings.database_path.name + "-preview.json")
        self.emulator = DiscordEmulator(
            application_id=BOT_ID, bot_name="Fandex", validate=False, clock=clock.now
        )
        self.server: PreviewServer
        self.bot: FandexBot
        self._task: asyncio.Task[None] | None = None
        self._endpoints = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)

    async def __aenter__(self) -> PreviewSession:
        await self.emulator.start()
        try:
            self.server = self.world.build(self.emulator)
            self.emulator.scheduled_events[GUILD_ID] = list(_load_scheduled_events(self.state_path).values())
            settings = replace(
                self.settings,
                token=PREVIEW_TOKEN,
                api_base=self.emulator.api_base,
                gateway_url=self.emulator.gateway_url,
                dev_guild_id=None,
            )
            self.bot, self._task = await start_bot(
                settings, clock=self.clock, guild_ready_timeout=GUILD_READY_TIMEOUT
            )
            if self.bot.get_guild(GUILD_ID) is None:  # its GUILD_CREATE came after `ready`
                await self.bot.wait_for(
                    "guild_available", check=lambda g: g.id == GUILD_ID, timeout=START_LIMIT
                )
            if not self.emulator.registered_commands():
                # Discord keeps what a bot synced in an earlier run; this emulator starts empty each run.
                # The bot did not sync, so its stored hash says this very set is registered.
                self.emulator.register_commands(await self.bot.command_payload())
            await self.emulator.wait_idle(self.settle)  # start-up work, such as a first announcement run
        except BaseException:
            await self._shut_down()
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self._shut_down()

    async def _shut_down(self) -> None:
        try:
            if self._task is not None:
                events = {e["id"]: e for e in self.emulator.scheduled_events[GUILD_ID]}
                self.state_path.write_text(
                    json.dumps({"scheduled_events": events}, indent=1), encoding="utf-8"
                )
                await stop_bot(self.bot, self._task)
        finally:
            await self.emulator.stop()
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._endpoints

    @property
    def commands(self) -> list[dict[str, Any]]:
        """The commands registered with the emulator: what a member's client offers."""
        return self.emulator.registered_commands()

    def context(self) -> RenderContext:
        return self.server.names(self.clock.now())

    # -- interactions --------------------------------------------------------------------------------

    async def command(self, text: str, *, as_member: bool = False, focused: str | None = None) -> Exchange:
        """Run `/command option:value …` (or, with `focused`, ask for that option's suggestions)."""
        commands = self.commands
        line = (
            parse_command_line(text, commands)
            if focused is None
            else parse_for_suggestions(text, commands, focused)
        )
        values = self._values(line, skip=focused)
        self.server.act_as(moderator=not as_member)
        emu, server = self.emulator, self.server
        path = " ".join(line.path)
        if focused is None:
            exchange = await self._run(
                emu.slash(server.guild, server.you, path, timeout=WORK_LIMIT, **values)
            )
        else:
            typed = line.values.get(focused, "")
            exchange = await self._run(
                emu.autocomplete(server.guild, server.you, path, focused, typed, **values)
            )
        required = line.command.get("default_member_permissions")
        if focused is None and as_member and required not in (None, "0"):
            names = ", ".join(permission_label(n) for n, on in discord.Permissions(int(required)) if on)
            exchange.notes.append(
                f"Discord hides {line.name} from members without {names}; "
                "below is what the bot answers if they invoke it anyway."
            )
        return exchange

    def _values(self, line: CommandLine, *, skip: str | None) -> dict[str, Any]:
        by_name = {o["name"]: o for o in line.spec}
        return {
            name: option_value(line.name, by_name[name], raw, self.server)
            for name, raw in line.values.items()
            if name != skip
        }

    async def click(self, label: str, *, as_member: bool = False) -> Exchange:
        """Press the button, or pick the menu option, labelled `label` (or starting with it) on the newest
        message that shows one."""
        self.server.act_as(moderator=not as_member)
        emu, you = self.emulator, self.server.you
        wanted = label.strip().casefold()
        for posted in reversed(emu.bot_messages):
            if posted.deleted:
                continue
            targets = click_targets(posted.message)
            matches = [t for t in targets if t[0].casefold() == wanted] or [
                t for t in targets if t[0].casefold().startswith(wanted)
            ]
            if len(matches) > 1:
                shown = ", ".join(repr(text) for text, _, _ in matches)
                raise UsageError(f"{label!r} could mean {shown}: type more of the label.")
            if matches:
                text, component, value = matches[0]
                if component.get("disabled"):
                    raise UsageError(f"{text!r} is disabled.")
                if "custom_id" not in component:
                    raise UsageError(f"{text!r} is a link button: it opens {component.get('url')}.")
                message, custom_id = posted.message, component["custom_id"]
                if value is None:
                    return await self._run(emu.click(message, custom_id, user=you, timeout=WORK_LIMIT))
                return await self._run(emu.select(message, custom_id, [value], user=you, timeout=WORK_LIMIT))
        labels = [t[0] for m in emu.bot_messages if not m.deleted for t in click_targets(m.message)]
        shown = ", ".join(repr(text) for text in dict.fromkeys(labels)) or "none"
        raise UsageError(f"No button or menu option labelled {label!r}. On screen: {shown}.")

    async def _run(self, send: Awaitable[InteractionResult | list[dict[str, Any]]]) -> Exchange:
        """Send one interaction (`send`, not awaited yet); when the bot is quiet, collect what it did."""
        emu = self.emulator
        before = {m.id: (m.edits, m.deleted) for m in emu.bot_messages}
        since = len(emu.requests)
        exchange = Exchange(deadline=emu.callback_deadline)
        record = None
        try:
            outcome = await send
        except EmulatorUsageError as exc:  # what the command line could not catch (it checks most)
            raise UsageError(str(exc)) from None
        except InteractionTimeout as timeout:
            record = timeout.record
            exchange.answered = timeout.answered
            if timeout.answered:
                exchange.notes.append(f"The bot was still working after {WORK_LIMIT:.0f} s; stopped waiting.")
            # Quiet since the dispatch may only mean busy without requests: give a late answer its chance.
            await asyncio.sleep(self.settle)
        else:
            exchange.answered = True
            if isinstance(outcome, list):
                exchange.choices = outcome
            elif outcome.type == 9:
                exchange.modal = outcome.data
        await emu.wait_idle(self.settle, timeout=WORK_LIMIT)
        if record is not None and record.late_callback_at is not None:
            exchange.late_after = record.late_callback_at - record.dispatched_at
        exchange.messages = [m for m in emu.bot_messages if before.get(m.id) != (m.edits, m.deleted)]
        exchange.edited = {m.id for m in exchange.messages if m.id in before}
        exchange.rest_calls = [
            RestCall(r, emulated=not any(r is u for u in emu.unexpected_routes))
            for r in emu.requests[since:]
            if _shown_as_call(r)
        ]
        return exchange


def _shown_as_call(request: RecordedRequest) -> bool:
    if request.path.startswith(("/interactions/", "/webhooks/")):
        return False  # the interaction's answers: shown as the messages they made
    posted = request.method == "POST" and _CHANNEL_POST.match(request.path)
    return not (posted and request.status is not None and request.status < 300)


def click_targets(message: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any], str | None]]:
    """(label, component, selected value) for every button and string-menu option on `message`."""
    targets: list[tuple[str, Mapping[str, Any], str | None]] = []
    for component in _walk(message.get("components") or []):
        if component.get("type") == BUTTON and component.get("label"):
            targets.append((component["label"], component, None))
        elif component.get("type") == STRING_SELECT:
            targets += [(o["label"], component, o["value"]) for o in component.get("options") or []]
    return targets


def _walk(components: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for component in components:
        found.append(component)
        found.extend(_walk(component.get("components") or []))
        if accessory := component.get("accessory"):
            found.append(accessory)
    return found


def _load_scheduled_events(path: Path) -> dict[str, dict[str, Any]]:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("Ignoring the preview server's saved state %s: %s", path, exc)
        return {}
    events = saved.get("scheduled_events") if isinstance(saved, dict) else None
    return events if isinstance(events, dict) else {}
