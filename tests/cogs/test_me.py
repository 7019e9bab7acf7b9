"""/me end to end (issue 12, items 2, 3 and 7): a fan's own spoiler limit and time zone, what is stored
about them and forgetting it, whose limit applies, and hostile input. Every /me answer is private."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from discord_emulator import DiscordEmulator, Guild, User
from tests.clock import FakeClock
from tests.conftest import StartBot
from tests.test_fuzz import NASTY_TEXT


def stored(tmp_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(tmp_path / "fandex.sqlite3") as db:
        return db.execute("SELECT * FROM user_settings ORDER BY user_id").fetchall()


def story(result: Any) -> str:
    return result.embeds[0]["description"]


def footer(result: Any) -> str:
    return (result.embeds[0].get("footer") or {}).get("text", "")


async def forget(emulator: DiscordEmulator, user: User, **where: Any) -> Any:
    """/me forget, then the confirm button."""
    question = (
        await emulator.slash_dm(user, "me forget")
        if not where
        else await emulator.slash(where["guild"], user, "me forget")
    )
    assert question.ephemeral and "Delete everything" in str(question.components)
    confirm = next(c for c in question.custom_ids() if ":confirm:" in c)
    return await emulator.click(question, confirm, user=user)


async def test_a_fans_own_limit_hides_for_them_only_until_they_forget_it(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, tmp_path: Path
) -> None:
    other = emulator.add_user("elle")
    await start_bot()
    set_it = await emulator.slash(guild, fan, "me spoilers", season=1, volume=1)
    assert set_it.ephemeral and "caught up to Season 1 and Volume 1" in set_it.content
    assert emulator.messages_in(guild.general.id) == []

    mine = await emulator.slash(guild, fan, "plot", season="3")  # the server set no limit
    assert story(mine).startswith("||") and story(mine).endswith("||")
    # The answer is public: it says a limit of the fan's is active, never how far they are.
    assert "Your own spoiler limit is active" in footer(mine)
    assert "Season 1" not in footer(mine) and "Volume 1" not in footer(mine)
    theirs = await emulator.slash(guild, other, "plot", season="3")
    assert "||" not in str(theirs.embeds)

    done = await forget(emulator, fan, guild=guild)
    assert done.type == 7 and "everything Fandex stored about you is deleted" in done.content
    assert done.components == []
    assert stored(tmp_path) == []
    again = await emulator.slash(guild, fan, "plot", season="3")
    assert "||" not in str(again.embeds)


async def test_the_stricter_of_the_servers_limit_and_the_fans_own_applies(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User
) -> None:
    await start_bot()
    await emulator.slash(guild, moderator, "config spoilers", season=2, volume=3)
    # Further on than the server: the server's limit still applies to the fan's answers there.
    await emulator.slash(guild, fan, "me spoilers", season=3, volume=5)
    plot = await emulator.slash(guild, fan, "plot", season="3")
    assert story(plot).startswith("||")
    assert "in this server (caught up to Season 2 and Volume 3)" in footer(plot)
    # Behind on one axis only: the stricter of the two, on each axis.
    await emulator.slash(guild, fan, "me spoilers", season=1, volume=5)
    season_2 = await emulator.slash(guild, fan, "plot", season="2")
    assert story(season_2).startswith("||")
    assert "the stricter of yours and this server's" in footer(season_2)
    assert "||" not in story(await emulator.slash(guild, moderator, "plot", season="2"))
    # In the fan's DMs the server's limit does not reach: only their own.
    dm = await emulator.slash_dm(fan, "plot", season="2")
    assert story(dm).startswith("||") and "Your own spoiler limit" in footer(dm)
    assert "||" not in story(await emulator.slash_dm(fan, "plot", season="1"))
    assert "||" not in story(await emulator.slash_dm(moderator, "plot", season="3"))


async def test_show_lists_everything_stored_and_nothing_is_stored_before(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, tmp_path: Path
) -> None:
    await start_bot(clock=FakeClock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)))
    for path, options in (("plot", {"season": "1"}), ("cast lookup", {"name": "Tao"}), ("countdown", {})):
        await emulator.slash(guild, fan, path, **options)
    nothing = await emulator.slash(guild, fan, "me show")
    assert nothing.ephemeral and "Nothing." in str(nothing.embeds)
    assert stored(tmp_path) == []  # using Fandex stores nothing about a fan
    assert "nothing to delete" in (await emulator.slash_dm(fan, "me forget")).content

    await emulator.slash_dm(fan, "me spoilers", season=2, volume=4)
    await emulator.slash_dm(fan, "me timezone", tz="asia/tokyo")
    shown = await emulator.slash(guild, fan, "me show")
    assert shown.ephemeral
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert fields["Spoiler limit"] == "Caught up to Season 2 and Volume 4."
    assert fields["Time zone"] == "Asia/Tokyo"
    assert "Last changed" in fields
    assert stored(tmp_path) == [(fan.id, 2, 4, "Asia/Tokyo", "2026-12-01T12:00:00+00:00")]

    off = await emulator.slash(guild, fan, "me spoilers-off")
    assert off.ephemeral and "lifted" in off.content
    assert stored(tmp_path) == [(fan.id, None, None, "Asia/Tokyo", "2026-12-01T12:00:00+00:00")]
    again = await emulator.slash(guild, fan, "me spoilers-off")
    assert "no spoiler limit of your own" in again.content


async def test_moderators_see_nothing_personal(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User
) -> None:
    await start_bot()
    await emulator.slash(guild, fan, "me spoilers", season=0, volume=0)
    await emulator.slash(guild, fan, "me timezone", tz="Pacific/Auckland")
    shown = await emulator.slash(guild, moderator, "config show")
    text = str(shown.embeds) + shown.content
    assert "Pacific/Auckland" not in text and "nothing watched" not in text
    assert "Spoiler limit" in text and "None" in text  # the server's own, untouched
    # A moderator's /me show is their own: empty.
    assert "Nothing." in str((await emulator.slash(guild, moderator, "me show")).embeds)


async def test_forget_asks_first_and_a_stale_or_foreign_click_changes_nothing(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, tmp_path: Path
) -> None:
    other = emulator.add_user("isaac")
    await start_bot()
    await emulator.slash(guild, fan, "me timezone", tz="Europe/London")
    await emulator.slash(guild, other, "me timezone", tz="Europe/Paris")

    question = await emulator.slash(guild, fan, "me forget")
    assert question.ephemeral and "cannot be undone" in question.content
    cancel = next(c for c in question.custom_ids() if ":cancel:" in c)
    cancelled = await emulator.click(question, cancel, user=fan)
    assert cancelled.type == 7 and cancelled.content == "Nothing was deleted." and cancelled.components == []
    assert len(stored(tmp_path)) == 2

    # Someone else pressing the button (a client could send it) is refused and deletes nothing of anyone.
    question = await emulator.slash(guild, fan, "me forget")
    confirm = next(c for c in question.custom_ids() if ":confirm:" in c)
    refused = await emulator.click(question, confirm, user=other)
    assert refused.ephemeral and "Only the person who ran this command" in refused.content
    assert len(stored(tmp_path)) == 2

    # After a restart the question's buttons are stale: a clear private answer, nothing deleted.
    await start_bot()
    stale = await emulator.click(question, confirm, user=fan)
    assert stale.ephemeral and stale.content == "This menu has expired: run /me forget again."
    assert len(stored(tmp_path)) == 2

    done = await forget(emulator, fan)
    assert "deleted" in done.content
    assert [row[0] for row in stored(tmp_path)] == [other.id]  # the other fan's settings stay


async def test_countdown_counts_days_in_the_fans_zone_for_private_answers(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User
) -> None:
    # 22:30 UTC on 16 April: already 17 April in Auckland, still 16 April in London.
    await start_bot(clock=FakeClock(datetime(2027, 4, 16, 22, 30, tzinfo=UTC)))
    await emulator.slash(guild, moderator, "config timezone", tz="Europe/London")
    await emulator.slash(guild, moderator, "config event-add", name="Watch party", date="2027-04-18")
    await emulator.slash(guild, fan, "me timezone", tz="Pacific/Auckland")

    public = await emulator.slash(guild, fan, "countdown", event="Watch party")
    assert "2 days to go (days counted in Europe/London, this server's time zone)" in str(public.embeds)
    private = await emulator.slash(guild, fan, "countdown", event="Watch party", private=True)
    assert private.ephemeral
    assert "1 day to go (days counted in Pacific/Auckland, your time zone)" in str(private.embeds)
    # In a DM the server's own events are not offered: they belong to that server.
    suggestions = await emulator.autocomplete_dm(fan, "countdown", "event", "Watch")
    assert not any("Watch party" in s["name"] for s in suggestions)


async def test_timezone_autocomplete_and_validation_match_config(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User
) -> None:
    await start_bot()
    mine = await emulator.autocomplete(guild, fan, "me timezone", "tz", "lon")
    theirs = await emulator.autocomplete(guild, moderator, "config timezone", "tz", "lon")
    assert mine == theirs and any(c["value"] == "Europe/London" for c in mine)
    assert await emulator.autocomplete_dm(fan, "me timezone", "tz", "lon", private_channel=True) == mine
    levels = await emulator.autocomplete_dm(fan, "me spoilers", "season", "")
    assert [c["value"] for c in levels] == [0, 1, 2, 3, 4]
    refused = await emulator.slash(guild, fan, "me timezone", tz="Mars/Olympus_Mons")
    assert refused.ephemeral and "is not a time zone I know" in refused.content


@pytest.mark.parametrize("value", [*NASTY_TEXT, "x" * 6000, "<@&1187654321098765432> Europe/London"])
async def test_every_me_option_takes_anything_and_says_privately_what_is_wrong(
    emulator: DiscordEmulator, start_bot: StartBot, fan: User, tmp_path: Path, value: str
) -> None:
    await start_bot()
    result = await emulator.slash_dm(fan, "me timezone", tz=value)
    assert result.ephemeral and result.type == 4
    assert "Something went wrong" not in result.content
    if value == "Europe/London":
        assert "set to **Europe/London**" in result.content
        return
    assert "is not a time zone I know" in result.content
    assert "@everyone" not in result.content and "<@&" not in result.content
    assert len(result.content) <= 2000
    assert stored(tmp_path) == []


async def test_numbers_as_text_and_out_of_range_levels_are_refused_privately(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, tmp_path: Path
) -> None:
    await start_bot()
    me = next(c for c in emulator.registered_commands() if c["name"] == "me")

    def spoilers(season: Any, volume: Any) -> dict[str, Any]:
        options = [
            {"name": "season", "type": 4, "value": season},
            {"name": "volume", "type": 4, "value": volume},
        ]
        return {
            "id": me["id"],
            "name": "me",
            "type": 1,
            "options": [{"name": "spoilers", "type": 1, "options": options}],
        }

    for season, volume in (("1", "1"), (-1, 2), (99, 0), (1, 2**53), ("🙂", "**1**"), (True, 1), (1.5, 1)):
        result = await emulator.dispatch_interaction(guild, fan, 2, spoilers(season, volume))
        assert result.ephemeral, (season, volume)
        assert "`season` must be 0–4" in result.content or "`volume` must be 0–" in result.content, (
            result.content
        )
    timezone = {
        "id": me["id"],
        "name": "me",
        "type": 1,
        "options": [{"name": "timezone", "type": 1, "options": [{"name": "tz", "type": 3, "value": 12345}]}],
    }
    result = await emulator.dispatch_interaction(guild, fan, 2, timezone)
    assert result.ephemeral and "**12345** is not a time zone I know" in result.content
    assert stored(tmp_path) == []
