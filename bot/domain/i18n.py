"""The languages Fandex speaks: gettext catalogs read with Babel, and dates and numbers told per locale.

A message's id is its English text, so English needs no catalog and reads exactly as the source says.
Every other language is one `.po` file in bot/locales/<code>/LC_MESSAGES/fandex.po, read at start with
`babel.messages.pofile.read_po`: no compile step (`.mo`) at install or in the repository, so the file a
translator edits is the file that runs; four catalogs of a few hundred messages read in milliseconds.

Placeholders are `{name}` (str.format), filled by keyword: `tr("Set to **{name}**.", name=name)`.
Command names and descriptions (bot/app/translator.py) use the same catalogs under a message context
(`msgctxt`): COMMAND_NAME, OPTION_NAME, CHOICE or DESCRIPTION, so "season" the option and "season" in a
sentence never collide.

A Discord locale Fandex does not ship falls back by its language (es-419 reads Spanish, a pt-PT client
Brazilian Portuguese), else to English: never an error.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from typing import Any, TypeVar

from babel import Locale as BabelLocale
from babel.dates import format_date, format_skeleton
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot.domain.dates import PartialDate, long_date
from bot.domain.errors import Text, Translate

COMMAND_NAME = "command name"
OPTION_NAME = "option name"
CHOICE = "choice"
DESCRIPTION = "description"

CATALOG_DOMAIN = "fandex"


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # the stored setting and the catalog's folder: "pt_BR"
    discord: str  # Discord's locale code: "pt-BR"
    name: str  # in the language itself: "Português (Brasil)"
    babel: str  # Babel's locale for dates and numbers: "pt_BR"


ENGLISH_LANGUAGE = Language("en", "en-US", "English", "en_GB")
LANGUAGES: tuple[Language, ...] = (
    ENGLISH_LANGUAGE,
    Language("pt_BR", "pt-BR", "Português (Brasil)", "pt_BR"),
    Language("es_ES", "es-ES", "Español", "es_ES"),
    Language("fr", "fr", "Français", "fr_FR"),
    Language("de", "de", "Deutsch", "de_DE"),
)
TRANSLATED: tuple[Language, ...] = LANGUAGES[1:]  # the ones with a catalog
_BY_CODE = {language.code: language for language in LANGUAGES}
# A locale not shipped, by its language subtag: Latin American Spanish reads Spain's, Portugal's Brazil's.
_BY_PREFIX = {"en": ENGLISH_LANGUAGE, **{lang.discord.split("-")[0]: lang for lang in TRANSLATED}}


def language_by_code(code: str | None) -> Language | None:
    """The language a stored setting names (None for no setting or a code no longer shipped)."""
    return _BY_CODE.get(code) if code else None


def language_for_locale(locale: str | None) -> Language:
    """The language for a Discord locale ("pt-BR", "es-419", "ja"): the shipped one nearest, else English."""
    if not locale:
        return ENGLISH_LANGUAGE
    for language in LANGUAGES:
        if language.discord.lower() == locale.lower():
            return language
    return _BY_PREFIX.get(locale.split("-")[0].lower(), ENGLISH_LANGUAGE)


def catalog_path(code: str) -> str:
    return str(files("bot") / "locales" / code / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po")


Messages = Mapping[tuple[str | None, str], str]


def read_messages(path: str) -> dict[tuple[str | None, str], str]:
    """A `.po` file's translations by (context, English text); untranslated and fuzzy entries left out."""
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    messages: dict[tuple[str | None, str], str] = {}
    for message in catalog:
        if not message.id or message.fuzzy or not isinstance(message.id, str):
            continue
        if isinstance(message.string, str) and message.string:
            messages[(message.context, message.id)] = message.string
    return messages


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; `tr(...)` translates it where it is shown."""
    return message


_DATE_UNKNOWN = N_("date unknown")


class Words:
    """One language: its messages and its way of writing dates and numbers. Call it to translate."""

    def __init__(self, language: Language, messages: Messages) -> None:
        self.language = language
        self._messages = messages

    @property
    def code(self) -> str:
        return self.language.code

    @property
    def messages(self) -> Messages:
        return self._messages

    @property
    def is_english(self) -> bool:
        return self.language is ENGLISH_LANGUAGE

    def __call__(self, message: str, /, **values: object) -> str:
        """The message in this language (English when it has no translation), placeholders filled."""
        text = self._messages.get((None, message), message)
        return text.format(**values) if values else text

    def plural(self, n: int, one: str, other: str, /, **values: object) -> str:
        """A count in words, `{n}` filled: `one` or `other` by the language's plural rule (CLDR: French
        and Portuguese say "0 jour", "0 dia"; English and German "0 days", "0 Tage")."""
        if self.is_english:
            form = one if n == 1 else other
        else:
            form = one if BabelLocale.parse(self.language.babel).plural_form(abs(n)) == "one" else other
        return self(form, n=n, **values)

    def in_context(self, context: str, message: str) -> str | None:
        """A command name or description in this language, or None where the catalog has none."""
        return self._messages.get((context, message))

    # -- dates and numbers ----------------------------------------------------------------------

    def day(self, day: date, *, weekday: bool = False) -> str:
        """17 April 2027 (English as bot/domain/dates.py has always written it), 17 de abril de 2027…"""
        if self.is_english:
            return long_date(day, weekday=weekday)
        return format_date(day, format="full" if weekday else "long", locale=self.language.babel)

    def day_and_month(self, day: date) -> str:
        """A day of the year without the year: "2 December", "2 de dezembro", "2. Dezember"."""
        return format_skeleton("MMMMd", day, locale=self.language.babel)

    def month(self, year: int, month: int) -> str:
        """A month-only date: the month and year, never a day (April 2027, abril de 2027)."""
        return format_skeleton("yMMMM", date(year, month, 1), locale=self.language.babel)

    def partial(self, value: PartialDate) -> str | None:
        """A date at its precision: a day, a month and year, or a year; None when unknown."""
        if value.year is None:
            return None
        if value.month is None:
            return str(value.year)
        if value.day is None:
            return self.month(value.year, value.month)
        return self.day(date(value.year, value.month, value.day))

    def human(self, value: PartialDate) -> str:
        """A date at its precision, as PartialDate.human tells it in English ("April 2027",
        "17 April 2027, 19:30 Europe/London"), in this language."""
        if self.is_english:
            return value.human()
        told = self.partial(value)
        if told is None:
            return self(_DATE_UNKNOWN)
        if value.time is not None:
            return f"{told}, {value.time:%H:%M} {value.tz}"
        return told

    def short(self, value: PartialDate) -> str:
        """A date at its precision, months abbreviated: "17 Apr 2027", "Apr 2027", "2027" (English);
        "17 de abr. de 2027", "abr. de 2027" (Portuguese)."""
        if value.year is None:
            return self(_DATE_UNKNOWN)
        if self.is_english:
            if value.month is None:
                return str(value.year)
            if value.day is None:
                return f"{calendar.month_abbr[value.month]} {value.year}"
            return f"{value.day} {calendar.month_abbr[value.month]} {value.year}"
        if value.month is None:
            return str(value.year)
        skeleton = "yMMM" if value.day is None else "yMMMd"
        return format_skeleton(
            skeleton, date(value.year, value.month, value.day or 1), locale=self.language.babel
        )

    def number(self, value: int | float) -> str:
        """1,234 in English, 1.234 in German and Portuguese, 1 234 in French."""
        return format_decimal(value, locale=self.language.babel)


ENGLISH = Words(ENGLISH_LANGUAGE, {})

WordsT = TypeVar("WordsT")


def localized(words_class: type[WordsT], tr: Words) -> WordsT:
    """A dataclass of words (its string fields' defaults, English catalog messages, such as the cards'
    CardWords) in `tr`'s language, with `tr` itself in its `tr` field for its dates."""
    english: Any = words_class()
    values = {f.name: tr(f.default) for f in dataclasses.fields(english) if isinstance(f.default, str)}
    return dataclasses.replace(english, tr=tr, **values)


