"""Errors a user can fix or should know; their message is shown to them privately."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Translate = Callable[..., str]


class Text:
    """A catalog message not yet put in a language: its English template and the values for it. A value
    may be a Text itself (a hint appended to an error), translated along with it."""

    __slots__ = ("template", "values")

    def __init__(self, template: str, **values: object) -> None:
        self.template = template
        self.values = values

    def localized(self, tr: Translate) -> str:
        return tr(self.template, **_localized_values(self.values, tr)) if self.values else tr(self.template)

    def __str__(self) -> str:
        return self.localized(_english)


def _english(template: str, /, **values: Any) -> str:
    return template.format(**values) if values else template


def _localized_values(values: dict[str, object], tr: Translate) -> dict[str, object]:
    return {name: value.localized(tr) if isinstance(value, Text) else value for name, value in values.items()}


class FandexError(Exception):
    """Something the user can fix or should know; its message is shown to them privately.

    `message` is a catalog message (English) with `{name}` placeholders filled from `values`, so the error
    handler can show it in the fan's language: `localized(tr)`. A message with no catalog entry (one built
    from parts) stays English there.
    """

    def __init__(self, message: str, **values: object) -> None:
        self.text = Text(message, **values)
        self.message = str(self.text)
        super().__init__(self.message)

    def localized(self, tr: Translate) -> str:
        return self.text.localized(tr)


class NotFoundError(FandexError):
    """The thing asked for is not in the dataset or the server's settings."""


class InvalidOptionError(FandexError):
    """An option value is malformed or out of range."""


class StorageError(FandexError):
    """The settings database could not be written; nothing was changed."""
