import pytest

from bot.domain.errors import InvalidOptionError
from bot.domain.timezones import resolve_timezone, suggest_timezones


@pytest.mark.parametrize(
    ("typed", "zone"),
    [("europe/london", "Europe/London"), ("UTC", "UTC"), (" America/New York ", "America/New_York")],
)
def test_resolves_case_insensitively(typed: str, zone: str) -> None:
    assert resolve_timezone(typed) == zone


@pytest.mark.parametrize("typed", ["Mars/Olympus", "", "../../etc/passwd", "@everyone"])
def test_unknown_zone_is_a_clear_error(typed: str) -> None:
    with pytest.raises(InvalidOptionError) as caught:
        resolve_timezone(typed)
    assert "IANA" in caught.value.message
    assert "@everyone" not in caught.value.message


def test_suggestions_prefer_prefixes_and_cities() -> None:
    assert suggest_timezones("lond")[0] == "Europe/London"
    assert "America/New_York" in suggest_timezones("new_y")
    assert len(suggest_timezones("a")) == 25
    assert suggest_timezones("")[0] == "UTC"
