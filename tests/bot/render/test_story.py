"""Season, episode, film and book embeds (bot/render/story.py): facts, precision, spoilers, limits."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import discord
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.catalog import Catalog
from bot.domain.dates import PartialDate
from bot.domain.model import Dataset, Episode, Production, Work
from bot.domain.source import load_dataset
from bot.domain.spoilers import NO_LIMIT, SpoilerLimit
from bot.domain.story import resolve_episode, resolve_production, resolve_work
from bot.render.story import (
    date_text,
    episode_embed,
    escape_text,
    production_embed,
    production_label,
    spoiler_level_label,
    spoiler_limit_lifted_text,
    spoiler_limit_set_text,
    volume_level_label,
    work_embed,
    work_label,
)

DATA_FILE = Path(__file__).resolve().parents[3] / "data" / "heartstopper.toml"
CAUGHT_UP_TO_S2_V3 = SpoilerLimit(season=2, volume=3)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(DATA_FILE)


@pytest.fixture(scope="module")
def catalog(dataset: Dataset) -> Catalog:
    return Catalog.build(dataset)


def field(embed: discord.Embed, name: str) -> str:
    values = [f.value for f in embed.fields if f.name == name]
    assert values, f"no field {name!r} in {[f.name for f in embed.fields]}"
    return values[0] or ""


def field_names(embed: discord.Embed) -> list[str]:
    return [f.name or "" for f in embed.fields]


def all_text(embed: discord.Embed) -> str:
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    parts += [f"{f.name}\n{f.value}" for f in embed.fields]
    return "\n".join(parts)


def assert_within_discord_limits(embed: discord.Embed) -> None:
    assert len(embed) <= 6000
    assert len(embed.title or "") <= 256
    assert len(embed.description or "") <= 4096
    assert len(embed.fields) <= 25
    for f in embed.fields:
        assert 0 < len(f.name or "") <= 256 and 0 < len(f.value or "") <= 1024
    assert len(embed.footer.text or "") <= 2048


def unescaped_pipes(text: str) -> int:
    """How many `|` in `text` Discord would read as markup (not preceded by an odd run of backslashes)."""
    count = 0
    for index, char in enumerate(text):
        if char != "|":
            continue
        backslashes = len(text[:index]) - len(text[:index].rstrip("\\"))
        count += backslashes % 2 == 0
    return count


def assert_one_intact_spoiler(text: str) -> None:
    """`text` is exactly one spoiler whose body cannot close it early."""
    assert text.startswith("||") and text.endswith("||"), text[:80]
    assert unescaped_pipes(text[2:-2]) == 0, text


# --- dates ----------------------------------------------------------------------------------------


def test_time_precision_is_a_discord_timestamp() -> None:
    text = date_text(PartialDate.parse("2022-04-22T08:00 Europe/London"), "confirmed")
    # 08:00 BST is 07:00 UTC.
    assert text.startswith("<t:1650610800:D> (<t:1650610800:R>)")
    assert "Confirmed" in text


def test_day_precision_prints_the_day_not_a_fake_midnight_timestamp() -> None:
    text = date_text(PartialDate.parse("2023-08-03"), "confirmed")
    assert text.startswith("3 August 2023")
    assert "<t:" not in text


def test_month_precision_prints_no_day() -> None:
    assert date_text(PartialDate.parse("2019-02"), "confirmed").startswith(
        "February 2019 (exact day unknown)"
    )
    assert date_text(PartialDate.parse("2026-07"), "announced").startswith(
        "expected July 2026, no exact day announced"
    )


def test_year_precision_and_status() -> None:
    text = date_text(PartialDate.parse("2026"), "announced")
    assert text.startswith("expected 2026, no exact date announced")
    assert "Announced" in text
    assert date_text(PartialDate.parse("2018"), "confirmed").startswith("2018 (exact date unknown)")


def test_unknown_date_is_said_plainly() -> None:
    text = date_text(PartialDate.parse("unknown"), "rumoured")
    assert text.startswith("date unknown") and "Rumoured" in text


# --- seasons and the film: facts ------------------------------------------------------------------


def test_season_1_facts(dataset: Dataset, catalog: Catalog) -> None:
    embed = production_embed(dataset, resolve_production(catalog, "1"), NO_LIMIT)
    assert embed.title == "Season 1"
    assert field(embed, "Release").startswith("<t:1650610800:D> (<t:1650610800:R>)")
    episodes = field(embed, "Episodes")
    assert episodes.startswith("8 episodes")
    assert "1. Meet" in episodes and "8. Boyfriend" in episodes
    for line in ("4. Secret", "5. Friend", "6. Girls", "7. Bully"):
        assert line in episodes
    assert "*title not confirmed*" not in episodes
    assert field(embed, "Adapts").startswith("Heartstopper: Volume 1, Heartstopper: Volume 2")
    assert "bullying" in field(embed, "Content notes")
    assert "radiotimes.com" in field(embed, "Sources")


def test_season_2_adapts_volume_3_only(dataset: Dataset, catalog: Catalog) -> None:
    embed = production_embed(dataset, resolve_production(catalog, "2"), NO_LIMIT)
    assert field(embed, "Release").startswith("3 August 2023")
    titles = field(embed, "Adapts").splitlines()[0]
    assert titles == "Heartstopper: Volume 3"
    assert "6. Truth / Dare" in field(embed, "Episodes")
    assert embed.description and embed.description.startswith("Newly together")


def test_season_3_adapts_volumes_4_and_5(dataset: Dataset, catalog: Catalog) -> None:
    embed = production_embed(dataset, resolve_production(catalog, "3"), NO_LIMIT)
    assert field(embed, "Release").startswith("3 October 2024")
    titles = field(embed, "Adapts").splitlines()[0]
    assert "Heartstopper: Volume 4" in titles and "Heartstopper: Volume 5" in titles
    assert "Volume 3" not in titles


def test_film_is_announced_with_year_precision(dataset: Dataset, catalog: Catalog) -> None:
    embed = production_embed(dataset, resolve_production(catalog, "film"), NO_LIMIT)
    assert embed.title == "Heartstopper Forever"
    release = field(embed, "Release")
    assert release.startswith("expected 2026, no exact date announced · 📣 Announced")
    assert "Episodes" not in field_names(embed)
    assert "Runtime: not confirmed" in field(embed, "Format")
    assert field(embed, "Adapts").startswith("Heartstopper: Volume 6, Nick and Charlie")
    assert "Not confirmed yet" in field_names(embed)


def test_no_limit_shows_everything_plainly(dataset: Dataset) -> None:
    for production in dataset.productions:
        embed = production_embed(dataset, production, NO_LIMIT)
        assert "||" not in all_text(embed)
        assert "Spoiler limit" not in (embed.footer.text or "")
        assert_within_discord_limits(embed)
    for work in dataset.works:
        embed = work_embed(dataset, work, NO_LIMIT)
        assert "||" not in all_text(embed)
        assert_within_discord_limits(embed)


# --- seasons and the film: spoilers ---------------------------------------------------------------


def test_later_season_content_is_hidden_title_and_date_visible(dataset: Dataset, catalog: Catalog) -> None:
    embed = production_embed(dataset, resolve_production(catalog, "3"), CAUGHT_UP_TO_S2_V3)
    assert embed.title == "Season 3"
    assert field(embed, "Release").startswith("3 October 2024")
    assert_one_intact_spoiler(embed.description or "")
    assert_one_intact_spoiler(field(embed, "Content notes"))
    header, _, titles = field(embed, "Episodes").partition("\n")
    assert header == "8 episodes"
    assert_one_intact_spoiler(titles)
    adapts_titles, _, note = field(embed, "Adapts").partition("\n")
    assert "Heartstopper: Volume 4" in adapts_titles  # which books: titles only, shown
    assert_one_intact_spoiler(note)  # how it adapts them: hidden
    assert "Spoiler limit active" in (embed.footer.text or "")
    assert "caught up to Season 2 and Volume 3" in (embed.footer.text or "")


def test_caught_up_season_is_plain_except_a_note_about_later_material(
    dataset: Dataset, catalog: Catalog
) -> None:
    season_1 = production_embed(dataset, resolve_production(catalog, "1"), CAUGHT_UP_TO_S2_V3)
    assert "||" not in all_text(season_1)
    assert "Spoiler limit" not in (season_1.footer.text or "")

    season_2 = production_embed(dataset, resolve_production(catalog, "2"), CAUGHT_UP_TO_S2_V3)
    assert not (season_2.description or "").startswith("||")
    assert "||" not in field(season_2, "Episodes")
    titles, _, note = field(season_2, "Adapts").partition("\n")
    assert titles == "Heartstopper: Volume 3"
    assert_one_intact_spoiler(note)  # it says what went into Season 3


def test_film_is_hidden_below_level_4(dataset: Dataset, catalog: Catalog) -> None:
    film = resolve_production(catalog, "film")
    hidden = production_embed(dataset, film, SpoilerLimit(season=3, volume=6))
    assert_one_intact_spoiler(hidden.description or "")
    assert field(hidden, "Release").startswith("expected 2026")
    shown = production_embed(dataset, film, SpoilerLimit(season=4, volume=6))
    assert "||" not in all_text(shown)


def test_episode_embed(dataset: Dataset, catalog: Catalog) -> None:
    season_2 = resolve_production(catalog, "2")
    embed = episode_embed(dataset, season_2, resolve_episode(season_2, 6), NO_LIMIT)
    assert embed.title == "Season 2, episode 6"
    assert embed.description == "**Truth / Dare**"
    assert field(embed, "Episode") == "6 of 8"
    assert field(embed, "Season release").startswith("3 August 2023")

    hidden = episode_embed(dataset, season_2, resolve_episode(season_2, 6), SpoilerLimit(season=1, volume=6))
    assert hidden.title == "Season 2, episode 6"
    assert_one_intact_spoiler((hidden.description or "").strip("*"))
    assert "Spoiler limit active" in (hidden.footer.text or "")


def test_episode_without_a_confirmed_title(dataset: Dataset, catalog: Catalog) -> None:
    season_1 = resolve_production(catalog, "1")
    untitled = Episode(number=5, title=None, unverified=("Episode title not confirmed by a source.",))
    embed = episode_embed(dataset, season_1, untitled, SpoilerLimit(0, 0))
    assert (embed.description or "").startswith("Title not confirmed")
    assert "Not confirmed yet" in field_names(embed)


# --- books ----------------------------------------------------------------------------------------


def test_volume_1_dates_never_invent_a_day(dataset: Dataset, catalog: Catalog) -> None:
    embed = work_embed(dataset, resolve_work(catalog, "1"), NO_LIMIT)
    published = field(embed, "Published")
    assert "**UK**: February 2019 (exact day unknown)" in published
    assert "**US**: May 2020 (exact day unknown)" in published
    assert "7 February" not in all_text(embed)  # only an AI encyclopedia gives that day
    assert field(embed, "Kind") == "Graphic novel, volume 1"
    assert field(embed, "Adapted in") == "Season 1"


def test_volume_dates_as_precise_as_known(dataset: Dataset, catalog: Catalog) -> None:
    volume_2 = field(work_embed(dataset, resolve_work(catalog, "2"), NO_LIMIT), "Published")
    assert "**US**: 10 November 2020" in volume_2
    volume_3 = work_embed(dataset, resolve_work(catalog, "3"), NO_LIMIT)
    assert "**US**: date unknown · ❓ Rumoured" in field(volume_3, "Published")
    assert field(volume_3, "Adapted in") == "Season 2"
    volume_6 = field(work_embed(dataset, resolve_work(catalog, "6"), NO_LIMIT), "Published")
    assert "2 July 2026" in volume_6
    assert "**US, Canada**: 7 July 2026 · ✅ Confirmed" in volume_6


@pytest.mark.parametrize(
    ("book", "kind", "adapted"),
    [
        ("4", "Graphic novel, volume 4", "Season 3"),
        ("5", "Graphic novel, volume 5", "Season 3"),
        ("Nick and Charlie", "Novella", "Heartstopper Forever"),
        ("This Winter", "Novella", "Season 3"),
        ("Solitaire", "Novel", "Not adapted on screen"),
        ("Yearbook", "Companion book", "Not adapted on screen"),
    ],
)
def test_book_kind_and_adaptation(
    dataset: Dataset, catalog: Catalog, book: str, kind: str, adapted: str
) -> None:
    embed = work_embed(dataset, resolve_work(catalog, book), NO_LIMIT)
    assert field(embed, "Kind") == kind
    assert field(embed, "Adapted in") == adapted


def test_later_book_is_hidden_title_kind_dates_visible(dataset: Dataset, catalog: Catalog) -> None:
    embed = work_embed(dataset, resolve_work(catalog, "4"), CAUGHT_UP_TO_S2_V3)
    assert embed.title == "Heartstopper: Volume 4"
    assert "||" not in field(embed, "Published") and "||" not in field(embed, "Kind")
    assert_one_intact_spoiler(embed.description or "")
    assert_one_intact_spoiler(field(embed, "Content notes"))
    assert "Spoiler limit active" in (embed.footer.text or "")
    earlier = work_embed(dataset, resolve_work(catalog, "3"), CAUGHT_UP_TO_S2_V3)
    assert "||" not in all_text(earlier)


def test_book_notes_naming_a_later_episode_are_hidden(dataset: Dataset, catalog: Catalog) -> None:
    embed = work_embed(dataset, resolve_work(catalog, "This Winter"), SpoilerLimit(season=2, volume=6))
    assert not (embed.description or "").startswith("||")  # the book itself has been read
    assert_one_intact_spoiler(field(embed, "Notes"))  # but its note names a Season 3 episode


# --- hostile dataset text -------------------------------------------------------------------------


def test_markdown_in_dataset_text_is_escaped() -> None:
    assert escape_text("> **bold** _it_ `code`") == r"\> \*\*bold\*\* \_it\_ \`code\`"
    assert escape_text("a|b") == "a|b"  # pipes are escaped once, later, by the spoiler-aware step


@pytest.mark.parametrize("text", ["a || b", "ends with a pipe|", "ends with a backslash\\", "\\||\\|", "||"])
def test_pipes_and_backslashes_cannot_break_a_spoiler(dataset: Dataset, catalog: Catalog, text: str) -> None:
    season_3 = dataclasses.replace(
        resolve_production(catalog, "3"),
        summary=text,
        content_notes=(text,),
        episodes=tuple(Episode(number=n, title=text) for n in range(1, 9)),
    )
    embed = production_embed(dataset, season_3, CAUGHT_UP_TO_S2_V3)
    assert_one_intact_spoiler(embed.description or "")
    assert_one_intact_spoiler(field(embed, "Content notes"))
    assert_one_intact_spoiler(field(embed, "Episodes").partition("\n")[2])
    plain = production_embed(dataset, season_3, NO_LIMIT)
    assert unescaped_pipes(plain.description or "") == 0


def test_long_markdown_heavy_text_is_cut_not_emptied(dataset: Dataset, catalog: Catalog) -> None:
    season_3 = dataclasses.replace(resolve_production(catalog, "3"), content_notes=("*|" * 3000,))
    notes = field(production_embed(dataset, season_3, CAUGHT_UP_TO_S2_V3), "Content notes")
    assert 500 < len(notes) <= 1024
    assert_one_intact_spoiler(notes)


def test_a_long_note_never_pushes_out_a_date(dataset: Dataset, catalog: Catalog) -> None:
    volume_1 = resolve_work(catalog, "1")
    noisy = dataclasses.replace(
        volume_1, publications=tuple(dataclasses.replace(p, note="n" * 900) for p in volume_1.publications)
    )
    published = field(work_embed(dataset, noisy, NO_LIMIT), "Published")
    assert "February 2019" in published and "May 2020" in published and "2018" in published
    season_1 = dataclasses.replace(resolve_production(catalog, "1"), release_note="n" * 5000)
    assert field(production_embed(dataset, season_1, NO_LIMIT), "Release").startswith("<t:1650610800:D>")


hostile_text = st.text(min_size=1, max_size=6000) | st.text(
    alphabet="|\\*_~`>#-\n @", min_size=1, max_size=3000
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile_text, hidden=st.booleans())
def test_any_production_text_fits_and_keeps_spoilers_closed(
    dataset: Dataset, catalog: Catalog, text: str, hidden: bool
) -> None:
    production: Production = dataclasses.replace(
        resolve_production(catalog, "3"),
        title=text,
        summary=text,
        content_notes=(text, text),
        adapts_note=text,
        notes=(text,),
        unverified=(text,),
        episodes=tuple(Episode(number=n, title=text) for n in range(1, 9)),
    )
    limit = CAUGHT_UP_TO_S2_V3 if hidden else NO_LIMIT
    embed = production_embed(dataset, production, limit)
    assert_within_discord_limits(embed)
    if hidden:
        assert_one_intact_spoiler(embed.description or "")
        assert_one_intact_spoiler(field(embed, "Episodes").partition("\n")[2])
    else:
        assert unescaped_pipes(embed.description or "") == 0
    episode = episode_embed(dataset, production, production.episodes[0], limit)
    assert_within_discord_limits(episode)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile_text, hidden=st.booleans())
def test_any_work_text_fits_and_keeps_spoilers_closed(
    dataset: Dataset, catalog: Catalog, text: str, hidden: bool
) -> None:
    original = resolve_work(catalog, "4")
    work: Work = dataclasses.replace(
        original,
        title=text,
        summary=text,
        content_notes=(text,),
        notes=(text, text),
        unverified=(text,),
        publications=tuple(dataclasses.replace(p, region=text, note=text) for p in original.publications),
    )
    embed = work_embed(dataset, work, CAUGHT_UP_TO_S2_V3 if hidden else NO_LIMIT)
    assert_within_discord_limits(embed)
    if hidden:
        assert_one_intact_spoiler(embed.description or "")
        assert_one_intact_spoiler(field(embed, "Notes"))


# --- labels and /config texts ---------------------------------------------------------------------


def test_autocomplete_labels(dataset: Dataset, catalog: Catalog) -> None:
    assert production_label(resolve_production(catalog, "2")) == "Season 2 · 2023 · 8 episodes"
    assert (
        production_label(resolve_production(catalog, "film"))
        == "Heartstopper Forever · film · 2026 (expected)"
    )
    assert work_label(resolve_work(catalog, "3")) == "Heartstopper: Volume 3 · graphic novel · 2020"
    assert work_label(resolve_work(catalog, "1")) == "Heartstopper: Volume 1 · graphic novel · 2018"


def test_level_labels(dataset: Dataset) -> None:
    assert spoiler_level_label(dataset, 0) == "0 · nothing watched yet"
    assert spoiler_level_label(dataset, 2) == "2 · Season 2"
    assert spoiler_level_label(dataset, 4) == "4 · Heartstopper Forever"
    assert volume_level_label(dataset, 0) == "0 · nothing read yet"
    assert volume_level_label(dataset, 3) == "3 · Heartstopper: Volume 3"
    four = volume_level_label(dataset, 4)
    assert four.startswith("4 · Heartstopper: Volume 4 (also ") and "This Winter" in four


def test_confirmation_texts(dataset: Dataset) -> None:
    text = spoiler_limit_set_text(dataset, SpoilerLimit(2, 3), nothing_hidden=False)
    assert "caught up to Season 2 and Volume 3" in text and "spoiler tags" in text
    assert "nothing is hidden" in spoiler_limit_set_text(dataset, SpoilerLimit(4, 6), nothing_hidden=True)
    assert "lifted" in spoiler_limit_lifted_text(True)
    assert "no spoiler limit" in spoiler_limit_lifted_text(False)
