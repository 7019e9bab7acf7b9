"""Which language a reply is written in.

Private replies (ephemeral, and DMs) use the fan's own Discord language (`interaction.locale`). Public
replies in a server use the server's: `/config language` if a moderator set it, else the server's
`guild_locale`, else English; never the invoker's, which would tell everyone the fan's language.
Announcements and daily posts have no interaction: they use `/config language`, else the server's
preferred locale as the gateway last sent it (the same value interactions carry as `guild_locale`), else
English. A locale Fandex does not ship falls back as bot/domain/i18n.py says, without error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.app.reach import installed_server_id
from bot.domain.i18n import Words, language_by_code, words, words_for_locale

if TYPE_CHECKING:
    from bot.app.client import FandexBot


def private_words(interaction: discord.Interaction[FandexBot]) -> Words:
    """The words for a reply only the invoker sees."""
    return words_for_locale(interaction.locale.value)


async def words_for(interaction: discord.Interaction[FandexBot], *, private: bool) -> Words:
    """The words for this reply: the fan's when private, the server's when public."""
    if private or interaction.guild_id is None:
        return private_words(interaction)
    guild_id = installed_server_id(interaction)
    if guild_id is not None:
        chosen = language_by_code((await interaction.client.guild_settings.get(guild_id)).language)
        if chosen is not None:
            return words(chosen.code)
    guild_locale = interaction.guild_locale
    return words_for_locale(guild_locale.value if guild_locale else None)
