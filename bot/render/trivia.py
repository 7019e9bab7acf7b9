"""Trivia: the question message, its reveal, the private verdicts, the leaderboard and a fan's stats."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.domain.i18n import ENGLISH, N_, Words
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


def question_embed(asked: AskedQuestion, caught_up: str | None, tr: Words = ENGLISH) -> discord.Embed:
    """The public question: the prompt, how long it is open, and how to answer."""
    embed = discord.Embed(
        title=tr("🎲 Trivia"), description=f"**{_text(asked.question.prompt)}**", colour=BRAND_COLOUR
    )
    embed.add_field(
        name=tr("Time to answer"),
        value=tr("{n} seconds (closes {when})", n=_seconds(asked), when=timestamp(asked.closes_at, "R")),
        inline=False,
    )
    footer = tr("One answer each: pick a button, you'll be told privately whether you're right.")
    if caught_up:
        footer += tr(" Within this server's spoiler limit ({limit}).", limit=caught_up)
    embed.set_footer(text=footer)
    return fit_embed(embed)


def reveal_embed(asked: AskedQuestion, tally: Tally, tr: Words = ENGLISH) -> discord.Embed:
    """The question once closed: the answer, the source behind it, and how the server did."""
    question = asked.question
    embed = discord.Embed(
        title=tr("🎲 Trivia: time's up"), description=f"**{_text(question.prompt)}**", colour=BRAND_COLOUR
    )
    embed.add_field(
        name=tr("Answer"), value=f"**{_text(question.right)}**. {_text(question.fact)}", inline=False
    )
    embed.add_field(name=tr("Source"), value=source_links([question.source], tr=tr), inline=False)
    embed.add_field(name=tr("Answers"), value=tally_text(tally, tr), inline=False)
    embed.set_footer(text=tr("/trivia play for another question · /trivia leaderboard for the scores"))
    return fit_embed(embed)


def tally_text(tally: Tally, tr: Words = ENGLISH) -> str:
    if tally.answered == 0:
        return tr("Nobody answered.")
    return tr.plural(
        tally.answered,
        "{n} fan answered, {right} right.",
        "{n} fans answered, {right} right.",
        right=tally.right,
    )


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


def _points(points: int, tr: Words) -> str:
    return tr.plural(points, "{n} point", "{n} points")


def right_text(asked: AskedQuestion, score: Score, tr: Words = ENGLISH) -> str:
    streak = tr(", streak {n}", n=score.streak) if score.streak > 1 else ""
    return tr(
        "✅ Right: **{answer}**! You have {points} in this server{streak}. "
        "Everyone sees the answer when the question closes, {when}.",
        answer=_text(asked.question.right),
        points=_points(score.points, tr),
        streak=streak,
        when=timestamp(asked.closes_at, "R"),
    )


def wrong_text(asked: AskedQuestion, choice: int, tr: Words = ENGLISH) -> str:
    return tr(
        "❌ Not this time: you picked **{choice}**. The answer is revealed when the question closes, {when}.",
        choice=_text(asked.question.choices[choice]),
        when=timestamp(asked.closes_at, "R"),
    )


def already_answered_text(asked: AskedQuestion, choice: int, tr: Words = ENGLISH) -> str:
    return tr(
        "You already answered this question (you picked **{choice}**): one answer each.",
        choice=_text(asked.question.choices[choice]),
    )


def closed_text(asked: AskedQuestion, tr: Words = ENGLISH) -> str:
    return tr(
        "This question has closed: the answer was **{answer}**. Start a new one with `/trivia play`.",
        answer=_text(asked.question.right),
    )


UNKNOWN_QUESTION_TEXT = N_(
    "I don't know that question: it isn't one this bot asked. Start a new one with `/trivia play`."
)
NOT_A_CHOICE_TEXT = N_("That isn't one of this question's answers: pick one of the buttons under it.")
SERVER_ONLY_TEXT = N_(
    "Trivia is played in a server that added Fandex: run `/trivia play` there. "
    "`/trivia stats` works anywhere."
)


def already_open_text(asked: AskedQuestion, now: datetime, tr: Words = ENGLISH) -> str:
    if not asked.is_open(now):
        return tr(
            "The last question here has just closed and its answer is being revealed: "
            "run `/trivia play` again in a moment."
        )
    where = ""
    if asked.message_id is not None:
        where = f" (https://discord.com/channels/{asked.guild_id}/{asked.channel_id}/{asked.message_id})"
    return tr(
        "A question is already open in this channel{where}: answer it first. It closes {when}.",
        where=where,
        when=timestamp(asked.closes_at, "R"),
    )


def no_questions_text(caught_up: str | None, tr: Words = ENGLISH) -> str:
    limit = tr(" within this server's spoiler limit ({limit})", limit=caught_up) if caught_up else ""
    return tr(
        "I have no trivia question to ask{limit}. Ask a moderator about `/config spoilers`.", limit=limit
    )


# -- scores -----------------------------------------------------------------------------------------


def leaderboard_embed(scores: list[Score], tr: Words = ENGLISH) -> discord.Embed:
    """The server's top fans. Names are escaped (no markdown, no mention) and sent with no pings allowed."""
    embed = discord.Embed(title=tr("🏆 Trivia leaderboard"), colour=BRAND_COLOUR)
    if not scores:
        embed.description = tr("Nobody has scored yet: start with `/trivia play`.")
        return embed
    lines = []
    for rank, score in enumerate(scores, start=1):
        place = MEDALS[rank - 1] if rank <= len(MEDALS) else f"{rank}."
        name = escape_user_text(score.name, NAME_LIMIT) or "?"
        lines.append(
            tr(
                "{place} **{name}**: {points} · best streak {best}",
                place=place,
                name=name,
                points=_points(score.points, tr),
                best=score.best_streak,
            )
        )
    embed.description = "\n".join(lines)
    embed.set_footer(
        text=tr("Names as Discord showed them with each fan's latest answer · /trivia stats for yours")
    )
    return fit_embed(embed)


def stats_text(stats: Stats | None, *, in_server: bool, tr: Words = ENGLISH) -> str:
    """A fan's own numbers: in this server (with their rank), or over every server (in DMs)."""
    if stats is None:
        if in_server:
            return tr(
                "You haven't answered a trivia question in this server: try `/trivia play` in a server."
            )
        return tr("You haven't answered a trivia question yet: try `/trivia play` in a server.")
    where = (
        tr("in this server") if in_server else tr.plural(stats.servers, "over {n} server", "over {n} servers")
    )
    answers = tr.plural(stats.answers, "{n} answer", "{n} answers")
    lines = [
        tr("Your trivia {where}: **{points}**", where=where, points=_points(stats.points, tr)),
        tr(
            "{answers}, {right} right · current streak {streak} · best streak {best}",
            answers=answers,
            right=stats.correct,
            streak=stats.streak,
            best=stats.best_streak,
        ),
    ]
    if stats.rank is not None and stats.players is not None:
        lines.append(
            tr(
                "Rank {rank} of {players} in this server's leaderboard.",
                rank=stats.rank,
                players=stats.players,
            )
        )
    return "\n".join(lines)
