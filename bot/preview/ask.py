"""`python -m bot ask "/command option:value"`: what the real bot answers, printed as a member would read it.

No token and no Discord: the bot runs against the loopback emulator in this process (bot.preview.session),
and the output is what the emulator recorded, rendered by bot.preview.terminal. Exit 0 when the bot
answered, 1 when it did not (or the dataset is broken), 2 for a command line Discord's client would refuse.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bot.config import PROJECT_ROOT, Settings, configure_logging, load_settings
from bot.domain.clock import Clock, SystemClock
from bot.domain.source import DatasetError
from bot.preview.command_line import UsageError, parse_now
from bot.preview.session import LOADING, Exchange, FixedClock, PreviewSession
from bot.preview.terminal import RenderContext, is_private, render_choices, render_message, render_modal
from bot.preview.world import PreviewWorld
from discord_emulator import PostedMessage

DEFAULT_ASK_DATABASE = PROJECT_ROOT / "data" / "ask.sqlite3"


def main(args: argparse.Namespace) -> int:
    """`python -m bot ask ...` after argument parsing."""
    configure_logging("WARNING")  # unexpected errors still print their traceback, chatter does not
    logging.getLogger("discord").setLevel(logging.ERROR)
    if isinstance(sys.stdout, io.TextIOWrapper):  # a Windows pipe may not encode emoji or ⟦spoiler⟧ marks
        sys.stdout.reconfigure(errors="replace")
    settings = preview_settings(
        load_settings(require_token=False),
        database=args.database or DEFAULT_ASK_DATABASE,
        dataset=args.dataset,
    )
    return run_ask(
        settings,
        args.line,
        now=args.now,
        as_member=args.as_member,
        focused=args.autocomplete,
        clicks=args.click,
    )


def preview_settings(settings: Settings, *, database: Path, dataset: Path | None) -> Settings:
    """The preview's settings: no token, no configured endpoints, its own database."""
    return replace(
        settings,
        token="",
        database_path=database,
        dataset_path=dataset or settings.dataset_path,
        api_base=None,
        gateway_url=None,
        dev_guild_id=None,
    )


def run_ask(
    settings: Settings,
    text: str,
    *,
    now: str | None = None,
    as_member: bool = False,
    focused: str | None = None,
    clicks: Sequence[str] = (),
) -> int:
    """Print the answer; exit 0 when the bot answered, 1 when not, 2 on usage errors."""
    try:
        clock: Clock = FixedClock(parse_now(now)) if now else SystemClock()
        lines, answered = asyncio.run(
            ask(settings, clock, text, as_member=as_member, focused=focused, clicks=clicks)
        )
    except UsageError as exc:
        if exc.shown:
            print("\n".join(exc.shown))
        print(exc, file=sys.stderr)
        return 2
    except DatasetError as exc:
        print(f"INVALID {settings.dataset_path}:\n{exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0 if answered else 1


async def ask(
    settings: Settings,
    clock: Clock,
    text: str,
    *,
    as_member: bool = False,
    focused: str | None = None,
    clicks: Sequence[str] = (),
    world: PreviewWorld | None = None,
) -> tuple[list[str], bool]:
    """Run one command (and clicks on its reply); return the terminal lines and whether the bot answered."""
    async with PreviewSession(settings, clock, world) as session:
        exchange = await session.command(text, as_member=as_member, focused=focused)
        lines = render_exchange(exchange, session.context())
        answered = exchange.answered
        for label in clicks:
            if not answered:
                break
            try:
                exchange = await session.click(label, as_member=as_member)
            except UsageError as exc:
                exc.shown = lines
                raise
            lines += ["", f"» clicked {label!r}", *render_exchange(exchange, session.context())]
            answered = exchange.answered
        return lines, answered


# -- output ---------------------------------------------------------------------------------------------


def render_exchange(exchange: Exchange, context: RenderContext) -> list[str]:
    """What the member would see after one interaction, as terminal lines."""
    lines: list[str] = [f"Note: {note}" for note in exchange.notes]
    if exchange.choices is not None:
        lines.append(f"Suggestions ({len(exchange.choices)}):")
        lines.extend(render_choices(exchange.choices))
    if exchange.modal is not None:
        lines.extend(render_modal(exchange.modal, context))
    for posted in exchange.messages:
        if lines:
            lines.append("")
        lines.extend(_message_lines(posted, context, edited=posted.id in exchange.edited))
    for call in exchange.rest_calls:
        body = call.request.json
        shown = json.dumps(body, ensure_ascii=False, sort_keys=True) if body is not None else ""
        status = call.request.status or 0
        if not call.emulated:
            status_text = " (not emulated: the bot got an error)"
        elif status >= 400:
            status_text = f" (Discord answered {status})"
        else:
            status_text = ""
        lines.append(
            f"Discord API: {call.method} {call.path}{status_text}" + (f"\n  {shown}" if shown else "")
        )
    if exchange.late_after is not None:
        lines.append(
            f"Too slow: the first answer came after {exchange.late_after:.1f} s; Discord gives up after "
            f"{exchange.deadline:.0f} s and refused it (the command should defer first)."
        )
    elif not exchange.answered:
        lines.append(
            'No answer: the bot did not respond, so Discord would show "The application did not respond".'
        )
    return lines


def _message_lines(posted: PostedMessage, context: RenderContext, *, edited: bool) -> list[str]:
    if posted.kind == "channel":
        label = f"Message posted in #{context.channels.get(posted.channel_id, posted.channel_id)}"
    else:
        label = "Reply" if posted.kind == "reply" else "Follow-up"
    if posted.deleted:
        return [f"{label} (deleted)"]
    message = posted.message
    audience = (
        ""
        if posted.kind == "channel"
        else "private: only you can see it"
        if is_private(message)
        else "public"
    )
    details = ", ".join(part for part in ("edited" if edited else "", audience) if part)
    header = f"{label} ({details}):" if details else f"{label}:"
    if int(message.get("flags") or 0) & LOADING:
        return [header, "  Fandex is thinking…"]
    return [header, *(f"  {line}".rstrip() for line in render_message(message, context))]
