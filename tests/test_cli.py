"""The operator commands as people run them: `python -m bot ask | invite | check-data | reports` in a
subprocess, with no token and nothing but the checkout, asserting on what they print."""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import discord
import pytest

from bot.app.invite import required_permissions
from bot.config import DEFAULT_DATASET_PATH, PROJECT_ROOT, Settings
from bot.domain.model import counts, unverified_facts
from bot.domain.reports import EntryRef, ReportText
from bot.domain.source import load_dataset
from bot.preview.command_line import leaf_commands, parse_now
from bot.preview.session import FixedClock, PreviewSession
from bot.storage.database import apply_migrations, discover_migrations, open_database
from bot.storage.reports import ReportRepository
from discord_emulator import DiscordEmulator, Guild, User
from tests.clock import FakeClock
from tests.conftest import StartBot

NOW = "2026-11-25T12:00Z"
CLIENT_ID = "123456789012345678"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_PATH", "DATASET", "DISCORD_API_BASE", "DISCORD_GATEWAY_URL", "LOG_LEVEL")
    }
    # An empty token in the environment also keeps a developer's .env token out: ask must not need one.
    environment.update(DISCORD_TOKEN="", PYTHONIOENCODING="utf-8", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def ask(database: Path, line: str, *flags: str, code: int = 0) -> str:
    result = cli("ask", line, *flags, "--now", NOW, "--database", str(database))
    assert result.returncode == code, result.stdout + result.stderr
    if code == 0:
        assert result.stderr == "", result.stderr  # no traceback, no warning
    return result.stdout + result.stderr


def command_of(line: str) -> str:
    return " ".join(itertools.takewhile(lambda word: ":" not in word, line.split()))


# -- ask: one subprocess per command ----------------------------------------------------------------------

SINGLE_RUNS: list[tuple[str, tuple[str, ...], list[str]]] = [
    (
        "/about",
        (),
        ["Reply (public):", "┃ Fandex", "┃ Dataset: Heartstopper", "┃ Facts last verified: 3 July 2026"],
    ),
    ("/cast lookup name:Kit Connor", (), ["Reply (public):", "┃ Nick Nelson", "┃ Played by: Kit Connor"]),
    ("/cast lookup name:nick nelson", (), ["┃ Nick Nelson", "┃ Played by: Kit Connor"]),
    ("/cast lookup name:Tao", (), ["┃ Tao Xu", "┃ Played by: William Gao"]),
    (
        "/cast lookup name:Nelson",
        ("--click", "Sarah Nelson"),
        [
            "▾ Pick a cast member",
            "» clicked 'Sarah Nelson'",
            "Reply (edited, public):",
            "┃ Played by: Olivia Colman",
        ],
    ),
    ("/cast lookup name:kit", ("--autocomplete", "name"), ["Suggestions (", "  Nick Nelson — Kit Connor"]),
    ("/cast list", ("--click", "Next"), ["Page 1/3", "[ ▶️ Next ]", "» clicked 'Next'", "Page 2/3"]),
    ("/plot season:2", (), ["┃ Season 2", "Heartstopper: Volume 3", "3 August 2023 · ✅ Confirmed"]),
    ("/plot season:film", ("--autocomplete", "season"), ["Suggestions (", "Heartstopper Forever"]),
    (
        "/volume book:3",
        (),
        ["┃ Heartstopper: Volume 3", "UK: February 2020 (exact day unknown)", "Adapted in: Season 2"],
    ),
    (
        "/countdown",
        (),
        [
            "┃ Heartstopper Forever premieres on Netflix",
            "Expected 2026; no exact date announced yet",
            "[image attached: countdown.png; alt text: Heartstopper Forever premieres on Netflix. ",
        ],
    ),
    (
        "/timeline",
        (),
        ["┃ Heartstopper: the books and the screen", "Season 2 (3 August 2023) adapts Volume 3"],
    ),
    ("/config show", (), ["Reply (private: only you can see it):", "┃ Fandex settings for Preview server"]),
    ("/config timezone tz:london", ("--autocomplete", "tz"), ["Suggestions (", "  Europe/London"]),
    ("/faq question:awards", (), ["Reply (public):", "┃ Awards", "five Emmys"]),
    ("/faq question:dir", ("--autocomplete", "question"), ["Suggestions (1):", "Directors — Euros Lyn"]),
    ("/help", (), ["Reply (public):", "┃ `/faq question:directors` — Series facts"]),
]


@pytest.mark.parametrize(
    ("line", "flags", "expected"), SINGLE_RUNS, ids=[" ".join((r[0], *r[1])) for r in SINGLE_RUNS]
)
def test_ask_prints_the_reply(tmp_path: Path, line: str, flags: tuple[str, ...], expected: list[str]) -> None:
    output = ask(tmp_path / "ask.sqlite3", line, *flags)
    for fragment in expected:
        assert fragment in output, output


def test_a_spoiler_limit_hides_later_story_until_lifted(tmp_path: Path) -> None:
    database = tmp_path / "ask.sqlite3"
    assert "Spoiler limit set" in ask(database, "/config spoilers season:1 volume:2")
    assert "┃ ⟦spoiler: " in ask(database, "/plot season:2")
    assert "Spoiler limit: Caught up: up to Season 1 and up to Volume 2" in ask(database, "/config show")
    assert "Spoiler limit lifted" in ask(database, "/config spoilers-off")
    assert "⟦spoiler:" not in ask(database, "/plot season:2")


def test_the_server_language_applies_to_public_answers_until_turned_off(tmp_path: Path) -> None:
    database = tmp_path / "ask.sqlite3"
    assert "now in Français" in ask(database, "/config language language:Français")
    assert "┃ Données: Heartstopper" in ask(database, "/about")  # public: the server's language
    assert "┃ Language: Français" in ask(database, "/config show")  # private: the moderator's own
    assert "Language setting cleared" in ask(database, "/config language language:off")
    assert "┃ Dataset: Heartstopper" in ask(database, "/about")


def test_moderator_settings_persist_between_runs(tmp_path: Path) -> None:
    database = tmp_path / "ask.sqlite3"
    assert "Time zone set to Europe/London." in ask(database, "/config timezone tz:Europe/London")
    on = ask(database, "/config announcements channel:#announcements role:@fans reminder:1 day")
    assert "In #announcements, pinging @fans; 1 day before." in on
    refused = ask(database, "/config announcements channel:#read-only")
    assert "I can't post in #read-only" in refused and "Nothing was changed." in refused

    added = ask(database, "/config event-add name:Watch party date:2026-12-24 time:19:30 discord_event:True")
    assert "Added Watch party on Thursday 24 December 2026, 19:30 (Europe/London)." in added
    assert "Discord API: POST /guilds/900000000000000001/scheduled-events" in added
    countdown = ask(database, "/countdown event:Watch party")
    assert "┃ 📅 Thursday, 24 December 2026 19:30 UTC (in a month)" in countdown
    assert "Watch party" in ask(database, "/config event-remove name:Watch", "--autocomplete", "name")

    shown = ask(database, "/config show")
    for fragment in (
        "┃ Time zone: Europe/London",
        "┃ Release-day announcements: In #announcements, pinging @fans; 1 day before.",
        "Watch party: Thursday 24 December 2026, 19:30 (Europe/London)",
        "┃ Settings last changed: 25 November 2026 12:00 UTC",
    ):
        assert fragment in shown, shown

    removed = ask(database, "/config event-remove name:Watch party")
    assert "Removed Watch party" in removed
    assert "Its entry in the server's Events tab is gone too." in removed  # the event made in an earlier run
    assert "Discord API: DELETE /guilds/900000000000000001/scheduled-events/" in removed
    assert "Release-day announcements are off." in ask(database, "/config announcements-off")
    assert "┃ Release-day announcements: Off." in ask(database, "/config show")


def test_ask_turns_on_this_day_and_release_threads_on_and_off(tmp_path: Path) -> None:
    database = tmp_path / "ask.sqlite3"
    assert '"On this day" is on' in ask(database, "/config daily channel:#general")
    threads = ask(database, "/config announcements channel:#announcements thread:True")
    assert "no ping; no reminder; a spoiler thread on each release." in threads
    shown = ask(database, "/config show")
    assert "┃ On this day: In #general, at 09:00 server time on days with an anniversary." in shown
    assert '"On this day" is off.' in ask(database, "/config daily-off")
    assert "┃ On this day: Off." in ask(database, "/config show")


def test_a_member_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    database = tmp_path / "ask.sqlite3"
    refused = ask(database, "/config spoilers season:1 volume:2", "--as-member")
    assert "Note: Discord hides /config spoilers from members without Manage Server" in refused
    assert "  You need the Manage Server permission to use this command." in refused
    assert "Spoiler limit: None" in ask(database, "/config show")


def test_a_fans_own_settings_persist_between_runs_until_forgotten(tmp_path: Path) -> None:
    database = tmp_path / "ask.sqlite3"
    assert "caught up to Season 1 and Volume 1" in ask(database, "/me spoilers season:1 volume:1")
    plot = ask(database, "/plot season:3")
    assert "┃ ⟦spoiler: " in plot and "Your own spoiler limit is active" in plot
    assert "Europe/Dublin" in ask(database, "/me timezone tz:Europe/Dublin")
    shown = ask(database, "/me show")
    assert "Reply (private: only you can see it):" in shown
    assert (
        "┃ Spoiler limit: Caught up to Season 1 and Volume 1." in shown
        and "┃ Time zone: Europe/Dublin" in shown
    )
    assert "Your spoiler limit is lifted" in ask(database, "/me spoilers-off")
    forgotten = ask(database, "/me forget", "--click", "Delete everything")
    assert (
        "[ Delete everything ]" in forgotten and "everything Fandex stored about you is deleted" in forgotten
    )
    assert "┃ Nothing." in ask(database, "/me show")
    assert "You have no reminders" in ask(database, "/me reminders")


def test_trivia_and_polls_from_the_command_line(tmp_path: Path) -> None:
    shown = ask(tmp_path / "first.sqlite3", "/trivia play")
    assert "┃ 🎲 Trivia" in shown and "Time to answer: 20 seconds" in shown
    label = re.findall(r"\[ ([^\]]+) \]", shown)[0]
    # A fresh database and the same fixed clock: the same question, answered this time.
    database = tmp_path / "ask.sqlite3"
    answered = ask(database, "/trivia play", "--click", label)
    assert f"» clicked '{label}'" in answered
    assert "✅ Right" in answered or "❌ Not this time" in answered
    assert "already open in this channel" in ask(database, "/trivia play")
    assert "┃ 🏆 Trivia leaderboard" in ask(database, "/trivia leaderboard")
    assert "1 answer" in ask(database, "/trivia stats")
    poll = ask(database, "/poll about:season")
    assert "📊 Poll: Which Heartstopper season is your favourite?" in poll and "○ Season 3" in poll


def test_every_registered_command_is_run_here(tmp_path: Path) -> None:
    async def registered() -> list[str]:
        settings = Settings(
            token="", database_path=tmp_path / "ask.sqlite3", dataset_path=DEFAULT_DATASET_PATH
        )
        async with PreviewSession(settings, FixedClock(parse_now(NOW))) as session:
            return leaf_commands(session.commands)

    source = Path(__file__).read_text(encoding="utf-8")
    untested = [command for command in asyncio.run(registered()) if f'"{command}' not in source]
    assert not untested, f"add an `ask` subprocess test for {untested}"


# -- ask: mistakes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "flags", "expected"),
    [
        (
            "/cats",
            (),
            ["Unknown command /cats. Did you mean /cast list or /cast lookup?", "Commands: /about,"],
        ),
        ("/cast lokup name:Kit", (), ["/cast has no subcommand 'lokup'. Did you mean /cast lookup?"]),
        (
            "/cast lookup nmae:Kit",
            (),
            ["/cast lookup has no option 'nmae'. Did you mean name?", "Options of"],
        ),
        ("/plot", (), ["/plot needs season.", "  season: text, required, with suggestions"]),
        ("/config announcements channel:#nowhere", (), ["no such channel '#nowhere'", "#announcements"]),
        ("/cast lookup name:Kit", ("--autocomplete", "nmae"), ["has no option 'nmae' with suggestions"]),
    ],
)
def test_usage_errors_list_what_is_valid_and_exit_2(
    tmp_path: Path, line: str, flags: tuple[str, ...], expected: list[str]
) -> None:
    output = ask(tmp_path / "ask.sqlite3", line, *flags, code=2)
    for fragment in expected:
        assert fragment in output, output


