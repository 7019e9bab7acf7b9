"""A command as Discord's client shows it (`/group sub option:value other:"two words"`), parsed against the
registered commands, and option values typed the way the client would send them.

Every mistake is a UsageError whose message lists what is valid (commands, subcommands, options, choices),
so `python -m bot ask` doubles as the command reference.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.preview.world import PreviewServer

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
OPTION_TYPE_NAMES = {
    STRING: "text",
    INTEGER: "whole number",
    BOOLEAN: "True/False",
    USER: "member",
    CHANNEL: "channel",
    ROLE: "role",
    MENTIONABLE: "member or role",
    NUMBER: "number",
    ATTACHMENT: "file",
}
CHANNEL_TYPE_NAMES = {0: "text", 2: "voice", 4: "category", 5: "announcement", 13: "stage", 15: "forum"}

_WORD = re.compile(r"\S+")
_OPTION_NAME = re.compile(r"([a-z][a-z0-9_-]{0,31}):(?!//)")
# An unquoted value runs until whitespace followed by the next `name:`.
_NEXT_OPTION = re.compile(r"\s+(?=[a-z][a-z0-9_-]{0,31}:(?!//))")


class UsageError(Exception):
    """The command line asks for something Discord's client would not send (exit code 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.shown: list[str] = []  # output produced before the error (a bad --click after the reply)


def parse_now(text: str) -> datetime:
    """`--now`: an ISO 8601 instant ("2026-11-25T12:00Z"); without an offset it is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise UsageError(f"--now must be an ISO 8601 time such as 2026-11-25T12:00Z; got {text!r}.") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class CommandLine:
    """A parsed command line: the registered command, the path to the leaf, and the typed values."""

    command: Mapping[str, Any]  # the registration of the top-level command, as Discord stores it
    path: tuple[str, ...]  # ("config", "timezone")
    spec: tuple[Mapping[str, Any], ...]  # the leaf's options as registered
    values: dict[str, str]  # option name -> the text typed, in the order typed

    @property
    def name(self) -> str:
        return "/" + " ".join(self.path)


def leaf_commands(commands: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every invocable command path ("/cast lookup"), sorted: what a member can type."""
    paths: list[str] = []

    def walk(prefix: str, options: Sequence[Mapping[str, Any]]) -> None:
        nested = [o for o in options if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        if not nested:
            paths.append(prefix)
        for option in nested:
            walk(f"{prefix} {option['name']}", option.get("options") or [])

    for command in commands:
        if command.get("type", 1) == 1:  # chat input, not context menus
            walk(f"/{command['name']}", command.get("options") or [])
    return sorted(paths)


def describe_option(option: Mapping[str, Any]) -> str:
    """One line for help text: `season: whole number 1-3, optional: How far the server has caught up`."""
    kind = OPTION_TYPE_NAMES.get(option.get("type", STRING), "value")
    details = [kind]
    low, high = option.get("min_value"), option.get("max_value")
    if low is not None or high is not None:
        details[0] += f" {'' if low is None else low}-{'' if high is None else high}"
    low_len, high_len = option.get("min_length"), option.get("max_length")
    if low_len is not None or high_len is not None:
        details[0] += f", {low_len or 0}-{high_len if high_len is not None else 6000} characters"
    if types := option.get("channel_types"):
        details[0] += " (" + "/".join(CHANNEL_TYPE_NAMES.get(t, str(t)) for t in types) + ")"
    if choices := option.get("choices"):
        details.append("one of " + ", ".join(str(c["name"]) for c in choices))
    details.append("required" if option.get("required") else "optional")
    if option.get("autocomplete"):
        details.append("with suggestions")
    description = option.get("description") or ""
    return f"{option['name']}: {', '.join(details)}" + (f" — {description}" if description else "")


def options_help(name: str, spec: Sequence[Mapping[str, Any]]) -> str:
    if not spec:
        return f"{name} takes no options."
    return f"Options of {name}:\n" + "\n".join(f"  {describe_option(o)}" for o in spec)


def _suggest(word: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=3, cutoff=0.5)
    return f" Did you mean {' or '.join(close)}?" if close else ""


def parse_command_line(text: str, commands: Sequence[Mapping[str, Any]]) -> CommandLine:
    """Split `/cmd sub opt:value other:"two words"` against the registered `commands`, or raise UsageError.

    An unquoted value runs until the next ` name:` (a lowercase word and a colon); quote a value that
    contains one. Inside quotes, `\\"` is a quote and `\\\\` a backslash.
    """
    body = text.strip()
    all_commands = leaf_commands(commands)
    if not body.startswith("/"):
        raise UsageError(
            f'Start with the command, as in Discord: "/about". Commands: {", ".join(all_commands)}'
        )
    pos = 1
    word = _WORD.match(body, pos)
    top_name = word.group().casefold() if word else ""
    by_name = {c["name"]: c for c in commands if c.get("type", 1) == 1}
    command = by_name.get(top_name)
    if command is None:
        # "/cats" is closest to the group /cast: suggest what can be typed under the closest names.
        close = difflib.get_close_matches(top_name, list(by_name), n=2, cutoff=0.6)
        suggestions = [path for path in all_commands if path.split()[0][1:] in close]
        typed = "/" + " ".join(itertools.takewhile(lambda w: ":" not in w, body[1:].casefold().split()))
        if " " in typed:  # "/cats lookup": the subcommand narrows it down
            suggestions = difflib.get_close_matches(typed, suggestions, n=2, cutoff=0.6) or suggestions
        hint = f" Did you mean {' or '.join(suggestions)}?" if suggestions else ""
        raise UsageError(f"Unknown command /{top_name}.{hint}\nCommands: {', '.join(all_commands)}")
    assert word is not None
    pos = word.end()
    path = [command["name"]]
    spec: Sequence[Mapping[str, Any]] = command.get("options") or []
    while any(o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in spec):
        prefix = "/" + " ".join(path)
        nested = {o["name"]: o for o in spec if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)}
        listing = ", ".join(sorted(f"{prefix} {n}" for n in nested))
        word = _WORD.match(body, _skip_spaces(body, pos))
        if word is None or ":" in word.group():
            raise UsageError(f"{prefix} needs a subcommand: {listing}")
        sub = nested.get(word.group().casefold())
        if sub is None:
            close = difflib.get_close_matches(word.group().casefold(), list(nested), n=3, cutoff=0.6)
            hint = f" Did you mean {' or '.join(f'{prefix} {n}' for n in close)}?" if close else ""
            raise UsageError(f"{prefix} has no subcommand {word.group()!r}.{hint}\nSubcommands: {listing}")
        path.append(sub["name"])
        spec = sub.get("options") or []
        pos = word.end()
    name = "/" + " ".join(path)
    values = _parse_options(body[pos:], name, spec)
    return CommandLine(command=command, path=tuple(path), spec=tuple(spec), values=values)


