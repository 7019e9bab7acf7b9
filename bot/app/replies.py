"""The one helper for private replies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from bot.app.client import FandexBot


def _reply_kwargs(content: str | None, embed: discord.Embed | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"ephemeral": True, "allowed_mentions": discord.AllowedMentions.none()}
    if content is not None:
        kwargs["content"] = content[:2000]
    if embed is not None:
        kwargs["embed"] = embed
    return kwargs


async def send_private(
    interaction: discord.Interaction[FandexBot],
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
) -> None:
    """Reply privately, whether or not the interaction was already answered or deferred."""
    kwargs = _reply_kwargs(content, embed)
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)
