"""Regenerate the README's command transcripts by running `python -m bot ask` for each example.

    python tools/update_readme_transcripts.py           rewrite the block between the markers in README.md
    python tools/update_readme_transcripts.py --check   exit 1 if README.md is out of date

Every command the bot registers must have an example here, or this refuses to write (and the README
test fails), so a new command cannot ship without its transcript. The examples run in order against one
fresh preview database, with the clock fixed, so /config changes show up in later examples and the
output is the same on every machine.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import shlex
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))  # run as a script from anywhere: import the checkout's `bot`

README = PROJECT_ROOT / "README.md"
START, END = "<!-- transcripts:start -->", "<!-- transcripts:end -->"
NOW = "2026-12-01T12:00Z"
DATASET = PROJECT_ROOT / "data" / "heartstopper.toml"


@dataclass(frozen=True, slots=True)
class Example:
    line: str  # the command as typed in Discord
    flags: tuple[str, ...] = ()  # extra `ask` flags shown to the reader (--click, --autocomplete, ...)
    caption: str = ""
    exit_code: int = 0


EXAMPLES: tuple[Example, ...] = (
    Example("/about"),
    Example("/cast lookup name:Kit Connor", caption="An actor finds their character."),
    Example(
        "/cast lookup name:Nelson",
        ("--click", "Sarah Nelson"),
        caption="Several matches: a menu to pick from (here the preview picks Sarah Nelson).",
    ),
    Example("/cast lookup name:tao", ("--autocomplete", "name"), caption="Suggestions while typing."),
    Example("/cast lookup name:Nellie", caption='A name that is nobody\'s: "did you mean", privately.'),
    Example("/cast list season:3", ("--click", "Next"), caption="Pages, turned with the buttons."),
    Example("/plot season:1 episode:1"),
    Example("/plot season:film"),
    Example("/plot season:4", caption="A season there will not be, answered from the series facts."),
    Example("/volume book:Nick and Charlie", caption="Dates only as precise as the sources."),
    Example(
        "/volume book:6",
        ("--click", "Something wrong?"),
        caption="Every fact answer can be reported as wrong or incomplete, in a form only maintainers read.",
    ),
    Example("/countdown", caption="The next release: the year is all that is announced."),
    Example(
        "/countdown event:Volume 6",
        ("--click", "Volume 6 published in the US"),
        caption="Several events fit: a menu to pick from (here the preview picks the US publication).",
    ),
    Example("/timeline", caption="The books and the screen on one picture, with what adapts what."),
    Example("/faq question:who directed season 3", caption="The series facts, asked in a fan's own words."),
    Example("/help", caption="Every command with one example, read from the commands themselves."),
    Example(
        "/config spoilers season:1 volume:2", caption="A moderator sets how far the server has caught up…"
    ),
    Example("/plot season:2 episode:5", caption="…and later story content is hidden behind spoiler tags."),
    Example(
        "/trivia play",
        ("--click", "Girls"),
        caption="A question for the channel from the canon, within the spoiler limit; each fan's answer is "
        "confirmed privately, and the answer and its source replace the buttons after 20 seconds.",
    ),
    Example("/trivia leaderboard"),
    Example("/trivia stats", caption="A fan's own numbers, privately (in DMs: over every server)."),
    Example(
        "/poll about:book", caption="A native Discord poll of the canon: books beyond the limit are left out."
    ),
    Example("/config spoilers-off"),
    Example("/config timezone tz:Europe/London"),
    Example("/config announcements channel:#announcements role:@fans reminder:1 day thread:True"),
    Example(
        "/config daily channel:#general",
        caption='"On this day": a post at 09:00 on days with an anniversary in the dataset.',
    ),
    Example(
        "/config announcements channel:#read-only",
        caption="A channel the bot cannot post in is refused at once.",
    ),
    Example("/config event-add name:Watch party date:2026-12-24 time:19:30 discord_event:True"),
    Example(
        "/countdown event:Watch party",
        ("--click", "Remind me", "--click", "1 day before"),
        caption="🔔 Remind me: a private choice of when, then a private confirmation; the DM comes then.",
    ),
    Example("/me reminders", caption="A fan's reminders, each with a button to cancel it, for them alone."),
    Example("/config show"),
    Example("/config event-remove name:Watch party"),
    Example("/config announcements-off"),
    Example("/config daily-off"),
    Example(
        "/config language language:Deutsch",
        caption="Public replies here in German from now on; private ones follow each fan's Discord language.",
    ),
    Example("/about", caption="A public answer, now in the server's language."),
    Example("/config language language:off", caption="Back to the server's Discord language (here English)."),
    Example("/config show", ("--as-member",), caption="A member without Manage Server."),
    Example(
        "/me spoilers season:1 volume:1",
        caption="A fan sets how far they have got: stored for them alone, applied wherever they ask…",
    ),
    Example("/plot season:3", caption="…so their answers hide later story, while other fans see it plainly."),
    Example("/me timezone tz:Europe/Dublin"),
    Example("/me show", caption="Everything Fandex stores about the fan, shown to them alone."),
    Example("/me spoilers-off"),
    Example(
        "/me forget", ("--click", "Delete everything"), caption="All of it deleted at once, after a confirm."
    ),
    Example("/cats", caption="A misspelt command lists the valid ones.", exit_code=2),
)


def command_of(example: Example) -> str:
    """The command an example exercises: the words before the first option ("/cast lookup")."""
    return " ".join(itertools.takewhile(lambda word: ":" not in word, example.line.split()))


def registered_commands() -> list[str]:
    """Every command path the bot registers, as the preview's emulator has them after the bot synced."""
    from bot.config import Settings
    from bot.preview.command_line import leaf_commands, parse_now
    from bot.preview.session import FixedClock, PreviewSession

    async def collect(database: Path) -> list[str]:
        settings = Settings(token="", database_path=database, dataset_path=DATASET)
        async with PreviewSession(settings, FixedClock(parse_now(NOW))) as session:
            return leaf_commands(session.commands)

    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(collect(Path(folder) / "commands.sqlite3"))


