"""Where commands are offered, and whose settings apply where they are used.

Fan commands are installable to a server and to a fan's own account, and usable in servers, in DMs with the
bot and in private channels (group DMs): `everywhere`. `/config` stays installed to servers and used in them
only. A fan who installed Fandex to their account can use it in a server that never installed it; there the
server has no settings (`installed_server_id` is None) and only the fan's own apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

from bot.domain.errors import FandexError
from bot.domain.i18n import N_

if TYPE_CHECKING:
    from bot.app.client import FandexBot

T = TypeVar("T")


def everywhere(command: T) -> T:
    """Offer a command (or a group) wherever a fan may be: integration types [0, 1], contexts [0, 1, 2]."""
    command = app_commands.allowed_installs(guilds=True, users=True)(command)
    return app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(command)


NOT_INSTALLED = N_(
    "Fandex isn't installed in this server, so it has no settings here: a moderator can add it to the "
    "server first. Your own settings are under `/me`."
)


class NotInstalledHere(app_commands.CheckFailure, FandexError):
    """A server command where only a fan's own install of Fandex reaches: the server never added it."""

    def __init__(self) -> None:
        FandexError.__init__(self, NOT_INSTALLED)


def installed_server_id(interaction: discord.Interaction[FandexBot]) -> int | None:
    """The server whose settings apply: None in DMs and private channels, and in a server that did not
    install Fandex (the interaction is authorised by the fan's own install alone, or the bot is not there)."""
    guild_id = interaction.guild_id
    if guild_id is None or not interaction.is_guild_integration():
        return None
    return guild_id if interaction.client.get_guild(guild_id) is not None else None


# The `private` option every fan command has: in a server, a DM or a group DM alike.
PRIVATE_OPTION = "Answer so only you can see it (default: everyone here sees it)"
