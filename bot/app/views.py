"""Components that answer clicks: invoker-only menus and pages, disabled in place when they expire."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import discord

from bot.app.components import component_id, edit_with_view
from bot.app.language import private_words
from bot.app.replies import send_private
from bot.domain.i18n import ENGLISH, N_, Words

if TYPE_CHECKING:
    from bot.app.client import FandexBot

log = logging.getLogger(__name__)

PICK_CAST_MEMBER = N_("Pick a cast member")
VIEW_TIMEOUT = 180.0  # seconds the select menu and page buttons stay usable


class InvokerOnlyView(discord.ui.View):
    """Components only the person who ran the command can use; disabled in place when they expire."""

    refusal = N_("Only the person who ran this command can use it. Run the command yourself to get your own.")
    refusal_values: dict[str, str] = {}  # noqa: RUF012 (read only; a subclass sets its own)

    def __init__(self, origin: discord.Interaction[FandexBot]) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.origin = origin  # the command's interaction: its token edits the reply after a timeout
        self.invoker_id = origin.user.id

    async def interaction_check(self, interaction: discord.Interaction[FandexBot], /) -> bool:
        if interaction.user.id == self.invoker_id:
            return True
        await send_private(interaction, private_words(interaction)(self.refusal, **self.refusal_values))
        return False

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True
        try:
            await self.origin.edit_original_response(view=self)
        except discord.HTTPException as exc:  # the message was deleted, or the token expired
            log.debug("Could not disable expired components on %s: %s", self.origin.id, exc)


class CandidateView(InvokerOnlyView):
    """A select menu of the candidates; picking one replaces the message with that entry's answer.

    `render` runs at the pick, so an answer that depends on the time (a countdown) is current then.
    After a restart the menu's custom_id still names `command`, so the expired reply says what to run.
    """

    def __init__(
        self,
        origin: discord.Interaction[FandexBot],
        options: list[discord.SelectOption],
        render: Callable[[str], tuple[discord.Embed, discord.ui.View | None] | None],
        *,
        command: str = "cast lookup",
        placeholder: str = PICK_CAST_MEMBER,
        tr: Words = ENGLISH,
    ) -> None:
        """`placeholder`: an English catalog message, shown in `tr`'s language like the answer."""
        super().__init__(origin)
        self._render = render
        self._command = command
        self.refusal = N_("Only the person who asked can pick from this menu. Run /{command} yourself.")
        self.refusal_values = {"command": command}
        placeholder = tr(placeholder)
        self.menu: discord.ui.Select[CandidateView] = discord.ui.Select(
            custom_id=component_id(command, "pick"), placeholder=placeholder, options=options
        )
        self.menu.callback = self._picked  # type: ignore[method-assign]
        self.add_item(self.menu)

    async def _picked(self, interaction: discord.Interaction[FandexBot]) -> None:
        answer = self._render(self.menu.values[0]) if self.menu.values else None
        if answer is None:
            tr = private_words(interaction)
            await send_private(
                interaction,
                tr("That choice is no longer available. Run /{command} again.", command=self._command),
            )
            return
        self.stop()
        embed, view = answer  # the entry's own buttons replace the menu
        await edit_with_view(interaction, view, embed=embed)


class PagesView(InvokerOnlyView):
    """Previous/Next buttons over a list of embeds."""

    refusal = N_("Only the person who ran /cast list can turn these pages. Run /cast list yourself.")

    def __init__(
        self, origin: discord.Interaction[FandexBot], pages: Sequence[discord.Embed], tr: Words = ENGLISH
    ) -> None:
        super().__init__(origin)
        self.previous.label, self.next.label = tr("Previous"), tr("Next")
        self.previous.custom_id = component_id("cast list", "previous")
        self.next.custom_id = component_id("cast list", "next")
        self.pages = list(pages)
        self.page = 0
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= len(self.pages) - 1

    async def _turn(self, interaction: discord.Interaction[FandexBot], step: int) -> None:
        self.page = min(max(self.page + step, 0), len(self.pages) - 1)
        self._update_buttons()
        await interaction.response.edit_message(embed=self.pages[self.page], view=self)

    @discord.ui.button(label="Previous", emoji="◀️", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction[FandexBot], button: discord.ui.Button[PagesView]
    ) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", emoji="▶️", style=discord.ButtonStyle.secondary)
    async def next(
        self, interaction: discord.Interaction[FandexBot], button: discord.ui.Button[PagesView]
    ) -> None:
        await self._turn(interaction, 1)
