"""Season, episode, film and book answers (bot/render/story.py): facts, spoilers, sources, limits."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import discord
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.catalog import Catalog
from bot.domain.dates import PartialDate
from bot.domain.model import Dataset, Episode, Production, StoryPoint, StoryText, Work
from bot.domain.source import load_dataset
from bot.domain.spoilers import NO_LIMIT, SpoilerLimit
from bot.domain.story import resolve_episode, resolve_production, resolve_work
from bot.render.common import all_sources_text
from bot.render.spoilers import (
    spoiler_level_label,
    spoiler_limit_lifted_text,
    spoiler_limit_set_text,
    spoiler_promise,
    volume_level_label,
)
from bot.render.story import (
    Moment,
    date_text,
    episode_answer,
    escape_text,
    production_answer,
    production_label,
    work_answer,
    work_label,
)

DATA_FILE = Path(__file__).resolve().parents[3] / "data" / "heartstopper.toml"
CAUGHT_UP_TO_S2_V3 = SpoilerLimit(season=2, volume=3)
CAUGHT_UP_TO_S1_V2 = SpoilerLimit(season=1, volume=2)
VERIFIED_ON = date(2026, 7, 3)
CHECKED_TODAY = Moment(today=VERIFIED_ON, verified_on=VERIFIED_ON)
LATER = Moment(today=date(2026, 12, 1), verified_on=VERIFIED_ON)
# Every story point a test text may reveal beyond CAUGHT_UP_TO_S2_V3.
LATER_POINT = StoryPoint(season=3, volume=4)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(DATA_FILE)


@pytest.fixture(scope="module")
def catalog(dataset: Dataset) -> Catalog:
    return Catalog.build(dataset)


def plot(
    dataset: Dataset,
    production: Production,
    limit: SpoilerLimit = NO_LIMIT,
    *,
    details: bool = False,
    moment: Moment = CHECKED_TODAY,
) -> discord.Embed:
    return production_answer(dataset, production, limit, moment, details=details).embed


def volume(
    dataset: Dataset, work: Work, limit: SpoilerLimit = NO_LIMIT, moment: Moment = CHECKED_TODAY
) -> discord.Embed:
    return work_answer(dataset, work, limit, moment).embed


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


def linked_urls(text: str) -> list[str]:
    return re.findall(r"\]\((\S+?)\)", text)


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
    embed = plot(dataset, resolve_production(catalog, "1"), details=True)
    assert embed.title == "Season 1"
    assert field(embed, "Release").startswith("<t:1650610800:D> (<t:1650610800:R>)")
    assert field(embed, "Format").startswith("8 episodes")
    episodes = field(embed, "Episodes")
    assert "1. Meet" in episodes and "8. Boyfriend" in episodes
    for line in ("4. Secret", "5. Friend", "6. Girls", "7. Bully"):
        assert line in episodes
    assert "*title not confirmed*" not in episodes
    assert field(embed, "Adapts").startswith("Heartstopper: Volume 1, Heartstopper: Volume 2")
    assert "bullying" in field(embed, "Content notes")
    assert "radiotimes.com" in field(embed, "Sources")


def test_the_plain_answer_fits_one_screen_and_offers_details(dataset: Dataset, catalog: Catalog) -> None:
    season_1 = resolve_production(catalog, "1")
    answer = production_answer(dataset, season_1, NO_LIMIT, CHECKED_TODAY)
    assert len(answer.embed) < 1500
    assert "Episodes" not in field_names(answer.embed)
    assert "Behind the scenes" not in field_names(answer.embed)
    assert "More with details:True." in (answer.embed.footer.text or "")
    detailed = production_answer(dataset, season_1, NO_LIMIT, CHECKED_TODAY, details=True)
    assert "Episodes" in field_names(detailed.embed) and "Behind the scenes" in field_names(detailed.embed)
    assert "details:True" not in (detailed.embed.footer.text or "")


def test_season_2_adapts_volume_3_only(dataset: Dataset, catalog: Catalog) -> None:
    embed = plot(dataset, resolve_production(catalog, "2"), details=True)
    assert field(embed, "Release").startswith("3 August 2023")
    titles = field(embed, "Adapts").splitlines()[0]
    assert titles == "Heartstopper: Volume 3"
    assert "6. Truth / Dare" in field(embed, "Episodes")
    assert embed.description and embed.description.startswith("Newly together")


def test_season_3_adapts_volumes_4_and_5(dataset: Dataset, catalog: Catalog) -> None:
    embed = plot(dataset, resolve_production(catalog, "3"))
    assert field(embed, "Release").startswith("3 October 2024")
    titles = field(embed, "Adapts").splitlines()[0]
    assert "Heartstopper: Volume 4" in titles and "Heartstopper: Volume 5" in titles
    assert "Volume 3" not in titles


def test_film_is_announced_with_year_precision(dataset: Dataset, catalog: Catalog) -> None:
    embed = plot(dataset, resolve_production(catalog, "film"), details=True)
    assert embed.title == "Heartstopper Forever"
    release = field(embed, "Release")
    assert release.startswith("expected 2026, no exact date announced · 📣 Announced")
    assert "Episodes" not in field_names(embed)
    assert field(embed, "Format") == "Film, runtime not confirmed"
    assert field(embed, "Adapts").startswith("Heartstopper: Volume 6, Nick and Charlie")
    assert "Not confirmed yet" in field_names(embed)


def test_no_limit_shows_everything_plainly(dataset: Dataset) -> None:
    for production in dataset.productions:
        for details in (False, True):
            embed = plot(dataset, production, details=details)
            assert "||" not in all_text(embed)
            assert "Spoiler limit" not in (embed.footer.text or "")
            assert_within_discord_limits(embed)
    for work in dataset.works:
        embed = volume(dataset, work)
        assert "||" not in all_text(embed)
        assert_within_discord_limits(embed)


# --- dated claims -----------------------------------------------------------------------------------


def test_an_announced_date_is_told_as_of_the_verified_day_once_that_is_past(
    dataset: Dataset, catalog: Catalog
) -> None:
    film = resolve_production(catalog, "film")
    today = field(plot(dataset, film, moment=CHECKED_TODAY), "Release")
    assert "(as of" not in today
    later = field(plot(dataset, film, moment=LATER), "Release")
    assert later.startswith("expected 2026, no exact date announced (as of 3 July 2026) · 📣 Announced")


def test_a_confirmed_date_is_never_dated(dataset: Dataset, catalog: Catalog) -> None:
    release = field(plot(dataset, resolve_production(catalog, "2"), moment=LATER), "Release")
    assert release.startswith("3 August 2023 · ✅ Confirmed")
    assert "as of" not in release and "was expected" not in release


def test_a_lapsed_window_says_was_expected_never_released(dataset: Dataset, catalog: Catalog) -> None:
    film = resolve_production(catalog, "film")
    in_2027 = Moment(today=date(2027, 3, 1), verified_on=VERIFIED_ON)
    release = field(plot(dataset, film, moment=in_2027), "Release")
    assert release.startswith(
        "was expected 2026; this dataset has no later news (facts verified 3 July 2026)"
    )
    assert "released" not in release.lower()


def test_date_text_claims() -> None:
    day = PartialDate.parse("2026-07-07")
    assert (
        date_text(day, "announced", CHECKED_TODAY)
        == "expected 7 July 2026 · 📣 Announced (not yet confirmed)"
    )
    assert date_text(day, "announced", Moment(date(2026, 7, 5), VERIFIED_ON)).startswith(
        "expected 7 July 2026 (as of 3 July 2026)"
    )
    assert date_text(day, "rumoured", LATER).startswith("was expected 7 July 2026;")
    assert date_text(day, "confirmed", LATER).startswith("7 July 2026 · ✅ Confirmed")


# --- seasons and the film: spoilers ---------------------------------------------------------------


def test_caught_up_to_season_1_and_volume_2_season_1_has_no_spoiler_tag(
    dataset: Dataset, catalog: Catalog
) -> None:
    season_1 = resolve_production(catalog, "1")
    for details in (False, True):
        embed = plot(dataset, season_1, CAUGHT_UP_TO_S1_V2, details=details)
        assert "||" not in all_text(embed)
        assert "Spoiler limit" not in (embed.footer.text or "")
    # The adaptation note only names the books: it is never tagged.
    assert field(plot(dataset, season_1, CAUGHT_UP_TO_S1_V2), "Adapts").endswith("Volumes 1 and 2.")


def test_caught_up_to_season_1_season_2_story_is_inside_tags(dataset: Dataset, catalog: Catalog) -> None:
    embed = plot(dataset, resolve_production(catalog, "2"), CAUGHT_UP_TO_S1_V2, details=True)
    assert embed.title == "Season 2"
    assert_one_intact_spoiler(embed.description or "")
    assert field(embed, "Release").startswith("3 August 2023")
    assert "||" not in field(embed, "Content notes")
    assert "Spoiler limit active" in (embed.footer.text or "")
    assert "caught up to Season 1 and Volume 2" in (embed.footer.text or "")


def test_later_season_story_is_hidden_title_date_and_content_notes_visible(
    dataset: Dataset, catalog: Catalog
) -> None:
    embed = plot(dataset, resolve_production(catalog, "3"), CAUGHT_UP_TO_S2_V3, details=True)
    assert embed.title == "Season 3"
    assert field(embed, "Release").startswith("3 October 2024")
    assert_one_intact_spoiler(embed.description or "")
    notes = field(embed, "Content notes")
    assert "eating disorder" in notes and "||" not in notes  # safety information is never hidden
    assert field(embed, "Format") == "8 episodes"
    adapts_titles = field(embed, "Adapts").partition("\n")[0]
    assert "Heartstopper: Volume 4" in adapts_titles  # which books: titles only, shown
    assert "Spoiler limit active" in (embed.footer.text or "")
    assert "caught up to Season 2 and Volume 3" in (embed.footer.text or "")


def test_an_episode_title_beyond_the_limit_is_tagged_per_line(dataset: Dataset, catalog: Catalog) -> None:
    season_1 = resolve_production(catalog, "1")
    lines = field(plot(dataset, season_1, SpoilerLimit(season=0, volume=0), details=True), "Episodes")
    by_number = dict(line.split(". ", 1) for line in lines.splitlines())
    assert by_number["1"] == "Meet"  # reveals nothing
    assert by_number["2"] == "||Crush||"  # reveals S1 V1: neither watched nor read yet
    for episode in season_1.episodes:
        hidden = SpoilerLimit(season=0, volume=0).hides(episode.reveals)
        title = by_number[str(episode.number)]
        if hidden:
            assert_one_intact_spoiler(title)
            assert title == f"||{episode.title}||"
        else:
            assert title == episode.title
    assert any(title.startswith("||") for title in by_number.values())
    assert any(not title.startswith("||") for title in by_number.values())


def test_season_3_episode_titles_are_each_tagged(dataset: Dataset, catalog: Catalog) -> None:
    lines = field(
        plot(dataset, resolve_production(catalog, "3"), CAUGHT_UP_TO_S2_V3, details=True), "Episodes"
    )
    for line in lines.splitlines():
        number, _, title = line.partition(". ")
        assert number.isdigit()
        assert_one_intact_spoiler(title)


def test_film_is_hidden_below_level_4(dataset: Dataset, catalog: Catalog) -> None:
    film = resolve_production(catalog, "film")
    hidden = plot(dataset, film, SpoilerLimit(season=3, volume=5))
    assert_one_intact_spoiler(hidden.description or "")
    assert field(hidden, "Release").startswith("expected 2026")
    shown = plot(dataset, film, SpoilerLimit(season=4, volume=6), details=True)
    assert "||" not in all_text(shown)


def test_only_the_texts_beyond_the_limit_are_tagged(dataset: Dataset, catalog: Catalog) -> None:
    season_2 = dataclasses.replace(
        resolve_production(catalog, "2"),
        summary=StoryText("Visible summary.", StoryPoint(season=2, volume=3)),
        notes=(StoryText("A plain note."), StoryText("A later note.", LATER_POINT)),
        facts=(),
    )
    embed = plot(dataset, season_2, CAUGHT_UP_TO_S2_V3, details=True)
    assert embed.description == "Visible summary."
    assert field(embed, "Behind the scenes").splitlines() == ["• A plain note.", "• ||A later note.||"]
    assert "Spoiler limit active" in (embed.footer.text or "")
    # The footer speaks only when something shown is hidden.
    only_plain = dataclasses.replace(season_2, notes=(StoryText("A plain note."),))
    assert "Spoiler limit" not in (plot(dataset, only_plain, CAUGHT_UP_TO_S2_V3).footer.text or "")


def test_editor_notes_are_never_rendered(dataset: Dataset, catalog: Catalog) -> None:
    secret = ("EDITOR ONLY: the starting document said otherwise.",)
    season_2 = dataclasses.replace(resolve_production(catalog, "2"), editor_notes=secret)
    work = dataclasses.replace(resolve_work(catalog, "1"), editor_notes=secret)
    for embed in (plot(dataset, season_2, details=True), volume(dataset, work)):
        assert "EDITOR ONLY" not in str(embed.to_dict())
    for production in dataset.productions:
        text = str(plot(dataset, production, details=True).to_dict())
        assert not any(note[:40] in text for note in production.editor_notes)


# --- sources ----------------------------------------------------------------------------------------


def test_at_most_three_links_best_first_never_weak(dataset: Dataset, catalog: Catalog) -> None:
    rank = {"official": 0, "press": 1, "fan": 2}
    for production in dataset.productions:
        answer = production_answer(dataset, production, NO_LIMIT, CHECKED_TODAY, details=True)
        links = linked_urls(field(answer.embed, "Sources"))
        assert 1 <= len(links) <= 3
        assert links == list(answer.sources.shown)
        kinds = [dataset.source_kind(url) for url in links]
        assert "weak" not in kinds
        assert [rank[k] for k in kinds] == sorted(rank[k] for k in kinds)
    for work in dataset.works:
        answer = work_answer(dataset, work, NO_LIMIT, CHECKED_TODAY)
        links = linked_urls(field(answer.embed, "Sources"))
        assert len(links) <= 3
        assert all(dataset.source_kind(url) != "weak" for url in links)


def test_more_sources_are_counted_and_listed_privately(dataset: Dataset, catalog: Catalog) -> None:
    answer = production_answer(dataset, resolve_production(catalog, "1"), NO_LIMIT, CHECKED_TODAY)
    pick = answer.sources
    assert pick.more
    assert f"+{len(pick.more)} more (All sources)" in field(answer.embed, "Sources")
    listing = all_sources_text("Season 1", pick)
    assert len(listing) <= 2000
    for url in pick.all_linkable[:5]:
        assert url in listing
    weak = [u for u in resolve_production(catalog, "1").sources if dataset.source_kind(u) == "weak"]
    assert not any(url in listing for url in weak)


def test_only_weak_sources_are_counted_not_linked(dataset: Dataset, catalog: Catalog) -> None:
    weak = "https://grokipedia.com/page/Heartstopper_(TV_series)"
    assert dataset.source_kind(weak) == "weak"
    season_1 = dataclasses.replace(
        resolve_production(catalog, "1"),
        sources=(weak,),
        release_sources=(),
        summary_sources=(),
        adapts_sources=(),
        episodes_sources=(),
        facts=(),
    )
    answer = production_answer(dataset, season_1, NO_LIMIT, CHECKED_TODAY)
    sources = field(answer.embed, "Sources")
    assert weak not in sources and "](" not in sources
    assert sources == "Only unreliable pages report this, so none is linked."
    assert answer.sources.unreliable == 1


# --- episodes ---------------------------------------------------------------------------------------


def test_episode_answer(dataset: Dataset, catalog: Catalog) -> None:
    season_2 = resolve_production(catalog, "2")
    answer = episode_answer(dataset, season_2, resolve_episode(season_2, 6), NO_LIMIT, CHECKED_TODAY)
    embed = answer.embed
    assert embed.title == "Season 2, episode 6"
    assert embed.description == "**Truth / Dare**"
    assert field(embed, "Episode") == "6 of 8"
    assert field(embed, "Season release").startswith("3 August 2023")
    assert len(linked_urls(field(embed, "Sources"))) <= 3

    hidden = episode_answer(
        dataset, season_2, resolve_episode(season_2, 6), SpoilerLimit(season=1, volume=2), CHECKED_TODAY
    ).embed
    assert hidden.title == "Season 2, episode 6"
    assert_one_intact_spoiler((hidden.description or "").strip("*"))
    assert "Spoiler limit active" in (hidden.footer.text or "")


def test_an_episode_that_reveals_nothing_is_plain_under_any_limit(dataset: Dataset, catalog: Catalog) -> None:
    season_1 = resolve_production(catalog, "1")
    meet = resolve_episode(season_1, 1)
    assert meet.reveals == StoryPoint()
    embed = episode_answer(dataset, season_1, meet, SpoilerLimit(0, 0), CHECKED_TODAY).embed
    assert embed.description == "**Meet**"
    assert "Spoiler limit" not in (embed.footer.text or "")


def test_episode_without_a_confirmed_title(dataset: Dataset, catalog: Catalog) -> None:
    season_1 = resolve_production(catalog, "1")
    untitled = Episode(number=5, title=None, unverified=("Episode title not confirmed by a source.",))
    embed = episode_answer(dataset, season_1, untitled, SpoilerLimit(0, 0), CHECKED_TODAY).embed
    assert (embed.description or "").startswith("Title not confirmed")
    assert "Not confirmed yet" in field_names(embed)


# --- books ----------------------------------------------------------------------------------------


def test_volume_1_dates_never_invent_a_day(dataset: Dataset, catalog: Catalog) -> None:
    embed = volume(dataset, resolve_work(catalog, "1"))
    published = field(embed, "Published")
    assert "**UK**: February 2019 (exact day unknown)" in published
    assert "**US**: May 2020 (exact day unknown)" in published
    assert "7 February" not in all_text(embed)  # only an AI encyclopedia gives that day
    assert field(embed, "Kind") == "Graphic novel, volume 1"
    assert field(embed, "Adapted in") == "Season 1"


def test_volume_dates_as_precise_as_known(dataset: Dataset, catalog: Catalog) -> None:
    volume_2 = field(volume(dataset, resolve_work(catalog, "2")), "Published")
    assert "**US**: 10 November 2020" in volume_2
    volume_3 = volume(dataset, resolve_work(catalog, "3"))
    assert field(volume_3, "Adapted in") == "Season 2"
    volume_6 = field(volume(dataset, resolve_work(catalog, "6"), moment=LATER), "Published")
    assert "2 July 2026" in volume_6
    assert "**US, Canada**: 7 July 2026 · ✅ Confirmed" in volume_6
    assert "as of" not in volume_6  # confirmed dates are not claims


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
    embed = volume(dataset, resolve_work(catalog, book))
    assert field(embed, "Kind") == kind
    assert field(embed, "Adapted in") == adapted


def test_later_book_is_hidden_title_kind_dates_and_content_notes_visible(
    dataset: Dataset, catalog: Catalog
) -> None:
    embed = volume(dataset, resolve_work(catalog, "4"), CAUGHT_UP_TO_S2_V3)
    assert embed.title == "Heartstopper: Volume 4"
    assert "||" not in field(embed, "Published") and "||" not in field(embed, "Kind")
    assert_one_intact_spoiler(embed.description or "")
    assert "||" not in field(embed, "Content notes")
    assert "Spoiler limit active" in (embed.footer.text or "")
    earlier = volume(dataset, resolve_work(catalog, "3"), CAUGHT_UP_TO_S2_V3)
    assert "||" not in all_text(earlier)


def test_book_notes_are_tagged_by_their_own_point(dataset: Dataset, catalog: Catalog) -> None:
    work = dataclasses.replace(
        resolve_work(catalog, "3"),
        notes=(StoryText("Collects chapters."), StoryText("Names a Season 3 episode.", StoryPoint(season=3))),
    )
    embed = volume(dataset, work, SpoilerLimit(season=2, volume=6))
    assert not (embed.description or "").startswith("||")  # the book itself has been read
    assert field(embed, "Notes").splitlines() == ["• Collects chapters.", "• ||Names a Season 3 episode.||"]
    assert "||" not in field(volume(dataset, work, SpoilerLimit(season=3, volume=3)), "Notes")


# --- hostile dataset text -------------------------------------------------------------------------


def test_markdown_in_dataset_text_is_escaped() -> None:
    assert escape_text("> **bold** _it_ `code`") == r"\> \*\*bold\*\* \_it\_ \`code\`"
    assert escape_text("a|b") == "a|b"  # pipes are escaped once, later, by the spoiler-aware step


@pytest.mark.parametrize("text", ["a || b", "ends with a pipe|", "ends with a backslash\\", "\\||\\|", "||"])
def test_pipes_and_backslashes_cannot_break_a_spoiler(dataset: Dataset, catalog: Catalog, text: str) -> None:
    season_3 = dataclasses.replace(
        resolve_production(catalog, "3"),
        summary=StoryText(text, LATER_POINT),
        content_notes=(text,),
        episodes=tuple(Episode(number=n, title=text, reveals=LATER_POINT) for n in range(1, 9)),
    )
    embed = plot(dataset, season_3, CAUGHT_UP_TO_S2_V3, details=True)
    assert_one_intact_spoiler(embed.description or "")
    assert unescaped_pipes(field(embed, "Content notes")) == 0  # shown plainly, escaped
    for line in field(embed, "Episodes").splitlines():
        assert_one_intact_spoiler(line.partition(". ")[2])
    plain = plot(dataset, season_3, NO_LIMIT)
    assert unescaped_pipes(plain.description or "") == 0


def test_long_markdown_heavy_text_is_cut_not_emptied(dataset: Dataset, catalog: Catalog) -> None:
    season_3 = dataclasses.replace(
        resolve_production(catalog, "3"),
        summary=StoryText("*|" * 3000, LATER_POINT),
        content_notes=("*|" * 3000,),
    )
    embed = plot(dataset, season_3, CAUGHT_UP_TO_S2_V3)
    notes = field(embed, "Content notes")
    assert 500 < len(notes) <= 1024
    assert unescaped_pipes(notes) == 0
    assert len(embed.description or "") > 500
    assert_one_intact_spoiler(embed.description or "")


def test_a_long_note_never_pushes_out_a_date(dataset: Dataset, catalog: Catalog) -> None:
    volume_1 = resolve_work(catalog, "1")
    noisy = dataclasses.replace(
        volume_1, publications=tuple(dataclasses.replace(p, note="n" * 900) for p in volume_1.publications)
    )
    published = field(volume(dataset, noisy), "Published")
    assert "February 2019" in published and "May 2020" in published and "2018" in published
    season_1 = dataclasses.replace(resolve_production(catalog, "1"), release_note="n" * 5000)
    assert field(plot(dataset, season_1), "Release").startswith("<t:1650610800:D>")


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
        summary=StoryText(text, LATER_POINT),
        content_notes=(text, text),
        adapts_note=StoryText(text, LATER_POINT),
        notes=(StoryText(text, LATER_POINT),),
        unverified=(text,),
        episodes=tuple(Episode(number=n, title=text, reveals=LATER_POINT) for n in range(1, 9)),
    )
    limit = CAUGHT_UP_TO_S2_V3 if hidden else NO_LIMIT
    for details in (False, True):
        embed = plot(dataset, production, limit, details=details, moment=LATER)
        assert_within_discord_limits(embed)
        if hidden:
            assert_one_intact_spoiler(embed.description or "")
        else:
            assert unescaped_pipes(embed.description or "") == 0
    if hidden and "Episodes" in field_names(embed):
        # Each title is its own closed spoiler: two pairs of unescaped pipes per title.
        assert unescaped_pipes(field(embed, "Episodes")) == 4 * len(production.episodes)
    episode = episode_answer(dataset, production, production.episodes[0], limit, LATER).embed
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
        summary=StoryText(text, LATER_POINT),
        content_notes=(text,),
        notes=(StoryText(text, LATER_POINT), StoryText(text, LATER_POINT)),
        unverified=(text,),
        publications=tuple(dataclasses.replace(p, region=text, note=text) for p in original.publications),
    )
    embed = volume(dataset, work, CAUGHT_UP_TO_S2_V3 if hidden else NO_LIMIT, LATER)
    assert_within_discord_limits(embed)
    if hidden:
        assert_one_intact_spoiler(embed.description or "")
        if "Notes" in field_names(embed):
            assert unescaped_pipes(field(embed, "Notes")) % 4 == 0  # every note's spoiler is closed


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


def test_the_promise_to_moderators_names_what_is_never_hidden() -> None:
    promise = spoiler_promise()
    assert "content notes" in promise and "episode titles" in promise
    never = promise.partition(";")[2]
    assert "content notes" in never and "dates" in never


def test_setting_a_limit_that_hides_nothing_says_so(dataset: Dataset) -> None:
    text = spoiler_limit_set_text(dataset, SpoilerLimit(4, 6), nothing_hidden=True)
    assert "nothing is hidden" in text and "spoiler tags" not in text