@functools.cache
def words(code: str) -> Words:
    """The language stored under `code` (English for an unknown code), its catalog read once."""
    language = language_by_code(code) or ENGLISH_LANGUAGE
    if language is ENGLISH_LANGUAGE:
        return ENGLISH
    return Words(language, read_messages(catalog_path(language.code)))


def words_for_locale(locale: str | None) -> Words:
    """The words for a Discord locale, falling back as `language_for_locale` does."""
    return words(language_for_locale(locale).code)


def words_for_server(language: str | None, preferred_locale: str | None) -> Words:
    """The words for what Fandex posts in a server by itself (announcements, "On this day", threads):
    the server's `/config language`, else its preferred locale (what interactions carry as
    `guild_locale`, known from the gateway outside any interaction), else English."""
    chosen = language_by_code(language)
    return words(chosen.code) if chosen is not None else words_for_locale(preferred_locale)


class Told(Text):
    """A value inside an error's message told in the language the error is shown in (a date, a month):
    `tell(words)`, with English words when the error is read as a plain string."""

    __slots__ = ("tell",)

    def __init__(self, tell: Callable[[Words], str]) -> None:
        super().__init__("{value}")
        self.tell = tell

    def localized(self, tr: Translate) -> str:
        return self.tell(tr if isinstance(tr, Words) else ENGLISH)


def load_all() -> tuple[Words, ...]:
    """Read every shipped catalog now (at start), so a broken file fails the start, not a reply."""
    return tuple(words(language.code) for language in LANGUAGES)
