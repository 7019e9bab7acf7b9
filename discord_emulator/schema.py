"""Validate request (and response) bodies against Discord's OpenAPI document (needs jsonschema).

Only `discord_emulator.openapi.load_validator()` imports this module, so the emulator runs without
jsonschema. The document is 1.2 MB: it is parsed once per process and validators are built lazily, one per
(method, path template, content type), and cached.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import referencing
import referencing.jsonschema

DOCUMENT_URI = "urn:fandex:discord-openapi"
JSON = "application/json"


def load_document(path: Path) -> dict[str, Any]:
    document = json.loads(path.read_text(encoding="utf-8"))
    # Discord documents snowflakes as strings but accepts integers in request bodies, and discord.py relies
    # on that (`allowed_mentions.roles` is a list of ints). Widen the type rather than flag valid requests.
    schemas = document["components"]["schemas"]
    snowflake = copy.deepcopy(schemas["SnowflakeType"])
    schemas["SnowflakeType"] = {"anyOf": [snowflake, {"type": "integer", "minimum": 0}]}
    return document


def _pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


@dataclass(frozen=True, slots=True)
class PathTemplate:
    template: str
    pattern: re.Pattern[str]
    literal_segments: int


def _compile(template: str) -> PathTemplate:
    segments = template.strip("/").split("/")
    regex = "".join("/[^/]+" if seg.startswith("{") else "/" + re.escape(seg) for seg in segments)
    literal = sum(not seg.startswith("{") for seg in segments)
    return PathTemplate(template, re.compile(f"^{regex}$"), literal)


class OpenApiValidator:
    """Finds the schema for a request and validates a decoded JSON body against it."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        resource = referencing.Resource.from_contents(
            document, default_specification=referencing.jsonschema.DRAFT202012
        )
        self._registry: referencing.Registry[Any] = referencing.Registry().with_resource(
            DOCUMENT_URI, resource
        )
        # Most literal segments first, so `/messages/@original` wins over `/messages/{message_id}`.
        self._templates = sorted(
            (_compile(t) for t in document["paths"]), key=lambda t: (-t.literal_segments, t.template)
        )
        self._validators: dict[tuple[str, ...], jsonschema.Draft202012Validator | None] = {}

    @classmethod
    @functools.cache
    def shared(cls, path: Path) -> OpenApiValidator:
        """The validator for the document at `path`, built once per process."""
        return cls(load_document(path))

    def match(self, method: str, path: str) -> str | None:
        """The document's path template for `path` (relative to /api/v10) that defines `method`."""
        for template in self._templates:
            if template.pattern.match(path) and method.lower() in self._document["paths"][template.template]:
                return template.template
        return None

    def _validator(self, *pointer: str) -> jsonschema.Draft202012Validator | None:
        if pointer not in self._validators:
            node: Any = self._document
            for part in pointer:
                node = node.get(part) if isinstance(node, dict) else None
            self._validators[pointer] = (
                None
                if node is None
                else jsonschema.Draft202012Validator(
                    {"$ref": DOCUMENT_URI + "#" + _pointer(*pointer)}, registry=self._registry
                )
            )
        return self._validators[pointer]

    def request_errors(self, method: str, path: str, body: Any) -> list[str]:
        """Problems with a JSON request body; [] when valid or when the route defines no JSON body."""
        template = self.match(method, path)
        if template is None:
            return []
        validator = self._validator(
            "paths", template, method.lower(), "requestBody", "content", JSON, "schema"
        )
        return _errors(validator, body)

    def response_errors(self, method: str, path: str, status: int, body: Any) -> list[str]:
        """Problems with a JSON response body the emulator produced (a check on the emulator itself)."""
        template = self.match(method, path)
        if template is None:
            return []
        operation = ("paths", template, method.lower(), "responses")
        validator = self._validator(*operation, str(status), "content", JSON, "schema")
        return _errors(validator, body)


MAX_VALUE = 120


def _errors(validator: jsonschema.Draft202012Validator | None, body: Any) -> list[str]:
    if validator is None:
        return []
    error = _most_specific(list(validator.iter_errors(body)))
    if error is None:
        return []
    where = "/".join(str(p) for p in error.absolute_path) or "<body>"
    value = repr(error.instance)
    value = value if len(value) <= MAX_VALUE else value[:MAX_VALUE] + "…"
    detail = f"len {len(error.instance)}, " if isinstance(error.instance, str | list) else ""
    return [f"{where}: fails {error.validator}={error.validator_value!r} ({detail}value {value})"]


def _most_specific(errors: list[jsonschema.ValidationError]) -> jsonschema.ValidationError | None:
    """The error worth showing: inside a union, descend into the branch whose discriminator matched."""
    if not errors:
        return None
    # Not best_match(): it descends into unions by its own rules, often into a branch of another kind.
    error = max(errors, key=jsonschema.exceptions.relevance)
    if not error.context:
        return error
    branches: dict[Any, list[jsonschema.ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    # A branch of another JSON type, or whose `type` discriminator differs (callback type 4 vs the
    # autocomplete branch), is noise.
    plausible = [errs for errs in branches.values() if not any(_wrong_kind(e) for e in errs)]
    plausible.sort(key=len)
    if not plausible or (len(plausible) > 1 and len(plausible[0]) == len(plausible[1])):
        return error
    # The branch with the fewest problems is the one the sender meant (e.g. string choices, not integers).
    return _most_specific(plausible[0]) or error


def _wrong_kind(error: jsonschema.ValidationError) -> bool:
    path = list(error.relative_path)
    return (not path and error.validator == "type") or (
        path == ["type"] and error.validator in {"enum", "const"}
    )
