"""/cast lookup and /cast list end to end: the real bot against the emulator."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import bot.app.views
from discord_emulator import DiscordEmulator, Guild, InteractionResult, User
from tests.clock import FakeClock
from tests.conftest import StartBot
from tests.datasets import dataset_with

BUTTON, STRING_SELECT = 2, 3
EXPIRING_VIEW = 0.3  # seconds; the real menus stay 180 s


@pytest.fixture
def other_fan(emulator: DiscordEmulator) -> User:
    return emulator.add_user("elle")


def fields(result: InteractionResult) -> dict[str, str]:
    [embed] = result.embeds
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


def components(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components") or [] for c in row.get("components") or []]


def button(result: InteractionResult, label: str) -> dict[str, Any]:
    assert result.message is not None
    return next(c for c in components(result.message) if c["type"] == BUTTON and c["label"] == label)


def menu(result: InteractionResult) -> dict[str, Any]:
    assert result.message is not None
    [select] = [c for c in components(result.message) if c["type"] == STRING_SELECT]
    return select


async def lookup(emulator: DiscordEmulator, guild: Guild, user: User, name: str) -> InteractionResult:
    return await emulator.slash(guild, user, "cast lookup", name=name)


async def found(emulator: DiscordEmulator, guild: Guild, user: User, name: str) -> tuple[str, dict[str, str]]:
    """The public answer's title and fields."""
    result = await lookup(emulator, guild, user, name)
    assert not result.ephemeral, result.content
    # No pick menu: "Something wrong?", after "All sources" when the entry has more than it shows.
    custom_ids = [c["custom_id"] for c in components(result.message)]
    assert custom_ids[-1].startswith("fx:report:character:")
    assert all(c.startswith("fx:sources:character:") for c in custom_ids[:-1])
    return result.embeds[0]["title"], fields(result)


async def eventually(condition: Callable[[], bool]) -> None:
    for _ in range(100):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the condition never became true")


# --- lookups ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "character", "actor"),
    [
        ("Kit Connor", "Nick Nelson", "Kit Connor"),  # actor -> character
        ("nick nelson", "Nick Nelson", "Kit Connor"),  # character -> actor
        ("Tao", "Tao Xu", "William Gao"),  # a nickname
        ("William", "Tao Xu", "William Gao"),  # an actor's first name
        ("Finney", "Elle Argent", "Yasmin Finney"),  # an actor's surname
        ("KIT CONNOR", "Nick Nelson", "Kit Connor"),  # case
        ("kït cönnor", "Nick Nelson", "Kit Connor"),  # accents
        ("Nick-Nelson!", "Nick Nelson", "Kit Connor"),  # punctuation
        ("Kit Conor", "Nick Nelson", "Kit Connor"),  # typos
        ("Olivia Coleman", "Sarah Nelson", "Olivia Colman"),
        ("Nick Nelson", "Nick Nelson", "Kit Connor"),  # a full name is not ambiguous
    ],
)
async def test_lookup_finds_the_person(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    fan: User,
    query: str,
    character: str,
    actor: str,
) -> None:
    await start_bot()
    title, shown = await found(emulator, guild, fan, query)
    assert (title, shown["Played by"]) == (character, actor)


