"""Interactions: option payloads built from the registered commands, bookkeeping, and what tests get back."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass, field
from typing import Any

from .models import PRIVATE_CHANNEL_PERMISSIONS, Channel, Guild, Member, PrivateChannel, Role, User

CALLBACK_DEADLINE = 3.0  # seconds Discord waits for the initial response (DiscordEmulator.callback_deadline)
EPHEMERAL = 1 << 6
LOADING = 1 << 7

GUILD_CONTEXT, BOT_DM_CONTEXT, PRIVATE_CHANNEL_CONTEXT = 0, 1, 2  # where an interaction happens
GUILD_INSTALL, USER_INSTALL = 0, 1  # integration types: installed to a server, or to a user
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
BUTTON, STRING_SELECT, USER_SELECT, ROLE_SELECT, MENTIONABLE_SELECT, CHANNEL_SELECT = 2, 3, 5, 6, 7, 8
ACTION_ROW, TEXT_INPUT, TEXT_DISPLAY, LABEL = 1, 4, 10, 18
TEXT_INPUT_LIMIT = 4000  # the most characters Discord lets a text input hold
# The option type whose resolution rules an auto-populated select's values follow.
SELECT_OPTION_TYPES = {
    USER_SELECT: USER,
    ROLE_SELECT: ROLE,
    MENTIONABLE_SELECT: MENTIONABLE,
    CHANNEL_SELECT: CHANNEL,
}


class EmulatorUsageError(AssertionError):
    """The test asked for something Discord's client would not let a user do (unknown command, bad option)."""


class InteractionTimeout(TimeoutError):
    """The bot did not answer within Discord's deadline, or acknowledged but never showed a message.

    `record` is the interaction's live server-side state: a callback that comes later still lands there
    (`late_callback_at`), and so do messages.
    """

    def __init__(self, message: str, record: InteractionRecord) -> None:
        super().__init__(message)
        self.record = record

    @property
    def answered(self) -> bool:
        """Whether the bot's callback arrived in time (it then failed to show a message)."""
        return self.record.callback.done()


@dataclass(eq=False)
class InteractionRecord:
    """Server-side state of one interaction token."""

    id: int
    token: str
    payload: dict[str, Any]
    dispatched_at: float
    channel_id: int
    callback: asyncio.Future[dict[str, Any]]
    visible: asyncio.Future[dict[str, Any]]  # the message a user sees once the bot has answered
    callback_at: float | None = None
    late_callback_at: float | None = None  # a callback rejected for coming after the deadline
    original: dict[str, Any] | None = None  # the message `@original` refers to
    followups: list[dict[str, Any]] = field(default_factory=list)
    trigger: dict[str, Any] | None = None  # a modal submit: the interaction the modal was shown for

    def show(self, message: dict[str, Any]) -> None:
        if not self.visible.done():
            self.visible.set_result(copy.deepcopy(message))


@dataclass(eq=False)
class InteractionResult:
    """What a test gets back from `slash`, `click` and `select`."""

    interaction: dict[str, Any]  # the INTERACTION_CREATE payload that was dispatched
    callback: dict[str, Any]  # the callback body the bot POSTed ({"type": 4, "data": {...}})
    message: dict[str, Any] | None  # the visible message (snapshot), None for autocomplete/modal
    elapsed: float  # seconds from dispatch to callback
    followups: list[dict[str, Any]]  # live list of follow-up messages (grows as the bot sends more)

    @property
    def type(self) -> int:
        return self.callback["type"]

    @property
    def data(self) -> dict[str, Any]:
        return self.callback.get("data") or {}

    @property
    def ephemeral(self) -> bool:
        flags = (self.message or self.data).get("flags") or 0
        return bool(int(flags) & EPHEMERAL)

    @property
    def content(self) -> str:
        return (self.message or {}).get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return (self.message or {}).get("embeds") or []

    @property
    def components(self) -> list[dict[str, Any]]:
        return (self.message or {}).get("components") or []

    @property
    def choices(self) -> list[dict[str, Any]]:
        return self.data.get("choices") or []

    def custom_ids(self) -> list[str]:
        """Every component custom_id on the visible message, in order."""
        return [c["custom_id"] for c in walk_components(self.components) if "custom_id" in c]


@dataclass(eq=False)
class PostedMessage:
    """One message the bot created, ephemeral ones included (see `DiscordEmulator.bot_messages`)."""

    message: dict[str, Any]  # live: as Discord would return it now
    kind: str  # "reply" (an interaction's response), "followup" or "channel" (POST /channels/…/messages)
    interaction_id: int | None = None  # the interaction a reply or follow-up answered
    edits: int = 0  # how many times it was edited since it was created
    deleted: bool = False

    @property
    def id(self) -> int:
        return int(self.message["id"])

    @property
    def channel_id(self) -> int:
        return int(self.message["channel_id"])


