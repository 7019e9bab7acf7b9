"""The catalog checks: every message the source and the command tree ask for is translated in every
shipped language with the same placeholders; the check itself fails on a gap; command names follow
Discord's rules in every language; and translated replies stay within Discord's limits."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import discord
import pytest
from babel.messages.pofile import read_po, write_po

from bot.app.catalog_check import all_problems, command_messages, reply_sources
from bot.app.client import FandexBot
from bot.app.help import command_help
from bot.app.views import CandidateView, PagesView
from bot.config import Settings
from bot.domain.anniversaries import Anniversary
from bot.domain.countdown import CountdownEvent
from bot.domain.dates import PartialDate
from bot.domain.i18n import (
    COMMAND_NAME,
    LANGUAGES,
    TRANSLATED,
    catalog_path,
    localized,
    read_messages,
    words,
)
from bot.domain.i18n_checks import catalog_problems, required_messages, source_messages
from bot.domain.model import NO_STORY, counts
from bot.domain.settings import GuildSettings, UserSettings
from bot.domain.sources import pick_sources
from bot.domain.spoilers import SpoilerLimit
from bot.render.cards import CardWords, card_alt_text, countdown_card
from bot.render.cast import candidate_options, cast_list_pages, character_embed
from bot.render.countdown import (
    announcement_content,
    announcement_embed,
    countdown_embed,
    event_candidates_embed,
    event_options,
    nothing_upcoming_embed,
)
from bot.render.daily import daily_embed, daily_saved_text, thread_intro_text, thread_name
from bot.render.me import forget_question, me_embed
from bot.render.meta import about_embed, help_embed
from bot.render.server_events import announcements_saved_text
from bot.render.settings import settings_embed
from bot.render.spoilers import limit_footer, spoiler_limit_set_text
from bot.render.story import Moment, episode_answer, production_answer, work_answer
from bot.render.timeline_card import TimelineWords, timeline_alt_text, timeline_embed, timeline_view

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
LOCALES = [language.code for language in LANGUAGES]


@pytest.fixture
async def bot(discord_endpoints: None, tmp_path: Path) -> AsyncIterator[FandexBot]:
    bot = FandexBot(Settings(token="not-used", database_path=tmp_path / "fandex.sqlite3"))
    async with bot:
        await bot.prepare()  # loads every extension and sets the translator
        yield bot


# -- completeness -----------------------------------------------------------------------------------


async def test_every_shipped_catalog_is_complete(bot: FandexBot) -> None:
    assert all_problems(bot.tree) == []


def test_the_source_scan_finds_replies_errors_and_plural_forms() -> None:
    found = source_messages(reply_sources())
    assert "Something wrong?" in found  # N_() constant
    assert "Fandex commands" in found  # tr() call
    assert "Type an event's name, or pick one from the suggestions." in found  # an error's template
    assert {"{n} day", "{n} days"} <= set(found)  # tr.plural's two forms
    assert len(found) > 200


def _blank_copy(tmp_path: Path, code: str, message: str, replacement: str = "") -> Path:
    """A copy of a shipped catalog with one entry's translation replaced (blanked by default)."""
    copy = tmp_path / f"{code}.po"
    shutil.copy(catalog_path(code), copy)
    with copy.open("rb") as handle:
        catalog = read_po(handle)
    entry = catalog.get(message)
    assert entry is not None, message
    entry.string = replacement
    with copy.open("wb") as handle:
        write_po(handle, catalog)
    return copy


async def test_the_check_fails_when_a_translation_is_removed(bot: FandexBot, tmp_path: Path) -> None:
    required = required_messages(source_messages(reply_sources()), command_messages(bot.tree))
    shipped = read_messages(catalog_path("pt_BR"))
    assert catalog_problems(required, shipped, language="pt_BR") == []

    blanked = read_messages(str(_blank_copy(tmp_path, "pt_BR", "Something wrong?")))
    assert catalog_problems(required, blanked, language="pt_BR") == [
        "pt_BR: no translation for 'Something wrong?'"
    ]
    renamed = _blank_copy(tmp_path, "de", "Fandex settings for {guild}", "Fandex-Einstellungen für {server}")
    problems = catalog_problems(required, read_messages(str(renamed)), language="de")
    assert len(problems) == 1 and "placeholders differ" in problems[0] and "{server}" in problems[0]

    missing_command = dict(shipped)
    del missing_command[(COMMAND_NAME, "help")]
    assert catalog_problems(required, missing_command, language="pt_BR") == [
        "pt_BR: no translation for [command name] 'help'"
    ]


