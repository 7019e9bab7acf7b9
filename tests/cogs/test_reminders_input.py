""" "🔔 Remind me" and /me reminders against bad input (issue 12, items 5 and 7): forged and stale custom_ids,
events that no longer exist, a moment that has passed, a 26th reminder, another fan's cancel button; and
reminders in /me show and /me forget. Every answer is private."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.domain.reminders import MAX_PENDING, Added
from discord_emulator import DiscordEmulator, Guild, User
from tests.clock import FakeClock
from tests.cogs.test_reminders import NOW, PARTY_AT, add_party, deliver, remind_me
from tests.conftest import StartBot

COMPONENT = 3


def rows(tmp_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(tmp_path / "fandex.sqlite3") as db:
        return db.execute("SELECT id, user_id, state FROM reminders ORDER BY id").fetchall()


async def test_forged_custom_ids_are_answered_privately_and_change_nothing(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User, tmp_path: Path
) -> None:
    await start_bot(clock=FakeClock(NOW - timedelta(days=2)))
    await add_party(emulator, guild, moderator)
    answer = await emulator.slash(guild, fan, "countdown", event="Watch party")
    for custom_id in (
        "fx:remind:guild:999",  # matches the template, is not on the message
        "fx:remind:ds:" + "x" * 200,
        "fx:remind-at:2h:guild:1",
        "fx:remind-at:start:guild:1",  # a choice never shown on this message
        "fx:remind-cancel:1",
        "fx:remind-cancel:-1",
    ):
        data = {"custom_id": custom_id, "component_type": 2}
        result = await emulator.dispatch_interaction(guild, fan, COMPONENT, data, message=answer.message)
        assert result.ephemeral and result.content == "This menu has expired: run the command again."
    assert rows(tmp_path) == []


async def test_a_server_events_button_only_works_in_its_server(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User
) -> None:
    await start_bot(clock=FakeClock(NOW - timedelta(days=2)))
    await add_party(emulator, guild, moderator)
    answer = await emulator.slash(guild, fan, "countdown", event="Watch party")
    elsewhere = emulator.add_guild(name="Another server")
    moved = {**answer.message, "channel_id": str(elsewhere.general.id)}
    data = {"custom_id": "fx:remind:guild:1", "component_type": 2}
    for where in (elsewhere, None):  # another server, and the fan's DM with the bot
        result = await emulator.dispatch_interaction(where, fan, COMPONENT, data, message=moved)
        assert result.ephemeral and "That event is no longer here" in result.content


async def test_a_choice_whose_moment_passed_or_event_went_says_so(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User, tmp_path: Path
) -> None:
    clock = FakeClock(PARTY_AT - timedelta(hours=2))
    await start_bot(clock=clock)
    await add_party(emulator, guild, moderator)
    answer = await emulator.slash(guild, fan, "countdown", event="Watch party")
    choice = await emulator.click(answer, "fx:remind:guild:1", user=fan)
    assert choice.custom_ids() == ["fx:remind-at:start:guild:1", "fx:remind-at:1h:guild:1"]

    await start_bot(clock=clock)  # the choice is answered after a restart too
    clock.advance(hours=1, seconds=1)
    late = await emulator.click(choice, "fx:remind-at:1h:guild:1", user=fan)
    assert (
        late.ephemeral
        and late.content == "1 hour before has already passed: pick another time, or run /countdown again."
    )
    clock.current = PARTY_AT
    started = await emulator.click(answer, "fx:remind:guild:1", user=fan)
    assert started.content == "**Watch party** has already started: there is nothing left to remind you of."
    assert rows(tmp_path) == []

    clock.current = PARTY_AT - timedelta(minutes=30)
    choice = await emulator.click(answer, "fx:remind:guild:1", user=fan)
    await emulator.slash(guild, moderator, "config event-remove", name="Watch party")
    gone = await emulator.click(choice, "fx:remind-at:start:guild:1", user=fan)
    assert gone.type == 7 and "That event is no longer here" in gone.content and gone.components == []
    assert rows(tmp_path) == []


async def test_the_same_reminder_twice_and_a_26th_are_refused(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User, tmp_path: Path
) -> None:
    bot = await start_bot(clock=FakeClock(NOW - timedelta(days=2)))
    await add_party(emulator, guild, moderator)
    answer = await emulator.slash(guild, fan, "countdown", event="Watch party")
    await remind_me(emulator, answer, fan, "1 day before")
    twice = await remind_me(emulator, answer, fan, "1 day before")
    assert "You already have that reminder: **Watch party**, 1 day before" in twice.content
    choice = await emulator.click(answer, "fx:remind:guild:1", user=fan)  # shown before the limit is reached

    for number in range(MAX_PENDING - 1):
        added = await bot.reminders.add(
            user_id=fan.id,
            event_key=f"guild:{1000 + number}",
            event_title=f"Party {number}",
            lead="start",
            starts_at=PARTY_AT,
            zone="UTC",
            guild_id=guild.id,
            channel_id=guild.general.id,
        )
        assert isinstance(added, Added)
    refused = await emulator.click(answer, "fx:remind:guild:1", user=fan)
    assert refused.ephemeral and refused.content.startswith(
        "You have 25 reminders waiting, the most you can have"
    )
    too_many = await emulator.click(choice, "fx:remind-at:start:guild:1", user=fan)
    assert too_many.content.startswith("You have 25 reminders waiting")
    assert len(rows(tmp_path)) == MAX_PENDING
    other = emulator.add_user("elle")  # the limit is per fan
    assert (await remind_me(emulator, answer, other, "1 day before")).content.startswith("🔔 Done")


async def test_only_the_fan_who_set_a_reminder_can_cancel_it_even_after_a_restart(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User, tmp_path: Path
) -> None:
    clock = FakeClock(NOW - timedelta(days=2))
    await start_bot(clock=clock)
    await add_party(emulator, guild, moderator)
    answer = await emulator.slash(guild, fan, "countdown", event="Watch party")
    await remind_me(emulator, answer, fan, "1 day before")
    await remind_me(emulator, answer, fan, "1 hour before")
    listed = await emulator.slash(guild, fan, "me reminders")
    assert listed.ephemeral
    assert listed.custom_ids() == ["fx:remind-cancel:1", "fx:remind-cancel:2"]
    labels = [c["label"] for row in listed.components for c in row["components"]]
    assert labels == ["Cancel 1", "Cancel 2"]
    description = listed.embeds[0]["description"]
    assert description.index("**1.** **Watch party** · 1 day before") < description.index("**2.**")

    other = emulator.add_user("elle")
    refused = await emulator.click(listed, "fx:remind-cancel:1", user=other)
    assert refused.ephemeral and refused.content.startswith("This is someone else's reminder")
    assert [state for _, _, state in rows(tmp_path)] == ["pending", "pending"]

    earlier = await emulator.slash(guild, fan, "me reminders")
    await start_bot(clock=clock)
    cancelled = await emulator.click(listed, "fx:remind-cancel:1", user=fan)
    assert cancelled.type == 7 and cancelled.content.startswith("Cancelled: no DM about **Watch party**")
    assert cancelled.custom_ids() == ["fx:remind-cancel:2"]  # the list as it is now
    assert "**1.** **Watch party** · 1 hour before" in cancelled.embeds[0]["description"]
    again = await emulator.click(earlier, "fx:remind-cancel:1", user=fan)  # another list's button
    assert again.ephemeral and again.content.startswith("That reminder is no longer waiting")
    assert [row[0] for row in rows(tmp_path)] == [2]


async def test_reminders_are_in_me_show_and_me_forget_deletes_them(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User, tmp_path: Path
) -> None:
    clock = FakeClock(NOW - timedelta(days=2))
    bot = await start_bot(clock=clock)
    empty = await emulator.slash_dm(fan, "me reminders")
    assert empty.ephemeral and "You have no reminders" in empty.embeds[0]["description"]
    await add_party(emulator, guild, moderator)
    await remind_me(
        emulator, await emulator.slash(guild, fan, "countdown", event="Watch party"), fan, "1 day before"
    )

    shown = await emulator.slash_dm(fan, "me show")
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert fields["Reminders"].startswith(
        "1 waiting: each keeps the event, when to DM you and where you asked."
    )
    clock.current = PARTY_AT - timedelta(days=1)
    await deliver(bot)
    shown = await emulator.slash_dm(fan, "me show")
    assert "1 earlier one (sent, cancelled, failed or missed; kept 30 days)" in str(shown.embeds)

    question = await emulator.slash_dm(fan, "me forget")  # only a reminder stored: something to forget
    assert "your reminders" in question.content
    confirm = next(c for c in question.custom_ids() if ":confirm:" in c)
    done = await emulator.click(question, confirm, user=fan)
    assert "everything Fandex stored about you is deleted" in done.content
    assert rows(tmp_path) == []
    assert "Nothing" in (await emulator.slash_dm(fan, "me show")).embeds[0]["description"]