def walk_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for component in components:
        found.append(component)
        found.extend(walk_components(component.get("components") or []))
        if accessory := component.get("accessory"):
            found.append(accessory)
    return found


def normalize_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Components as Discord echoes them: numbered `id`s and select defaults filled in."""
    components = copy.deepcopy(components)
    for number, component in enumerate(walk_components(components), start=1):
        component.setdefault("id", number)
        if isinstance(emoji := component.get("emoji"), dict) and emoji.get("id") is None:
            emoji.pop("id", None)  # a unicode emoji comes back as {"name": "…"}
        if component.get("type") in (
            STRING_SELECT,
            USER_SELECT,
            ROLE_SELECT,
            MENTIONABLE_SELECT,
            CHANNEL_SELECT,
        ):
            component.setdefault("min_values", 1)
            component.setdefault("max_values", 1)
            component.setdefault("options", [])
    return components


def find_component(message: dict[str, Any], custom_id: str) -> dict[str, Any]:
    for component in walk_components(message.get("components") or []):
        if component.get("custom_id") == custom_id:
            return component
    ids = [c["custom_id"] for c in walk_components(message.get("components") or []) if "custom_id" in c]
    raise EmulatorUsageError(f"the message has no component {custom_id!r}; it has {ids}")


def modal_submission(form: dict[str, Any], values: dict[str, str], *, checked: bool) -> dict[str, Any]:
    """The `data` of the modal submit Discord sends when a user fills in `form` (a type 9 callback's `data`)
    with `values` (by text input custom_id; inputs left out are sent empty).

    The components come back in the layout they were shown in: text inputs inside action rows (type 1) or
    labels (type 18), each with its custom_id and value, and text displays as their type and id. Every
    component carries an `id` (the form's own, else numbered in order as Discord does). `checked` refuses
    what Discord's client would not send: a required input left empty, a value outside min/max_length.
    """
    numbers = iter(range(1, 1000))
    inputs: list[str] = []

    def answer(component: dict[str, Any]) -> dict[str, Any]:
        kind = component.get("type")
        number = component.get("id") or next(numbers)
        if kind == ACTION_ROW:
            return {"type": kind, "id": number, "components": [answer(c) for c in component["components"]]}
        if kind == LABEL:
            return {"type": kind, "id": number, "component": answer(component["component"])}
        if kind == TEXT_DISPLAY:
            return {"type": kind, "id": number}
        if kind != TEXT_INPUT:
            raise EmulatorUsageError(f"submitting a form with a component of type {kind} is not emulated")
        custom_id = component["custom_id"]
        inputs.append(custom_id)
        value = values.get(custom_id, "")
        if checked:
            _check_text_input(custom_id, component, value)
        return {"type": kind, "id": number, "custom_id": custom_id, "value": value}

    submitted = {"custom_id": form["custom_id"], "components": [answer(c) for c in form["components"]]}
    if unknown := sorted(set(values) - set(inputs)):
        raise EmulatorUsageError(f"the form has no text input {unknown}; it has {inputs}")
    return submitted


def _check_text_input(custom_id: str, component: dict[str, Any], value: str) -> None:
    if not value and component.get("required", True):
        raise EmulatorUsageError(f"text input {custom_id!r} is required: Discord's client sends it filled in")
    low = component.get("min_length") or 0
    high = component.get("max_length") or TEXT_INPUT_LIMIT
    if value and not low <= len(value) <= high:
        raise EmulatorUsageError(f"text input {custom_id!r} takes {low}..{high} characters, not {len(value)}")


class OptionBuilder:
    """Turns keyword arguments into the `data` of an INTERACTION_CREATE, checked against the registration."""

    def __init__(self, guild: Guild | None, user: User, channel: Channel | PrivateChannel | None) -> None:
        self.guild = guild
        self.user = user
        self.channel = channel
        self.resolved: dict[str, dict[str, Any]] = {}

    def command_data(
        self, command: dict[str, Any], path: list[str], values: dict[str, Any], focused: str | None = None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": command.get("type", 1),
        }
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        spec: list[dict[str, Any]] = command.get("options") or []
        container = data
        where = command["name"]
        for word in path:
            nested = next((o for o in spec if o["name"] == word and o["type"] in (1, 2)), None)
            if nested is None:
                names = [o["name"] for o in spec if o["type"] in (1, 2)]
                raise EmulatorUsageError(f"/{where} has no subcommand {word!r}; it has {names}")
            option: dict[str, Any] = {"name": word, "type": nested["type"], "options": []}
            container.setdefault("options", []).append(option)
            container, spec, where = option, nested.get("options") or [], f"{where} {word}"
        if any(o["type"] in (1, 2) for o in spec):
            names = [o["name"] for o in spec]
            raise EmulatorUsageError(f"/{where} needs a subcommand: one of {names}")
        container["options"] = self._options(where, spec, values, focused)
        if self.resolved:
            data["resolved"] = self.resolved
        return data

    def _options(
        self, where: str, spec: list[dict[str, Any]], values: dict[str, Any], focused: str | None
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in spec}
        unknown = sorted(set(values) - set(by_name))
        if unknown:
            raise EmulatorUsageError(f"/{where} has no option {unknown}; it has {list(by_name)}")
        if focused is None:
            missing = [o["name"] for o in spec if o.get("required") and o["name"] not in values]
            if missing:
                raise EmulatorUsageError(f"/{where} requires {missing}")
        elif focused not in by_name or not by_name[focused].get("autocomplete"):
            raise EmulatorUsageError(f"/{where} option {focused!r} does not use autocomplete")
        options = []
        for name, value in values.items():
            if name == focused:
                # What the member has typed so far, as the client sends it: usually a string, but a number
                # for some numeric options, and no `value` at all before they type (pass None for that).
                entry = {"name": name, "type": by_name[name]["type"], "focused": True}
                options.append(entry if value is None else {**entry, "value": value})
            else:
                options.append(
                    {
                        "name": name,
                        "type": by_name[name]["type"],
                        "value": self._value(where, by_name[name], value),
                    }
                )
        return options

    def _value(self, where: str, option: dict[str, Any], value: Any) -> Any:
        kind, label = option["type"], f"/{where} {option['name']}"
        if kind == STRING:
            _expect(label, value, str)
            _check_length(label, option, value)
        elif kind == INTEGER:
            _expect(label, value, int)
            _check_range(label, option, value)
        elif kind == NUMBER:
            _expect(label, value, int, float)
            _check_range(label, option, value)
        elif kind == BOOLEAN:
            _expect(label, value, bool)
        elif kind in (USER, CHANNEL, ROLE, MENTIONABLE):
            return self.resolve(label, option, value)
        else:
            raise EmulatorUsageError(f"{label}: option type {kind} is not emulated")
        choices = option.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise EmulatorUsageError(f"{label}: {value!r} is not one of {[c['value'] for c in choices]}")
        return value

    def resolve(self, label: str, option: dict[str, Any], value: Any) -> str:
        """Put an emulator object in `resolved` and return its id, as Discord does."""
        kind = option["type"]
        if isinstance(value, Member):
            value = value.user
        if isinstance(value, User) and kind in (USER, MENTIONABLE):
            self.resolved.setdefault("users", {})[str(value.id)] = value.payload()
            member = self.guild.members.get(value.id) if self.guild else None
            if member is not None and self.guild is not None:
                payload = member.payload(with_user=False)
                if isinstance(self.channel, Channel):
                    payload["permissions"] = str(self.guild.permissions_in(self.channel, value.id))
                self.resolved.setdefault("members", {})[str(value.id)] = payload
        elif isinstance(value, Role) and kind in (ROLE, MENTIONABLE):
            self.resolved.setdefault("roles", {})[str(value.id)] = value.payload()
        elif isinstance(value, Channel | PrivateChannel) and kind == CHANNEL:
            allowed = option.get("channel_types")
            if allowed and value.type not in allowed:
                raise EmulatorUsageError(f"{label}: channel type {value.type} is not one of {allowed}")
            self.resolved.setdefault("channels", {})[str(value.id)] = self.resolved_channel(value)
        else:
            raise EmulatorUsageError(
                f"{label}: pass an emulator object for option type {kind}, not {value!r}"
            )
        return str(value.id)

    def resolved_channel(self, channel: Channel | PrivateChannel) -> dict[str, Any]:
        if isinstance(channel, PrivateChannel):
            return {**channel.payload(), "permissions": str(PRIVATE_CHANNEL_PERMISSIONS)}
        permissions = self.guild.permissions_in(channel, self.user.id) if self.guild else 0
        return {
            "id": str(channel.id),
            "name": channel.name,
            "type": channel.type,
            "permissions": str(permissions),
            "parent_id": None,
            "guild_id": str(channel.guild_id),
            "position": channel.position,
            "nsfw": False,
            "topic": channel.topic,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }


def _expect(label: str, value: Any, *types: type) -> None:
    if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
        raise EmulatorUsageError(f"{label}: expected {'/'.join(t.__name__ for t in types)}, got {value!r}")


def _check_range(label: str, option: dict[str, Any], value: float) -> None:
    low, high = option.get("min_value"), option.get("max_value")
    if (low is not None and value < low) or (high is not None and value > high):
        raise EmulatorUsageError(f"{label}: {value} is outside [{low}, {high}]")


def _check_length(label: str, option: dict[str, Any], value: str) -> None:
    low, high = option.get("min_length", 0), option.get("max_length", 6000)
    if not low <= len(value) <= high:
        raise EmulatorUsageError(f"{label}: length {len(value)} is outside [{low}, {high}]")
