"""The command tree: one error handler that turns known errors into private replies; safe autocomplete."""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.app.client import FandexBot
from bot.app.replies import send_private
from bot.domain.errors import FandexError

log = logging.getLogger(__name__)


ChoiceT = TypeVar("ChoiceT", str, int, float)


def _describe_check_failure(error: app_commands.CheckFailure) -> str:
    if isinstance(error, app_commands.MissingPermissions):
        names = ", ".join(
            p.replace("_", " ").replace("guild", "server").title() for p in error.missing_permissions
        )
        return f"You need the **{names}** permission to use this command."
    if isinstance(error, app_commands.BotMissingPermissions):
        names = ", ".join(
            p.replace("_", " ").replace("guild", "server").title() for p in error.missing_permissions
        )
        return f"I need the **{names}** permission here to do that."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works inside a server."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    return "You can't use this command here."


class FandexTree(app_commands.CommandTree["FandexBot"]):
    """Command tree whose one error handler turns known errors into private replies."""

    async def on_error(
        self, interaction: discord.Interaction[FandexBot], error: app_commands.AppCommandError, /
    ) -> None:
        cause: BaseException = error
        if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
            cause = error.__cause__ or error

        if isinstance(cause, FandexError):
            message = cause.message
        elif isinstance(error, app_commands.TransformerError) and cause is error:
            # discord.py's own refusal of a value (no underlying exception); a transformer that raised
            # anything else has a bug, logged below like any other.
            message = "That value doesn't fit this option. Pick a suggestion or check the format."
        elif isinstance(error, app_commands.CheckFailure):
            message = _describe_check_failure(error)
        elif isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
            message = "This command has changed since your app loaded it. Please try again in a minute."
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
            message = (
                "Something went wrong on our side. "
                f"If it keeps happening, tell the bot's admins: ref `{reference}`."
            )

        try:
            await send_private(interaction, message)
        except discord.HTTPException:
            log.warning("Could not deliver an error reply for interaction %s", interaction.id, exc_info=True)


AutocompleteFunc = Callable[..., Awaitable[list[app_commands.Choice[ChoiceT]]]]


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
