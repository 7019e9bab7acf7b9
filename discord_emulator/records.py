"""What the emulator records about the bot's requests, and the faults a test asks for."""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request (`files[n]`), by its index n."""

    filename: str
    content_type: str
    data: bytes


# The files of the multipart request being handled, by index: set by the REST middleware for the request's
# task, read when the message its payload_json creates or edits gets its attachments.
UPLOADS: ContextVar[dict[int, Upload] | None] = ContextVar("UPLOADS", default=None)


@dataclass(eq=False, slots=True)
class RecordedRequest:
    method: str
    path: str  # relative to /api/v10
    query: dict[str, str]
    json: Any  # the decoded JSON body (or multipart payload_json), None without one
    headers: dict[str, str]
    status: int | None = None  # what the emulator answered; None while the request is being handled
    files: dict[int, Upload] = field(default_factory=dict)  # a multipart request's file parts, by index


@dataclass(frozen=True, slots=True)
class ValidationError:
    method: str
    path: str
    error: str
    body: Any


@dataclass(eq=False)
class Hang:
    """Answer the next `times` matching requests `seconds` late (they are handled at once)."""

    method: str
    pattern: re.Pattern[str]
    seconds: float
    times: int


@dataclass(eq=False)
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    json_body: dict[str, Any]
    headers: dict[str, str]
    times: int
