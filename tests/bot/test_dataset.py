"""The dataset source file, its validation, and PartialDate."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.domain.dates import PartialDate
from bot.domain.model import NO_STORY, StoryPoint, counts, unverified_facts
from bot.domain.source import DatasetError, load_dataset, parse_dataset

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "heartstopper.toml"
ORIGIN = "data/heartstopper.toml"


@pytest.fixture(scope="module")
def source() -> str:
    return DATA_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dataset(source: str):
    return parse_dataset(source.encode(), origin=ORIGIN)


def refuse(text: str) -> str:
    with pytest.raises(DatasetError) as info:
        parse_dataset(text.encode(), origin=ORIGIN)
    return str(info.value)


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


# --- the real file ---------------------------------------------------------------------------


def test_real_file_loads(dataset) -> None:
    assert load_dataset(DATA_FILE) == dataset
    assert dataset.id == "heartstopper"
    assert dataset.verified_on == date(2026, 7, 3)
    assert counts(dataset) == {
        "works": 10,
        "seasons": 3,
        "episodes": 24,
        "films": 1,
        "characters": 34,
        "events": 28,
    }
    assert [p.id for p in dataset.seasons] == ["season-1", "season-2", "season-3"]
    assert dataset.film is not None and dataset.film.title == "Heartstopper Forever"
    assert dataset.work("nope") is None and dataset.character("nope") is None


def test_adaptation_mapping(dataset) -> None:
    assert dataset.production("season-1").adapts == ("volume-1", "volume-2")
    assert dataset.production("season-2").adapts == ("volume-3",)
    season_3 = dataset.production("season-3").adapts
    assert "volume-4" in season_3 and "volume-5" in season_3
    assert set(dataset.production("film").adapts) == {"volume-6", "nick-and-charlie"}
    assert dataset.work("volume-4").adapted_in == ("season-3",)


def test_release_dates(dataset) -> None:
    season_1 = dataset.production("season-1").release_date
    assert season_1.precision == "time"
    assert season_1.iso() == "2022-04-22T08:00 Europe/London"
    assert season_1.moment() == datetime(2022, 4, 22, 7, 0, tzinfo=UTC)

    uk = next(p for p in dataset.work("volume-1").publications if p.region == "UK")
    assert uk.date.precision == "month" and uk.date.iso() == "2019-02"
    # The day only an AI-written page gives is kept for editors, never in what fans are shown.
    assert uk.unverified == ("The exact day.",)
    assert any("7 February" in note for note in dataset.work("volume-1").editor_notes)

    vol4_uk = next(p for p in dataset.work("volume-4").publications if p.region == "UK")
    assert vol4_uk.date.iso() == "2021-05" and vol4_uk.unverified == ("The exact day.",)
    assert any("13 May" in note for note in dataset.work("volume-4").editor_notes)

    film = dataset.production("film")
    assert film.release_date.precision == "year" and film.release_date.year == 2026
    assert film.release_status == "announced"
    trailer = dataset.event("film-trailer")
    assert trailer.status == "rumoured" and trailer.date.precision == "unknown"


def test_characters(dataset) -> None:
    nick = dataset.character("nick-nelson")
    assert nick.actor == "Kit Connor" and nick.film == "confirmed"
    assert dataset.character("mr-lange").actor == "Alan Turkington"
    assert dataset.character("julio-spring").actor == "Joseph Balderrama"
    assert all("Mr Spring" not in c.aliases for c in dataset.characters)
    assert dataset.character("oliver-spring").actor == "" and dataset.character("oliver-spring").unverified
    assert dataset.character("lara-decaro-role").unverified
    mains = {c.id for c in dataset.characters if c.group == "main"}
    assert len(mains) == 8 and "imogen-heaney" in mains
    for character in dataset.characters:
        assert character.sources, character.id
        assert all(url.startswith(("http://", "https://")) for url in character.sources)
    assert {c.id for c in dataset.characters if c.film == "confirmed"} == {"nick-nelson", "charlie-spring"}


def test_unverified_report(dataset) -> None:
    lines = unverified_facts(dataset)
    assert any(line.startswith("character oliver-spring:") for line in lines)
    assert any(line.startswith("work volume-3 (US publication):") for line in lines)


# --- refusals --------------------------------------------------------------------------------


def test_missing_required_field(source: str) -> None:
    broken = replace_once(source, "role = \"Charlie's fiercely", "rolex = \"Charlie's fiercely")
    message = refuse(broken)
    assert f'{ORIGIN}: characters[3] (id "tao-xu"): field "role": missing (required)' in message
    assert 'characters[3] (id "tao-xu"): field "rolex": unknown field' in message


def test_wrong_type_names_field(source: str) -> None:
    tao = source.index('id = "tao-xu"')
    broken = source[:tao] + source[tao:].replace("seasons = [1, 2, 3]", 'seasons = "all"', 1)
    message = refuse(broken)
    assert (
        f'{ORIGIN}: characters[3] (id "tao-xu"): field "seasons": expected a list of season numbers'
        in message
    )


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("2023-02-30", "February 2023 has no day 30"),
        ("2023-13", "month 13 is not between 01 and 12"),
        ("2023-04-22T08:00 Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ("22 April 2023", "is not a date"),
    ],
)
def test_bad_dates(source: str, bad: str, reason: str) -> None:
    message = refuse(replace_once(source, '\ndate = "2023-08-03"', f'\ndate = "{bad}"'))
    assert f'{ORIGIN}: events[18] (id "season-2-premiere"): field "date": ' in message
    assert reason in message


def test_duplicate_id(source: str) -> None:
    message = refuse(replace_once(source, 'id = "harry-greene"', 'id = "ben-hope"'))
    assert 'characters[9] (id "ben-hope"): field "id": duplicate id (also characters[8])' in message


def test_dangling_references(source: str) -> None:
    broken = replace_once(source, 'related = "yearbook"', 'related = "yearbook-2"')
    broken = replace_once(broken, 'adapts = ["volume-3"]', 'adapts = ["volume-3", "volume-9"]')
    message = refuse(broken)
    assert (
        'events[15] (id "yearbook-published"): field "related": no work or production has id "yearbook-2"'
        in message
    )
    assert 'productions[1] (id "season-2"): field "adapts": no work has id "volume-9"' in message


def test_one_sided_adaptation(source: str) -> None:
    message = refuse(replace_once(source, 'adapts = ["volume-3"]', 'adapts = ["volume-3", "volume-4"]'))
    assert 'field "adapts": work "volume-4" does not list it in "adapted_in"' in message


def test_all_problems_reported_together(source: str) -> None:
    broken = replace_once(source, '\ndate = "2023-08-03"', '\ndate = "2023-13"')
    broken = replace_once(broken, 'id = "harry-greene"', 'id = "ben-hope"')
    broken = replace_once(
        broken,
        '"https://collider.com/heartstopper-season-1-recap/",\n    "https://www.whats',
        '"ftp://x",\n    "https://www.whats',
    )
    with pytest.raises(DatasetError) as info:
        parse_dataset(broken.encode(), origin=ORIGIN)
    assert len(info.value.problems) == 3
    assert all(line.startswith(f"{ORIGIN}: ") for line in info.value.problems)
    assert "'ftp://x' is not an http(s):// URL" in str(info.value)


def test_missing_sources(source: str) -> None:
    christian = source.index('id = "christian"')
    tail = re.sub(r"sources = \[[^\]]*\]", "sources = []", source[christian:], count=1)
    message = refuse(source[:christian] + tail)
    assert 'characters[27] (id "christian"): field "sources": needs at least one source URL' in message


def test_toml_syntax_error() -> None:
    message = refuse('[dataset]\nid = "x"\ntitle = \n')
    assert re.match(rf"^{re.escape(ORIGIN)}: line 3: TOML syntax error", message)


def test_group_rule(source: str) -> None:
    message = refuse(
        replace_once(
            source,
            'group = "guest"\nseasons = [3]\nsources = ["https://www.whats',
            'group = "recurring"\nseasons = [3]\nsources = ["https://www.whats',
        )
    )
    assert "with 1 season(s) this character is 'guest', not 'recurring'" in message


# --- PartialDate -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "precision", "human"),
    [
        ("2022-04-22T08:00 Europe/London", "time", "22 April 2022, 08:00 Europe/London"),
        ("2022-04-22", "day", "22 April 2022"),
        ("2019-02", "month", "February 2019"),
        ("2026", "year", "2026"),
        ("unknown", "unknown", "date unknown"),
    ],
)
def test_partial_date_round_trip(text: str, precision: str, human: str) -> None:
    parsed = PartialDate.parse(text)
    assert parsed.precision == precision
    assert parsed.iso() == text
    assert parsed.human() == human
    assert PartialDate.parse(parsed.iso()) == parsed


@pytest.mark.parametrize(
    "bad",
    ["2023-02-30", "2023-13", "2023-00", "2024-04-22T25:00 Europe/London", "2024-04-22T08:00", "soon", ""],
)
def test_partial_date_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(bad)


def test_partial_date_unknown_zone_reason() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Europe/Atlantis'"):
        PartialDate.parse("2024-01-01T10:00 Europe/Atlantis")


def test_partial_date_leap_day() -> None:
    assert PartialDate.parse("2024-02-29").human() == "29 February 2024"
    with pytest.raises(ValueError, match="has no day 29"):
        PartialDate.parse("2023-02-29")


def test_partial_date_bounds() -> None:
    moment = PartialDate.parse("2022-04-22T08:00 Europe/London")
    assert moment.earliest() == datetime(2022, 4, 22, 7, tzinfo=UTC)

    day = PartialDate.parse("2024-10-03")
    assert day.moment() is None
    assert day.earliest() == datetime(2024, 10, 3, tzinfo=UTC)

    month = PartialDate.parse("2019-12")
    assert month.earliest() == datetime(2019, 12, 1, tzinfo=UTC)

    year = PartialDate.parse("2026")
    assert year.earliest() == datetime(2026, 1, 1, tzinfo=UTC)

    unknown = PartialDate.parse("unknown")
    assert unknown.earliest() is None and unknown.moment() is None


def test_partial_date_sort_key() -> None:
    texts = ["unknown", "2026", "2022-04-22", "2022-04", "2022-04-22T08:00 Europe/London", "2019-02"]
    ordered = sorted((PartialDate.parse(t) for t in texts), key=PartialDate.sort_key)
    assert [d.iso() for d in ordered] == [
        "2019-02",
        "2022-04",
        "2022-04-22",
        "2022-04-22T08:00 Europe/London",
        "2026",
        "unknown",
    ]


def test_partial_date_constructor_derives_precision() -> None:
    assert PartialDate(2019, 2).precision == "month"
    assert PartialDate(None).precision == "unknown"


# --- story points, editors' notes and source kinds ----------------------------------------------


def test_every_story_text_states_its_point(dataset) -> None:
    volume_1 = dataset.work("volume-1")
    assert volume_1.summary.reveals == StoryPoint(season=1, volume=1)
    assert volume_1.notes[0].reveals == NO_STORY
    assert dataset.character("charlie-spring").role.reveals == StoryPoint(season=3, volume=4)
    assert dataset.production("film").summary.reveals == StoryPoint(season=4, volume=6)


@pytest.mark.parametrize(
    ("old", "field_name"),
    [
        ('summary_reveals = "S1 V1"\n', "summary_reveals"),
        ('role_reveals = "S3 V4"\n', "role_reveals"),
    ],
)
def test_a_missing_reveals_is_refused(source: str, old: str, field_name: str) -> None:
    message = refuse(replace_once(source, old, ""))
    assert f'field "{field_name}"' in message


def test_a_note_without_its_reveals_is_refused(source: str) -> None:
    message = refuse(
        replace_once(
            source,
            '{ text = "Collects the first two webcomic chapters.", reveals = "none" }',
            '{ text = "Collects the first two webcomic chapters." }',
        )
    )
    assert 'works[0] (id "volume-1")' in message and "reveals" in message


@pytest.mark.parametrize("bad", ["S1 V", "Season 1", "V2 S1", "s1", "S0", "42"])
def test_a_bad_reveals_is_refused_with_the_written_forms(source: str, bad: str) -> None:
    message = refuse(replace_once(source, 'summary_reveals = "S1 V1"', f'summary_reveals = "{bad}"'))
    assert 'works[0] (id "volume-1"): field "summary_reveals"' in message
    assert "story point" in message


def test_a_reveals_that_is_not_a_string_is_refused(source: str) -> None:
    message = refuse(replace_once(source, 'summary_reveals = "S1 V1"', "summary_reveals = 1"))
    assert 'field "summary_reveals": expected a story point' in message


def test_a_point_beyond_the_last_season_or_volume_is_refused(source: str) -> None:
    broken = replace_once(source, 'summary_reveals = "S1 V1"', 'summary_reveals = "S5 V7"')
    message = refuse(broken)
    assert "season 5 is beyond the last one (4)" in message
    assert "volume 7 is beyond the last one (6)" in message
    assert 'works (id "volume-1")' in message


def test_the_film_level_is_a_valid_point(source: str) -> None:
    # "film" is season level 4, the film's own spoiler_season: within range.
    parsed = parse_dataset(
        replace_once(source, 'summary_reveals = "S1 V1"', 'summary_reveals = "film"').encode(), origin=ORIGIN
    )
    volume_1 = parsed.work("volume-1")
    assert volume_1 is not None and volume_1.summary.reveals == StoryPoint(season=4)


def test_a_source_host_without_a_kind_is_refused(source: str) -> None:
    broken = replace_once(
        source,
        '"https://collider.com/heartstopper-season-1-recap/",',
        '"https://collider.com/heartstopper-season-1-recap/",\n    "https://no-kind.example.net/page",',
    )
    message = refuse(broken)
    assert '[source_kinds]: field "no-kind.example.net": no kind for this source\'s host' in message


def test_a_parent_domain_kind_covers_its_subdomains(source: str) -> None:
    parsed = parse_dataset(
        replace_once(
            source,
            '"https://collider.com/heartstopper-season-1-recap/",',
            '"https://collider.com/heartstopper-season-1-recap/",\n    "https://news.collider.com/page",',
        ).encode(),
        origin=ORIGIN,
    )
    assert parsed.source_kind("https://news.collider.com/page") == "press"


def test_a_source_kind_must_be_one_of_the_four(source: str) -> None:
    message = refuse(replace_once(source, '= "press"  # Radio Times', '= "great"  # Radio Times'))
    assert '[source_kinds]: field "radiotimes.com"' in message and "great" in message


def test_editor_notes_are_kept_apart_from_fan_text(dataset) -> None:
    assert dataset.editor_notes and any("grokipedia" in note for note in dataset.editor_notes)
    assert any("7 February" in note for note in dataset.work("volume-1").editor_notes)
    fan_text: list[str] = [dataset.knowledge_note]
    for work in dataset.works:
        fan_text += [work.summary.text, *(n.text for n in work.notes), *work.unverified]
        fan_text += [p.note for p in work.publications] + [u for p in work.publications for u in p.unverified]
    for production in dataset.productions:
        fan_text += [production.summary.text, production.release_note, *production.unverified]
        fan_text += [n.text for n in production.notes] + [f.text for f in production.facts]
        fan_text += [production.adapts_note.text] if production.adapts_note else []
    for character in dataset.characters:
        fan_text += [character.role.text, *(n.text for n in character.notes), *character.unverified]
    fan_text += [f.text for f in dataset.series_facts] + [e.note for e in dataset.events]
    for text in fan_text:
        assert "starting document" not in text.lower(), text
        assert "typo" not in text.lower(), text
    # And the editors' notes say what the fan text no longer does.
    every_editor_note = [*dataset.editor_notes]
    for entry in (*dataset.works, *dataset.productions, *dataset.characters, *dataset.events):
        every_editor_note += entry.editor_notes
    assert any("starting document" in note for note in every_editor_note)
