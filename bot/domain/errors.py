"""Errors a user can fix or should know; their message is shown to them privately."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


class FandexError(Exception):
    """Something the user can fix or should know; its message is shown to them privately."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(FandexError):
    """The thing asked for is not in the dataset or the server's settings."""


class InvalidOptionError(FandexError):
    """An option value is malformed or out of range."""


class StorageError(FandexError):
    """The settings database could not be written; nothing was changed."""
