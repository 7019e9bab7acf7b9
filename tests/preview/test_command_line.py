"""`ask`'s command line: `/cmd sub option:value` parsed against registered commands, and its mistakes."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.preview.command_line import (
    UsageError,
    describe_option,
    leaf_commands,
    parse_command_line,
    parse_now,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

# Registration payloads shaped like `Command.to_dict()`: what the parser reads.
COMMANDS: list[dict[str, Any]] = [
    {"name": "about", "type": 1, "options": []},
    {
        "name": "cast",
        "type": 1,
        "options": [
            {
                "name": "lookup",
                "type": 1,
                "options": [{"name": "name", "type": 3, "required": True, "autocomplete": True}],
            },
            {
                "name": "list",
                "type": 1,
                "options": [
                    {"name": "season", "type": 4, "required": False, "min_value": 1, "max_value": 10}
                ],
            },
        ],
    },
    {
        "name": "config",
        "type": 1,
        "options": [
            {
                "name": "event-add",
                "type": 1,
                "options": [
                    {"name": "name", "type": 3, "required": True, "description": "What it is"},
                    {"name": "date", "type": 3, "required": True},
                    {"name": "time", "type": 3, "required": False},
                ],
            },
            {
                "name": "announcements",
                "type": 1,
                "options": [
                    {"name": "channel", "type": 7, "required": True, "channel_types": [0, 5]},
                    {
                        "name": "reminder",
                        "type": 3,
                        "required": False,
                        "choices": [{"name": "1 day", "value": "1d"}, {"name": "none", "value": "none"}],
                    },
                ],
            },
        ],
    },
]


# -- command line --------------------------------------------------------------------------------------


def test_values_run_until_the_next_option_and_keep_their_spaces() -> None:
    line = parse_command_line("/config event-add name:Watch party date:2026-12-24 time:19:30", COMMANDS)
    assert line.path == ("config", "event-add")
    assert line.values == {"name": "Watch party", "date": "2026-12-24", "time": "19:30"}


def test_quotes_hold_colons_and_escaped_quotes() -> None:
    line = parse_command_line(r'/config event-add name:"Premiere: part \"2\"" date:2026-12-24', COMMANDS)
    assert line.values["name"] == 'Premiere: part "2"'


def test_a_url_is_a_value_not_an_option() -> None:
    line = parse_command_line("/cast lookup name:see https://example.org/x", COMMANDS)
    assert line.values == {"name": "see https://example.org/x"}


def test_command_names_are_case_insensitive_and_spacing_is_free() -> None:
    line = parse_command_line("  /CAST   Lookup    name:Kit   ", COMMANDS)
    assert (line.path, line.values) == (("cast", "lookup"), {"name": "Kit"})


def test_leaf_commands_lists_what_a_member_can_type() -> None:
    assert leaf_commands(COMMANDS) == [
        "/about",
        "/cast list",
        "/cast lookup",
        "/config announcements",
        "/config event-add",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/cats lookup name:x", ["Unknown command /cats.", "Did you mean /cast lookup", "Commands: /about,"]),
        ("about", ['Start with the command, as in Discord: "/about"']),
        ("/cast", ["/cast needs a subcommand: /cast list, /cast lookup"]),
        ("/cast lokup name:x", ["no subcommand 'lokup'", "Did you mean /cast lookup?"]),
        ("/cast lookup nmae:Kit", ["no option 'nmae'", "Did you mean name?", "name: text, required"]),
        ("/cast lookup", ["/cast lookup needs name.", "Options of /cast lookup:"]),
        ("/cast lookup Kit Connor", ["Expected option:value", "Did you mean name:Kit Connor?"]),
        ("/cast lookup name:a name:b", ["Option name is given twice."]),
        ('/cast lookup name:"Kit', ["the opening quote has no closing quote"]),
        ('/cast lookup name:"Kit"Connor', ["put a space after the closing quote"]),
        ("/about extra:1", ["/about has no option 'extra'", "/about takes no options."]),
    ],
)
def test_mistakes_get_the_valid_choices(text: str, expected: list[str]) -> None:
    with pytest.raises(UsageError) as caught:
        parse_command_line(text, COMMANDS)
    for fragment in expected:
        assert fragment in str(caught.value)


def test_option_help_names_type_range_choices_and_channel_kinds() -> None:
    spec = COMMANDS[2]["options"][1]["options"]
    assert describe_option(spec[0]) == "channel: channel (text/announcement), required"
    assert describe_option(spec[1]) == "reminder: text, one of 1 day, none, optional"
    assert describe_option(COMMANDS[1]["options"][1]["options"][0]) == "season: whole number 1-10, optional"


@given(st.text(max_size=300))
def test_any_command_line_parses_or_gets_a_usage_error(text: str) -> None:
    with contextlib.suppress(UsageError):
        parse_command_line(text, COMMANDS)


@given(st.text(max_size=200))
def test_any_value_survives_quoting(value: str) -> None:
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    line = parse_command_line(f'/cast lookup name:"{quoted}"', COMMANDS)
    assert line.values == {"name": value}


def test_now_accepts_iso_times_and_defaults_to_utc() -> None:
    assert parse_now("2026-11-25T12:00Z") == NOW
    assert parse_now("2026-11-25T13:00+01:00") == NOW
    assert parse_now("2026-11-25T12:00") == NOW
    with pytest.raises(UsageError, match="ISO 8601"):
        parse_now("next tuesday")
