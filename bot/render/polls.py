"""/poll: a canon poll as Discord's native poll, and the line that goes with it."""

from __future__ import annotations

from datetime import timedelta

import discord

from bot.domain.i18n import ENGLISH, Words
from bot.domain.polls import CanonPoll


def native_poll(canon: CanonPoll) -> discord.Poll:
    poll = discord.Poll(question=canon.question, duration=timedelta(hours=canon.hours))
    for answer in canon.answers:
        poll.add_answer(text=answer)
    return poll


def poll_note(canon: CanonPoll, caught_up: str | None, tr: Words = ENGLISH) -> str | None:
    """Said above the poll when answers were left out for the spoiler limit (None: nothing to say)."""
    if not canon.left_out or not caught_up:
        return None
    return tr.plural(
        canon.left_out,
        "Within this server's spoiler limit ({limit}): {n} later one left out.",
        "Within this server's spoiler limit ({limit}): {n} later ones left out.",
        limit=caught_up,
    )
