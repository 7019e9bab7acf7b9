"""Languages end to end: localized commands in the synced payload, replies in the fan's language when
private and the server's when public, /config language, and the fallbacks for locales Fandex lacks."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.i18n import language_for_locale, words, words_for_locale
from discord_emulator import DiscordEmulator, Guild, User
from tests.conftest import StartBot

SHIPPED = ("pt-BR", "es-ES", "fr", "de")
APPLICATION_COMMAND = 2


def _walk(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for option in options:
        found.append(option)
        found += _walk(option.get("options") or [])
    return found


async def test_synced_commands_carry_every_shipped_localization(
    emulator: DiscordEmulator, start_bot: StartBot
) -> None:
    await start_bot()
    commands = emulator.registered_commands()
    assert commands
    for command in commands:
        for locale in SHIPPED:
            assert command["name_localizations"][locale], (command["name"], locale)
            assert command["description_localizations"][locale], (command["name"], locale)
    by_name = {command["name"]: command for command in commands}
    assert by_name["cast"]["name_localizations"]["pt-BR"] == "elenco"
    assert by_name["help"]["name_localizations"]["de"] == "hilfe"
    # Options and choices too, all the way down.
    config = _walk(by_name["config"]["options"])
    language = next(o for o in config if o["name"] == "language" and o.get("choices"))
    assert language["name_localizations"]["fr"] == "langue"
    off = next(c for c in language["choices"] if c["value"] == "off")
    assert off["name_localizations"]["es-ES"] == "Desactivado: el idioma del servidor"
    for option in _walk(by_name["plot"]["options"]):
        for locale in SHIPPED:
            assert option["description_localizations"][locale], (option["name"], locale)


async def test_changed_translation_changes_the_hash_and_syncs_again(
    emulator: DiscordEmulator, start_bot: StartBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await start_bot()
    before = await bot.command_hash()
    await start_bot()
    assert emulator.command_puts[None] == 1  # unchanged: the restart did not sync
    german = words("de")
    messages = dict(german._messages)
    messages[("command name", "help")] = "hilfe-bitte"
    monkeypatch.setattr(german, "_messages", messages)
    bot = await start_bot()
    assert await bot.command_hash() != before
    assert emulator.command_puts[None] == 2
    help_command = next(c for c in emulator.registered_commands() if c["name"] == "help")
    assert help_command["name_localizations"]["de"] == "hilfe-bitte"


async def test_private_error_is_in_the_fans_language(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    fan.locale = "pt-BR"
    result = await emulator.slash(guild, fan, "me timezone", tz="Mars/Olympus_Mons")
    assert result.ephemeral
    assert "não é um fuso horário que eu conheça" in result.content
    assert result.content.startswith("**Mars/Olympus\\_Mons**")


async def test_public_answer_follows_the_server_not_the_fan(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    guild.locale = "pt-BR"
    fan.locale = "ja"
    public = await emulator.slash(guild, fan, "about")
    assert not public.ephemeral
    fields = {field["name"] for field in public.embeds[0]["fields"]}
    assert "Versão" in fields and "Version" not in fields
    # Asked privately, the same fan gets their own language: ja is not shipped, so English.
    private = await emulator.slash(guild, fan, "about", private=True)
    assert private.ephemeral
    assert "Version" in {field["name"] for field in private.embeds[0]["fields"]}


async def test_config_language_wins_over_the_servers_locale(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User
) -> None:
    await start_bot()
    guild.locale = "pt-BR"
    moderator.locale = "fr"
    saved = await emulator.slash(guild, moderator, "config language", language="de")
    assert saved.ephemeral
    assert "**Deutsch**" in saved.content and "Les réponses publiques" in saved.content
    result = await emulator.slash(guild, fan, "about")
    assert "Datensatz" in {field["name"] for field in result.embeds[0]["fields"]}
    cleared = await emulator.slash(guild, moderator, "config language", language="off")
    assert cleared.ephemeral and "langue Discord du serveur" in cleared.content
    result = await emulator.slash(guild, fan, "about")
    assert "Versão" in {field["name"] for field in result.embeds[0]["fields"]}


async def test_unknown_config_language_is_refused_privately_with_the_list(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User
) -> None:
    await start_bot()
    [command] = [c for c in emulator.registered_commands() if c["name"] == "config"]
    data = {
        "id": command["id"],
        "name": "config",
        "type": 1,
        "options": [
            {"name": "language", "type": 1, "options": [{"name": "language", "type": 3, "value": "ja"}]}
        ],
    }
    result = await emulator.dispatch_interaction(guild, moderator, APPLICATION_COMMAND, data)
    assert result.ephemeral
    assert "doesn't speak that language yet" in result.content
    for name in ("English", "Português (Brasil)", "Español", "Français", "Deutsch", "off"):
        assert name in result.content
    assert (await emulator.slash(guild, moderator, "config show")).ephemeral  # nothing stored, still works


@pytest.mark.parametrize(
    ("locale", "code"),
    [
        ("pt-BR", "pt_BR"),
        ("pt-PT", "pt_BR"),
        ("es-ES", "es_ES"),
        ("es-419", "es_ES"),
        ("fr", "fr"),
        ("de", "de"),
        ("en-GB", "en"),
        ("en-US", "en"),
        ("ja", "en"),
        ("zh-TW", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_locales_fall_back_by_language_then_to_english(locale: str | None, code: str) -> None:
    assert language_for_locale(locale).code == code
    assert words_for_locale(locale).code == code


def test_dates_keep_their_precision_in_every_language() -> None:
    from datetime import date

    from bot.domain.dates import PartialDate

    assert words("en").partial(PartialDate(2027, 4, 17)) == "17 April 2027"
    assert words("pt_BR").partial(PartialDate(2027, 4, 17)) == "17 de abril de 2027"
    assert words("de").partial(PartialDate(2027, 4)) == "April 2027"
    assert words("fr").partial(PartialDate(2027, 4)) == "avril 2027"
    assert words("es_ES").partial(PartialDate(2027)) == "2027"
    assert words("fr").day(date(2027, 4, 17), weekday=True) == "samedi 17 avril 2027"
    assert words("de").number(12345) == "12.345"


async def test_a_validation_error_names_the_books_in_the_fans_language(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    fan.locale = "de"
    result = await emulator.slash(guild, fan, "volume", book="Harry Potter")
    assert result.ephemeral
    assert result.content.startswith("Ich kenne kein Buch namens **Harry Potter**. Die Bücher sind: ")
    fan.locale = "en-GB"
    english = await emulator.slash(guild, fan, "volume", book="Harry Potter")
    assert english.content.startswith("I don't know a book called **Harry Potter**. The books are: ")


async def test_date_and_topic_errors_are_in_the_fans_language_dates_included(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User
) -> None:
    await start_bot()
    moderator.locale = "de"
    refused = await emulator.slash(guild, moderator, "config event-add", name="Party", date="2027-02-30")
    assert refused.ephemeral and refused.content == "Februar 2027 hat keinen 30. Tag (nur 28 Tage)."
    past = await emulator.slash(guild, moderator, "config event-add", name="Party", date="2020-01-01")
    assert past.content.startswith("2020-01-01 liegt in der Vergangenheit (heute ist der ")
    fan.locale = "pt-BR"
    faq = await emulator.slash(guild, fan, "faq", question="zzzz qqqq")
    assert faq.ephemeral and faq.content.startswith("Os fatos da série não dizem nada sobre **zzzz qqqq**.")
    moderator.locale = "en-GB"
    english = await emulator.slash(guild, moderator, "config event-add", name="Party", date="2027-02-30")
    assert english.content == "February 2027 has no day 30 (it has 28 days)."