async def test_the_answer_holds_role_seasons_film_and_sources(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    dataset = (await start_bot()).dataset
    nick = dataset.character("nick-nelson")
    assert nick is not None and dataset.film is not None
    result = await lookup(emulator, guild, fan, "Kit Connor")
    [embed] = result.embeds
    assert embed["description"] == nick.role.text
    shown = fields(result)
    assert shown["Appears in"] == f"Seasons 1, 2, 3 · {dataset.film.title} (film, cast confirmed)"
    linked = [url for url in nick.sources if url in shown["Sources"]]
    assert 1 <= len(linked) <= 3
    assert all(dataset.source_kind(url) != "weak" for url in linked)
    assert result.elapsed < 3


async def test_unverified_facts_are_said_plainly(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    _, oliver = await found(emulator, guild, fan, "Oliver")
    assert oliver["Played by"] == "not confirmed (unverified)"
    assert "The actor who plays him (reported as Jensen Clayden; not confirmed)." in oliver["Unverified"]
    _, elle = await found(emulator, guild, fan, "Elle")
    assert "(film): expected, unverified" in elle["Appears in"]


async def test_picking_an_autocomplete_suggestion_is_an_exact_hit(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    choices = await emulator.autocomplete(guild, fan, "cast lookup", "name", "Nel")
    sarah = next(c for c in choices if c["name"] == "Sarah Nelson — Olivia Colman")
    title, _ = await found(emulator, guild, fan, sarah["value"])
    assert title == "Sarah Nelson"


# --- ambiguity and the select menu ------------------------------------------------------------


async def test_a_shared_surname_offers_a_menu_only_the_invoker_can_use(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, other_fan: User
) -> None:
    await start_bot()
    result = await lookup(emulator, guild, fan, "Nelson")
    assert not result.ephemeral
    description = result.embeds[0]["description"]
    for name in ("Nick Nelson", "Sarah Nelson", "David Nelson", "Stephane Nelson"):
        assert f"**{name}**" in description
    select = menu(result)
    assert [o["value"] for o in select["options"]] == [
        "nick-nelson",
        "sarah-nelson",
        "david-nelson",
        "stephane-nelson",
    ]
    assert select["options"][1]["label"] == "Sarah Nelson — Olivia Colman"

    refused = await emulator.select(result, select["custom_id"], ["david-nelson"], user=other_fan)
    assert refused.ephemeral
    assert "Only the person who asked" in refused.content
    assert emulator.find_message(int(result.message["id"]))["embeds"][0]["title"] == "Which one?"

    picked = await emulator.select(result, select["custom_id"], ["sarah-nelson"], user=fan)
    assert picked.callback["type"] == 7  # the menu's message is replaced
    assert picked.embeds[0]["title"] == "Sarah Nelson"
    assert fields(picked)["Played by"] == "Olivia Colman"
    # The menu is gone; the card has its own buttons.
    assert [c["custom_id"] for c in components(picked.message)] == ["fx:report:character:sarah-nelson"]


async def test_spring_lists_the_spring_family(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    options = menu(await lookup(emulator, guild, fan, "spring"))["options"]
    assert [o["value"] for o in options] == [
        "charlie-spring",
        "tori-spring",
        "jane-spring",
        "julio-spring",
        "oliver-spring",
    ]


async def test_the_menu_expires_cleanly(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.app.views, "VIEW_TIMEOUT", EXPIRING_VIEW)
    await start_bot()
    result = await lookup(emulator, guild, fan, "Nelson")
    message_id = int(result.message["id"])

    def disabled() -> bool:
        return all(c.get("disabled") for c in components(emulator.find_message(message_id)))

    await eventually(disabled)
    assert emulator.find_message(message_id)["embeds"][0]["title"] == "Which one?"


async def test_an_actor_with_two_roles_lists_the_other_one(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, tmp_path: Path
) -> None:
    dataset_file = dataset_with(
        tmp_path / "two-roles.toml",
        '\n[[characters]]\nid = "test-double"\nname = "Test Double"\nactor = "Kit Connor"\n'
        'aliases = []\nrole = "A second role, for this test only."\nrole_reveals = "none"\n'
        'group = "guest"\nseasons = [2]\nsources = ["https://example.org/test"]\n',
    )
    await start_bot(dataset_path=dataset_file)
    result = await lookup(emulator, guild, fan, "Kit Connor")
    select = menu(result)
    assert [o["value"] for o in select["options"]] == ["nick-nelson", "test-double"]
    picked = await emulator.select(result, select["custom_id"], ["nick-nelson"], user=fan)
    assert fields(picked)["Also plays (1)"] == "• Test Double (Season 2)"


# --- spoilers ---------------------------------------------------------------------------------


async def test_a_role_beyond_the_server_limit_is_behind_a_spoiler(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    fandex = await start_bot()
    charlie = fandex.dataset.character("charlie-spring")
    assert charlie is not None and charlie.role.reveals.season == 3
    plain = await lookup(emulator, guild, fan, "Joe Locke")
    assert plain.embeds[0]["description"] == charlie.role.text

    await fandex.guild_settings.update(guild.id, spoiler_season=1, spoiler_volume=1)
    hidden = await lookup(emulator, guild, fan, "Joe Locke")
    assert hidden.embeds[0]["description"] == f"||{charlie.role.text}||"
    assert hidden.embeds[0]["title"] == "Charlie Spring"
    assert fields(hidden)["Played by"] == "Joe Locke"
    assert fields(hidden)["Appears in"].startswith("Seasons 1, 2, 3")

    # Through the menu too.
    result = await lookup(emulator, guild, fan, "Spring")
    picked = await emulator.select(result, menu(result)["custom_id"], ["charlie-spring"], user=fan)
    assert picked.embeds[0]["description"] == f"||{charlie.role.text}||"

    # Another server has no limit.
    elsewhere = emulator.add_guild(name="Elsewhere")
    assert (await lookup(emulator, elsewhere, fan, "Joe Locke")).embeds[0]["description"] == charlie.role.text


# --- misses -----------------------------------------------------------------------------------


async def test_a_near_miss_suggests_privately(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    result = await lookup(emulator, guild, fan, "Harry Potter")
    assert result.ephemeral
    assert result.content == (
        "No cast member matches **Harry Potter**. Did you mean **Harry Greene** (Cormac Hyde-Corrin)?"
    )
    assert emulator.messages_in(guild.general.id) == []


async def test_a_short_name_that_is_nobody_gets_did_you_mean_not_a_card(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    # Nellie, Nick's dog, is not in the cast: two edits from "Elle" is not a typo of Elle Argent.
    await start_bot()
    result = await lookup(emulator, guild, fan, "Nellie")
    assert result.ephemeral and not result.embeds
    assert result.content == (
        "No cast member matches **Nellie**. Did you mean **Elle Argent** (Yasmin Finney)?"
    )
    assert emulator.messages_in(guild.general.id) == []


async def test_nothing_close_is_a_plain_private_no(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    result = await lookup(emulator, guild, fan, "Qwxzv")
    assert result.ephemeral
    assert result.content == "No cast member matches **Qwxzv**."


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u202e", "🌈💙"])
async def test_a_query_with_no_name_in_it_asks_for_one(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, text: str
) -> None:
    await start_bot()
    result = await lookup(emulator, guild, fan, text)
    assert result.ephemeral
    assert result.content.startswith("Type a character or actor name")


async def test_hostile_text_is_escaped_and_never_pings(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    result = await lookup(emulator, guild, fan, "@everyone <@&123> **loud** " + "x" * 5900)
    assert result.ephemeral
    assert "@everyone" not in result.content and "<@&123>" not in result.content
    assert "\\*\\*loud\\*\\*" in result.content
    assert len(result.content) <= 2000
    assert result.callback["data"]["allowed_mentions"] == {"parse": []}


# --- the list ---------------------------------------------------------------------------------


def listed(result: InteractionResult) -> list[str]:
    return [
        line.split("**")[1] for field in result.embeds[0]["fields"] for line in field["value"].splitlines()
    ]


async def test_the_list_pages_for_the_invoker_only(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, other_fan: User
) -> None:
    dataset = (await start_bot()).dataset
    first = await emulator.slash(guild, fan, "cast list")
    assert not first.ephemeral
    assert [f["name"] for f in first.embeds[0]["fields"]] == ["Main cast"]
    assert listed(first) == [c.name for c in dataset.characters if c.group == "main"]
    assert button(first, "Previous")["disabled"]
    assert not button(first, "Next")["disabled"]
    assert first.embeds[0]["footer"]["text"].startswith("Page 1/3")

    refused = await emulator.click(first, button(first, "Next")["custom_id"], user=other_fan)
    assert refused.ephemeral
    assert "Only the person who ran /cast list" in refused.content
    assert emulator.find_message(int(first.message["id"]))["embeds"][0]["footer"]["text"].startswith(
        "Page 1/3"
    )

    second = await emulator.click(first, button(first, "Next")["custom_id"], user=fan)
    assert second.callback["type"] == 7
    assert [f["name"] for f in second.embeds[0]["fields"]] == ["Recurring"]
    assert not button(second, "Previous")["disabled"]
    third = await emulator.click(second, button(second, "Next")["custom_id"], user=fan)
    assert [f["name"] for f in third.embeds[0]["fields"]] == ["Guests"]
    assert button(third, "Next")["disabled"]
    back = await emulator.click(third, button(third, "Previous")["custom_id"], user=fan)
    assert back.embeds[0]["footer"]["text"].startswith("Page 2/3")

    everyone = listed(first) + listed(second) + listed(third)
    assert sorted(everyone) == sorted(c.name for c in dataset.characters)


async def test_the_page_buttons_disable_themselves_on_timeout(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.app.views, "VIEW_TIMEOUT", EXPIRING_VIEW)
    await start_bot()
    first = await emulator.slash(guild, fan, "cast list")
    message_id = int(first.message["id"])
    await eventually(lambda: all(c.get("disabled") for c in components(emulator.find_message(message_id))))
    assert emulator.find_message(message_id)["embeds"][0]["footer"]["text"].startswith("Page 1/3")


async def test_the_list_for_one_season(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    dataset = (await start_bot()).dataset
    result = await emulator.slash(guild, fan, "cast list", season="2")
    names: list[str] = []
    page = result
    while True:
        assert page.embeds[0]["title"] == f"{dataset.title} cast: Season 2"
        names += listed(page)
        if not page.components or button(page, "Next")["disabled"]:
            break
        page = await emulator.click(page, button(page, "Next")["custom_id"], user=fan)
    assert sorted(names) == sorted(c.name for c in dataset.characters if 2 in c.seasons)
    assert "Stephane Nelson" in names and "Jane Spring" not in names


async def test_the_list_for_the_film_says_who_is_confirmed(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    dataset = (await start_bot(clock=FakeClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)))).dataset
    result = await emulator.slash(guild, fan, "cast list", season="film")
    assert not result.ephemeral and not result.components  # one page
    [embed] = result.embeds
    assert embed["title"] == f"{dataset.title} cast: Heartstopper Forever"
    # "Expected" is a claim about the future: dated, since the facts are older than today.
    assert embed["description"] == (
        "Confirmed for the film: 2 · expected to return, not confirmed: 2 (as of 3 July 2026)."
    )
    assert listed(result) == ["Charlie Spring", "Nick Nelson", "Elle Argent", "Tao Xu"]
    assert "**Elle Argent** — Yasmin Finney · Seasons 1, 2, 3 · film expected (unverified)" in str(embed)
    for spelling in ("Heartstopper Forever", "the film", "movie", "flim"):
        again = await emulator.slash(guild, fan, "cast list", season=spelling)
        assert again.embeds[0]["title"] == embed["title"], spelling


async def test_the_season_option_suggests_the_seasons_and_the_film(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    choices = await emulator.autocomplete(guild, fan, "cast list", "season", "")
    assert [c["value"] for c in choices] == ["season-1", "season-2", "season-3", "film"]
    picked = await emulator.slash(guild, fan, "cast list", season=choices[3]["value"])
    assert picked.embeds[0]["title"].endswith("Heartstopper Forever")


@pytest.mark.parametrize(
    ("season", "expected"),
    [
        ("7", "There is no Season 7: `/plot season:7` says why. There are: "),
        ("Season 0", "I don't know a season called **Season 0**. There are: "),
        ("@everyone", "I don't know a season called **@​everyone**. There are: "),
    ],
)
async def test_a_season_that_does_not_exist_is_a_private_error(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, season: str, expected: str
) -> None:
    await start_bot()
    result = await emulator.slash(guild, fan, "cast list", season=season)
    assert result.ephemeral
    assert result.content.startswith(expected)
    assert "Season 1, Season 2, Season 3, Heartstopper Forever (the film)." in result.content


# --- autocomplete -----------------------------------------------------------------------------


async def test_autocomplete_suggests_the_main_cast_when_empty(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    dataset = (await start_bot()).dataset
    choices = await emulator.autocomplete(guild, fan, "cast lookup", "name", "")
    main = [c for c in dataset.characters if c.group == "main"]
    assert [c["value"] for c in choices] == [c.id for c in main]
    assert choices[0]["name"] == f"{main[0].name} — {main[0].actor}"


async def test_autocomplete_ranks_best_first(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot()
    choices = await emulator.autocomplete(guild, fan, "cast lookup", "name", "Nel")
    assert [c["name"] for c in choices] == [
        "Nick Nelson — Kit Connor",
        "Sarah Nelson — Olivia Colman",
        "David Nelson — Jack Barton",
        "Stephane Nelson — Thibault de Montalembert",
    ]
    assert (await emulator.autocomplete(guild, fan, "cast lookup", "name", "kit co"))[0][
        "value"
    ] == "nick-nelson"
    assert (await emulator.autocomplete(guild, fan, "cast lookup", "name", "Olivia Colm"))[0]["value"] == (
        "sarah-nelson"
    )
    assert await emulator.autocomplete(guild, fan, "cast lookup", "name", "qwxzv") == []


async def test_autocomplete_stays_within_limits_on_a_big_dataset(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, tmp_path: Path
) -> None:
    extra = "".join(
        f'\n[[characters]]\nid = "extra-{i}"\nname = "Extra{i} {"Long" * 40}"\nactor = "Actor {i}"\n'
        f'aliases = []\nrole = "Extra."\nrole_reveals = "none"\ngroup = "guest"\nseasons = [1]\n'
        f'sources = ["https://example.org/{i}"]\n'
        for i in range(60)
    )
    dataset_file = dataset_with(tmp_path / "big.toml", extra)
    await start_bot(dataset_path=dataset_file)
    for text in ("e", "extra", "Actor", "Long" * 30):
        choices = await emulator.autocomplete(guild, fan, "cast lookup", "name", text)
        assert len(choices) == 25, text
        for choice in choices:
            assert 1 <= len(choice["name"]) <= 100 and 1 <= len(choice["value"]) <= 100


# --- arbitrary text ---------------------------------------------------------------------------

ARBITRARY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hostile_text = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["@everyone", "@here", "<@&1>", "'; DROP TABLE guild_settings; --", "||x||", "\u202e"]),
    st.builds(
        lambda unit, times: (unit * times)[:6000], st.text(min_size=1, max_size=6), st.integers(100, 2000)
    ),
)


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logged_errors() -> Iterator[list[logging.LogRecord]]:
    handler = _Errors()
    logging.getLogger().addHandler(handler)
    try:
        yield handler.records
    finally:
        logging.getLogger().removeHandler(handler)


@pytest.fixture
async def cast_world(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> tuple[Any, ...]:
    await start_bot()
    return emulator, guild, fan


def assert_fits_discord(result: InteractionResult) -> None:
    assert len(result.content) <= 2000
    for embed in result.embeds:
        total = len(embed.get("title", "")) + len(embed.get("description", ""))
        assert len(embed.get("fields", [])) <= 25
        for field in embed.get("fields", []):
            assert 1 <= len(field["name"]) <= 256 and 1 <= len(field["value"]) <= 1024
            total += len(field["name"]) + len(field["value"])
        total += len(embed.get("footer", {}).get("text", ""))
        assert total <= 6000
    assert result.callback["data"].get("allowed_mentions") == {"parse": []}


@ARBITRARY
@given(text=hostile_text)
async def test_any_text_gets_an_answer_or_a_private_error(
    cast_world: tuple[Any, ...], logged_errors: list[logging.LogRecord], text: str
) -> None:
    emulator, guild, fan = cast_world
    note(repr(text[:200]))
    result = await lookup(emulator, guild, fan, text)
    assert result.callback["type"] == 4
    if result.ephemeral:
        assert result.content.startswith(("No cast member matches", "Type a character or actor name")), (
            result.content
        )
        assert "@everyone" not in result.content and "@here" not in result.content
    else:
        assert result.embeds, result.content
    assert_fits_discord(result)
    assert not logged_errors, logged_errors[0].getMessage()


@ARBITRARY
@given(text=hostile_text)
async def test_autocomplete_answers_any_text(
    cast_world: tuple[Any, ...], logged_errors: list[logging.LogRecord], text: str
) -> None:
    emulator, guild, fan = cast_world
    note(repr(text[:200]))
    choices = await emulator.autocomplete(guild, fan, "cast lookup", "name", text)
    assert len(choices) <= 25
    for choice in choices:
        assert 1 <= len(choice["name"]) <= 100 and 1 <= len(choice["value"]) <= 100
    assert not logged_errors, logged_errors[0].getMessage()
