"""/trivia end to end: the real bot against the loopback emulator, with real SQLite and a fake clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.app.client import FandexBot
from bot.domain.trivia import AskedQuestion
from bot.services.trivia import TriviaGame
from discord_emulator import DiscordEmulator, Guild, InteractionResult, User
from tests.clock import FakeClock
from tests.conftest import StartBot

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
COMPONENT = 3


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components", []) for c in row["components"]]


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields", [])}


async def play(
    emulator: DiscordEmulator, bot: FandexBot, guild: Guild, user: User
) -> tuple[InteractionResult, AskedQuestion]:
    result = await emulator.slash(guild, user, "trivia play")
    assert not result.ephemeral, result.content
    question_id = int(buttons(result.message)[0]["custom_id"].split(":")[2])
    asked = await bot.trivia.store.get(question_id)
    assert asked is not None
    return result, asked


def choice_id(asked: AskedQuestion, choice: int) -> str:
    return f"fx:trivia:{asked.id}:{choice}"


def wrong_choice(asked: AskedQuestion) -> int:
    return next(i for i in range(len(asked.question.choices)) if i != asked.question.answer)


async def test_two_fans_answer_each_privately_then_the_reveal_and_the_leaderboard(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    clock = FakeClock(NOW)
    bot = await start_bot(clock=clock)
    other = emulator.add_user("nick")
    other.global_name = "@everyone **Nick** <@123456789012345678>"  # a display name that tries to ping
    result, asked = await play(emulator, bot, guild, fan)
    [embed] = result.embeds
    assert asked.question.prompt in embed["description"]
    assert "20 seconds" in fields(embed)["Time to answer"]
    shown = buttons(result.message)
    assert [b["label"] for b in shown] == list(asked.question.choices)
    assert 3 <= len(shown) <= 5 and not any(b.get("disabled") for b in shown)
    assert result.callback["data"]["allowed_mentions"] == {"parse": []}

    right = await emulator.click(result, choice_id(asked, asked.question.answer), user=fan)
    assert right.ephemeral and right.content.startswith("✅ Right")
    wrong = await emulator.click(result, choice_id(asked, wrong_choice(asked)), user=other)
    assert wrong.ephemeral and wrong.content.startswith("❌ Not this time")
    # the answer waits for the reveal (compared as shown, bold: "A novel" is inside "A novella")
    assert f"**{asked.question.right}**" not in wrong.content
    again = await emulator.click(result, choice_id(asked, wrong_choice(asked)), user=fan)
    assert again.ephemeral and "already answered" in again.content
    assert len(right.content) <= 2000 and len(wrong.content) <= 2000

    clock.advance(seconds=20)
    await bot.trivia.reveal_due()  # (or the background loop already did)
    message = emulator.find_message(int(result.message["id"]))
    assert message is not None
    [revealed] = message["embeds"]
    values = fields(revealed)
    assert asked.question.right in values["Answer"]
    assert asked.question.source in values["Source"]
    assert values["Answers"] == "2 fans answered, 1 right."
    final = buttons(message)
    assert all(b.get("disabled") for b in final)
    assert [b["style"] for b in final].count(3) == 1  # the right one green (success)
    assert bot.dataset.source_kind(asked.question.source) != "weak"

    late = await emulator.dispatch_interaction(
        guild, other, COMPONENT, {"custom_id": choice_id(asked, 0), "component_type": 2}, message=message
    )
    assert late.ephemeral and "This question has closed" in late.content

    board = await emulator.slash(guild, fan, "trivia leaderboard")
    assert not board.ephemeral and board.callback["data"]["allowed_mentions"] == {"parse": []}
    [table] = board.embeds
    lines = table["description"].splitlines()
    assert "tao" in lines[0] and "1 point" in lines[0]
    assert "@everyone" not in table["description"] and "<@123456789012345678>" not in table["description"]
    assert "\\*\\*Nick\\*\\*" in lines[1] and "0 points" in lines[1]

    stats = await emulator.slash(guild, fan, "trivia stats")
    assert stats.ephemeral and "**1 point**" in stats.content and "Rank 1 of 2" in stats.content
    everywhere = await emulator.slash_dm(fan, "trivia stats")
    assert everywhere.ephemeral and "over 1 server" in everywhere.content


async def test_one_open_question_per_channel(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    clock = FakeClock(NOW)
    bot = await start_bot(clock=clock)
    first, asked = await play(emulator, bot, guild, fan)
    again = await emulator.slash(guild, fan, "trivia play")
    assert again.ephemeral and "already open in this channel" in again.content
    assert f"/{guild.general.id}/{first.message['id']}" in again.content
    lounge = guild.add_channel("trivia-lounge")
    elsewhere = await emulator.slash(guild, fan, "trivia play", _channel=lounge)
    assert not elsewhere.ephemeral
    # Past its time but not yet revealed: said so, and the reveal is nudged.
    clock.advance(seconds=25)
    pending = await emulator.slash(guild, fan, "trivia play")
    assert pending.ephemeral and "just closed" in pending.content
    await bot.trivia.reveal_due()
    _, second = await play(emulator, bot, guild, fan)
    assert second.id != asked.id and second.question.key != asked.question.key  # no repeat in the round


async def test_clicks_after_a_restart_are_answered_and_the_reveal_still_happens(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    clock = FakeClock(NOW)
    bot = await start_bot(clock=clock)
    result, asked = await play(emulator, bot, guild, fan)
    bot = await start_bot(clock=clock)  # a restart: nothing of the question is left in memory
    verdict = await emulator.click(result, choice_id(asked, asked.question.answer), user=fan)
    assert verdict.ephemeral and verdict.content.startswith("✅ Right")
    clock.advance(seconds=21)
    closed = await emulator.click(result, choice_id(asked, 0), user=emulator.add_user("elle"))
    assert closed.ephemeral and "This question has closed" in closed.content
    await bot.trivia.reveal_due()  # the late click has woken the loop too: either reveals it, once
    await emulator.wait_idle()
    path = f"/channels/{guild.general.id}/messages/{result.message['id']}"
    assert any(r.method == "PATCH" and r.path == path for r in emulator.requests)  # through the channel
    message = emulator.find_message(int(result.message["id"]))
    assert message is not None and fields(message["embeds"][0])["Answers"] == "1 fan answered, 1 right."
    bot = await start_bot(clock=clock)
    assert await bot.trivia.reveal_due() == 0  # revealed once, not again after another restart


async def test_the_answer_is_revealed_on_time_by_the_background_loop(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TriviaGame, "question_seconds", 0.3)
    bot = await start_bot()
    result, _ = await play(emulator, bot, guild, fan)
    assert "0 seconds" in fields(result.embeds[0])["Time to answer"]
    for _ in range(100):
        message = emulator.find_message(int(result.message["id"]))
        if message and message["embeds"][0]["title"].endswith("time's up"):
            break
        await asyncio.sleep(0.05)
    else:
        pytest.fail("the answer was not revealed")
    assert any(r.method == "PATCH" and "/webhooks/" in r.path for r in emulator.requests)  # via the token


def forged(message: dict[str, Any], custom_id: str) -> dict[str, Any]:
    """The message as a hostile client could present it: carrying a button with `custom_id`."""
    copy = {**message, "id": str(int(message["id"]) + 1)}  # not the stored message: taken as given
    copy["components"] = [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "?", "custom_id": custom_id}]}
    ]
    return copy


@pytest.mark.parametrize(
    ("custom_id", "expected"),
    [
        ("fx:trivia:999999:0", "I don't know that question"),
        ("fx:trivia:{id}:9", "isn't one of this question's answers"),
        ("fx:trivia:{id}:-1", "I don't know that question"),
        ("fx:trivia:abc:1", "I don't know that question"),
        ("fx:trivia::", "I don't know that question"),
    ],
)
async def test_forged_buttons_get_a_clear_private_answer(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, custom_id: str, expected: str
) -> None:
    bot = await start_bot(clock=FakeClock(NOW))
    result, asked = await play(emulator, bot, guild, fan)
    custom_id = custom_id.format(id=asked.id)
    data = {"custom_id": custom_id, "component_type": 2}
    message = forged(result.message, custom_id)
    answer = await emulator.dispatch_interaction(guild, fan, COMPONENT, data, message=message)
    assert answer.ephemeral and expected in answer.content


async def test_a_button_the_message_does_not_carry_still_gets_an_answer(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    # discord.py only builds a DynamicItem from a component on the message; the fallback answers the rest.
    bot = await start_bot(clock=FakeClock(NOW))
    result, asked = await play(emulator, bot, guild, fan)
    data = {"custom_id": f"fx:trivia:{asked.id}:7", "component_type": 2}
    answer = await emulator.dispatch_interaction(guild, fan, COMPONENT, data, message=result.message)
    assert answer.ephemeral and "expired" in answer.content


async def test_a_question_from_another_server_is_unknown_here(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    bot = await start_bot(clock=FakeClock(NOW))
    result, asked = await play(emulator, bot, guild, fan)
    other = emulator.add_guild(name="Elsewhere")
    custom_id = choice_id(asked, asked.question.answer)
    message = forged(
        {**result.message, "channel_id": str(other.general.id), "guild_id": str(other.id)}, custom_id
    )
    data = {"custom_id": custom_id, "component_type": 2}
    answer = await emulator.dispatch_interaction(other, fan, COMPONENT, data, message=message)
    assert answer.ephemeral and "I don't know that question" in answer.content
    assert (await bot.trivia.store.tally(asked.id)).answered == 0


async def test_questions_stay_within_the_spoiler_limit_and_say_so(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, moderator: User
) -> None:
    bot = await start_bot(clock=FakeClock(NOW))
    await emulator.slash(guild, moderator, "config spoilers", season=1, volume=1)
    result, asked = await play(emulator, bot, guild, fan)
    assert "caught up to Season 1 and Volume 1" in result.embeds[0]["footer"]["text"]
    pool = await bot.trivia.pool((await bot.guild_settings.get(guild.id)).spoiler_limit)
    assert asked.question.key in {seed.key for seed in pool.seeds()}


async def test_trivia_play_is_for_servers(emulator: DiscordEmulator, start_bot: StartBot, fan: User) -> None:
    await start_bot()
    answer = await emulator.slash_dm(fan, "trivia play")
    assert answer.ephemeral and "played in a server" in answer.content
    stats = await emulator.slash_dm(fan, "trivia stats")
    assert stats.ephemeral and "haven't answered a trivia question yet" in stats.content


async def test_the_question_and_reveal_follow_the_server_and_verdicts_the_fan(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    guild.locale = "de"
    fan.locale = "pt-BR"
    clock = FakeClock(NOW)
    bot = await start_bot(clock=clock)
    result, asked = await play(emulator, bot, guild, fan)
    [embed] = result.embeds
    assert embed["title"] == "🎲 Quiz" and "20 Sekunden" in fields(embed)["Zeit zum Antworten"]
    right = await emulator.click(result, choice_id(asked, asked.question.answer), user=fan)
    assert right.ephemeral and right.content.startswith("✅ Acertou")
    assert "1 ponto neste servidor" in right.content
    english = emulator.add_user("nick")  # en-GB: English, word for word as before
    wrong = await emulator.click(result, choice_id(asked, wrong_choice(asked)), user=english)
    assert wrong.content.startswith("❌ Not this time: you picked **")
    clock.advance(seconds=20)
    await bot.trivia.reveal_due()
    message = emulator.find_message(int(result.message["id"]))
    assert message is not None
    revealed = fields(message["embeds"][0])
    assert revealed["Antworten"] == "2 Fans haben geantwortet, 1 richtig."
    assert asked.question.right in revealed["Antwort"]
    board = await emulator.slash(guild, fan, "trivia leaderboard")
    assert board.embeds[0]["title"] == "🏆 Quiz-Bestenliste" and "1 Punkt" in board.embeds[0]["description"]
    stats = await emulator.slash(guild, fan, "trivia stats")
    assert stats.ephemeral and "**1 ponto**" in stats.content and "Posição 1 de 2" in stats.content


async def test_a_reveal_after_a_restart_still_follows_the_servers_language(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    guild.locale = "fr"
    clock = FakeClock(NOW)
    bot = await start_bot(clock=clock)
    result, _ = await play(emulator, bot, guild, fan)
    bot = await start_bot(clock=clock)  # no interaction left: the server's locale from the gateway
    clock.advance(seconds=21)
    await bot.trivia.reveal_due()
    message = emulator.find_message(int(result.message["id"]))
    assert message is not None
    assert message["embeds"][0]["title"] == "🎲 Quiz : c'est l'heure"
    assert fields(message["embeds"][0])["Réponses"] == "Personne n'a répondu."
