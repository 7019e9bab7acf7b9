""" "🔔 Remind me" end to end (issue 12, item 5): a reminder set from a /countdown answer is one DM at the
chosen time, exactly once across restarts; closed DMs get 3 tries and show as failed; reminders follow
their events (removed, re-dated); bad input is answered privately.

The clock is a FakeClock moved by hand, and each delivery run is awaited directly (`run_due_reminders`),
so no test sleeps until a reminder is due. The database is real SQLite, the Discord the emulator.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from bot.app.client import FandexBot
from cogs.reminders import Reminders
from discord_emulator import DiscordEmulator, Guild, User
from discord_emulator.server import RecordedRequest
from tests.clock import FakeClock
from tests.cogs.test_countdown import dataset_with, extra_event
from tests.conftest import StartBot

NOW = datetime(2027, 3, 12, 19, 59, tzinfo=UTC)
PARTY_AT = datetime(2027, 3, 12, 20, 0, tzinfo=UTC)
DAY = extra_event("volume-7", "Volume 7 published", "2027-04-17", kind="book")


def reminders_cog(bot: FandexBot) -> Reminders:
    return cast(Reminders, bot.get_cog("Reminders"))


async def deliver(bot: FandexBot) -> Any:
    return await reminders_cog(bot).run_due_reminders()


def dm_posts(emulator: DiscordEmulator, user: User) -> list[RecordedRequest]:
    path = f"/channels/{emulator.dm_channel(user).id}/messages"
    return [r for r in emulator.requests if r.method == "POST" and r.path == path]


def stored(tmp_path: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(tmp_path / "fandex.sqlite3") as db:
        db.row_factory = sqlite3.Row
        return db.execute("SELECT * FROM reminders ORDER BY id").fetchall()


async def add_party(
    emulator: DiscordEmulator, guild: Guild, moderator: User, name: str = "Watch party"
) -> None:
    result = await emulator.slash(
        guild, moderator, "config event-add", name=name, date="2027-03-12", time="20:00"
    )
    assert result.content.startswith("Added"), result.content


async def remind_me(emulator: DiscordEmulator, answer: Any, fan: User, label: str) -> Any:
    """Press Remind me under `answer`, then the choice labelled `label`; the confirmation."""
    [remind] = [c for c in answer.custom_ids() if c.startswith("fx:remind:")]
    choice = await emulator.click(answer, remind, user=fan)
    assert choice.ephemeral, choice.content
    [pick] = [
        c["custom_id"] for row in choice.components for c in row["components"] if c.get("label") == label
    ]
    return await emulator.click(choice, pick, user=fan)


async def test_a_server_event_one_minute_ahead_is_one_dm_at_its_time_across_restarts(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User, tmp_path: Path
) -> None:
    clock = FakeClock(NOW)
    await start_bot(clock=clock)
    await add_party(emulator, guild, moderator, name="Watch party @everyone")
    answer = await emulator.slash(guild, fan, "countdown", event="Watch party")
    assert not answer.ephemeral and "fx:remind:guild:1" in answer.custom_ids()

    choice = await emulator.click(answer, "fx:remind:guild:1", user=fan)
    assert choice.ephemeral
    assert choice.content.startswith("🔔 When should I remind you of **Watch party @\u200beveryone**?")
    # A minute ahead, only "when it starts" is still to come.
    assert choice.custom_ids() == ["fx:remind-at:start:guild:1"]
    done = await emulator.click(choice, "fx:remind-at:start:guild:1", user=fan)
    assert done.type == 7 and done.components == [] and done.ephemeral
    unix = int(PARTY_AT.timestamp())
    assert done.content.startswith(
        f"🔔 Done: I'll DM you about **Watch party @\u200beveryone** when it starts, <t:{unix}:F>"
    )
    assert emulator.messages_in(guild.general.id) == [answer.message]  # nothing public but the answer

    bot = await start_bot(clock=clock)  # restarted just before the due time
    clock.current = PARTY_AT - timedelta(seconds=1)
    await deliver(bot)
    assert dm_posts(emulator, fan) == []
    clock.current = PARTY_AT
    report = await deliver(bot)
    assert report.sent == 1
    bot = await start_bot(clock=clock)  # and just after
    await deliver(bot)
    clock.advance(minutes=10)
    await deliver(bot)

    [dm] = emulator.dms_to(fan)
    [post] = dm_posts(emulator, fan)
    assert post.json["allowed_mentions"] == {"parse": []}  # no pings, whatever the title says
    assert post.json["enforce_nonce"] is True and len(post.json["nonce"]) <= 25
    assert dm["content"] == "🔔 Reminder: **Watch party @\u200beveryone** is starting now."
    [embed] = dm["embeds"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Status"] == "🏠 This server's own event (added by its moderators)"
    assert fields["You asked in"] == f"https://discord.com/channels/{guild.id}/{guild.general.id}"
    assert fields["Your reminder"] == "When it starts"
    assert embed["footer"]["text"].endswith(f"ref {post.json['nonce'][:12]}")
    [row] = stored(tmp_path)
    assert (row["state"], row["tries"], row["message_id"]) == ("sent", 1, int(dm["id"]))

    listed = await emulator.slash(guild, fan, "me reminders")
    assert listed.ephemeral and listed.components == []
    assert "✅ **Watch party @\u200beveryone** · when it starts · sent" in listed.embeds[0]["description"]


async def test_closed_dms_get_three_tries_then_show_as_failed(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User, tmp_path: Path
) -> None:
    clock = FakeClock(NOW)
    bot = await start_bot(clock=clock)
    await add_party(emulator, guild, moderator)
    fan.accepts_dms = False
    await remind_me(
        emulator, await emulator.slash(guild, fan, "countdown", event="Watch party"), fan, "When it starts"
    )

    clock.current = PARTY_AT
    assert (await deliver(bot)).refused == 1
    await deliver(bot)  # the next try waits 5 minutes
    assert len(dm_posts(emulator, fan)) == 1
    pending = await emulator.slash(guild, fan, "me reminders")
    assert "your DMs refused it 1 of 3 times" in pending.embeds[0]["description"]
    clock.advance(minutes=5)
    await deliver(bot)
    bot = await start_bot(clock=clock)  # the count survives a restart
    clock.advance(minutes=5)
    assert (await deliver(bot)).failed == 1
    for _ in range(3):
        clock.advance(hours=1)
        await deliver(bot)
    assert len(dm_posts(emulator, fan)) == 3 and emulator.dms_to(fan) == []
    [row] = stored(tmp_path)
    assert (row["state"], row["refusals"]) == ("failed", 3)
    listed = await emulator.slash(guild, fan, "me reminders")
    assert "couldn't reach you: your DMs were closed to Fandex (3 tries)" in listed.embeds[0]["description"]


async def test_a_day_only_event_starts_at_midnight_in_the_fans_own_zone(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User, tmp_path: Path
) -> None:
    clock = FakeClock(datetime(2027, 4, 1, 12, 0, tzinfo=UTC))
    bot = await start_bot(clock=clock, dataset_path=dataset_with(tmp_path, DAY))
    await emulator.slash(guild, moderator, "config timezone", tz="Pacific/Kiritimati")
    answer = await emulator.slash(guild, fan, "countdown", event="Volume 7 published")
    choice = await emulator.click(answer, "fx:remind:ds:volume-7", user=fan)
    # No zone of the fan's own: the server's, said so.
    assert "from 00:00 in Pacific/Kiritimati, this server's time zone" in choice.content
    assert choice.custom_ids() == [f"fx:remind-at:{lead}:ds:volume-7" for lead in ("start", "1h", "1d", "1w")]

    await emulator.slash(guild, fan, "me timezone", tz="Europe/London")
    again = await emulator.click(answer, "fx:remind:ds:volume-7", user=fan)
    assert "on **Saturday 17 April 2027**, from 00:00 in Europe/London, your time zone" in again.content
    done = await emulator.click(again, "fx:remind-at:1d:ds:volume-7", user=fan)
    assert "1 day before it starts" in done.content
    [row] = stored(tmp_path)
    assert row["starts_at"] == "2027-04-16T23:00:00.000000+00:00"  # 00:00 BST on the 17th
    assert row["due_at"] == "2027-04-15T23:00:00.000000+00:00"
    assert row["zone"] == "Europe/London"

    clock.current = datetime(2027, 4, 15, 23, 0, tzinfo=UTC)
    await deliver(bot)
    [dm] = emulator.dms_to(fan)
    assert dm["content"].startswith("🔔 Reminder: **Volume 7 published** is on Saturday 17 April 2027")
    fields = {f["name"]: f["value"] for f in dm["embeds"][0]["fields"]}
    assert fields["Status"] == "✅ Confirmed"
    assert "days counted in Europe/London" in dm["embeds"][0]["description"]


async def test_a_reload_that_re_dates_the_event_moves_the_reminder_never_the_old_date(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, tmp_path: Path
) -> None:
    clock = FakeClock(datetime(2027, 4, 1, 12, 0, tzinfo=UTC))
    source = dataset_with(tmp_path, DAY)
    bot = await start_bot(clock=clock, dataset_path=source)
    answer = await emulator.slash_dm(fan, "countdown", event="Volume 7 published")
    done = await remind_me(emulator, answer, fan, "1 week before")
    assert done.content.startswith("🔔 Done")

    source.write_text(
        source.read_text(encoding="utf-8").replace('"2027-04-17"', '"2027-05-08"'), encoding="utf-8"
    )
    assert await bot.reload_dataset()
    listed = await emulator.slash_dm(fan, "me reminders")
    new_start = int(datetime(2027, 5, 8, tzinfo=UTC).timestamp())
    assert f"moved: the event now starts <t:{new_start}:f>" in listed.embeds[0]["description"]

    clock.current = datetime(2027, 4, 10, 0, 0, tzinfo=UTC)  # a week before the old date
    await deliver(bot)
    assert emulator.dms_to(fan) == []
    clock.current = datetime(2027, 5, 1, 0, 0, tzinfo=UTC)  # a week before the new one
    await deliver(bot)
    [dm] = emulator.dms_to(fan)
    assert "Saturday 8 May 2027" in dm["content"]
    assert "You asked in" not in str(dm["embeds"])  # asked in a DM: no link back

    # The dataset drops the event: a reminder of it is cancelled, with a note.
    await remind_me(
        emulator, await emulator.slash_dm(fan, "countdown", event="Volume 7 published"), fan, "When it starts"
    )
    source.write_text(
        source.read_text(encoding="utf-8").replace('id = "volume-7"', 'id = "volume-seven"'), encoding="utf-8"
    )
    assert await bot.reload_dataset()
    await deliver(bot)
    states = [(row["lead"], row["state"], row["note"]) for row in stored(tmp_path)]
    assert states[1] == ("start", "cancelled", "this event is no longer in Fandex's dataset")


async def test_a_removed_server_event_cancels_its_reminders_with_a_note(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User, tmp_path: Path
) -> None:
    clock = FakeClock(NOW - timedelta(days=2))
    bot = await start_bot(clock=clock)
    await add_party(emulator, guild, moderator)
    answer = await emulator.slash(guild, fan, "countdown", event="Watch party")
    await remind_me(emulator, answer, fan, "1 day before")
    await emulator.slash(guild, moderator, "config event-remove", name="Watch party")

    listed = await emulator.slash(guild, fan, "me reminders")
    assert "cancelled: the server's moderators removed this event" in listed.embeds[0]["description"]
    assert listed.components == []  # nothing left to cancel
    clock.current = PARTY_AT
    await deliver(bot)
    assert emulator.dms_to(fan) == [] and stored(tmp_path)[0]["state"] == "cancelled"

    stale = await emulator.click(answer, "fx:remind:guild:1", user=fan)  # the old answer's button
    assert stale.ephemeral and "That event is no longer here" in stale.content


async def test_the_remind_me_flow_is_in_the_clickers_language(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, tmp_path: Path
) -> None:
    clock = FakeClock(datetime(2027, 4, 1, 12, 0, tzinfo=UTC))
    await start_bot(clock=clock, dataset_path=dataset_with(tmp_path, DAY))
    answer = await emulator.slash(guild, fan, "countdown", event="Volume 7 published")  # English server
    fan.locale = "pt-BR"
    await emulator.slash(guild, fan, "me timezone", tz="Europe/London")
    choice = await emulator.click(answer, "fx:remind:ds:volume-7", user=fan)
    assert choice.ephemeral and choice.content.startswith(
        "🔔 Quando devo te lembrar de **Volume 7 published**?"
    )
    assert (
        "em **sábado, 17 de abril de 2027**, a partir de 00:00 em Europe/London, o seu fuso" in choice.content
    )
    labels = [c["label"] for row in choice.components for c in row["components"]]
    assert labels == ["Quando começar", "1 hora antes", "1 dia antes", "1 semana antes"]
    done = await emulator.click(choice, "fx:remind-at:1d:ds:volume-7", user=fan)
    assert done.content.startswith("🔔 Pronto: vou te mandar uma DM sobre **Volume 7 published** 1 dia antes")
    listed = await emulator.slash(guild, fan, "me reminders")
    [embed] = listed.embeds
    assert embed["title"] == "Seus lembretes" and "· 1 dia antes ·" in embed["description"]
    assert [c["label"] for row in listed.components for c in row["components"]] == ["Cancelar 1"]
    shown = await emulator.slash(guild, fan, "me show")
    kept = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert kept["Lembretes"].startswith("1 esperando: cada um guarda o evento")
    fan.locale = "en-GB"
    english = await emulator.slash(guild, fan, "me reminders")
    assert (
        english.embeds[0]["title"] == "Your reminders"
        and "· 1 day before ·" in english.embeds[0]["description"]
    )