# -- command names ----------------------------------------------------------------------------------


def _valid_name(name: str) -> bool:
    """Discord's ^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$, lower case (enough for these scripts)."""
    return 1 <= len(name) <= 32 and name == name.lower() and all(ch.isalnum() or ch in "-_" for ch in name)


def _check_level(options: list[dict[str, Any]], where: str, problems: list[str]) -> None:
    """Names valid and unique among siblings, in English and in every localization; recursively."""
    locales = {locale for option in options for locale in (option.get("name_localizations") or {})}
    for locale in [None, *sorted(locales)]:
        names = [
            (option.get("name_localizations") or {}).get(locale, option["name"]) if locale else option["name"]
            for option in options
        ]
        if len(set(names)) != len(names):
            problems.append(f"{where} ({locale or 'en'}): names not unique: {names}")
    for option in options:
        path = f"{where} {option['name']}".strip()
        for locale, name in {None: option["name"], **(option.get("name_localizations") or {})}.items():
            if not _valid_name(name):
                problems.append(f"{path} ({locale or 'en'}): invalid name {name!r}")
        descriptions = {None: option["description"], **(option.get("description_localizations") or {})}
        for locale, text in descriptions.items():
            if not 1 <= len(text) <= 100:
                problems.append(f"{path} ({locale or 'en'}): description of {len(text)} characters")
        for choice in option.get("choices") or []:
            for locale, name in {None: choice["name"], **(choice.get("name_localizations") or {})}.items():
                if not 1 <= len(name) <= 100:
                    problems.append(f"{path} choice ({locale or 'en'}): {name!r}")
        _check_level(option.get("options") or [], path, problems)


async def test_command_names_follow_discords_rules_in_every_language(bot: FandexBot) -> None:
    payload = await bot.command_payload()
    problems: list[str] = []
    _check_level(payload, "", problems)
    assert problems == []
    # Every shipped locale is really there, on commands, options and choices alike.
    for language in TRANSLATED:
        assert all(language.discord in command["name_localizations"] for command in payload)
    choices = [c for command in payload for o in command["options"] for c in o.get("choices") or []]
    assert choices and all(len(c["name_localizations"]) >= len(TRANSLATED) for c in choices)


def test_name_rule_rejects_what_discord_rejects() -> None:
    assert _valid_name("compte-à-rebours") and _valid_name("événement_discord")
    assert not _valid_name("Hilfe") and not _valid_name("linha do tempo") and not _valid_name("x" * 33)


# -- limits -----------------------------------------------------------------------------------------


def _embed_problems(embed: discord.Embed) -> list[str]:
    data = embed.to_dict()
    problems = []
    if len(embed) > 6000:
        problems.append(f"total {len(embed)}")
    if len(data.get("title", "")) > 256:
        problems.append("title")
    if len(data.get("description", "")) > 4096:
        problems.append("description")
    if len(data.get("footer", {}).get("text", "")) > 2048:
        problems.append("footer")
    for field in data.get("fields", []):
        if len(field["name"]) > 256 or len(field["value"]) > 1024:
            problems.append(f"field {field['name'][:30]}")
    return problems


def _events() -> list[CountdownEvent]:
    long_title = "Heartstopper Forever: the film, the premiere and the very long title " * 2
    return [
        CountdownEvent(
            key="ds:a", title="Season 4", date=PartialDate.parse("2027-04-17"), status="confirmed"
        ),
        CountdownEvent(key="ds:b", title="Volume 6", date=PartialDate.parse("2027-06"), status="announced"),
        CountdownEvent(
            key="ds:c",
            title=long_title,
            date=PartialDate.parse("2027"),
            status="rumoured",
            verified_on=date(2026, 7, 3),
        ),
        CountdownEvent(
            key="ds:d",
            title="Premiere",
            date=PartialDate.parse("2027-03-13T16:30 Europe/London"),
            status="confirmed",
        ),
        CountdownEvent(key="guild:1", title="Watch party", date=PartialDate.parse("2027-03-10"), status=None),
        CountdownEvent(
            key="ds:e",
            title="Old rumour",
            date=PartialDate.parse("2026-05"),
            status="rumoured",
            verified_on=date(2026, 7, 3),
        ),
    ]


