"""What "On this day" posts and release threads say (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import discord

from bot.domain.anniversaries import Anniversary, years_ago_text
from bot.domain.text import truncate
from bot.render.common import BRAND_COLOUR, fit_embed
from bot.render.countdown import reference_tag

THREAD_NAME_LIMIT = 100
MAX_LINES = 20  # a day has a handful at most; more would be a dataset mistake, not news


def daily_embed(day: date, anniversaries: Sequence[Anniversary], *, reference: str) -> discord.Embed:
    """The post: one line per anniversary; its footer ends with `reference` to find it after a crash."""
    lines = [f"**{years_ago_text(a.years)}** ({a.on.year}): {a.title}" for a in anniversaries[:MAX_LINES]]
    embed = discord.Embed(
        title=f"📅 On this day: {day.day} {day:%B}", description="\n".join(lines), colour=BRAND_COLOUR
    )
    embed.set_footer(text=f"Fandex · On this day · {reference_tag(reference)}")
    return fit_embed(embed)


def thread_name(title: str) -> str:
    """The release thread's name, at most 100 characters, saying spoilers are discussed there."""
    prefix, suffix = "💬 ", " — spoilers"
    return prefix + truncate(title, THREAD_NAME_LIMIT - len(prefix) - len(suffix)) + suffix


def thread_intro_text(safe_title: str) -> str:
    return truncate(
        f"🧵 Spoilers are allowed in this thread: talk about **{safe_title}** freely here, and keep the "
        "channel itself spoiler-free for those who haven't caught up.",
        2000,
    )


def daily_saved_text(channel_id: int) -> str:
    return (
        f'"On this day" is on: on days with an anniversary in the dataset (a premiere, a publication, '
        f"an announcement), I post it in <#{channel_id}> at 09:00 server time (`/config timezone`), "
        "within this server's spoiler limit. Turn it off with `/config daily-off`."
    )
