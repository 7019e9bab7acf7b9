"""The terminal renderer: message JSON as a member would read it, spoilers marked, mentions resolved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.preview.terminal import (
    RenderContext,
    format_timestamp,
    relative_time,
    render_choices,
    render_inline,
    render_message,
    render_modal,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

# -- terminal rendering --------------------------------------------------------------------------------

CONTEXT = RenderContext(now=NOW, channels={1: "announcements"}, roles={2: "fans"}, users={3: "you"})


def test_spoilers_are_marked_and_escaped_pipes_are_shown() -> None:
    assert render_inline(r"Plain ||hidden \| part|| end", CONTEXT) == "Plain ⟦spoiler: hidden | part⟧ end"


def test_mentions_resolve_against_the_preview_server() -> None:
    text = "<#1> <@&2> <@3> <@!3> <#99> </cast lookup:123>"
    assert render_inline(text, CONTEXT) == "#announcements @fans @you @you #unknown-channel /cast lookup"


def test_markdown_escapes_are_undone_and_bold_dropped_but_links_keep_their_url() -> None:
    text = r"**Kit** \*not bold\* [bbc.co.uk](https://www.bbc.co.uk/a_(b)) \@everyone"
    assert render_inline(text, CONTEXT) == "Kit *not bold* bbc.co.uk <https://www.bbc.co.uk/a_(b)> @everyone"


def test_only_paired_bold_markers_are_dropped() -> None:
    assert render_inline("**||Heat||** and __under__", CONTEXT) == "⟦spoiler: Heat⟧ and under"
    assert render_inline("2 ** 3 and snake__case", CONTEXT) == "2 ** 3 and snake__case"


def test_timestamps_print_in_utc_and_relative_to_the_clock() -> None:
    unix = int(datetime(2026, 12, 24, 19, 30, tzinfo=UTC).timestamp())
    assert format_timestamp(unix, "F", NOW) == "Thursday, 24 December 2026 19:30 UTC"
    assert format_timestamp(unix, "D", NOW) == "24 December 2026"
    assert format_timestamp(unix, "d", NOW) == "2026-12-24"
    assert format_timestamp(unix, "t", NOW) == "19:30 UTC"
    assert render_inline(f"<t:{unix}:R>", CONTEXT) == "in a month"
    assert render_inline(f"<t:{unix}>", CONTEXT) == "24 December 2026 19:30 UTC"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=10), "in a few seconds"),
        (timedelta(minutes=-5), "5 minutes ago"),
        (timedelta(hours=3), "in 3 hours"),
        (timedelta(days=1), "in a day"),
        (timedelta(days=-12), "12 days ago"),
        (timedelta(days=100), "in 3 months"),
        (timedelta(days=-400), "a year ago"),
        (timedelta(days=1100), "in 3 years"),
    ],
)
def test_relative_times_read_like_discord(delta: timedelta, text: str) -> None:
    assert relative_time(delta) == text


def test_an_embed_shows_title_description_fields_and_footer() -> None:
    message = {
        "content": "Hi <@3>",
        "embeds": [
            {
                "title": "Nick Nelson",
                "description": "Line one\nLine two",
                "fields": [
                    {"name": "Played by", "value": "Kit Connor", "inline": True},
                    {"name": "Episodes", "value": "1. Meet\n2. Crush", "inline": False},
                ],
                "footer": {"text": "Facts verified 3 July 2026."},
            }
        ],
    }
    assert render_message(message, CONTEXT) == [
        "Hi @you",
        "",
        "┃ Nick Nelson",
        "┃",
        "┃ Line one",
        "┃ Line two",
        "┃",
        "┃ Played by: Kit Connor",
        "┃ Episodes:",
        "┃   1. Meet",
        "┃   2. Crush",
        "┃",
        "┃ — Facts verified 3 July 2026.",
    ]


def test_buttons_and_menus_are_listed_with_their_state() -> None:
    components = [
        {
            "type": 1,
            "components": [
                {"type": 2, "style": 2, "label": "Previous", "custom_id": "p", "disabled": True},
                {"type": 2, "style": 1, "label": "Next", "custom_id": "n", "emoji": {"name": "▶️"}},
                {"type": 2, "style": 5, "label": "Source", "url": "https://example.org"},
            ],
        },
        {
            "type": 1,
            "components": [
                {
                    "type": 3,
                    "custom_id": "pick",
                    "placeholder": "Pick one",
                    "options": [
                        {"label": "Nick Nelson", "value": "nick", "description": "Kit Connor"},
                        {"label": "Sarah Nelson", "value": "sarah", "default": True},
                    ],
                }
            ],
        },
        {"type": 1, "components": [{"type": 8, "custom_id": "c", "channel_types": [0]}]},
    ]
    assert render_message({"components": components}, CONTEXT) == [
        "[ Previous (disabled) ]  [ ▶️ Next ]  [ Source ↗ https://example.org ]",
        "▾ Pick one (pick 1):",
        "    • Nick Nelson — Kit Connor",
        "    • Sarah Nelson (selected)",
        "▾ Pick a channel [channel menu]",
    ]


def test_layout_components_and_forms_render_as_text() -> None:
    container = {
        "type": 17,
        "components": [
            {"type": 10, "content": "## Nick Nelson"},
            {"type": 14},
            {
                "type": 9,
                "components": [{"type": 10, "content": "||Season 3 role||"}],
                "accessory": {"type": 2, "style": 1, "label": "More", "custom_id": "more"},
            },
        ],
    }
    assert render_message({"components": [container]}, CONTEXT) == [
        "┃ ## Nick Nelson",
        "┃ ───",
        "┃ ⟦spoiler: Season 3 role⟧",
        "┃ [ More ]",
    ]
    form = {
        "title": "New event",
        "components": [
            {"type": 18, "label": "Name", "component": {"type": 4, "custom_id": "n", "label": "Name"}}
        ],
    }
    assert render_modal(form, CONTEXT) == ["Form: New event", "  Name:", "    ✎ Name (text input, required)"]
    form["components"][0]["description"] = "Up to 100 characters"
    assert render_modal(form, CONTEXT)[2] == "    (Up to 100 characters)"


def test_choices_show_the_value_sent_when_it_differs() -> None:
    choices = [
        {"name": "Europe/London", "value": "Europe/London"},
        {"name": "Watch party", "value": "guild:1"},
    ]
    assert render_choices(choices) == ["  Europe/London", "  Watch party  (sends 'guild:1')"]
    assert render_choices([]) == ["  (no suggestions)"]


@given(st.text(max_size=500))
def test_any_text_renders(text: str) -> None:
    render_inline(text, CONTEXT)
    render_message(
        {"content": text, "embeds": [{"title": text, "fields": [{"name": text, "value": text}]}]}, CONTEXT
    )


def test_a_native_poll_shows_its_question_answers_and_closing_time() -> None:
    poll = {
        "question": {"text": "Which season is your favourite?"},
        "answers": [
            {"answer_id": 1, "poll_media": {"text": "Season 1"}},
            {"answer_id": 2, "poll_media": {"text": "Season 2"}},
        ],
        "expiry": (NOW + timedelta(hours=24)).isoformat(),
        "allow_multiselect": False,
    }
    assert render_message({"content": "", "poll": poll}, CONTEXT) == [
        "📊 Poll: Which season is your favourite?",
        "    ○ Season 1",
        "    ○ Season 2",
        "    (one answer each, closes in a day)",
    ]