@pytest.mark.parametrize("code", LOCALES)
async def test_translated_replies_fit_discords_limits(bot: FandexBot, code: str) -> None:
    tr = words(code)
    dataset = bot.dataset
    events = _events()
    everything = GuildSettings(
        guild_id=1,
        spoiler_season=1,
        spoiler_volume=2,
        timezone="America/Argentina/ComodRivadavia",
        announce_channel_id=2,
        announce_role_id=3,
        reminder="1w",
        announce_error="x" * 1000,
        daily_channel_id=4,
        daily_error="y" * 1000,
        announce_thread=True,
        thread_error="z" * 1000,
        language="de",
        updated_at=NOW,
    )
    limit = SpoilerLimit(season=1, volume=2)
    embeds = [
        *(countdown_embed(e, NOW, LONDON, tr=tr) for e in events),
        *(announcement_embed(e, "release", NOW, LONDON, reference="abc123", tr=tr) for e in events[:2]),
        nothing_upcoming_embed(events[0], NOW, LONDON, overdue=events[1:4], tr=tr),
        event_candidates_embed("season", events, more=True, tr=tr),
        settings_embed(everything, guild_name="N" * 100, has_events=True, tr=tr),
        help_embed(command_help(bot.tree), dataset, tr),
        about_embed(version="0.1.0", dataset=dataset, counts=counts(dataset), latency=0.1, tr=tr),
        daily_embed(
            date(2027, 3, 10),
            [Anniversary("s1", "Season 1 premieres", "season", date(2022, 4, 22), 5, NO_STORY)] * 20,
            reference="abc123",
            tr=tr,
        ),
        timeline_embed(timeline_view(dataset, limit, localized(TimelineWords, tr)), "attachment://t.png"),
    ]
    # The fact answers: every season, the film, every book, a dozen cast members and the whole cast list.
    moment = Moment(NOW.date(), dataset.verified_on)
    catalog = bot.catalog
    for production in catalog.productions.values():
        embeds.append(production_answer(dataset, production, limit, moment, details=True, tr=tr).embed)
        for episode in production.episodes[:2]:
            embeds.append(episode_answer(dataset, production, episode, limit, moment, tr).embed)
    embeds += [work_answer(dataset, work, limit, moment, tr).embed for work in catalog.works.values()]
    for character in list(dataset.characters)[:12]:
        sources = pick_sources(dataset, character.sources)
        embeds.append(character_embed(character, dataset=dataset, limit=limit, sources=sources, tr=tr))
    embeds += cast_list_pages(dataset, list(dataset.characters), production=None, tr=tr)
    embeds.append(me_embed(dataset, UserSettings(1, 1, 1, "Europe/London", NOW), extra_fields=[], tr=tr))
    problems = {embed.title: _embed_problems(embed) for embed in embeds if _embed_problems(embed)}
    assert problems == {}
    # /help is one message: the whole of it within 2,000 characters in every language.
    helped = help_embed(command_help(bot.tree), dataset, tr)
    assert len(helped.title or "") + len(helped.description or "") <= 2000

    texts = [
        *(announcement_content(e, "reminder", 3, NOW, LONDON, tr) for e in events[:2]),
        spoiler_limit_set_text(dataset, limit, nothing_hidden=False, tr=tr),
        limit_footer(dataset, limit, tr),
        announcements_saved_text(everything, ["w" * 200, "v" * 200], tr),
        daily_saved_text(4, tr),
        thread_intro_text("T" * 100, tr),
        forget_question(tr),
    ]
    assert [len(text) for text in texts if len(text) > 2000] == []
    assert len(thread_name("T" * 200, tr)) <= 100

    for event in events:
        card = countdown_card(event, NOW, LONDON, words=localized(CardWords, tr))
        assert len(card_alt_text(card)) <= 1024
    assert len(timeline_alt_text(timeline_view(dataset, limit, localized(TimelineWords, tr)))) <= 1024

    options = event_options(events, NOW, LONDON, tr) + candidate_options(list(dataset.characters), tr)
    assert options and all(len(o.label) <= 100 and len(o.description or "") <= 100 for o in options)


