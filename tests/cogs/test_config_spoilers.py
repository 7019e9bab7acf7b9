"""/config spoilers and /config spoilers-off end to end: who may set the limit, where it applies, and
that it survives a restart."""

from __future__ import annotations

from typing import Any

import pytest

from discord_emulator import DiscordEmulator, Guild, User
from tests.conftest import StartBot


def spoiler_field(result: Any) -> str:
    [embed] = result.embeds
    return next(f["value"] for f in embed["fields"] if f["name"] == "Spoiler limit")


async def season_3_is_hidden(emulator: DiscordEmulator, guild: Guild, user: User) -> bool:
    result = await emulator.slash(guild, user, "plot", season="3")
    return result.embeds[0]["description"].startswith("||")


async def test_moderator_sets_the_limit_privately_and_show_includes_it(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, fan: User
) -> None:
    await start_bot()
    assert spoiler_field(await emulator.slash(guild, moderator, "config show")).startswith("None")

    result = await emulator.slash(guild, moderator, "config spoilers", season=2, volume=3)
    assert result.ephemeral
    assert "caught up to Season 2 and Volume 3" in result.content
    assert emulator.messages_in(guild.general.id) == []  # nothing public

    shown = spoiler_field(await emulator.slash(guild, moderator, "config show"))
    assert "Season 2" in shown and "Volume 3" in shown
    assert await season_3_is_hidden(emulator, guild, fan)


async def test_the_limit_survives_a_restart(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, fan: User
) -> None:
    await start_bot()
    await emulator.slash(guild, moderator, "config spoilers", season=1, volume=2)
    await start_bot()  # a new bot process on the same database file
    assert await season_3_is_hidden(emulator, guild, fan)
    volume_3 = await emulator.slash(guild, fan, "volume", book="3")
    assert volume_3.embeds[0]["description"].startswith("||")
    shown = spoiler_field(await emulator.slash(guild, moderator, "config show"))
    assert "Season 1" in shown and "Volume 2" in shown


async def test_non_moderators_are_refused(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    bot = await start_bot()
    # Discord hides /config from them (default_permissions); a client that sends it anyway is refused.
    for command, options in (("config spoilers", {"season": 0, "volume": 0}), ("config spoilers-off", {})):
        result = await emulator.slash(guild, fan, command, **options)
        assert result.ephemeral
        assert "Manage Server" in result.content
    assert not (await bot.guild_settings.get(guild.id)).has_spoiler_limit
    assert not await season_3_is_hidden(emulator, guild, fan)


async def test_the_command_is_hidden_from_members_by_default(
    emulator: DiscordEmulator, start_bot: StartBot
) -> None:
    await start_bot()
    [config] = [c for c in emulator.registered_commands() if c["name"] == "config"]
    assert config["default_member_permissions"] == str(1 << 5)  # Manage Server
    names = {o["name"] for o in config["options"]}
    assert {"spoilers", "spoilers-off", "show"} <= names


async def test_the_limit_applies_in_that_server_only(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, fan: User
) -> None:
    other = emulator.add_guild(name="Book Club")
    await start_bot()
    await emulator.slash(guild, moderator, "config spoilers", season=0, volume=0)
    assert await season_3_is_hidden(emulator, guild, fan)
    assert not await season_3_is_hidden(emulator, other, fan)
    other_moderator = emulator.add_user("ms-hartley")
    emulator.member(other, other_moderator, manage_guild=True)
    assert spoiler_field(await emulator.slash(other, other_moderator, "config show")).startswith("None")


async def test_spoilers_off_lifts_the_limit(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, fan: User
) -> None:
    await start_bot()
    nothing = await emulator.slash(guild, moderator, "config spoilers-off")
    assert nothing.ephemeral and "no spoiler limit" in nothing.content

    await emulator.slash(guild, moderator, "config spoilers", season=2, volume=3)
    assert await season_3_is_hidden(emulator, guild, fan)
    lifted = await emulator.slash(guild, moderator, "config spoilers-off")
    assert lifted.ephemeral and "lifted" in lifted.content
    assert not await season_3_is_hidden(emulator, guild, fan)
    assert spoiler_field(await emulator.slash(guild, moderator, "config show")).startswith("None")


async def test_everything_caught_up_hides_nothing(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, fan: User
) -> None:
    await start_bot()
    result = await emulator.slash(guild, moderator, "config spoilers", season=4, volume=6)
    assert "nothing is hidden" in result.content
    film = await emulator.slash(guild, fan, "plot", season="film")
    assert "||" not in str(film.embeds[0])


@pytest.mark.parametrize(
    ("season", "volume", "named"),
    [(5, 3, "`season` must be 0–4"), (-1, 3, "`season` must be 0–4"), (2, 10**18, "`volume` must be 0–6")],
)
async def test_out_of_range_values_are_refused_with_the_valid_range(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    monkeypatch: pytest.MonkeyPatch,
    season: int,
    volume: int,
    named: str,
) -> None:
    bot = await start_bot()
    # Values inside the option's registered range but beyond the dataset, then a client ignoring the range.
    result = await emulator.slash(guild, moderator, "config spoilers", season=7, volume=3)
    assert result.ephemeral and "`season` must be 0–4" in result.content
    monkeypatch.setattr("discord_emulator.interactions._check_range", lambda *args: None)
    result = await emulator.slash(guild, moderator, "config spoilers", season=season, volume=volume)
    assert result.ephemeral
    assert named in result.content
    assert "Something went wrong" not in result.content
    assert not (await bot.guild_settings.get(guild.id)).has_spoiler_limit


async def test_a_non_integer_from_a_hostile_client_is_refused(
    emulator: DiscordEmulator,
    start_bot: StartBot,
    guild: Guild,
    moderator: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = await start_bot()
    monkeypatch.setattr("discord_emulator.interactions._expect", lambda *args: None)
    monkeypatch.setattr("discord_emulator.interactions._check_range", lambda *args: None)
    result = await emulator.slash(guild, moderator, "config spoilers", season="2; DROP TABLE x", volume=1.5)
    assert result.ephemeral
    assert "`season` must be 0–4" in result.content and "`volume` must be 0–6" in result.content
    assert not (await bot.guild_settings.get(guild.id)).has_spoiler_limit


async def test_autocomplete_names_each_level(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User
) -> None:
    await start_bot()
    seasons = await emulator.autocomplete(guild, moderator, "config spoilers", "season", "")
    assert [c["value"] for c in seasons] == [0, 1, 2, 3, 4]
    assert seasons[0]["name"] == "0 · nothing watched yet"
    assert seasons[4]["name"] == "4 · Heartstopper Forever"
    volumes = await emulator.autocomplete(guild, moderator, "config spoilers", "volume", "3")
    assert [c["value"] for c in volumes] == [0, 1, 2, 3, 4, 5, 6]
    assert volumes[3]["name"] == "3 · Heartstopper: Volume 3"


async def test_the_limit_reaches_cast_role_lines(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, moderator: User, fan: User
) -> None:
    bot = await start_bot()
    # A character whose role line states it reveals a season after Season 2.
    character = next(c for c in bot.dataset.characters if (c.role.reveals.season or 0) > 2)
    await emulator.slash(guild, moderator, "config spoilers", season=2, volume=1)
    limited = await emulator.slash(guild, fan, "cast lookup", name=character.name)
    assert limited.embeds[0]["description"].startswith("||")
    await emulator.slash(guild, moderator, "config spoilers-off")
    lifted = await emulator.slash(guild, fan, "cast lookup", name=character.name)
    assert "||" not in lifted.embeds[0]["description"]
