"""Trivia: the question message, its reveal, the private verdicts, the leaderboard and a fan's stats."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.domain.text import escape_user_text
from bot.domain.trivia import AskedQuestion, Score, Stats, Tally
from bot.render.common import BRAND_COLOUR, fit_embed, source_links, timestamp

ANSWER_ID_PREFIX = "fx:trivia"  # "fx:trivia:<question id>:<choice>": bot/app/trivia_buttons.py answers it
NAME_LIMIT = 32  # a display name as the leaderboard shows it
MEDALS = ("🥇", "🥈", "🥉")


def answer_custom_id(question_id: int, choice: int) -> str:
    return f"{ANSWER_ID_PREFIX}:{question_id}:{choice}"


def _text(text: str) -> str:
    return discord.utils.escape_markdown(text)


def _seconds(asked: AskedQuestion) -> int:
    return round((asked.closes_at - asked.asked_at).total_seconds())


def question_embed(asked: AskedQuestion, caught_up: str | None) -> discord.Embed:
    """The public question: the prompt, how long it is open, and how to answer."""
    embed = discord.Embed(
        title="🎲 Trivia", description=f"**{_text(asked.question.prompt)}**", colour=BRAND_COLOUR
    )
    embed.add_field(
        name="Time to answer",
        value=f"{_seconds(asked)} seconds (closes {timestamp(asked.closes_at, 'R')})",
        inline=False,
    )
    footer = "One answer each: pick a button, you'll be told privately whether you're right."
    if caught_up:
        footer += f" Within this server's spoiler limit ({caught_up})."
    embed.set_footer(text=footer)
    return fit_embed(embed)


def reveal_embed(asked: AskedQuestion, tally: Tally) -> discord.Embed:
    """The question once closed: the answer, the source behind it, and how the server did."""
    question = asked.question
    embed = discord.Embed(
        title="🎲 Trivia: time's up", description=f"**{_text(question.prompt)}**", colour=BRAND_COLOUR
    )
    embed.add_field(name="Answer", value=f"**{_text(question.right)}**. {_text(question.fact)}", inline=False)
    embed.add_field(name="Source", value=source_links([question.source]), inline=False)
    embed.add_field(name="Answers", value=tally_text(tally), inline=False)
    embed.set_footer(text="/trivia play for another question · /trivia leaderboard for the scores")
    return fit_embed(embed)


def tally_text(tally: Tally) -> str:
    if tally.answered == 0:
        return "Nobody answered."
    fans = "1 fan answered" if tally.answered == 1 else f"{tally.answered} fans answered"
    return f"{fans}, {tally.right} right."


def question_view(asked: AskedQuestion, *, revealed: bool = False) -> discord.ui.View:
    """One button per choice; once revealed, all disabled and the right one green.

    The buttons are answered by their custom_id (`answer_custom_id`) through a DynamicItem registered on
    the bot, so the view is returned stopped: discord.py never files it, and a click after a restart is
    answered the same way as one before.
    """
    view = discord.ui.View(timeout=None)
    for index, choice in enumerate(asked.question.choices):
        style = discord.ButtonStyle.primary
        if revealed:
            style = (
                discord.ButtonStyle.success
                if index == asked.question.answer
                else discord.ButtonStyle.secondary
            )
        view.add_item(
            discord.ui.Button(
                label=choice[:80],
                style=style,
                custom_id=answer_custom_id(asked.id, index),
                disabled=revealed,
            )
        )
    view.stop()
    return view


# -- private answers to a click ---------------------------------------------------------------------


def right_text(asked: AskedQuestion, score: Score) -> str:
    streak = f", streak {score.streak}" if score.streak > 1 else ""
    points = "1 point" if score.points == 1 else f"{score.points} points"
    return (
        f"✅ Right: **{_text(asked.question.right)}**! You have {points} in this server{streak}. "
        f"Everyone sees the answer when the question closes, {timestamp(asked.closes_at, 'R')}."
    )


def wrong_text(asked: AskedQuestion, choice: int) -> str:
    return (
        f"❌ Not this time: you picked **{_text(asked.question.choices[choice])}**. "
        f"The answer is revealed when the question closes, {timestamp(asked.closes_at, 'R')}."
    )


def already_answered_text(asked: AskedQuestion, choice: int) -> str:
    return (
        f"You already answered this question (you picked **{_text(asked.question.choices[choice])}**): "
        "one answer each."
    )


def closed_text(asked: AskedQuestion) -> str:
    return (
        f"This question has closed: the answer was **{_text(asked.question.right)}**. "
        "Start a new one with `/trivia play`."
    )


UNKNOWN_QUESTION_TEXT = (
    "I don't know that question: it isn't one this bot asked. Start a new one with `/trivia play`."
)
NOT_A_CHOICE_TEXT = "That isn't one of this question's answers: pick one of the buttons under it."
SERVER_ONLY_TEXT = (
    "Trivia is played in a server that added Fandex: run `/trivia play` there. "
    "`/trivia stats` works anywhere."
)


def already_open_text(asked: AskedQuestion, now: datetime) -> str:
    if not asked.is_open(now):
        return (
            "The last question here has just closed and its answer is being revealed: "
            "run `/trivia play` again in a moment."
        )
    where = ""
    if asked.message_id is not None:
        where = f" (https://discord.com/channels/{asked.guild_id}/{asked.channel_id}/{asked.message_id})"
    return (
        f"A question is already open in this channel{where}: answer it first. "
        f"It closes {timestamp(asked.closes_at, 'R')}."
    )


def no_questions_text(caught_up: str | None) -> str:
    limit = f" within this server's spoiler limit ({caught_up})" if caught_up else ""
    return f"I have no trivia question to ask{limit}. Ask a moderator about `/config spoilers`."


# -- scores -----------------------------------------------------------------------------------------


def leaderboard_embed(scores: list[Score]) -> discord.Embed:
    """The server's top fans. Names are escaped (no markdown, no mention) and sent with no pings allowed."""
    embed = discord.Embed(title="🏆 Trivia leaderboard", colour=BRAND_COLOUR)
    if not scores:
        embed.description = "Nobody has scored yet: start with `/trivia play`."
        return embed
    lines = []
    for rank, score in enumerate(scores, start=1):
        place = MEDALS[rank - 1] if rank <= len(MEDALS) else f"{rank}."
        points = "1 point" if score.points == 1 else f"{score.points} points"
        name = escape_user_text(score.name, NAME_LIMIT) or "?"
        lines.append(f"{place} **{name}**: {points} · best streak {score.best_streak}")
    embed.description = "\n".join(lines)
    embed.set_footer(
        text="Names as Discord showed them with each fan's latest answer · /trivia stats for yours"
    )
    return fit_embed(embed)


def stats_text(stats: Stats | None, *, in_server: bool) -> str:
    """A fan's own numbers: in this server (with their rank), or over every server (in DMs)."""
    if stats is None:
        where = "in this server" if in_server else "yet"
        return f"You haven't answered a trivia question {where}: try `/trivia play` in a server."
    where = (
        "in this server" if in_server else f"over {stats.servers} server{'s' if stats.servers != 1 else ''}"
    )
    points = "1 point" if stats.points == 1 else f"{stats.points} points"
    answers = "1 answer" if stats.answers == 1 else f"{stats.answers} answers"
    lines = [
        f"Your trivia {where}: **{points}**",
        f"{answers}, {stats.correct} right · current streak {stats.streak} · best streak {stats.best_streak}",
    ]
    if stats.rank is not None and stats.players is not None:
        lines.append(f"Rank {stats.rank} of {stats.players} in this server's leaderboard.")
    return "\n".join(lines)