@pytest.mark.parametrize("code", LOCALES)
async def test_button_and_menu_labels_fit(code: str) -> None:
    from bot.app.buttons import answer_view, event_view
    from bot.domain.sources import SourcePick

    tr = words(code)
    origin: Any = type("Origin", (), {"user": type("U", (), {"id": 1})(), "id": 1})()
    pages = PagesView(origin, [discord.Embed(title="1"), discord.Embed(title="2")], tr)
    menu = CandidateView(origin, [discord.SelectOption(label="a", value="a")], lambda key: None, tr=tr)
    upcoming = CountdownEvent(
        key="ds:s4", title="S4", date=PartialDate.parse("2027-04-17"), status="confirmed"
    )
    views = [
        pages,
        menu,
        answer_view(
            "work", "volume-1", SourcePick(shown=(), more=("https://example.org",), unreliable=0), tr
        ),
        event_view(upcoming, NOW, "UTC", tr),
    ]
    labels = [
        item.label for view in views if view for item in view.children if isinstance(item, discord.ui.Button)
    ]
    labels += [item.item.label for view in views if view for item in view.children if hasattr(item, "item")]
    assert labels and all(label and len(label) <= 80 for label in labels if label)
    assert len(menu.menu.placeholder or "") <= 150
    if code == "pt_BR":
        assert (
            "Próxima" in labels
            and "Algo errado?" in labels
            and menu.menu.placeholder == "Escolha alguém do elenco"
        )


def test_an_announcement_footer_keeps_its_reference_last_in_every_language() -> None:
    event = _events()[0]
    for code in LOCALES:
        embed = announcement_embed(event, "release", NOW, LONDON, reference="abc123", tr=words(code))
        assert (embed.footer.text or "").endswith("ref abc123"), code
        post = daily_embed(date(2027, 3, 10), [], reference="abc123", tr=words(code))
        assert (post.footer.text or "").endswith("ref abc123"), code


def test_german_countdown_reads_german() -> None:
    tr = words("de")
    embed = countdown_embed(_events()[0], NOW, LONDON, tr=tr)
    assert "Samstag, 17. April 2027" in (embed.description or "")
    assert "Noch 38 Tage" in (embed.description or "")
    month = countdown_embed(_events()[1], NOW + timedelta(days=1), LONDON, tr=tr)
    assert "Juni 2027" in (month.description or "") and "Juni 2027," not in (month.description or "")


@pytest.mark.parametrize("code", LOCALES)
def test_trivia_and_reminder_replies_fit_discords_limits(code: str) -> None:
    from bot.domain.trivia import AskedQuestion, Question, Score, Stats, Tally
    from bot.render import reminders, reports, trivia

    tr = words(code)
    long = "Q" * 200
    question = Question(
        "k", "kind", long + "?", ("A" * 80, "B" * 80, "C" * 80), 0, "F" * 400, "https://e.org"
    )
    asked = AskedQuestion(1, 2, 3, 4, question, NOW, NOW + timedelta(seconds=20), None)
    score = Score(2, 5, "N" * 100, 1234, 2000, 1500, 12, 40)
    limit = "caught up to Season 2 and Volume 3"
    embeds = [
        trivia.question_embed(asked, limit, tr),
        trivia.reveal_embed(asked, Tally(1000, 999), tr),
        trivia.leaderboard_embed([score] * 10, tr),
    ]
    assert {embed.title: _embed_problems(embed) for embed in embeds if _embed_problems(embed)} == {}
    texts = [
        trivia.right_text(asked, score, tr),
        trivia.wrong_text(asked, 1, tr),
        trivia.already_answered_text(asked, 1, tr),
        trivia.closed_text(asked, tr),
        trivia.already_open_text(asked, NOW, tr),
        trivia.no_questions_text(limit, tr),
        trivia.stats_text(Stats(10, 20, 5, 1, 3, 4, 1, 50), in_server=True, tr=tr),
        tr(trivia.SERVER_ONLY_TEXT),
        reports.thanks_text("T" * 100, cut=True, tr=tr),
        tr(reports.EMPTY_TEXT),
        reminders.reminders_summary(3, 7, tr),
        tr(reminders.NO_REMINDERS),
    ]
    assert [len(text) for text in texts if len(text) > 2000] == []
    assert len(tr(reports.FORM_LABEL)) <= 45 and len(tr(reports.FORM_DESCRIPTION)) <= 100
    assert len(tr(reports.FORM_PLACEHOLDER)) <= 100
    labels = [tr(label) for label in reminders.LEAD_LABELS.values()] + [reminders.cancel_label(25, tr)]
    assert all(len(label) <= 80 for label in labels)
