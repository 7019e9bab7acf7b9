"""The /cast embeds, messages and autocomplete choices, rendered without Discord."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import DEFAULT_DATASET_PATH
from bot.domain.cast import cast_members
from bot.domain.model import Character, Dataset, StoryPoint, StoryText
from bot.domain.source import load_dataset
from bot.domain.sources import pick_sources
from bot.domain.spoilers import NO_LIMIT, SpoilerLimit
from bot.domain.text import truncate
from bot.render.cast import (
    PAGE_SIZE,
    _plain,
    autocomplete_choices,
    candidates_embed,
    cast_list_pages,
    character_embed,
    choice_label,
    empty_query_text,
    not_found_text,
)
from bot.render.common import FIELD_VALUE_LIMIT


def not_found_message(query: str, suggestions: Sequence[Character]) -> str:
    """The error as English readers see it (the handler translates the `Text` for others)."""
    return str(not_found_text(query, suggestions))


def empty_query_message(dataset: Dataset) -> str:
    return str(empty_query_text(dataset))


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(DEFAULT_DATASET_PATH)


def entry(dataset: Dataset, character_id: str) -> Character:
    found = dataset.character(character_id)
    assert found is not None
    return found


def card(
    character: Character,
    dataset: Dataset,
    limit: SpoilerLimit = NO_LIMIT,
    other_roles: Sequence[Character] = (),
) -> discord.Embed:
    """The /cast lookup embed, with the sources the command picks for it."""
    return character_embed(
        character,
        dataset=dataset,
        other_roles=other_roles,
        limit=limit,
        sources=pick_sources(dataset, character.sources),
    )


def fields(embed: discord.Embed) -> dict[str, str]:
    return {str(f.name): str(f.value) for f in embed.fields}


def assert_within_limits(embed: discord.Embed) -> None:
    assert len(embed) <= 6000
    assert len(embed.fields) <= 25
    assert len(embed.title or "") <= 256
    assert len(embed.description or "") <= 4096
    for field in embed.fields:
        assert 1 <= len(field.name or "") <= 256
        assert 1 <= len(field.value or "") <= 1024
    assert len(embed.footer.text or "") <= 2048


# --- one cast member --------------------------------------------------------------------------


def test_a_cast_member_shows_the_dataset_facts(dataset: Dataset) -> None:
    nick = entry(dataset, "nick-nelson")
    embed = card(nick, dataset, NO_LIMIT)
    shown = fields(embed)
    assert embed.title == nick.name
    assert embed.description == nick.role.text
    assert shown["Played by"] == "Kit Connor"
    assert shown["Cast group"] == "Main cast"
    assert dataset.film is not None
    assert shown["Appears in"] == f"Seasons 1, 2, 3 · {dataset.film.title} (film, cast confirmed)"
    pick = pick_sources(dataset, nick.sources)
    assert pick.shown and len(pick.shown) <= 3
    for url in pick.shown:
        assert f"]({url})" in shown["Sources"]
    for url in nick.sources:
        if dataset.source_kind(url) == "weak":
            assert url not in shown["Sources"]
    assert "Also plays (1)" not in shown
    assert_within_limits(embed)


def test_an_expected_film_appearance_is_marked_unverified(dataset: Dataset) -> None:
    shown = fields(card(entry(dataset, "elle-argent"), dataset, NO_LIMIT))
    assert "(film): expected, unverified" in shown["Appears in"]
    assert "Appearance in the film is expected but not confirmed." in shown["Unverified"]


def test_no_film_claim_without_the_dataset_saying_so(dataset: Dataset) -> None:
    shown = fields(card(entry(dataset, "tara-jones"), dataset, NO_LIMIT))
    assert shown["Appears in"] == "Seasons 1, 2, 3"
    shown = fields(card(entry(dataset, "naomi"), dataset, NO_LIMIT))
    assert shown["Appears in"] == "Season 2"


def test_an_unconfirmed_actor_is_said_plainly(dataset: Dataset) -> None:
    shown = fields(card(entry(dataset, "oliver-spring"), dataset, NO_LIMIT))
    assert shown["Played by"] == "not confirmed (unverified)"
    assert "The actor who plays him" in shown["Unverified"]


def test_an_unknown_role_is_said_plainly(dataset: Dataset) -> None:
    lara = entry(dataset, "lara-decaro-role")
    embed = card(lara, dataset, NO_LIMIT)
    assert embed.description == lara.role.text
    assert fields(embed)["Played by"] == "Lara Decaro"


def test_notes_are_shown(dataset: Dataset) -> None:
    shown = fields(card(entry(dataset, "sarah-nelson"), dataset, NO_LIMIT))
    assert "Olivia Colman could not fit Season 3 into her schedule." in shown["Notes"]


def test_other_roles_are_listed(dataset: Dataset) -> None:
    nick = entry(dataset, "nick-nelson")
    twin = dataclasses.replace(nick, id="twin", name="Evil Twin", seasons=(2,))
    shown = fields(card(nick, dataset, other_roles=[twin]))
    assert shown["Also plays (1)"] == "• Evil Twin (Season 2)"


def test_a_role_beyond_the_spoiler_limit_is_hidden_but_names_stay(dataset: Dataset) -> None:
    charlie = entry(dataset, "charlie-spring")
    assert charlie.role.reveals == StoryPoint(season=3, volume=4)
    embed = card(charlie, dataset, SpoilerLimit(season=1, volume=1))
    assert embed.description == f"||{charlie.role.text}||"
    assert embed.title == charlie.name
    assert fields(embed)["Played by"] == charlie.actor
    assert fields(embed)["Appears in"].startswith("Seasons 1, 2, 3")
    assert "Spoiler limit active" in (embed.footer.text or "")
    # Caught up to the point the role line reveals, or a line that reveals nothing: plain.
    assert card(charlie, dataset, SpoilerLimit(season=3, volume=4)).description == charlie.role.text
    nick = entry(dataset, "nick-nelson")
    assert nick.role.reveals == StoryPoint(season=1, volume=2)
    assert card(nick, dataset, SpoilerLimit(season=1, volume=2)).description == nick.role.text
    tori = entry(dataset, "tori-spring")
    assert tori.role.reveals == StoryPoint()
    plain = card(tori, dataset, SpoilerLimit(season=0, volume=0))
    assert plain.description == tori.role.text
    assert "Spoiler limit" not in (plain.footer.text or "")


@pytest.mark.parametrize("character_id", ["jack-maddox", "michael-holden", "oliver-spring"])
def test_a_season_3_only_role_line_is_tagged_under_a_season_1_limit(
    dataset: Dataset, character_id: str
) -> None:
    character = entry(dataset, character_id)
    assert character.role.reveals.season == 3
    embed = card(character, dataset, SpoilerLimit(season=1, volume=1))
    assert embed.description == f"||{_escaped(character.role.text)}||"
    assert embed.title == character.name  # names always show
    shown = card(character, dataset, SpoilerLimit(season=3, volume=6))
    assert shown.description == _escaped(character.role.text)


def _escaped(text: str) -> str:
    return discord.utils.escape_markdown(text)


def test_a_note_beyond_the_limit_is_tagged_on_its_own_line(dataset: Dataset) -> None:
    base = entry(dataset, "tori-spring")
    noted = dataclasses.replace(
        base,
        notes=(StoryText("Shown to everyone."), StoryText("Only after Season 3.", StoryPoint(season=3))),
    )
    notes = fields(card(noted, dataset, SpoilerLimit(season=2, volume=6)))["Notes"].splitlines()
    assert notes == ["• Shown to everyone.", "• ||Only after Season 3.||"]
    assert "||" not in fields(card(noted, dataset, SpoilerLimit(season=3, volume=0)))["Notes"]


def test_editor_notes_are_never_shown(dataset: Dataset) -> None:
    base = entry(dataset, "nick-nelson")
    edited = dataclasses.replace(base, editor_notes=("EDITOR ONLY: a starting document said otherwise.",))
    embed = card(edited, dataset)
    assert "EDITOR ONLY" not in str(embed.to_dict())


def test_a_weak_source_is_never_linked(dataset: Dataset) -> None:
    base = entry(dataset, "nick-nelson")
    weak = "https://grokipedia.com/page/Nick_Nelson"
    assert dataset.source_kind(weak) == "weak"
    only_weak = dataclasses.replace(base, sources=(weak,))
    sources = fields(card(only_weak, dataset))["Sources"]
    assert weak not in sources and "grokipedia" not in sources
    assert "unreliable" in sources


def test_dataset_text_is_escaped_and_pipes_cannot_break_the_spoiler(dataset: Dataset) -> None:
    base = entry(dataset, "charlie-spring")
    odd = dataclasses.replace(
        base, name="*Bold* _name_", role=StoryText("Loves a||b and **this**", StoryPoint(season=3))
    )
    embed = card(odd, dataset, SpoilerLimit(season=1))
    assert embed.title == "\\*Bold\\* \\_name\\_"
    assert embed.description == "||Loves a\\|\\|b and \\*\\*this\\*\\*||"
    plain = card(odd, dataset, NO_LIMIT)
    assert plain.description == "Loves a\\|\\|b and \\*\\*this\\*\\*"


settings_for_text = settings(max_examples=100, deadline=None)


@settings_for_text
@given(
    name=st.text(min_size=1, max_size=3000),
    role=st.text(min_size=1, max_size=6000),
    notes=st.lists(st.text()),
)
def test_any_dataset_text_stays_within_discord_limits(
    dataset: Dataset, name: str, role: str, notes: list[str]
) -> None:
    base = entry(dataset, "charlie-spring")
    odd = dataclasses.replace(
        base,
        name=name,
        actor=name,
        role=StoryText(role, StoryPoint(season=3)),
        notes=tuple(StoryText(note, StoryPoint(season=3)) for note in notes),
        unverified=tuple(notes),
    )
    others = [dataclasses.replace(base, id=f"x{i}", name=name) for i in range(30)]
    assert_within_limits(card(odd, dataset, SpoilerLimit(season=1), other_roles=others))


# --- candidates and misses --------------------------------------------------------------------


def test_candidates_list_every_option(dataset: Dataset) -> None:
    nelsons = [c for c in dataset.characters if c.name.endswith("Nelson")]
    embed = candidates_embed("Nelson", nelsons, more=False)
    for character in nelsons:
        assert f"**{character.name}** — {character.actor}" in (embed.description or "")
    assert "**Nelson**" in (embed.description or "")
    assert "more" not in (embed.description or "")
    assert "type more" in (candidates_embed("Nelson", nelsons, more=True).description or "")


@given(st.text(max_size=6000))
def test_echoed_queries_are_escaped_and_bounded(query: str) -> None:
    embed = candidates_embed(query, [], more=False)
    assert_within_limits(embed)
    message = not_found_message(query, [])
    assert len(message) <= 2000
    for text in (embed.description or "", message):
        assert "@everyone" not in text and "@here" not in text


def test_hostile_queries_are_neutralised() -> None:
    message = not_found_message("@everyone **hi** <@&123> \u202e", [])
    assert "@everyone" not in message
    assert "<@&123>" not in message
    assert "\u202e" not in message
    assert "\\*\\*hi\\*\\*" in message
    assert not_found_message("\u200b", []) == "No cast member matches **that**."


def test_a_miss_suggests_names_or_says_no(dataset: Dataset) -> None:
    harry = entry(dataset, "harry-greene")
    assert not_found_message("Harry Potter", [harry]) == (
        "No cast member matches **Harry Potter**. Did you mean **Harry Greene** (Cormac Hyde-Corrin)?"
    )
    two = not_found_message("x", [harry, entry(dataset, "ben-hope")])
    assert two.endswith(
        "Did you mean **Harry Greene** (Cormac Hyde-Corrin) or **Ben Hope** (Sebastian Croft)?"
    )
    assert not_found_message("qqq", []) == "No cast member matches **qqq**."


def test_the_empty_query_hint_comes_from_the_dataset(dataset: Dataset) -> None:
    assert f"**{dataset.characters[0].name}**" in empty_query_message(dataset)


# --- autocomplete choices ---------------------------------------------------------------------


def test_choices_read_character_then_actor_and_carry_the_id(dataset: Dataset) -> None:
    choices = autocomplete_choices([entry(dataset, "nick-nelson"), entry(dataset, "oliver-spring")])
    assert [(c.name, c.value) for c in choices] == [
        ("Nick Nelson — Kit Connor", "nick-nelson"),
        ("Oliver Spring — actor unverified", "oliver-spring"),
    ]


@given(st.text(max_size=500), st.text(max_size=500), st.text(min_size=1, max_size=300))
def test_choices_fit_discord(name: str, actor: str, character_id: str) -> None:
    base = load_dataset(DEFAULT_DATASET_PATH).characters[0]
    odd = dataclasses.replace(base, id=character_id, name=name, actor=actor)
    choices = autocomplete_choices([odd] * 30)
    assert len(choices) == 25
    for choice in choices:
        assert 1 <= len(choice.name) <= 100
        assert 1 <= len(choice.value) <= 100
    assert 1 <= len(choice_label(odd)) <= 100


# --- the cast list ----------------------------------------------------------------------------


def listed_names(pages: list[discord.Embed]) -> list[str]:
    names = []
    for page in pages:
        for field in page.fields:
            for line in str(field.value).splitlines():
                names.append(line.split("**")[1])
    return names


def test_the_cast_list_groups_by_page(dataset: Dataset) -> None:
    members = cast_members(dataset)
    pages = cast_list_pages(dataset, members, production=None)
    # main 8, recurring 11, guests 15: no two groups fit one 15-line page together
    assert [[f.name for f in page.fields] for page in pages] == [["Main cast"], ["Recurring"], ["Guests"]]
    assert listed_names(pages) == [c.name for c in members]
    assert pages[0].footer.text == f"Page 1/3 · {len(members)} cast members · /cast lookup for details"
    for page in pages:
        assert page.title == f"{dataset.title} cast"
        assert_within_limits(page)


def test_a_season_list_shows_only_that_season(dataset: Dataset) -> None:
    season_1 = dataset.seasons[0]
    members = cast_members(dataset, season_1)
    pages = cast_list_pages(dataset, members, production=season_1)
    assert pages[0].title == f"{dataset.title} cast: Season 1"
    assert listed_names(pages) == [c.name for c in members]
    assert "Stephane Nelson" not in listed_names(pages)


def test_list_lines_carry_actor_seasons_and_film(dataset: Dataset) -> None:
    pages = cast_list_pages(dataset, cast_members(dataset), production=None)
    main = str(pages[0].fields[0].value).splitlines()
    assert "**Nick Nelson** — Kit Connor · Seasons 1, 2, 3 · film" in main
    assert "**Elle Argent** — Yasmin Finney · Seasons 1, 2, 3 · film expected (unverified)" in main
    guests = str(pages[2].fields[0].value)
    assert "**Oliver Spring** — not confirmed (unverified) · Season 3" in guests


def test_a_big_group_continues_on_the_next_page(dataset: Dataset) -> None:
    base = entry(dataset, "naomi")
    crowd = [dataclasses.replace(base, id=f"g{i}", name=f"Guest {i}") for i in range(40)]
    pages = cast_list_pages(dataset, crowd, production=None)
    assert len(pages) == 3
    assert [f.name for f in pages[1].fields] == ["Guests (continued)"]
    assert listed_names(pages) == [c.name for c in crowd]
    assert all(len(str(p.fields[0].value).splitlines()) <= PAGE_SIZE for p in pages)


def test_an_empty_season_says_so(dataset: Dataset) -> None:
    [page] = cast_list_pages(dataset, [], production=dataset.seasons[1])
    assert page.description == "Nobody listed."


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=2000), min_size=1, max_size=60))
def test_any_list_stays_within_discord_limits_and_drops_nobody(names: list[str]) -> None:
    dataset = load_dataset(DEFAULT_DATASET_PATH)
    base = dataset.characters[0]
    members = [dataclasses.replace(base, id=f"c{i}", name=n, actor=f"Actor{i}#") for i, n in enumerate(names)]
    pages = cast_list_pages(dataset, members, production=None)
    text = ""
    for page in pages:
        assert_within_limits(page)
        text += "".join(str(field.value) for field in page.fields)
    for i in range(len(members)):
        assert f"Actor{i}#" in text


def test_a_page_of_worst_case_names_drops_nobody(dataset: Dataset) -> None:
    # Every character escaped doubles the text: the longest lines a page can hold.
    base = dataset.characters[0]
    members = [
        dataclasses.replace(
            base, id=f"c{i}", name="*" * 300, actor=f"{'_' * 300}{i}#", seasons=tuple(range(1, 40))
        )
        for i in range(PAGE_SIZE)
    ]
    [page] = cast_list_pages(dataset, members, production=None)
    assert_within_limits(page)
    assert sum(len(str(field.value).splitlines()) for field in page.fields) == PAGE_SIZE


@given(
    st.text(max_size=200)
    | st.from_regex(r"(https?://[a-z.]+/[a-z_-]*)?[ a-z\[\]()#>*_-]{0,40}", fullmatch=True)
)
def test_plain_text_fast_path_matches_escape_markdown(text: str) -> None:
    # _plain skips escape_markdown for text without markdown characters: it must give the same result.
    assert _plain(text) == discord.utils.escape_markdown(truncate(text, FIELD_VALUE_LIMIT))
