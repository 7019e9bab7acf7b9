"""What /help lists, read from the command tree itself: every command the bot registers, with the example
its definition gives (`extras={"example": ...}`), so the list cannot drift from the commands."""

from __future__ import annotations

from typing import Any

from discord import app_commands

from bot.render.meta import CommandHelp


def _for_moderators(command: app_commands.Command[Any, ..., Any]) -> bool:
    """Whether Discord shows it only to members with Manage Server (set on the command or its group)."""
    permissions = (command.root_parent or command).default_permissions
    return permissions is not None and permissions.manage_guild


def _usage(command: app_commands.Command[Any, ..., Any]) -> str:
    """An example made from the options when a command gives none: "/plot season:…"."""
    required = [f"{p.display_name}:…" for p in command.parameters if p.required]
    return " ".join([f"/{command.qualified_name}", *required])


def command_help(tree: app_commands.CommandTree) -> list[CommandHelp]:
    """Every slash command and subcommand, fans' first, each section in alphabetical order."""
    found = [
        CommandHelp(
            name=command.qualified_name,
            description=command.description,
            example=str(command.extras.get("example") or _usage(command)),
            moderators=_for_moderators(command),
            group_description=command.root_parent.description if command.root_parent else "",
        )
        for command in tree.walk_commands()
        if isinstance(command, app_commands.Command)
    ]
    return sorted(found, key=lambda entry: (entry.moderators, entry.name))
