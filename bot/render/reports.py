""" "Something wrong?": the button's and the form's words, the private replies, and the maintainers' listing.

No reply quotes what the fan wrote; the listing prints it for a terminal only, every character that could
act on the terminal (escape sequences, bidi overrides, carriage returns) shown as an escape instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.domain.i18n import ENGLISH, N_, Words
from bot.domain.reports import REPORT_TEXT_LIMIT, REPORTS_PER_DAY, LimitReached, Report
from bot.domain.text import truncate
from bot.render.common import timestamp

BUTTON_LABEL = N_("Something wrong?")
BUTTON_EMOJI = "✏️"
FORM_TITLE_LIMIT = 45  # Discord's limit for a modal's title
FORM_LABEL = N_("What is wrong or missing?")
FORM_DESCRIPTION = N_(
    "Which fact, and what is right? A link to a source helps. Only the maintainers read it."
)
FORM_PLACEHOLDER = N_("e.g. Season 1 episode 4 is called Secret (netflix.com)")

EMPTY_TEXT = N_(
    "Nothing was sent: the report was empty. Press **Something wrong?** again and say what is wrong "
    "or missing."
)
NOT_STORED_TEXT = N_("Your report was not stored. {reason}")
GONE_TEXT = N_("That entry is no longer in the dataset: run the command again.")


def form_title(entry_title: str, tr: Words = ENGLISH) -> str:
    return truncate(tr("Report a fact about {title}", title=entry_title), FORM_TITLE_LIMIT)


def thanks_text(entry_title: str, *, cut: bool, tr: Words = ENGLISH) -> str:
    title = discord.utils.escape_markdown(entry_title)
    text = tr(
        "Thanks, a maintainer will look at your report about **{title}**. Only they see it.", title=title
    )
    if cut:
        text += tr(" Only its first {n} characters were kept.", n=tr.number(REPORT_TEXT_LIMIT))
    return text


def limit_text(limited: LimitReached, *, submitted: bool, tr: Words = ENGLISH) -> str:
    """The refusal once a user has sent REPORTS_PER_DAY reports in 24 hours: before the form opens, and
    (`submitted`) for a form opened before the limit was reached."""
    when = timestamp(limited.retry_at, "R")
    if submitted:
        return tr(
            "Your report was not stored: you have sent {n} reports in the last 24 hours, the most one "
            "person can send. You can send another {when}.",
            n=REPORTS_PER_DAY,
            when=when,
        )
    return tr(
        "You have sent {n} reports in the last 24 hours, the most one person can send. "
        "You can send another {when}.",
        n=REPORTS_PER_DAY,
        when=when,
    )


# -- the maintainers' listing (`python -m bot reports`) ------------------------------------------------


def terminal_safe(text: str) -> str:
    """One line of text safe to print: anything but printable characters and spaces (controls, escape
    sequences, bidi and zero-width marks, line and paragraph separators) becomes a visible escape."""
    return "".join(
        ch if ch == " " or ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


def _where(report: Report) -> str:
    if report.guild_id is None:
        return "direct message"
    return f"server {report.guild_id} · channel {report.channel_id}"


def report_listing(reports: Sequence[Report], total: int) -> list[str]:
    """The reports given (newest first) for a terminal; `total`: how many are stored."""
    if not reports:
        return ["No reports yet."]
    shown = "all of them" if len(reports) == total else f"the newest {len(reports)} (--limit for more)"
    lines = [f"{total} report{'s' if total != 1 else ''}, newest first; showing {shown}."]
    for report in reports:
        when = report.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        lines += [
            "",
            f"{when}  {terminal_safe(str(report.entry))} ({terminal_safe(report.entry_title)})",
            f"  {_where(report)} · user {report.user_id} · report {report.id}",
            *(f"  │ {terminal_safe(line)}" for line in report.text.split("\n")),
        ]
    return lines
