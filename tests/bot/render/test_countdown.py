"""bot/render/countdown.py: each precision and status as the source gives it, within Discord's limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import discord
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.countdown import MAX_SERVER_EVENTS, CountdownEvent, ServerEvent
from bot.domain.dates import PartialDate
from bot.domain.server_events import server_event_book
from bot.domain.settings import GuildSettings
from bot.render.countdown import (
    announcement_content,
    announcement_embed,
    countdown_embed,
    duration_text,
    event_candidates_embed,
    event_choice_name,
    event_options,
    nothing_upcoming_embed,
    when_lines,
)
from bot.render.server_events import (
    announcements_saved_text,
    event_added_text,
    server_event_choice_name,
    server_events_fields,
)

UTC_ZONE = ZoneInfo("UTC")
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
HOSTILE = "@everyone <@&1> **bold** ||x|| `code` \u202eevil\u0000 " + "🎉" * 3


def event(
    when: str, status: str | None = "confirmed", title: str = "Season 4 premieres", **extra: object
) -> CountdownEvent:
    key = "guild:1" if status is None else "ds:season-4"
    return CountdownEvent(key=key, title=title, date=PartialDate.parse(when), status=status, **extra)  # type: ignore[arg-type]


def text_of(embed: discord.Embed) -> str:
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    parts += [f"{field.name} {field.value}" for field in embed.fields]
    return "\n".join(parts)


def within_limits(embed: discord.Embed) -> bool:
    return (
        len(embed) <= 6000
        and len(embed.title or "") <= 256
        and len(embed.description or "") <= 4096
        and len(embed.fields) <= 25
        and all(len(f.value or "") <= 1024 and len(f.name or "") <= 256 for f in embed.fields)
    )


def test_duration_text() -> None:
    assert duration_text(timedelta(days=3, hours=4, minutes=5)) == "3 days, 4 hours"
    assert duration_text(timedelta(days=1)) == "1 day"
    assert duration_text(timedelta(hours=1, minutes=1)) == "1 hour, 1 minute"
    assert duration_text(timedelta(minutes=12)) == "12 minutes"
    assert duration_text(timedelta(seconds=30)) == "less than a minute"


def test_an_exact_time_uses_discord_timestamps_and_counts_down() -> None:
    moment = datetime(2027, 3, 13, 16, 30, tzinfo=UTC)
    lines = when_lines(event("2027-03-13T16:30 UTC"), NOW, LONDON)
    unix = int(moment.timestamp())
    assert lines == [f"📅 **<t:{unix}:F>** (<t:{unix}:R>)", "⏳ 3 days, 4 hours to go"]


def test_a_day_shows_the_date_days_to_go_and_the_zone() -> None:
    lines = when_lines(event("2027-03-17"), NOW, LONDON)
    assert lines == [
        "📅 **Wednesday 17 March 2027**",
        "⏳ 7 days to go (days counted in Europe/London, this server's time zone)",
    ]
    assert when_lines(event("2027-03-10"), NOW, LONDON)[1].startswith("🎉 That's today")
    assert when_lines(event("2027-03-11"), NOW, ZoneInfo("UTC"), zone_owner=None)[1] == (
        "⏳ 1 day to go (days counted in UTC)"
    )
    assert when_lines(event("2027-03-11"), NOW, ZoneInfo("Asia/Tokyo"), zone_owner="fan")[1] == (
        "⏳ 1 day to go (days counted in Asia/Tokyo, your time zone)"
    )


def test_a_month_or_a_year_never_gets_a_made_up_day() -> None:
    month = when_lines(event("2027-07", status="announced"), NOW, LONDON)
    assert month == ["📅 Expected **July 2027**; no exact date announced yet."]
    year = when_lines(event("2027"), NOW, LONDON)
    assert year == ["📅 Expected **2027**; no exact date announced yet."]
    for line in month + year:
        assert not re.search(r"\b\d{1,2} (July|January)", line) and "<t:" not in line and "to go" not in line


def test_past_dates_say_how_long_ago() -> None:
    assert when_lines(event("2027-03-07"), NOW, UTC_ZONE) == [
        "📅 **Sunday 7 March 2027**, 3 days ago (days counted in UTC, this server's time zone)"
    ]
    assert when_lines(event("2026-07"), NOW, UTC_ZONE) == [
        "📅 **July 2026** (no exact date known), 8 months ago."
    ]
    assert when_lines(event("2019-02"), NOW, UTC_ZONE)[0].endswith("about 8 years ago.")
    assert when_lines(event("2025"), NOW, UTC_ZONE)[0].endswith("2 years ago.")
    past_time = when_lines(event("2022-04-22T08:00 Europe/London"), NOW, UTC_ZONE)
    assert len(past_time) == 1 and ":R>" in past_time[0]
    assert when_lines(event("unknown"), NOW, UTC_ZONE) == ["📅 No date known yet."]


def test_status_is_always_labelled_and_a_rumour_is_never_a_fact() -> None:
    rumour = countdown_embed(event("2027-05", status="rumoured", title="Trailer"), NOW, UTC_ZONE)
    assert rumour.title == "❓ Rumour: Trailer"
    assert (rumour.description or "").startswith("❓ **Unconfirmed rumour, not a fact.**")
    assert "Rumoured for **May 2027**" in (rumour.description or "")
    assert "Expected" not in (rumour.description or "")
    announced = countdown_embed(event("2027", status="announced"), NOW, UTC_ZONE)
    assert (announced.description or "").startswith("📣 **Announced, not yet confirmed.**")
    assert announced.fields[0].value == "📣 Announced (not yet confirmed)"
    confirmed = countdown_embed(event("2027-06-01"), NOW, UTC_ZONE)
    assert confirmed.fields[0].value == "✅ Confirmed"
    assert "not yet confirmed" not in text_of(confirmed) and "umour" not in text_of(confirmed)


def test_sources_and_notes_are_shown() -> None:
    embed = countdown_embed(
        event("2027", note="Not before July.", sources=("https://www.radiotimes.com/a",)), NOW, UTC_ZONE
    )
    values = {field.name: field.value for field in embed.fields}
    assert values["Note"] == "Not before July."
    assert values["Sources"] == "[radiotimes.com](https://www.radiotimes.com/a)"


def test_a_server_event_name_is_escaped_everywhere() -> None:
    hostile = event("2027-06-01", status=None, title=HOSTILE)
    for text in (
        text_of(countdown_embed(hostile, NOW, UTC_ZONE)),
        announcement_content(hostile, "release", None, NOW, UTC_ZONE),
        text_of(nothing_upcoming_embed(hostile, NOW, UTC_ZONE)),
    ):
        assert "@everyone" not in text and "<@&1>" not in text and "**bold**" not in text
        assert "\u202e" not in text and "\u0000" not in text


def test_nothing_upcoming_shows_the_most_recent() -> None:
    embed = nothing_upcoming_embed(event("2027-03-07", title="Volume 7 published"), NOW, UTC_ZONE)
    assert embed.title == "Nothing upcoming yet"
    assert "No upcoming release is known yet." in (embed.description or "")
    assert "The most recent was **Volume 7 published**" in (embed.description or "")
    assert "3 days ago" in (embed.description or "")
    assert nothing_upcoming_embed(None, NOW, UTC_ZONE).description == "No upcoming release is known yet."


@given(st.text(min_size=1, max_size=6000))
def test_embeds_and_choices_stay_within_limits_whatever_the_name(name: str) -> None:
    hostile = event("2027-06-01T20:00 Europe/London", status=None, title=name, note=name * 2)
    assert within_limits(countdown_embed(hostile, NOW, UTC_ZONE))
    assert within_limits(announcement_embed(hostile, "reminder", NOW, UTC_ZONE))
    choice = event_choice_name(hostile, NOW, UTC_ZONE)
    assert 1 <= len(choice) <= 100
    assert len(announcement_content(hostile, "release", 1, NOW, UTC_ZONE)) <= 2000


def test_choice_names_keep_the_date_visible_and_mark_status() -> None:
    long = event("2027-06-01", title="x" * 200, status="rumoured")
    name = event_choice_name(long, NOW, UTC_ZONE)
    assert name.startswith("⏳ ") and name.endswith(" · 1 June 2027 (rumour)") and len(name) <= 100
    past = event_choice_name(event("2022-04-22T08:00 Europe/London", title="Season 1"), NOW, UTC_ZONE)
    assert past == "Season 1 · 22 Apr 2022, 08:00 Europe/London"
    assert event_choice_name(event("2027", status="announced", title="Film"), NOW, UTC_ZONE) == (
        "⏳ Film · 2027 (announced)"
    )


def test_announcement_content_pings_only_the_configured_role_first() -> None:
    day = event("2027-06-01")
    assert (
        announcement_content(day, "release", 42, NOW, UTC_ZONE) == "<@&42> 🎉 Today: **Season 4 premieres**"
    )
    assert announcement_content(day, "release", None, NOW, UTC_ZONE) == "🎉 Today: **Season 4 premieres**"
    exact = event("2027-06-01T20:00 UTC", status="announced")
    assert announcement_content(exact, "release", None, NOW, UTC_ZONE) == (
        "🎉 It's time: **Season 4 premieres** (the date is announced, not yet confirmed)"
    )
    reminder_now = datetime(2027, 5, 31, 9, 0, tzinfo=UTC)
    assert announcement_content(day, "reminder", None, reminder_now, UTC_ZONE) == (
        "⏰ Reminder: **Season 4 premieres**, tomorrow"
    )
    week = announcement_content(day, "reminder", None, datetime(2027, 5, 25, 9, 0, tzinfo=UTC), UTC_ZONE)
    assert week.endswith(", in 7 days")
    unix = int(datetime(2027, 6, 1, 20, 0, tzinfo=UTC).timestamp())
    assert announcement_content(exact, "reminder", None, NOW, UTC_ZONE).startswith(
        f"⏰ Reminder: **Season 4 premieres**, <t:{unix}:R>"
    )


def test_the_server_events_field_fits_25_long_names() -> None:
    events = [
        ServerEvent(
            i,
            1,
            f"{i} " + "ű" * 98,
            PartialDate(2027, 6, 1, time(20, 0), "America/Argentina/Buenos_Aires"),
            None,
            1,
            NOW,
        )
        for i in range(MAX_SERVER_EVENTS)
    ]
    [(name, value)] = server_events_fields(server_event_book(events, NOW, UTC_ZONE), UTC_ZONE)
    assert name == "This server's events (25/25 upcoming)"
    assert len(value) <= 1024 and value.endswith("more")
    assert server_events_fields(server_event_book([], NOW, UTC_ZONE), UTC_ZONE) == [
        ("This server's events (0/25 upcoming)", "None. Add one with `/config event-add`.")
    ]


def test_past_events_get_their_own_field_saying_when_they_go() -> None:
    party = ServerEvent(1, 1, "Watch party", PartialDate(2027, 3, 12, time(20, 0), "UTC"), None, 1, NOW)
    launch = ServerEvent(2, 1, "Launch", PartialDate(2027, 3, 9), None, 1, NOW)
    fields = server_events_fields(server_event_book([launch, party], NOW, UTC_ZONE), UTC_ZONE)
    gone = int(datetime(2027, 3, 17, tzinfo=UTC).timestamp())  # a week after 9 March ended
    assert fields == [
        ("This server's events (1/25 upcoming)", "• **Watch party**: Friday 12 March 2027, 20:00 (UTC)"),
        (
            "Past events (1), listed for 7 days after they end",
            f"• **Launch**: Tuesday 9 March 2027 · removed <t:{gone}:R>",
        ),
    ]
    only_past = server_events_fields(server_event_book([launch], NOW, UTC_ZONE), UTC_ZONE)
    assert only_past[0] == (
        "This server's events (0/25 upcoming)",
        "None upcoming. Add one with `/config event-add`.",
    )
    assert len(only_past) == 2


def test_many_past_events_fit_their_field() -> None:
    past = [ServerEvent(i, 1, f"{i} " + "x" * 98, PartialDate(2027, 3, 8), None, 1, NOW) for i in range(60)]
    [_, (name, value)] = server_events_fields(server_event_book(past, NOW, UTC_ZONE), UTC_ZONE)
    assert name.startswith("Past events (60)")
    assert len(value) <= 1024 and value.endswith(f"…and {60 - value.count('• ')} more")


def test_event_remove_choices_keep_the_date_and_say_past() -> None:
    party = ServerEvent(1, 1, "W" * 100, PartialDate(2027, 3, 9), None, 1, NOW)
    label = server_event_choice_name(party, past=True)
    assert len(label) <= 100 and label.endswith(" · Tuesday 9 March 2027 (past)")
    assert server_event_choice_name(party, past=False).endswith(" · Tuesday 9 March 2027")


def test_replies_for_config() -> None:
    party = ServerEvent(1, 1, "Watch party", PartialDate(2027, 6, 1), None, 1, NOW)
    added = event_added_text(party, scheduled_note=None, announcements_on=False)
    assert added.startswith("Added **Watch party** on Tuesday 1 June 2027.")
    assert "counted in this server's time zone" in added and "/config announcements" in added
    settings = GuildSettings(guild_id=1, announce_channel_id=5, announce_role_id=6, reminder="1w")
    saved = announcements_saved_text(settings, ["careful"])
    assert "<#5>" in saved and "<@&6>" in saved and "1 week before" in saved and saved.endswith("⚠️ careful")


def test_the_pick_menu_for_several_events_escapes_server_names_and_fits() -> None:
    mine = event("2027-04-01", status=None, title=HOSTILE)
    theirs = event("2027", status="announced", title="Heartstopper Forever premieres")
    embed = event_candidates_embed("@everyone film", [mine, theirs], more=True)
    text = embed.description or ""
    assert text.startswith("Several events match **@\u200beveryone film**. Pick one below.")
    assert "@everyone" not in text and "<@&1>" not in text and "**bold**" not in text
    assert "• **Heartstopper Forever premieres** · 2027 (announced)" in text
    assert text.endswith("…and more: type more of the name to narrow it down.")
    many = [event("2027-04-01", status=None, title=f"Party {i} " + "x" * 200) for i in range(30)]
    options = event_options(many, NOW, UTC_ZONE)
    assert len(options) == 25
    assert all(1 <= len(o.label) <= 100 and 1 <= len(o.description or "") <= 100 for o in options)
    assert (
        options[0].value == "guild:1"
        and options[0].description == "🏠 This server's own event (added by its moderators)"
    )
