"""Typed, forgiving access to the tables of a hand-edited TOML source: every failed check is recorded
with its entry and field, never raised, so `check-data` reports every problem at once."""

from __future__ import annotations

import re
from typing import Any, cast

from bot.domain.dates import PartialDate
from bot.domain.model import NO_STORY, StoryPoint, StoryText

MISSING = object()
# http(s):// and no whitespace anywhere (one regex; a per-character scan was 10% of parsing 10k characters).
_URL_RE = re.compile(r"https?://\S*\Z")


class Problems:
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.lines: list[str] = []

    def add(self, entry: str, field_name: str | None, message: str) -> None:
        where = f"{self.origin}: {entry}"
        if field_name is not None:
            where += f': field "{field_name}"'
        self.lines.append(f"{where}: {message}")


class Entry:
    """Typed access to one TOML table; every failed check is recorded, never raised."""

    def __init__(self, problems: Problems, label: str, raw: Any) -> None:
        self.problems = problems
        self.label = label
        self.seen: set[str] = set()
        self.ok = isinstance(raw, dict)
        self.raw: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if not self.ok:
            problems.add(label, None, f"expected a table, got {_type_name(raw)}")

    def fail(self, field_name: str | None, message: str) -> None:
        self.problems.add(self.label, field_name, message)

    def get(self, name: str, required: bool) -> Any:
        self.seen.add(name)
        value = self.raw.get(name, MISSING)
        if value is MISSING and required and self.ok:
            self.fail(name, "missing (required)")
        return value

    def text(self, name: str, *, required: bool = True, allow_empty: bool = False, default: str = "") -> str:
        value = self.get(name, required)
        if value is MISSING:
            return default
        if not isinstance(value, str):
            self.fail(name, f"expected a string, got {_type_name(value)}")
            return default
        if not allow_empty and not value.strip():
            self.fail(name, "must not be empty")
        return value

    def optional_text(self, name: str) -> str | None:
        value = self.get(name, False)
        if value is MISSING:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(name, f"expected a non-empty string, got {_type_name(value)}")
            return None
        return value

    def integer(
        self, name: str, *, required: bool = True, minimum: int = 0, what: str = "a whole number"
    ) -> int | None:
        value = self.get(name, required)
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(name, f"expected {what} (>= {minimum}), got {value!r}")
            return None
        return value

    def choice(self, name: str, allowed: tuple[str, ...], *, required: bool = True) -> str | None:
        value = self.get(name, required)
        if value is MISSING:
            return None
        if value not in allowed:
            self.fail(name, f"{value!r} is not one of {', '.join(repr(a) for a in allowed)}")
            return None
        return cast(str, value)

    def texts(self, name: str, *, required: bool = False) -> tuple[str, ...]:
        value = self.get(name, required)
        if value is MISSING:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(name, "expected a list of non-empty strings")
            return ()
        return tuple(value)

    def ints(self, name: str, *, what: str, required: bool = True) -> tuple[int, ...]:
        value = self.get(name, required)
        if value is MISSING:
            return ()
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)
        ):
            self.fail(name, f"expected a list of {what}")
            return ()
        if list(value) != sorted(set(value)):
            self.fail(name, f"{what} must be in ascending order without repeats")
        return tuple(value)

    def urls(self, name: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.get(name, required)
        if value is MISSING:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(name, "expected a list of URLs")
            return ()
        if required and not value:
            self.fail(name, "needs at least one source URL")
        for url in value:
            if _URL_RE.match(url) is None:
                self.fail(name, f"{url!r} is not an http(s):// URL")
        return tuple(value)

    def date(self, name: str) -> PartialDate:
        value = self.get(name, True)
        if value is MISSING:
            return PartialDate(None)
        if not isinstance(value, str):
            self.fail(name, f"expected a date string, got {_type_name(value)}")
            return PartialDate(None)
        try:
            return PartialDate.parse(value)
        except ValueError as exc:
            self.fail(name, str(exc))
            return PartialDate(None)

    def tables(self, name: str, *, required: bool = False) -> list[Any]:
        value = self.get(name, required)
        if value is MISSING:
            return []
        if not isinstance(value, list):
            self.fail(name, f"expected an array of tables ([[...]]), got {_type_name(value)}")
            return []
        return value

    def point(self, name: str, *, required: bool = True) -> StoryPoint:
        """A story point ("none", "S2", "film", "V4", "S3 V5"): how far into the story a text reaches."""
        value = self.get(name, required)
        if value is MISSING:
            return NO_STORY
        if not isinstance(value, str):
            self.fail(name, f'expected a story point such as "S1 V2", got {_type_name(value)}')
            return NO_STORY
        try:
            return StoryPoint.parse(value)
        except ValueError as exc:
            self.fail(name, str(exc))
            return NO_STORY

    def story(self, name: str, *, required: bool = True) -> StoryText | None:
        """Fan-facing story text `name` and the point it reveals, stated beside it as `name_reveals`."""
        text = self.text(name, required=required)
        if not text and not required and name not in self.raw:
            return None
        return StoryText(text, self.point(f"{name}_reveals"))

    def stories(self, name: str) -> tuple[StoryText, ...]:
        """A list of `{ text = "...", reveals = "..." }` tables: each text states its own story point."""
        found: list[StoryText] = []
        for index, raw in enumerate(self.tables(name)):
            item = Entry(self.problems, f"{self.label}: {name}[{index}]", raw)
            text = item.text("text")
            found.append(StoryText(text, item.point("reveals")))
            item.finish()
        return tuple(found)

    def finish(self) -> None:
        for key in self.raw:
            if key not in self.seen:
                self.fail(key, "unknown field (a typo?)")


def _type_name(value: object) -> str:
    names = {
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)
