"""What "On this day" posts and release threads say (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import discord

from bot.domain.anniversaries import Anniversary, years_ago_text
from bot.domain.i18n import ENGLISH, Words
from bot.domain.text import truncate
from bot.render.common import BRAND_COLOUR, fit_embed
from bot.render.countdown import reference_tag

THREAD_NAME_LIMIT = 100
MAX_LINES = 20  # a day has a handful at most; more would be a dataset mistake, not news


def daily_embed(
    day: date, anniversaries: Sequence[Anniversary], *, reference: str, tr: Words = ENGLISH
) -> discord.Embed:
    """The post: one line per anniversary; its footer ends with `reference` to find it after a crash."""
    lines = [f"**{years_ago_text(a.years, tr)}** ({a.on.year}): {a.title}" for a in anniversaries[:MAX_LINES]]
    when = f"{day.day} {day:%B}" if tr.is_english else tr.day_and_month(day)
    embed = discord.Embed(
        title=tr("📅 On this day: {day}", day=when), description="\n".join(lines), colour=BRAND_COLOUR
    )
    # The reference stays as it is in every language: a later run finds the post by it.
    embed.set_footer(text=tr("Fandex · On this day · {reference}", reference=reference_tag(reference)))
    return fit_embed(embed)


def thread_name(title: str, tr: Words = ENGLISH) -> str:
    """The release thread's name, at most 100 characters, saying spoilers are discussed there."""
    prefix, suffix = "💬 ", tr(" — spoilers")
    return prefix + truncate(title, THREAD_NAME_LIMIT - len(prefix) - len(suffix)) + suffix


def thread_intro_text(safe_title: str, tr: Words = ENGLISH) -> str:
    return truncate(
        tr(
            "🧵 Spoilers are allowed in this thread: talk about **{title}** freely here, and keep the "
            "channel itself spoiler-free for those who haven't caught up.",
            title=safe_title,
        ),
        2000,
    )


def daily_saved_text(channel_id: int, tr: Words = ENGLISH) -> str:
    return tr(
        '"On this day" is on: on days with an anniversary in the dataset (a premiere, a publication, an '
        "announcement), I post it in {channel} at 09:00 server time (`/config timezone`), within this "
        "server's spoiler limit. Turn it off with `/config daily-off`.",
        channel=f"<#{channel_id}>",
    )
