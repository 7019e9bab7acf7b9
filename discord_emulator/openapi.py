"""Where Discord's OpenAPI document is, and whether the emulator can validate bodies against it.

Validation is optional. It needs the document, which lives outside the repository
(`../shared/discord-openapi.json` beside the checkout, or the file `$FANDEX_OPENAPI` names), and the
`jsonschema` package. Without either, the emulator runs unchanged and `DiscordEmulator.validation_skipped`
says why nothing was validated.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .schema import OpenApiValidator

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DOCUMENT = REPO_ROOT.parent / "shared" / "discord-openapi.json"
ENVIRONMENT_VARIABLE = "FANDEX_OPENAPI"
POINT_AT_DOCUMENT = (
    f"set {ENVIRONMENT_VARIABLE}=path/to/discord-openapi.json (or put the file in ../shared/ beside the "
    "repository) to validate every body"
)
INSTALL_JSONSCHEMA = 'install jsonschema (`pip install -e ".[test]"` does) to validate every body'


class ValidationUnavailable(Exception):
    """Bodies cannot be validated here; the message says why."""


def document_path() -> Path:
    override = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    return Path(override).expanduser() if override else DEFAULT_DOCUMENT


class Unavailable(NamedTuple):
    reason: str  # why nothing can be validated
    remedy: str  # what to do about it


def unavailable() -> Unavailable | None:
    """Why validation cannot run in this process, or None when it can (checked without loading anything)."""
    path = document_path()
    if not path.is_file():
        return Unavailable(f"Discord's OpenAPI document is not at {path}", POINT_AT_DOCUMENT)
    if importlib.util.find_spec("jsonschema") is None:
        return Unavailable("the jsonschema package is not installed", INSTALL_JSONSCHEMA)
    return None


def load_validator() -> OpenApiValidator:
    """The validator for the configured document (parsed once per process), or ValidationUnavailable."""
    missing = unavailable()
    if missing is not None:
        raise ValidationUnavailable(missing.reason)
    from .schema import OpenApiValidator

    return OpenApiValidator.shared(document_path())
