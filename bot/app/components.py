"""Buttons, menus and forms nobody is listening to any more get a private "expired" reply.

discord.py's view store dispatches a component interaction to the live view sent on that message (keyed
by message id, component type and custom_id; views stored without a message id match on the last two)
and silently drops every other one, as it does a modal submit it does not know. Discord then shows "This
interaction failed": a `/cast list` page after a restart or after the view timed out, any unknown
custom_id.

`ComponentFallback` keeps its own record of the views this bot sent (`send_with_view`), under the same
keys, and `FandexBot.dispatch` asks it about each interaction at the moment discord.py's store has just
decided, synchronously, before any view callback can run (a callback that stops its view would otherwise
look like an expired one), so both always agree and nothing waits to see whether a reply appears.
Buttons that outlive the process are DynamicItems (bot/app/buttons.py): their custom_ids match a
template, which this fallback is given too, so it leaves them to discord.py. A modal is answered here
only when no live form is waiting for it (`track_modal`).

Custom ids made with `component_id()` start with the command that made the component, so the reply can
say what to run again, even after a restart.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import discord

from bot.app.replies import send_private

if TYPE_CHECKING:
    from bot.app.client import FandexBot

log = logging.getLogger(__name__)

_SEPARATOR = ":"


def component_id(command: str, name: str) -> str:
    """A custom_id naming the command that made the component ("cast list:next:3f9a01c2"): unique per
    message (the random part), and readable after the view behind it is gone."""
    return f"{command}{_SEPARATOR}{name}{_SEPARATOR}{secrets.token_hex(4)}"


def _command_named(bot: FandexBot, custom_id: str) -> str | None:
    """The registered command a custom_id from `component_id()` names, if any."""
    words = custom_id.split(_SEPARATOR, 1)[0].split()
    found: Any = bot.tree.get_command(words[0]) if words else None
    for word in words[1:]:
        found = found.get_command(word) if isinstance(found, discord.app_commands.Group) else None
    return found.qualified_name if isinstance(found, discord.app_commands.Command) else None


def expired_text(bot: FandexBot, custom_id: str, *, form: bool = False) -> str:
    what = "form" if form else "menu"
    command = _command_named(bot, custom_id)
    again = f"run /{command} again" if command else "run the command again"
    return f"This {what} has expired: {again}."


class ComponentFallback:
    """The views this bot sent and still listens to, and the private reply for everything else."""

    def __init__(self, bot: FandexBot, dynamic: Iterable[type[discord.ui.DynamicItem[Any]]] = ()) -> None:
        self.bot = bot
        # discord.py dispatches these by their custom_id's pattern, whatever message they are on.
        self._dynamic = tuple(item.__discord_ui_compiled_template__ for item in dynamic)
        self._modals: weakref.WeakValueDictionary[str, discord.ui.Modal] = weakref.WeakValueDictionary()
        # Weak: a view the store dropped (stopped, timed out) and nothing else holds is soon gone.
        self._on_message: weakref.WeakValueDictionary[int, discord.ui.View] = weakref.WeakValueDictionary()
        self._unbound: weakref.WeakSet[discord.ui.View] = weakref.WeakSet()  # sent without a message id
        self._answers: set[asyncio.Task[None]] = set()

    def track(self, view: discord.ui.View, message_id: int | None) -> None:
        """Record a view just sent on `message_id`, the key discord.py's store files it under."""
        if message_id is None:
            self._unbound.add(view)
        else:
            self._on_message[message_id] = view

    def track_modal(self, modal: discord.ui.Modal) -> None:
        """Record a form just shown: its submission goes to it, not to the "expired" reply."""
        self._modals[modal.custom_id] = modal

    def will_dispatch(self, interaction: discord.Interaction[FandexBot]) -> bool:
        """Whether discord.py's view store hands this component interaction to a live view: the view on
        the interaction's message, else one stored without a message, has an item with its type and id."""
        data: Any = interaction.data or {}
        key = (data.get("component_type"), data.get("custom_id"))
        if isinstance(key[1], str) and any(pattern.fullmatch(key[1]) for pattern in self._dynamic):
            # discord.py builds a DynamicItem only from a component the message carries, and drops the rest.
            return interaction.message is not None and key in _component_keys(interaction.message.components)
        candidates: list[discord.ui.View] = list(self._unbound)
        if interaction.message is not None and (view := self._on_message.get(interaction.message.id)):
            candidates.insert(0, view)
        return any(
            (item.type.value, getattr(item, "custom_id", None)) == key
            for view in candidates
            if not view.is_finished()
            for item in view.walk_children()
        )

    def screen(self, interaction: discord.Interaction[FandexBot]) -> None:
        """Answer, in a task, a component or modal interaction the view store has just dropped. Call it
        when discord.py dispatches the "interaction" event: right after its store decided."""
        if interaction.type is discord.InteractionType.component:
            if self.will_dispatch(interaction):
                return
            form = False
        elif interaction.type is discord.InteractionType.modal_submit:
            custom_id = (interaction.data or {}).get("custom_id")
            modal = self._modals.get(custom_id) if isinstance(custom_id, str) else None
            if modal is not None and not modal.is_finished():
                return
            form = True
        else:
            return
        task = asyncio.create_task(self._answer(interaction, form=form), name="fandex-expired-component")
        self._answers.add(task)
        task.add_done_callback(self._answers.discard)

    async def _answer(self, interaction: discord.Interaction[FandexBot], *, form: bool) -> None:
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        log.info("Expired %s %r: answered privately", "form" if form else "menu", custom_id)
        try:
            await send_private(interaction, expired_text(self.bot, custom_id, form=form))
        except discord.HTTPException as exc:
            log.warning("Could not answer the expired component %r: %s", custom_id, exc)


def _component_keys(components: Iterable[Any]) -> set[tuple[Any, Any]]:
    """(type, custom_id) of every component on a message, inside rows and containers too."""
    keys: set[tuple[Any, Any]] = set()
    for component in components:
        keys.add((component.type.value, getattr(component, "custom_id", None)))
        keys |= _component_keys(getattr(component, "children", ()) or ())
        if (accessory := getattr(component, "accessory", None)) is not None:
            keys |= _component_keys([accessory])
    return keys


async def send_with_view(
    interaction: discord.Interaction[FandexBot], view: discord.ui.View, **kwargs: Any
) -> discord.InteractionCallbackResponse[FandexBot]:
    """Answer with a message carrying `view`, recorded so that its components are not taken for expired."""
    callback = await interaction.response.send_message(view=view, **kwargs)
    interaction.client.components.track(view, callback.message_id)
    return callback
