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
only when no live form is waiting for it (`track_modal`): a `PersistentForm` whose template its custom_id
matches gets the submission (a form shown before a restart still does what it said), anything else the
"expired" reply.

Custom ids made with `component_id()` start with the command that made the component, so the reply can
say what to run again, even after a restart.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.app.language import private_words
from bot.app.replies import send_private
from bot.domain.i18n import ENGLISH, Words

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


def expired_text(bot: FandexBot, custom_id: str, *, form: bool = False, tr: Words = ENGLISH) -> str:
    command = _command_named(bot, custom_id)
    if form:
        if command:
            return tr("This form has expired: run /{command} again.", command=command)
        return tr("This form has expired: run the command again.")
    if command:
        return tr("This menu has expired: run /{command} again.", command=command)
    return tr("This menu has expired: run the command again.")


@dataclass(frozen=True, slots=True)
class PersistentForm:
    """A form whose custom_id says what it is about, so that a submission no live Modal waits for (shown
    before a restart, or after the Modal timed out) is still handled: `submit(interaction, match, values)`
    with the template's match and each text input's value by custom_id (`submitted_values`)."""

    template: re.Pattern[str]
    submit: Callable[[discord.Interaction[FandexBot], re.Match[str], dict[str, str]], Awaitable[None]]


def submitted_values(data: Mapping[str, Any]) -> dict[str, str]:
    """Each text input's value in a modal submission's `data`, by custom_id: inside action rows (type 1)
    or labels (type 18), as Discord sends them. Whatever is malformed (not a string, no custom_id) is left
    out, so a hostile client gets what an empty field would."""
    values: dict[str, str] = {}
    pending = list(data.get("components") or []) if isinstance(data.get("components"), list) else []
    while pending:
        component = pending.pop(0)
        if not isinstance(component, dict):
            continue
        if isinstance(inner := component.get("components"), list):
            pending.extend(inner)
        if isinstance(inner := component.get("component"), dict):
            pending.append(inner)
        custom_id, value = component.get("custom_id"), component.get("value")
        if isinstance(custom_id, str) and isinstance(value, str):
            values.setdefault(custom_id, value)
    return values


def _on_message(interaction: discord.Interaction[FandexBot], key: tuple[Any, Any]) -> bool:
    """Whether the interaction's message has a component of this (type, custom_id), as discord.py's store
    reads it (`View.from_message`) before it calls a DynamicItem."""
    message = interaction.message
    if message is None:
        return False
    view_cls = discord.ui.LayoutView if message.flags.components_v2 else discord.ui.View
    found = view_cls.from_message(message, timeout=None).walk_children()
    return any((item.type.value, getattr(item, "custom_id", None)) == key for item in found)


class ComponentFallback:
    """The views this bot sent and still listens to, and the private reply for everything else."""

    def __init__(
        self,
        bot: FandexBot,
        dynamic: Iterable[type[discord.ui.DynamicItem[Any]]] = (),
        forms: Iterable[PersistentForm] = (),
    ) -> None:
        self.bot = bot
        # discord.py dispatches these by their custom_id's pattern, whatever message they are on.
        self._dynamic = tuple(item.__discord_ui_compiled_template__ for item in dynamic)
        self._forms = tuple(forms)
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
            # discord.py calls a DynamicItem only when the message really has that component.
            return _on_message(interaction, key)
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
            custom_id = custom_id if isinstance(custom_id, str) else ""
            modal = self._modals.get(custom_id)
            if modal is not None and not modal.is_finished():
                return
            for persistent in self._forms:
                if match := persistent.template.fullmatch(custom_id):
                    self._start(self._submit(persistent, interaction, match), "fandex-persistent-form")
                    return
            form = True
        else:
            return
        self._start(self._answer(interaction, form=form), "fandex-expired-component")

    def _start(self, answer: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(answer, name=name)
        self._answers.add(task)
        task.add_done_callback(self._answers.discard)

    async def _submit(
        self, form: PersistentForm, interaction: discord.Interaction[FandexBot], match: re.Match[str]
    ) -> None:
        log.info("Form %r submitted with no live modal: handled by its custom_id", match.string)
        try:
            await form.submit(interaction, match, submitted_values(interaction.data or {}))
        except discord.HTTPException as exc:
            log.warning("Could not answer the form %r: %s", match.string, exc)

    async def _answer(self, interaction: discord.Interaction[FandexBot], *, form: bool) -> None:
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        log.info("Expired %s %r: answered privately", "form" if form else "menu", custom_id)
        try:
            tr = private_words(interaction)  # only the one who clicked sees it
            await send_private(interaction, expired_text(self.bot, custom_id, form=form, tr=tr))
        except discord.HTTPException as exc:
            log.warning("Could not answer the expired component %r: %s", custom_id, exc)


async def send_with_view(
    interaction: discord.Interaction[FandexBot], view: discord.ui.View, **kwargs: Any
) -> discord.InteractionCallbackResponse[FandexBot]:
    """Answer with a message carrying `view`, recorded so that its components are not taken for expired."""
    callback = await interaction.response.send_message(view=view, **kwargs)
    interaction.client.components.track(view, callback.message_id)
    return callback


async def edit_with_view(
    interaction: discord.Interaction[FandexBot], view: discord.ui.View | None, **kwargs: Any
) -> None:
    """Replace the message a component is on, with `view` (recorded as `send_with_view` does) or none."""
    await interaction.response.edit_message(view=view, **kwargs)
    if view is not None and interaction.message is not None:
        interaction.client.components.track(view, interaction.message.id)
