"""Catalog checks: every message the source asks for is in every shipped catalog, translated, with the
same placeholders, and no catalog holds a message nothing asks for any more.

The messages are found with Python's own parser (`ast`), not a regex: a string literal (implicit
concatenation joined) passed first to `tr(...)`, `N_(...)` or one of the user-facing errors
(bot/domain/errors.py), whose template the error handler translates, and both forms of `tr.plural`.
Command names and descriptions come from the command tree (bot/app/catalog_check.py walks it), under
their message contexts.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.domain.i18n import Messages

TRANSLATING_CALLS = frozenset({"tr", "N_"})
# FandexError and its subclasses: their first argument is a catalog message (a template).
ERROR_CALLS = frozenset(
    {"FandexError", "NotFoundError", "InvalidOptionError", "StorageError", "ScheduledEventRefused", "Text"}
)

Key = tuple[str | None, str]  # (message context, English text)


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def source_messages(paths: Iterable[Path]) -> dict[str, list[str]]:
    """Every catalog message in these Python files, with where each is asked for ("file:line")."""
    found: dict[str, list[str]] = {}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = _called_name(node)
            if name == "plural":  # tr.plural(n, "{n} day", "{n} days"): both forms are messages
                messages = node.args[1:3]
            elif name in TRANSLATING_CALLS or name in ERROR_CALLS:
                messages = node.args[:1]
            else:
                continue
            for message in messages:
                if isinstance(message, ast.Constant) and isinstance(message.value, str) and message.value:
                    found.setdefault(message.value, []).append(f"{path}:{node.lineno}")
    return found


def python_files(*roots: Path) -> list[Path]:
    return sorted(path for root in roots for path in root.rglob("*.py") if "__pycache__" not in path.parts)


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a message (a malformed one raises ValueError)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def catalog_problems(required: Iterable[Key], messages: Messages, *, language: str) -> list[str]:
    """What is wrong with one language's messages: missing or empty translations, placeholders that
    differ from the English, and messages no source asks for."""
    problems: list[str] = []
    wanted = set(required)
    for context, message in sorted(wanted, key=lambda key: (key[0] or "", key[1])):
        where = f"[{context}] " if context else ""
        translated = messages.get((context, message))
        if not translated:
            problems.append(f"{language}: no translation for {where}{message!r}")
            continue
        try:
            same = placeholders(translated) == placeholders(message)
        except ValueError as exc:
            problems.append(f"{language}: malformed {where}{translated!r}: {exc}")
            continue
        if not same:
            problems.append(
                f"{language}: placeholders differ in {where}{message!r}: {sorted(placeholders(message))} "
                f"in English, {sorted(placeholders(translated))} in {translated!r}"
            )
    for context, message in sorted(set(messages) - wanted, key=lambda key: (key[0] or "", key[1])):
        problems.append(f"{language}: {message!r} ({context or 'reply'}) is in the catalog but not used")
    return problems


def required_messages(sources: Mapping[str, object], commands: Iterable[Key]) -> set[Key]:
    """The reply messages (no context) and the command strings (with theirs), as one set of keys."""
    return {(None, message) for message in sources} | set(commands)
