"""/config event-add, event-remove, announcements and announcements-off end to end: what is saved, the
Discord scheduled event, and every refusal (private, clear, nothing half-written)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app.client import FandexBot
from bot.domain.countdown import ServerEvent
from bot.storage.server_events import ServerEventRepository
from discord_emulator import DiscordEmulator, Guild, User
from discord_emulator.models import BOT_PERMISSIONS, MANAGE_EVENTS
from tests.clock import FakeClock
from tests.conftest import StartBot

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
async def bot(start_bot: StartBot) -> FandexBot:
    return await start_bot(clock=FakeClock(NOW))


async def saved_events(bot: FandexBot, guild: Guild) -> list[ServerEvent]:
    return await ServerEventRepository(bot.db, bot.clock).for_guild(guild.id)


# --------------------------------------------------------------------------------------------
# event-add / event-remove
# --------------------------------------------------------------------------------------------


async def test_a_moderator_adds_events_privately_and_show_lists_them(
    emulator: DiscordEmulator, bot: FandexBot, guild: Guild, moderator: User
) -> None:
    await emulator.slash(guild, moderator, "config timezone", tz="Europe/London")
    day = await emulator.slash(
        guild, moderator, "config event-add", name="Volume 7 launch", date="2027-04-17"
    )
    assert day.ephemeral
    assert day.content.startswith("Added **Volume 7 launch** on Saturday 17 April 2027.")
    assert "Its day is counted in this server's time zone." in day.content
    timed = await emulator.slash(
        guild, moderator, "config event-add", name="Watch party @everyone", date="2027-04-16", time="20:30"
    )
    assert timed.content.startswith(
        "Added **Watch party @\u200beveryone** on Friday 16 April 2027, 20:30 (Europe/London)."
    )
    assert timed.data["allowed_mentions"] == {"parse": []}
    assert emulator.messages_in(guild.general.id) == []  # nothing public

    events = await saved_events(bot, guild)
    assert [(e.name, e.date.iso()) for e in events] == [
        ("Watch party @everyone", "2027-04-16T20:30 Europe/London"),
        ("Volume 7 launch", "2027-04-17"),
    ]
    shown = await emulator.slash(guild, moderator, "config show")
    listed = next(f for f in shown.embeds[0]["fields"] if f["name"].startswith("This server's events"))
    assert listed["name"] == "This server's events (2/25 upcoming)"
    assert listed["value"] == (
        "• **Watch party @\u200beveryone**: Friday 16 April 2027, 20:30 (Europe/London)\n"
        "• **Volume 7 launch**: Saturday 17 April 2027"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"name": "Party", "date": "17/04/2027"}, "is not a date: write it as YYYY-MM-DD"),
        ({"name": "Party", "date": "2027-02-30"}, "February 2027 has no day 30 (it has 28 days)."),
        ({"name": "Party", "date": "2027-13-01"}, "There is no month 13"),
        ({"name": "Party", "date": "2027-04-17", "time": "8pm"}, "is not a time: write it as HH:MM"),
        ({"name": "Party", "date": "2027-04-17", "time": "24:00"}, "is not a time of day"),
        ({"name": "Party", "date": "2027-03-09"}, "9 March 2027 is in the past"),
        ({"name": "Party", "date": "2027-03-10", "time": "11:00"}, "is in the past"),
        ({"name": "x" * 5000, "date": "2027-04-17"}, "at most 100 characters; that one has 5000."),
        ({"name": " \u200b\u202e ", "date": "2027-04-17"}, "Give the event a name"),
        ({"name": "Party", "date": "2099-04-17"}, "within the next 10 years"),
    ],
)
async def test_bad_input_is_refused_privately_and_nothing_is_saved(
    emulator: DiscordEmulator,
    bot: FandexBot,
    guild: Guild,
    moderator: User,
    options: dict[str, str],
    message: str,
) -> None:
    result = await emulator.slash(guild, moderator, "config event-add", **options)
    assert result.ephemeral
    assert message in result.content
    assert await saved_events(bot, guild) == []


async def test_names_are_unique_ignoring_case_and_at_most_25(
    emulator: DiscordEmulator, bot: FandexBot, guild: Guild, moderator: User
) -> None:
    await emulator.slash(guild, moderator, "config event-add", name="Watch Party", date="2027-04-17")
    duplicate = await emulator.slash(
        guild, moderator, "config event-add", name="  watch   PARTY", date="2027-05-01"
    )
    assert duplicate.ephemeral
    assert "already has an event called **watch PARTY**" in duplicate.content
    for number in range(24):
        await emulator.slash(guild, moderator, "config event-add", name=f"Event {number}", date="2027-04-17")
    assert len(await saved_events(bot, guild)) == 25
    too_many = await emulator.slash(guild, moderator, "config event-add", name="One more", date="2027-04-17")
    assert too_many.ephemeral and "already has 25 upcoming events" in too_many.content
    assert len(await saved_events(bot, guild)) == 25


async def test_members_without_manage_server_are_refused(
    emulator: DiscordEmulator, bot: FandexBot, guild: Guild
) -> None:
    fan = emulator.add_user("isaac")
    result = await emulator.slash(guild, fan, "config event-add", name="Party", date="2027-04-17")
    assert result.ephemeral and "Manage Server" in result.content
    assert await saved_events(bot, guild) == []


async def test_a_discord_scheduled_event_is_created_when_asked(
    emulator: DiscordEmulator, bot: FandexBot, guild: Guild, moderator: User
) -> None:
    emulator.member(guild, emulator.bot_user, permissions=BOT_PERMISSIONS | MANAGE_EVENTS)
    result = await emulator.slash(
        guild, moderator, "config event-add", name="Premiere night", date="2027-04-17", time="20:00",
        discord_event=True,
    )  # fmt: skip
    assert result.ephemeral
    assert "It is also listed in the server's Events tab." in result.content
    [scheduled] = emulator.scheduled_events[guild.id]
    assert scheduled["name"] == "Premiere night"
    assert scheduled["entity_type"] == 3  # external
    assert scheduled["privacy_level"] == 2  # guild only
    assert scheduled["entity_metadata"] == {"location": "Online"}
    assert datetime.fromisoformat(scheduled["scheduled_start_time"]) == datetime(
        2027, 4, 17, 20, 0, tzinfo=UTC
    )
    assert datetime.fromisoformat(scheduled["scheduled_end_time"]) == datetime(2027, 4, 17, 22, 0, tzinfo=UTC)
    [saved] = await saved_events(bot, guild)
    assert saved.scheduled_event_id == int(scheduled["id"])

    removed = await emulator.slash(guild, moderator, "config event-remove", name="premiere NIGHT")
    assert removed.ephemeral
    assert "Removed **Premiere night**" in removed.content and "Events tab is gone too" in removed.content
    assert emulator.scheduled_events[guild.id] == []
    assert await saved_events(bot, guild) == []


async def test_without_manage_events_the_bot_side_event_is_kept(
    emulator: DiscordEmulator, bot: FandexBot, guild: Guild, moderator: User
) -> None:
    result = await emulator.slash(
        guild, moderator, "config event-add", name="Premiere night", date="2027-04-17", discord_event=True
    )
    assert result.content.startswith("Added **Premiere night**")
    assert (
        "I need the **Create Events** (or Manage Events) permission. The event itself is saved."
        in result.content
    )
    assert emulator.scheduled_events[guild.id] == []
    assert [e.name for e in await saved_events(bot, guild)] == ["Premiere night"]
    assert not [r for r in emulator.requests if r.path.endswith("/scheduled-events")]  # not even attempted


async def test_when_discord_refuses_the_scheduled_event_the_bot_side_event_is_kept(
    emulator: DiscordEmulator, bot: FandexBot, guild: Guild, moderator: User
) -> None:
    emulator.member(guild, emulator.bot_user, permissions=BOT_PERMISSIONS | MANAGE_EVENTS)
    emulator.fail_next("POST", r"/scheduled-events$", 403)
    result = await emulator.slash(
        guild, moderator, "config event-add", name="Premiere night", date="2027-04-17", discord_event=True
    )
    assert "Discord refused to add it to the server's Events tab" in result.content
    [saved] = await saved_events(bot, guild)
    assert saved.scheduled_event_id is None


# Fails at run time like a full disk would (OperationalError), and only for a write that records a link
# to a Discord scheduled event.
FAILING_LINK = """
CREATE TEMP TRIGGER fail_link_{op} BEFORE {op} ON guild_events WHEN NEW.scheduled_event_id IS NOT NULL
BEGIN SELECT json('the disk is full'); END
"""


async def test_a_failure_saving_a_listed_event_leaves_neither_the_event_nor_its_listing(
    emulator: DiscordEmulator, bot: FandexBot, guild: Guild, moderator: User
) -> None:
    emulator.member(guild, emulator.bot_user, permissions=BOT_PERMISSIONS | MANAGE_EVENTS)
    for op in ("INSERT", "UPDATE"):
        await bot.db.execute(FAILING_LINK.format(op=op))
    result = await emulator.slash(
        guild, moderator, "config event-add", name="Premiere night", date="2027-04-17", discord_event=True
    )
    assert result.ephemeral
    assert result.content.startswith("Nothing was changed"), result.content
    assert await saved_events(bot, guild) == []
    assert emulator.scheduled_events[guild.id] == []  # the listing made first was deleted again

    for op in ("INSERT", "UPDATE"):
        await bot.db.execute(f"DROP TRIGGER temp.fail_link_{op}")
    again = await emulator.slash(
        guild, moderator, "config event-add", name="Premiere night", date="2027-04-17", discord_event=True
    )
    assert "It is also listed in the server's Events tab." in again.content
    [scheduled] = emulator.scheduled_events[guild.id]
    [saved] = await saved_events(bot, guild)
    assert saved.scheduled_event_id == int(scheduled["id"])


async def test_a_taken_name_is_refused_before_discord_lists_anything(
    emulator: DiscordEmulator, bot: FandexBot, guild: Guild, moderator: User
) -> None:
    emulator.member(guild, emulator.bot_user, permissions=BOT_PERMISSIONS | MANAGE_EVENTS)
    await emulator.slash(guild, moderator, "config event-add", name="Premiere night", date="2027-04-17")
    refused = await emulator.slash(
        guild, moderator, "config event-add", name="PREMIERE night", date="2027-05-17", discord_event=True
    )
    assert refused.ephemeral and "already has an event called" in refused.content
    assert not [r for r in emulator.requests if r.path.endswith("/scheduled-events")]  # not even attempted


async def test_event_remove_autocomplete_and_refusals(
    emulator: DiscordEmulator, bot: FandexBot, guild: Guild, moderator: User
) -> None:
    nothing = await emulator.slash(guild, moderator, "config event-remove", name="Party")
    assert nothing.ephemeral and "no events of its own" in nothing.content

    await emulator.slash(guild, moderator, "config event-add", name="Watch party", date="2027-04-17")
    await emulator.slash(
        guild, moderator, "config event-add", name="Book club", date="2027-04-18", time="18:00"
    )
    other = emulator.add_guild(name="Elsewhere")
    emulator.member(other, moderator, manage_guild=True)
    await emulator.slash(other, moderator, "config event-add", name="Their party", date="2027-04-17")

    choices = await emulator.autocomplete(guild, moderator, "config event-remove", "name", "")
    assert [c["name"] for c in choices] == [
        "Watch party · Saturday 17 April 2027",
        "Book club · Sunday 18 April 2027, 18:00 (UTC)",
    ]
    assert [
        c["name"]
        for c in await emulator.autocomplete(guild, moderator, "config event-remove", "name", "BOOK")
    ] == ["Book club · Sunday 18 April 2027, 18:00 (UTC)"]
    their_key = (await emulator.autocomplete(other, moderator, "config event-remove", "name", ""))[0]["value"]
    refused = await emulator.slash(guild, moderator, "config event-remove", name=their_key)
    assert refused.ephemeral and "I know no event called" in refused.content

    removed = await emulator.slash(guild, moderator, "config event-remove", name=choices[0]["value"])
    assert removed.content == "Removed **Watch party** (Saturday 17 April 2027)."
    assert [e.name for e in await saved_events(bot, guild)] == ["Book club"]


# --------------------------------------------------------------------------------------------
# announcements / announcements-off
# --------------------------------------------------------------------------------------------


async def test_announcements_are_configured_and_turned_off(
    emulator: DiscordEmulator, bot: FandexBot, guild: Guild, moderator: User
) -> None:
    channel = guild.add_channel("releases")
    role = guild.add_role("Heartstoppers", mentionable=True)
    result = await emulator.slash(
        guild, moderator, "config announcements", channel=channel, role=role, reminder="1w"
    )
    assert result.ephemeral
    assert result.content.startswith(
        f"Release-day announcements are on. In <#{channel.id}>, pinging <@&{role.id}>; 1 week before."
    )
    assert result.data["allowed_mentions"] == {"parse": []}  # the confirmation itself pings no one
    settings = await bot.guild_settings.get(guild.id)
    assert (settings.announce_channel_id, settings.announce_role_id, settings.reminder) == (
        channel.id,
        role.id,
        "1w",
    )

    plain = await emulator.slash(guild, moderator, "config announcements", channel=channel)
    assert "no ping; no reminder." in plain.content
    assert (await bot.guild_settings.get(guild.id)).announce_role_id is None

    off = await emulator.slash(guild, moderator, "config announcements-off")
    assert off.ephemeral and off.content.startswith("Release-day announcements are off.")
    shown = await emulator.slash(guild, moderator, "config show")
    value = next(f["value"] for f in shown.embeds[0]["fields"] if f["name"] == "Release-day announcements")
    assert value == "Off."


async def test_a_channel_the_bot_cannot_post_in_is_refused_at_once(
    emulator: DiscordEmulator, bot: FandexBot, guild: Guild, moderator: User
) -> None:
    muted = guild.add_channel("read-only", bot_can_send=False)
    result = await emulator.slash(guild, moderator, "config announcements", channel=muted)
    assert result.ephemeral
    # Without Send Messages Discord also withholds Embed Links, and discord.py says so.
    assert (
        f"I can't post in <#{muted.id}>: I'm missing **Send Messages**, **Embed Links** there."
        in result.content
    )
    assert result.content.endswith("Nothing was changed.")
    assert (await bot.guild_settings.get(guild.id)).announce_channel_id is None


async def test_a_deleted_channel_or_role_is_refused(
    emulator: DiscordEmulator, bot: FandexBot, guild: Guild, moderator: User
) -> None:
    gone = guild.add_channel("old-news")
    guild.remove_channel(gone.id)
    channel_result = await emulator.slash(guild, moderator, "config announcements", channel=gone)
    assert channel_result.ephemeral and "I can't find that channel here" in channel_result.content

    role = guild.add_role("Former fans", mentionable=True)
    del guild.roles[role.id]
    emulator.dispatch("GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role.id)})
    role_result = await emulator.slash(
        guild, moderator, "config announcements", channel=guild.general, role=role
    )
    assert role_result.ephemeral and "That role no longer exists here." in role_result.content

    everyone = await emulator.slash(
        guild, moderator, "config announcements", channel=guild.general, role=guild.everyone
    )
    assert everyone.ephemeral and "I never ping @everyone" in everyone.content
    managed = await emulator.slash(
        guild, moderator, "config announcements", channel=guild.general, role=guild.bot_role
    )
    assert managed.ephemeral and "belongs to a bot or an integration" in managed.content
    assert (await bot.guild_settings.get(guild.id)).announce_channel_id is None


async def test_a_role_that_will_not_notify_is_accepted_with_a_warning(
    emulator: DiscordEmulator, bot: FandexBot, guild: Guild, moderator: User
) -> None:
    quiet = guild.add_role("Quiet fans", mentionable=False)
    result = await emulator.slash(guild, moderator, "config announcements", channel=guild.general, role=quiet)
    assert "⚠️" in result.content and "is not mentionable" in result.content
    assert (await bot.guild_settings.get(guild.id)).announce_role_id == quiet.id
