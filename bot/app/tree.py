"""The command tree: one error handler that turns known errors into private replies; safe autocomplete."""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.app.client import FandexBot
from bot.app.language import private_words
from bot.app.replies import send_private
from bot.domain.errors import FandexError
from bot.domain.i18n import N_, Words

log = logging.getLogger(__name__)


ChoiceT = TypeVar("ChoiceT", str, int, float)


# Discord's own names for the permissions Fandex checks, as its client shows them in each language.
_PERMISSION_NAMES = {"manage_guild": N_("Manage Server")}


def _permission_names(permissions: list[str], tr: Words) -> str:
    """ "Manage Server", in the reader's language where known (else "Manage Threads" from the flag)."""
    return ", ".join(
        tr(_PERMISSION_NAMES[p])
        if p in _PERMISSION_NAMES
        else p.replace("_", " ").replace("guild", "server").title()
        for p in permissions
    )


def _describe_check_failure(error: app_commands.CheckFailure, tr: Words) -> str:
    if isinstance(error, app_commands.MissingPermissions):
        names = _permission_names(error.missing_permissions, tr)
        return tr("You need the **{names}** permission to use this command.", names=names)
    if isinstance(error, app_commands.BotMissingPermissions):
        names = _permission_names(error.missing_permissions, tr)
        return tr("I need the **{names}** permission here to do that.", names=names)
    if isinstance(error, app_commands.NoPrivateMessage):
        return tr("This command only works inside a server.")
    if isinstance(error, app_commands.CommandOnCooldown):
        return tr("Slow down a little: try again in {seconds} s.", seconds=f"{error.retry_after:.0f}")
    return tr("You can't use this command here.")


def _focused_option(options: list[Any]) -> dict[str, Any] | None:
    """The option an autocomplete is for, inside any subcommand (group)."""
    for option in options:
        if option.get("type") in (1, 2):  # a subcommand or group: its options are nested
            return _focused_option(option.get("options") or [])
        if option.get("focused"):
            return option
    return None


class FandexTree(app_commands.CommandTree["FandexBot"]):
    """Command tree whose one error handler turns known errors into private replies."""

    async def interaction_check(self, interaction: discord.Interaction[FandexBot], /) -> bool:
        """Runs before discord.py routes a command or an autocomplete; it only screens autocompletes.

        What the user has typed so far arrives as text. A focused value that is a number (sent as
        one, not as text) or missing (a KeyError inside discord.py, and no answer) becomes text here, so
        every autocomplete callback gets a str. An autocomplete for an option that has none here (the
        client's copy of the command is out of date) fails inside discord.py's own try block, which logs a
        traceback and never answers: answer it here. Unknown commands and a missing focused option reach
        on_error instead.
        """
        if interaction.type is not discord.InteractionType.autocomplete:
            return True
        focused = _focused_option((interaction.data or {}).get("options") or [])
        if focused is None:
            return True
        value = focused.get("value")
        if not isinstance(value, str):
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            focused["value"] = str(value) if numeric else ""
        command = interaction.command
        if not isinstance(command, app_commands.Command):
            return True
        name = focused.get("name")
        if any(p.display_name == name and p.autocomplete for p in command.parameters):
            return True
        log.info("Autocomplete for /%s %s, which has none here: no suggestions", command.qualified_name, name)
        await self._no_suggestions(interaction)
        return False

    async def on_error(
        self, interaction: discord.Interaction[FandexBot], error: app_commands.AppCommandError, /
    ) -> None:
        if interaction.type is discord.InteractionType.autocomplete:
            await self._offer_nothing(interaction, error)
            return
        cause: BaseException = error
        if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
            cause = error.__cause__ or error
        tr = private_words(interaction)  # an error reply is private: the fan's own language

        if isinstance(cause, FandexError):
            message = cause.localized(tr)
        elif isinstance(error, app_commands.TransformerError) and cause is error:
            # discord.py's own refusal of a value (no underlying exception); a transformer that raised
            # anything else has a bug, logged below like any other.
            message = tr("That value doesn't fit this option. Pick a suggestion or check the format.")
        elif isinstance(error, app_commands.CheckFailure):
            message = _describe_check_failure(error, tr)
        elif isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
            message = tr("This command has changed since your app loaded it. Please try again in a minute.")
        else:
            reference = secrets.token_hex(4)
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error(
                "Unhandled error in /%s (ref %s, guild %s)",
                command,
                reference,
                interaction.guild_id,
                exc_info=cause,
            )
            message = tr(
                "Something went wrong on our side. If it keeps happening, tell the bot's admins: ref "
                "`{reference}`.",
                reference=reference,
            )

        try:
            await send_private(interaction, message)
        except discord.HTTPException:
            log.warning("Could not deliver an error reply for interaction %s", interaction.id, exc_info=True)

    async def _offer_nothing(
        self, interaction: discord.Interaction[FandexBot], error: app_commands.AppCommandError
    ) -> None:
        """An autocomplete the tree could not route (a command or option the client has but we do not,
        no focused option): Discord accepts only suggestions there (type 8), so offer none."""
        name = (interaction.data or {}).get("name", "?")
        if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
            log.info("Autocomplete for /%s, which differs from ours: no suggestions (%s)", name, error)
        elif _focused_option((interaction.data or {}).get("options") or []) is None:
            log.info("Autocomplete for /%s without a focused option: no suggestions", name)
        else:
            reference = secrets.token_hex(4)
            log.error("Unhandled autocomplete error for /%s (ref %s)", name, reference, exc_info=error)
        await self._no_suggestions(interaction)

    async def _no_suggestions(self, interaction: discord.Interaction[FandexBot]) -> None:
        if interaction.response.is_done():
            return
        try:
            await interaction.response.autocomplete([])
        except discord.HTTPException:
            log.warning("Could not answer autocomplete %s", interaction.id, exc_info=True)


AutocompleteFunc = Callable[..., Coroutine[Any, Any, list[app_commands.Choice[ChoiceT]]]]


def safe_autocomplete(func: AutocompleteFunc[ChoiceT]) -> AutocompleteFunc[ChoiceT]:
    """Autocomplete must always answer: on an unexpected error, log it and offer no suggestions."""

    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> list[app_commands.Choice[ChoiceT]]:
        try:
            return (await func(*args, **kwargs))[:25]
        except Exception:
            log.exception("Autocomplete %s failed", func.__qualname__)
            return []

    return wrapper