def parse_for_suggestions(text: str, commands: Sequence[Mapping[str, Any]], focused: str) -> CommandLine:
    """`--autocomplete OPTION`: suggestions are asked for while typing, so required options may be missing."""
    line = parse_command_line(text, [_without_required(c) for c in commands])
    option = next((o for o in line.spec if o["name"] == focused), None)
    if option is None or not option.get("autocomplete"):
        with_suggestions = [o["name"] for o in line.spec if o.get("autocomplete")]
        raise UsageError(
            f"{line.name} has no option {focused!r} with suggestions; "
            f"options with suggestions: {', '.join(with_suggestions) or 'none'}."
        )
    return CommandLine(line.command, line.path, tuple(_find_spec(commands, line.path)), line.values)


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _parse_options(rest: str, name: str, spec: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    known = {o["name"]: o for o in spec}
    values: dict[str, str] = {}
    pos = _skip_spaces(rest, 0)
    while pos < len(rest):
        match = _OPTION_NAME.match(rest, pos)
        if match is None:
            required = [o["name"] for o in spec if o.get("required")]
            hint = f" Did you mean {required[0]}:{rest[pos:].strip()}?" if required else ""
            raise UsageError(
                f"Expected option:value after {name}, got {rest[pos:].strip()!r}.{hint}\n"
                f"{options_help(name, spec)}"
            )
        option = match.group(1)
        if option not in known:
            raise UsageError(
                f"{name} has no option {option!r}.{_suggest(option, list(known))} "
                f'(A value containing "word:" needs quotes.)\n{options_help(name, spec)}'
            )
        if option in values:
            raise UsageError(f"Option {option} is given twice.")
        pos = match.end()
        if rest.startswith('"', pos):
            value, pos = _quoted(rest, pos, option)
        else:
            following = _NEXT_OPTION.search(rest, pos)
            end = following.start() if following else len(rest)
            value = rest[pos:end].strip()
            pos = end
        values[option] = value
        pos = _skip_spaces(rest, pos)
    missing = [o["name"] for o in spec if o.get("required") and o["name"] not in values]
    if missing:
        raise UsageError(f"{name} needs {', '.join(missing)}.\n{options_help(name, spec)}")
    return values


def _quoted(text: str, pos: int, option: str) -> tuple[str, int]:
    chars: list[str] = []
    index = pos + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in '"\\':
            chars.append(text[index + 1])
            index += 2
            continue
        if char == '"':
            index += 1
            if index < len(text) and not text[index].isspace():
                raise UsageError(f"Option {option}: put a space after the closing quote.")
            return "".join(chars), index
        chars.append(char)
        index += 1
    raise UsageError(
        f'Option {option}: the opening quote has no closing quote (write \\" for a quote inside).'
    )


def _without_required(command: Mapping[str, Any]) -> dict[str, Any]:
    def strip(options: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [
            {**o, "required": False, **({"options": strip(o["options"])} if o.get("options") else {})}
            for o in options
        ]

    return {**command, "options": strip(command.get("options") or [])}


def _find_spec(commands: Sequence[Mapping[str, Any]], path: Sequence[str]) -> list[Mapping[str, Any]]:
    spec: Sequence[Mapping[str, Any]] = next(c for c in commands if c["name"] == path[0]).get("options") or []
    for word in path[1:]:
        spec = next(o for o in spec if o["name"] == word).get("options") or []
    return list(spec)


# -- values, as the client sends them ------------------------------------------------------------------


def option_value(command: str, option: Mapping[str, Any], raw: str, server: PreviewServer) -> Any:
    """The value to send for `raw`, after the checks Discord's client makes: a number, a bool, a choice's
    value, or for users, roles and channels the emulator object the client would resolve."""
    where = f"{command} {option['name']}"
    kind = option["type"]
    if choices := option.get("choices"):
        return _choice_value(where, choices, raw)
    if kind == STRING:
        low, high = option.get("min_length", 0), option.get("max_length", 6000)
        if not low <= len(raw) <= high:
            raise UsageError(f"{where}: Discord accepts {low}-{high} characters here; got {len(raw)}.")
        return raw
    if kind in (INTEGER, NUMBER):
        try:
            number: int | float = int(raw) if kind == INTEGER else float(raw)
        except ValueError:
            raise UsageError(f"{where}: {raw!r} is not a {OPTION_TYPE_NAMES[kind]}.") from None
        low, high = option.get("min_value"), option.get("max_value")
        if (low is not None and number < low) or (high is not None and number > high):
            raise UsageError(f"{where}: Discord accepts {low}-{high} here; got {raw}.")
        return number
    if kind == BOOLEAN:
        lowered = raw.strip().casefold()
        if lowered in ("true", "yes"):
            return True
        if lowered in ("false", "no"):
            return False
        raise UsageError(f"{where}: use True or False; got {raw!r}.")
    if kind == CHANNEL:
        allowed = option.get("channel_types")
        candidates = [c for c in server.guild.channels.values() if not allowed or c.type in allowed]
        channel = server.find_channel(raw)
        if channel is None or channel not in candidates:
            names = ", ".join(f"#{c.name}" for c in candidates)
            raise UsageError(
                f"{where}: no such channel {raw!r} for this option in the preview server: {names}."
            )
        return channel
    if kind in (ROLE, MENTIONABLE) and (role := server.find_role(raw)) is not None:
        return role
    if kind in (USER, MENTIONABLE) and (user := server.find_user(raw)) is not None:
        return user
    if kind in (ROLE, USER, MENTIONABLE):
        known = [f"@{r.name.removeprefix('@')}" for r in server.guild.roles.values()] if kind != USER else []
        known += [f"@{m.user.name}" for m in server.guild.members.values()] if kind != ROLE else []
        raise UsageError(
            f"{where}: no {OPTION_TYPE_NAMES[kind]} {raw!r} in the preview server: {', '.join(known)}."
        )
    raise UsageError(f"{where}: {OPTION_TYPE_NAMES.get(kind, 'this')} options can't be previewed.")


def _choice_value(where: str, choices: Sequence[Mapping[str, Any]], raw: str) -> Any:
    """A choice by its name or value, or by the start of one name, as the client's filter finds it."""
    typed = raw.strip().casefold()
    exact = [c for c in choices if typed in (str(c["name"]).casefold(), str(c["value"]).casefold())]
    matches = exact or [c for c in choices if str(c["name"]).casefold().startswith(typed)]
    if len(matches) != 1:
        names = ", ".join(str(c["name"]) for c in choices)
        raise UsageError(f"{where}: {raw!r} is not one of the choices: {names}.")
    return matches[0]["value"]