def missing_examples(commands: list[str]) -> list[str]:
    covered = {command_of(e) for e in EXAMPLES if e.exit_code == 0}
    return [command for command in commands if command not in covered]


def shown_command(example: Example) -> str:
    """The command line a reader can paste (without --now/--database, which the note explains)."""
    line = example.line
    quoted = f'"{line}"' if not re.search(r'["\\$`!]', line) else shlex.quote(line)
    flags = " ".join(shlex.quote(flag) for flag in example.flags)
    return f"python -m bot ask {quoted}" + (f" {flags}" if flags else "")


def installed_version_text(output: str) -> str:
    """What an installed copy prints: a checkout that was never `pip install`ed reports a placeholder
    version; the transcripts show the version from pyproject.toml instead, so they do not depend on
    whether the generator ran from an installed copy."""
    from bot import __version__

    if not __version__.endswith("+checkout"):
        return output
    with (PROJECT_ROOT / "pyproject.toml").open("rb") as file:
        version = tomllib.load(file)["project"]["version"]
    return output.replace(__version__, version)


# /about reports the gateway latency discord.py measured: a real heartbeat round trip to the loopback
# emulator, a few milliseconds that differ from run to run. The transcripts show one typical value (in
# English, and in German after the /config language example).
_LATENCY = re.compile(r"(Gateway latency: |Gateway-Latenz: )\d+ ms")
SHOWN_LATENCY = "2 ms"


def steady_latency(output: str) -> str:
    return _LATENCY.sub(lambda match: match.group(1) + SHOWN_LATENCY, output)


def run_example(example: Example, database: Path, python: str) -> str:
    command = [python, "-m", "bot", "ask", example.line, *example.flags]
    command += ["--now", NOW, "--database", str(database), "--dataset", str(DATASET)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60
    )
    if result.returncode != example.exit_code:
        raise RuntimeError(
            f"{shown_command(example)} exited {result.returncode}, expected {example.exit_code}:\n"
            f"{result.stdout}{result.stderr}"
        )
    return steady_latency(installed_version_text((result.stdout + result.stderr).rstrip()))


def transcripts(python: str = sys.executable) -> str:
    """The markdown between the README markers, produced by running every example."""
    missing = missing_examples(registered_commands())
    if missing:
        raise RuntimeError(
            f"No transcript example for {', '.join(missing)}: add one to EXAMPLES in {Path(__file__).name}."
        )
    parts = [
        "<!-- Generated by tools/update_readme_transcripts.py: do not edit by hand. -->",
        "Each block below is the output of `python -m bot ask`, which runs the real bot without a token "
        "against a loopback Discord in the same process (no server, no network). They ran in this order in "
        "one fresh "
        f"preview server, with the clock set to {NOW} (`--now`); times print in UTC, where Discord "
        "shows each reader's own time zone, and the gateway latency (a loopback round trip that varies "
        f"from run to run) as {SHOWN_LATENCY}. `⟦spoiler: …⟧` marks text members must click to reveal.",
    ]
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "transcripts.sqlite3"
        for example in EXAMPLES:
            parts.append(
                f"**{command_of(example) or example.line}**"
                + (f": {example.caption}" if example.caption else "")
            )
            output = run_example(example, database, python)
            parts.append(f"```text\n$ {shown_command(example)}\n{output}\n```")
    return "\n\n".join(parts)


def readme_block(readme: str) -> str:
    start, end = readme.index(START) + len(START), readme.index(END)
    return readme[start:end].strip("\n")


def with_block(readme: str, block: str) -> str:
    start, end = readme.index(START) + len(START), readme.index(END)
    return f"{readme[:start]}\n{block}\n{readme[end:]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is out of date")
    args = parser.parse_args(argv)
    readme = README.read_text(encoding="utf-8")
    block = transcripts()
    if args.check:
        if readme_block(readme) != block:
            print("README.md transcripts are out of date: run python tools/update_readme_transcripts.py")
            return 1
        return 0
    README.write_text(with_block(readme, block), encoding="utf-8")
    print(f"Wrote {len(EXAMPLES)} transcripts to {README.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
