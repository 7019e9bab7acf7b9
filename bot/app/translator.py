"""Command names, option names, choices and descriptions in every shipped language (discord.py's Translator).

discord.py asks for each string once per Discord locale when it builds the payload it syncs (and the one
whose hash decides whether to sync: bot/app/client.py). The catalogs hold them under a message context
(bot/domain/i18n.py); a string without a translation stays as written, in English.
"""

from __future__ import annotations

from discord import Locale, app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot.domain.i18n import (
    CHOICE,
    COMMAND_NAME,
    DESCRIPTION,
    OPTION_NAME,
    language_for_locale,
    load_all,
    words,
)

_CONTEXTS = {
    Where.command_name: COMMAND_NAME,
    Where.group_name: COMMAND_NAME,
    Where.parameter_name: OPTION_NAME,
    Where.choice_name: CHOICE,
    Where.command_description: DESCRIPTION,
    Where.group_description: DESCRIPTION,
    Where.parameter_description: DESCRIPTION,
}


class FandexTranslator(app_commands.Translator):
    async def load(self) -> None:
        load_all()  # a catalog that does not parse fails the start, before any sync

    async def translate(
        self, string: app_commands.locale_str, locale: Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        where = _CONTEXTS.get(context.location)
        language = language_for_locale(locale.value)
        if where is None or language.code == "en":
            return None
        return words(language.code).in_context(where, string.message)
