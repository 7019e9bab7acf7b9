"""The answer buttons of /trivia play, answered by their custom_id ("fx:trivia:<question id>:<choice>")
from the database: a click before or after a restart gets the same private answer, a forged id a clear one."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.app.language import private_words
from bot.app.replies import send_private
from bot.domain.errors import FandexError
from bot.domain.i18n import ENGLISH, Words
from bot.domain.trivia import AnswerOutcome
from bot.render.trivia import (
    ANSWER_ID_PREFIX,
    NOT_A_CHOICE_TEXT,
    UNKNOWN_QUESTION_TEXT,
    already_answered_text,
    closed_text,
    right_text,
    wrong_text,
)
from bot.services.trivia import stored_name

if TYPE_CHECKING:
    from bot.app.client import FandexBot

_NUMBER = re.compile(r"[0-9]{1,18}")


def outcome_text(outcome: AnswerOutcome, tr: Words = ENGLISH) -> str:
    asked = outcome.asked
    if asked is None:
        return tr(UNKNOWN_QUESTION_TEXT)
    if outcome.verdict == "right" and outcome.score is not None:
        return right_text(asked, outcome.score, tr)
    if outcome.verdict == "wrong":
        return wrong_text(asked, outcome.choice, tr)
    if outcome.verdict == "already answered":
        return already_answered_text(asked, outcome.choice, tr)
    if outcome.verdict == "closed":
        return closed_text(asked, tr)
    return tr(NOT_A_CHOICE_TEXT)


class TriviaAnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    # Wider than the ids the bot makes, so that a forged one still gets an answer rather than silence.
    template=re.escape(ANSWER_ID_PREFIX) + r":(?P<question>[^:]{0,40}):(?P<choice>[^:]{0,40})",
):
    def __init__(self, question: str, choice: str) -> None:
        super().__init__(discord.ui.Button(label="?", custom_id=f"{ANSWER_ID_PREFIX}:{question}:{choice}"))
        self.question = question
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> TriviaAnswerButton:
        return cls(match["question"], match["choice"])

    async def callback(self, interaction: discord.Interaction[FandexBot]) -> None:
        tr = private_words(interaction)  # a verdict is seen by the one who clicked only
        if not (_NUMBER.fullmatch(self.question) and _NUMBER.fullmatch(self.choice)):
            await send_private(interaction, tr(UNKNOWN_QUESTION_TEXT))
            return
        user = interaction.user
        try:
            outcome = await interaction.client.trivia.answer(
                int(self.question),
                int(self.choice),
                interaction.guild_id,
                user.id,
                stored_name(user.display_name, user.name),
            )
        except FandexError as exc:  # the database is busy or read-only: nothing was recorded
            await send_private(interaction, exc.localized(tr))
            return
        await send_private(interaction, outcome_text(outcome, tr))
