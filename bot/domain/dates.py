"""Partial dates: a year, a month, a day or an exact time, never more precise than the source."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Precision = Literal["time", "day", "month", "year", "unknown"]


Status = Literal["confirmed", "announced", "rumoured"]


PRECISIONS: tuple[str, ...] = ("time", "day", "month", "year", "unknown")


STATUSES: tuple[str, ...] = ("confirmed", "announced", "rumoured")


_MONTHS = tuple(calendar.month_name)


def long_date(day: date, *, weekday: bool = False) -> str:
    """The day as users read it, without a leading zero: 17 April 2027 (Saturday 17 April 2027).

    Portable on purpose: strftime's no-padding flag (a dash) exists on glibc only; Windows rejects it.
    """
    text = f"{day.day} {day:%B %Y}"
    return f"{day:%A} {text}" if weekday else text


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2}) (\S+))?)?)?$")


@dataclass(frozen=True, slots=True, init=False)
class PartialDate:
    """A date known only to some precision. Never holds a part the source does not give.

    The precision follows from the parts (PartialDate(2019, 2) is "February 2019"). One given explicitly
    must agree with them: PartialDate(2019, 2, precision="day") raises ValueError.
    """

    year: int | None
    month: int | None
    day: int | None
    time: time | None
    tz: str | None
    precision: Precision

    def __init__(
        self,
        year: int | None,
        month: int | None = None,
        day: int | None = None,
        time: time | None = None,
        tz: str | None = None,
        precision: Precision | None = None,
    ) -> None:
        if year is None:
            derived: Precision = "unknown"
        elif month is None:
            derived = "year"
        elif day is None:
            derived = "month"
        elif time is None:
            derived = "day"
        else:
            derived = "time"
        if precision is not None and precision != derived:
            raise ValueError(f"precision {precision!r} contradicts the parts given ({derived!r})")
        # Frozen: set through object.__setattr__, as dataclasses' own __init__ would.
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "month", month)
        object.__setattr__(self, "day", day)
        object.__setattr__(self, "time", time)
        object.__setattr__(self, "tz", tz)
        object.__setattr__(self, "precision", derived)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse "YYYY", "YYYY-MM", "YYYY-MM-DD", "YYYY-MM-DDTHH:MM Area/City" or "unknown"."""
        if not isinstance(text, str):
            raise ValueError(f"expected a date string, got {type(text).__name__}")
        if text == "unknown":
            return cls(None)
        match = _DATE_RE.match(text)
        if match is None:
            raise ValueError(
                f"{text!r} is not a date: use YYYY, YYYY-MM, YYYY-MM-DD, "
                '"YYYY-MM-DDTHH:MM Area/City" or "unknown"'
            )
        year_s, month_s, day_s, hour_s, minute_s, tz = match.groups()
        year = int(year_s)
        month = day = None
        at: time | None = None
        if month_s is not None:
            month = int(month_s)
            if not 1 <= month <= 12:
                raise ValueError(f"{text!r}: month {month} is not between 01 and 12")
        if day_s is not None:
            assert month is not None
            day = int(day_s)
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"{text!r}: {_MONTHS[month]} {year} has no day {day} (it has {last} days)")
        if hour_s is not None:
            hour, minute = int(hour_s), int(minute_s)
            if hour > 23 or minute > 59:
                raise ValueError(f"{text!r}: {hour_s}:{minute_s} is not a time of day")
            at = time(hour, minute)
            _zone(tz, text)
        return cls(year, month, day, at, tz)

    def iso(self) -> str:
        """The source form back (parse(d.iso()) == d)."""
        if self.year is None:
            return "unknown"
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        if self.time is not None:
            text += f"T{self.time:%H:%M} {self.tz}"
        return text

    def human(self) -> str:
        if self.year is None:
            return "date unknown"
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{_MONTHS[self.month]} {self.year}"
        text = f"{self.day} {_MONTHS[self.month]} {self.year}"
        if self.time is not None:
            text += f", {self.time:%H:%M} {self.tz}"
        return text

    def moment(self) -> datetime | None:
        """The exact instant in UTC; only a date with a time has one."""
        if self.time is None:
            return None
        return self.earliest()

    def earliest(self) -> datetime | None:
        """The first instant (aware, UTC) of the period this date denotes; None when unknown."""
        if self.year is None:
            return None
        local = datetime(self.year, self.month or 1, self.day or 1, tzinfo=self._tzinfo())
        if self.time is not None:
            local = local.replace(hour=self.time.hour, minute=self.time.minute)
        return local.astimezone(UTC)

    def sort_key(self) -> tuple[int, datetime, int]:
        """Chronological by start; a vaguer date sorts after a precise one starting together; unknown last."""
        start = self.earliest()
        if start is None:
            return (1, datetime.max.replace(tzinfo=UTC), 0)
        return (0, start, PRECISIONS.index(self.precision))

    def _tzinfo(self) -> ZoneInfo:
        return _zone(self.tz, self.iso()) if self.tz else ZoneInfo("UTC")

    def __str__(self) -> str:
        return self.iso()


def _zone(name: str | None, text: str) -> ZoneInfo:
    if not name:
        raise ValueError(f"{text!r}: a time needs an IANA time zone, e.g. Europe/London")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"{text!r}: unknown time zone {name!r} (use an IANA name such as Europe/London)"
        ) from exc
