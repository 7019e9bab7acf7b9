"""A yes/no question for the person who ran a command: nothing happens unless they press "yes" in time.

Its buttons are not persistent: after a restart (or once the view timed out) a click gets the private
"expired" answer from bot/app/components.py, naming the command to run again, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from bot.app.components import component_id
from bot.app.language import private_words
from bot.app.replies import send_private
from bot.app.views import InvokerOnlyView
from bot.domain.errors import FandexError
from bot.domain.i18n import ENGLISH, N_, Words

if TYPE_CHECKING:
    from bot.app.client import FandexBot

Confirmed = Callable[[discord.Interaction["FandexBot"]], Awaitable[str]]


class ConfirmView(InvokerOnlyView):
    """A confirm and a cancel button; `on_confirm` does the change and returns the text that replaces the
    question. The question is answered once: both buttons go away with the answer (a change that fails with
    a FandexError is said privately, and the question stays)."""

    refusal = N_("Only the person who ran this command can answer it.")

    def __init__(
        self,
        origin: discord.Interaction[FandexBot],
        *,
        command: str,
        confirm_label: str,
        cancelled_text: str,
        on_confirm: Confirmed,
        tr: Words = ENGLISH,
    ) -> None:
        """`confirm_label` and `cancelled_text`: already in `tr`'s language, as the question is."""
        super().__init__(origin)
        self.confirm.custom_id = component_id(command, "confirm")
        self.confirm.label = confirm_label
        self.cancel.label = tr("Cancel")
        self.cancel.custom_id = component_id(command, "cancel")
        self._cancelled_text = cancelled_text
        self._on_confirm = on_confirm

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction[FandexBot], button: discord.ui.Button[ConfirmView]
    ) -> None:
        try:
            text = await self._on_confirm(interaction)
        except FandexError as exc:  # e.g. the database is read-only: nothing changed, the question stays
            await send_private(interaction, exc.localized(private_words(interaction)))
            return
        self.stop()
        await interaction.response.edit_message(content=text, view=None)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[FandexBot], button: discord.ui.Button[ConfirmView]
    ) -> None:
        self.stop()
        await interaction.response.edit_message(content=self._cancelled_text, view=None)