def test_a_missing_button_still_shows_the_reply_then_exits_2(tmp_path: Path) -> None:
    output = ask(tmp_path / "ask.sqlite3", "/cast list", "--click", "Last", code=2)
    assert output.startswith("Reply (public):")
    assert "No button or menu option labelled 'Last'." in output


def test_a_broken_dataset_is_reported_not_previewed(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[dataset\n", encoding="utf-8")
    result = cli("ask", "/about", "--dataset", str(broken), "--database", str(tmp_path / "ask.sqlite3"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"INVALID {broken}")


def test_configured_discord_endpoints_are_ignored(tmp_path: Path) -> None:
    # Port 9 (discard) on loopback: any attempt to use it would fail the command.
    env = {
        "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
        "DISCORD_GATEWAY_URL": "ws://127.0.0.1:9/gateway",
    }
    result = cli("ask", "/about", "--database", str(tmp_path / "ask.sqlite3"), env=env)
    assert result.returncode == 0, result.stderr
    assert "┃ Fandex" in result.stdout


# -- invite ---------------------------------------------------------------------------------------------


def test_invite_prints_the_url_with_the_computed_permissions() -> None:
    result = cli("invite", "--client-id", CLIENT_ID)
    assert result.returncode == 0, result.stderr
    permissions = required_permissions()
    first, _, user_install = result.stdout.splitlines()[:3]
    assert first == (
        f"https://discord.com/oauth2/authorize?client_id={CLIENT_ID}"
        f"&scope=bot+applications.commands&permissions={permissions.value}&integration_type=0"
    )
    # A fan's own install: the commands only (no bot user, no permissions), usable anywhere.
    assert user_install == (
        f"https://discord.com/oauth2/authorize?client_id={CLIENT_ID}&integration_type=1"
        "&scope=applications.commands"
    )
    granted = discord.Permissions(int(first.split("permissions=", 1)[1].split("&", 1)[0]))
    # What the features do on their own: post announcements (with an embed; history to find a post after a
    # crash) and create scheduled events.
    assert granted.view_channel and granted.send_messages and granted.embed_links and granted.create_events
    assert granted.read_message_history
    assert granted.create_public_threads and granted.send_messages_in_threads  # release threads
    # Nothing broader: no @everyone pings, no managing others' events, no admin.
    assert not (granted.mention_everyone or granted.manage_events or granted.administrator)
    assert granted.value == 17901423774720
    assert (
        "Mention Everyone: A role ping in announcements reaches members only if the role is mentionable"
        in (result.stdout)
    )


@pytest.mark.parametrize("client_id", ["", "abc", "12345", "123456789012345678901", "-123456789012345678"])
def test_invite_refuses_what_is_not_an_application_id(client_id: str) -> None:
    result = cli("invite", "--client-id", client_id)
    assert result.returncode == 2
    assert "--client-id must be your application's ID" in result.stderr


# -- check-data -----------------------------------------------------------------------------------------


def test_check_data_lists_the_claims_whose_window_has_passed() -> None:
    result = cli("check-data", str(DEFAULT_DATASET_PATH), "--now", "2027-02-01T00:00Z")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("Claims whose window has passed, to update (2):")
    assert lines[start + 1 : start + 3] == [
        "  - production film (release): announced, 2026",
        "  - event film-premiere: announced, 2026",
    ]


def test_check_data_reports_counts_and_every_unverified_fact() -> None:
    result = cli("check-data", str(DEFAULT_DATASET_PATH), "--now", "2026-07-03T12:00Z")
    assert result.returncode == 0, result.stderr
    dataset = load_dataset(DEFAULT_DATASET_PATH)
    lines = result.stdout.splitlines()
    for kind, number in counts(dataset).items():
        assert f"  {kind}: {number}" in lines
    unverified = unverified_facts(dataset)
    assert unverified, "the shipped dataset marks facts as unverified; this test expects some"
    assert f"Unverified facts ({len(unverified)}):" in lines
    listed = lines[lines.index(f"Unverified facts ({len(unverified)}):") + 1 :]
    assert listed == [f"  - {fact}" for fact in unverified]
    assert "Claims whose window has passed, to update (0):" in lines  # on the day the facts were checked
    assert (
        "  - character oliver-spring: The actor who plays him (reported as Jensen Clayden; not confirmed)."
        in lines
    )


# -- reports ---------------------------------------------------------------------------------------------

REPORTED_AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def seed_reports(path: Path, *reports: tuple[EntryRef, str, int | None, str]) -> None:
    """Store (entry, title, guild id, text) reports a minute apart, as the bot would."""
    db = await open_database(path)
    clock = FakeClock(REPORTED_AT)
    try:
        for number, (entry, title, guild_id, text) in enumerate(reports):
            await ReportRepository(db, clock).add(
                entry,
                title,
                ReportText(text, cut=False),
                guild_id=guild_id,
                channel_id=22,
                user_id=300 + number,
            )
            clock.advance(minutes=1)
    finally:
        await db.close()


def test_reports_lists_the_newest_first_escaped_for_a_terminal(tmp_path: Path) -> None:
    database = tmp_path / "fandex.sqlite3"
    asyncio.run(
        seed_reports(
            database,
            (EntryRef("character", "oliver-spring"), "Oliver Spring", 11, "He is their cousin on screen."),
            (
                EntryRef("work", "volume-6"),
                "Heartstopper: Volume 6",
                None,
                "US: 7 July 2026\nsee the publisher",
            ),
            (
                EntryRef("event", "film-premiere"),
                "Heartstopper Forever",
                11,
                "\x1b[2J\x1b[31mgone\r\u202efake",
            ),
        )
    )
    result = cli("reports", "--limit", "2", env={"DATABASE_PATH": str(database)})
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.splitlines() == [
        "3 reports, newest first; showing the newest 2 (--limit for more).",
        "",
        "2026-12-01 12:02:00 UTC  event:film-premiere (Heartstopper Forever)",
        "  server 11 · channel 22 · user 302 · report 3",
        "  │ \\x1b[2J\\x1b[31mgone\\r\\u202efake",
        "",
        "2026-12-01 12:01:00 UTC  work:volume-6 (Heartstopper: Volume 6)",
        "  direct message · user 301 · report 2",
        "  │ US: 7 July 2026",
        "  │ see the publisher",
    ]
    everything = cli("reports", env={"DATABASE_PATH": str(database)})
    assert everything.stdout.startswith("3 reports, newest first; showing all of them.\n")
    assert "  │ He is their cousin on screen." in everything.stdout.splitlines()
    assert "\x1b" not in everything.stdout and "\r" not in everything.stdout


def test_reports_without_reports_says_so(tmp_path: Path) -> None:
    missing = cli("reports", env={"DATABASE_PATH": str(tmp_path / "none.sqlite3")})
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.startswith(f"fandex: no database at {tmp_path / 'none.sqlite3'} (DATABASE_PATH)")
    assert not (tmp_path / "none.sqlite3").exists()  # listing creates nothing

    async def before_reports(path: Path) -> None:  # a database from before migration 0005
        db = await aiosqlite.connect(path)
        await apply_migrations(db, discover_migrations()[:4])
        await db.close()

    old = tmp_path / "old.sqlite3"
    asyncio.run(before_reports(old))
    result = cli("reports", env={"DATABASE_PATH": str(old)})
    assert result.returncode == 0 and result.stdout.startswith("No reports yet: ")
    empty = tmp_path / "empty.sqlite3"
    asyncio.run(seed_reports(empty))
    assert cli("reports", env={"DATABASE_PATH": str(empty)}).stdout == "No reports yet.\n"
    refused = cli("reports", "--limit", "0")
    assert refused.returncode == 2 and "--limit: not a whole number of at least 1" in refused.stderr


async def test_reports_reads_what_a_running_bot_stored(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User, tmp_path: Path
) -> None:
    fandex = await start_bot()
    answer = await emulator.slash(guild, fan, "plot", season="1", episode=4)
    [report_id] = [c for c in answer.custom_ids() if c.startswith("fx:report:")]
    form = await emulator.click(answer, report_id, user=fan)
    await emulator.submit_modal(form, {"report": "Episode 4 is **Secret** @everyone"})
    result = await asyncio.to_thread(cli, "reports", env={"DATABASE_PATH": str(tmp_path / "fandex.sqlite3")})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "1 report, newest first; showing all of them."
    assert lines[2].endswith("  production:season-1 (Season 1)")
    assert lines[3] == f"  server {guild.id} · channel {guild.general.id} · user {fan.id} · report 1"
    assert lines[4] == "  │ Episode 4 is **Secret** @everyone"
    assert len(await fandex.reports.newest(5)) == 1  # the bot kept its database to itself meanwhile
