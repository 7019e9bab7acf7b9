"""What /me says: a fan's own settings, only ever to that fan."""

from __future__ import annotations

import discord

from bot.domain.model import Dataset
from bot.domain.settings import UserSettings
from bot.domain.spoilers import SpoilerLimit, caught_up_text
from bot.render.common import BRAND_COLOUR, fit_embed, timestamp
from bot.render.spoilers import spoiler_promise

# What /me forget deletes, named in its question; the features that store more about a fan add theirs.
STORED_KINDS = (
    "your spoiler limit",
    "your time zone",
    "your reminders",
    'the "Something wrong?" reports you sent',
    "your trivia answers and scores",
)

REPORTS_FIELD = "Reports you sent"
TRIVIA_FIELD = "Trivia"


def trivia_text(answers: int) -> str:
    """The /me show line for the fan's trivia answers (and the scores built from them)."""
    noun = "answer" if answers == 1 else "answers"
    return f"{answers} {noun} to /trivia questions, and your points and streaks in each server."


def reports_text(count: int) -> str:
    """The /me show line for the fan's "Something wrong?" reports (kept for the dataset's maintainers)."""
    noun = "report" if count == 1 else "reports"
    return f"{count} {noun} about the facts, kept for the dataset's maintainers; never shown in a server."


def me_spoilers_set_text(dataset: Dataset, limit: SpoilerLimit, *, nothing_hidden: bool) -> str:
    text = f"Your spoiler limit is set: you are {caught_up_text(dataset, limit)}. "
    if nothing_hidden:
        return text + "That is everything in the dataset, so nothing is hidden from you for now."
    return (
        text + f"Wherever you ask /plot, /volume or /cast: {spoiler_promise()} In a server, its own limit "
        "still applies where it is stricter. `/me spoilers-off` lifts yours."
    )


def me_spoilers_off_text(had_limit: bool) -> str:
    if not had_limit:
        return "You had no spoiler limit of your own: answers follow only the server's, if it set one."
    return "Your spoiler limit is lifted: answers follow only the server's limit, if it set one."


def me_timezone_text(name: str) -> str:
    return (
        f"Your time zone is set to **{name}**. Day-only dates in your private answers (`private:True`, "
        "DMs and group DMs) are counted in it; public answers in a server use the server's time zone."
    )


def own_limit_text(dataset: Dataset, settings: UserSettings) -> str:
    if not settings.has_spoiler_limit:
        return "None of your own: answers follow the server's limit, if it set one."
    text = caught_up_text(dataset, settings.spoiler_limit)
    return text[:1].upper() + text[1:] + "."


def me_embed(
    dataset: Dataset, settings: UserSettings, *, extra_fields: list[tuple[str, str]] | None = None
) -> discord.Embed:
    """Everything Fandex stores about the fan: the settings, then what other features add."""
    embed = discord.Embed(title="What Fandex stores about you", colour=BRAND_COLOUR)
    if settings.updated_at is None and not extra_fields:
        embed.description = "Nothing. Fandex stores something about you only once you set it with `/me`."
        return embed
    embed.add_field(name="Spoiler limit", value=own_limit_text(dataset, settings), inline=False)
    zone = settings.timezone or "None of your own: the server's, else UTC."
    embed.add_field(name="Time zone", value=zone, inline=False)
    for name, value in extra_fields or []:
        embed.add_field(name=name, value=value, inline=False)
    if settings.updated_at is not None:
        embed.add_field(name="Last changed", value=timestamp(settings.updated_at, "f"), inline=False)
    embed.set_footer(text="Only you can see this; server moderators cannot. /me forget deletes all of it.")
    return fit_embed(embed)


def forget_question() -> str:
    return (
        f"Delete everything Fandex stores about you ({', '.join(STORED_KINDS)})? This cannot be undone. "
        "Nothing is deleted unless you press the button."
    )


NOTHING_TO_FORGET = "Fandex stores nothing about you: there is nothing to delete."
FORGOTTEN = "Done: everything Fandex stored about you is deleted. Answers follow the server's settings only."
NOT_FORGOTTEN = "Nothing was deleted."
