"""What the emulator records about the bot's requests, and the faults a test asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(eq=False, slots=True)
class RecordedRequest:
    method: str
    path: str  # relative to /api/v10
    query: dict[str, str]
    json: Any  # the decoded JSON body (or multipart payload_json), None without one
    headers: dict[str, str]
    status: int | None = None  # what the emulator answered; None while the request is being handled


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
