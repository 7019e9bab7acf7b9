"""What /me says: a fan's own settings, only ever to that fan (so always in the fan's own language)."""

from __future__ import annotations

import discord

from bot.domain.i18n import ENGLISH, N_, Words
from bot.domain.model import Dataset
from bot.domain.settings import UserSettings
from bot.domain.spoilers import SpoilerLimit, caught_up_text
from bot.render.common import BRAND_COLOUR, fit_embed, timestamp
from bot.render.spoilers import spoiler_promise

# What /me forget deletes, named in its question; the features that store more about a fan add theirs.
STORED_KINDS = (
    N_("your spoiler limit"),
    N_("your time zone"),
    N_("your reminders"),
    N_('the "Something wrong?" reports you sent'),
    N_("your trivia answers and scores"),
)

REPORTS_FIELD = N_("Reports you sent")
TRIVIA_FIELD = N_("Trivia")


def trivia_text(answers: int, tr: Words = ENGLISH) -> str:
    """The /me show line for the fan's trivia answers (and the scores built from them)."""
    return tr.plural(
        answers,
        "{n} answer to /trivia questions, and your points and streaks in each server.",
        "{n} answers to /trivia questions, and your points and streaks in each server.",
    )


def reports_text(count: int, tr: Words = ENGLISH) -> str:
    """The /me show line for the fan's "Something wrong?" reports (kept for the dataset's maintainers)."""
    return tr.plural(
        count,
        "{n} report about the facts, kept for the dataset's maintainers; never shown in a server.",
        "{n} reports about the facts, kept for the dataset's maintainers; never shown in a server.",
    )


def me_spoilers_set_text(
    dataset: Dataset, limit: SpoilerLimit, *, nothing_hidden: bool, tr: Words = ENGLISH
) -> str:
    text = tr(
        "Your spoiler limit is set: you are {caught_up}. ", caught_up=caught_up_text(dataset, limit, tr)
    )
    if nothing_hidden:
        return text + tr("That is everything in the dataset, so nothing is hidden from you for now.")
    return text + tr(
        "Wherever you ask /plot, /volume or /cast: {promise} In a server, its own limit still applies where "
        "it is stricter. `/me spoilers-off` lifts yours.",
        promise=spoiler_promise(tr),
    )


def me_spoilers_off_text(had_limit: bool, tr: Words = ENGLISH) -> str:
    if not had_limit:
        return tr("You had no spoiler limit of your own: answers follow only the server's, if it set one.")
    return tr("Your spoiler limit is lifted: answers follow only the server's limit, if it set one.")


def me_timezone_text(name: str, tr: Words = ENGLISH) -> str:
    return tr(
        "Your time zone is set to **{zone}**. Day-only dates in your private answers (`private:True`, DMs "
        "and group DMs) are counted in it; public answers in a server use the server's time zone.",
        zone=name,
    )


def own_limit_text(dataset: Dataset, settings: UserSettings, tr: Words = ENGLISH) -> str:
    if not settings.has_spoiler_limit:
        return tr("None of your own: answers follow the server's limit, if it set one.")
    text = caught_up_text(dataset, settings.spoiler_limit, tr)
    return text[:1].upper() + text[1:] + "."


def me_embed(
    dataset: Dataset,
    settings: UserSettings,
    *,
    extra_fields: list[tuple[str, str]] | None = None,
    tr: Words = ENGLISH,
) -> discord.Embed:
    """Everything Fandex stores about the fan: the settings, then what other features add."""
    embed = discord.Embed(title=tr("What Fandex stores about you"), colour=BRAND_COLOUR)
    if settings.updated_at is None and not extra_fields:
        embed.description = tr("Nothing. Fandex stores something about you only once you set it with `/me`.")
        return embed
    embed.add_field(name=tr("Spoiler limit"), value=own_limit_text(dataset, settings, tr), inline=False)
    zone = settings.timezone or tr("None of your own: the server's, else UTC.")
    embed.add_field(name=tr("Time zone"), value=zone, inline=False)
    for name, value in extra_fields or []:
        embed.add_field(name=name, value=value, inline=False)
    if settings.updated_at is not None:
        embed.add_field(name=tr("Last changed"), value=timestamp(settings.updated_at, "f"), inline=False)
    embed.set_footer(
        text=tr("Only you can see this; server moderators cannot. /me forget deletes all of it.")
    )
    return fit_embed(embed)


def forget_question(tr: Words = ENGLISH) -> str:
    return tr(
        "Delete everything Fandex stores about you ({kinds})? This cannot be undone. Nothing is deleted "
        "unless you press the button.",
        kinds=", ".join(tr(kind) for kind in STORED_KINDS),
    )


NOTHING_TO_FORGET = N_("Fandex stores nothing about you: there is nothing to delete.")
FORGOTTEN = N_(
    "Done: everything Fandex stored about you is deleted. Answers follow the server's settings only."
)
NOT_FORGOTTEN = N_("Nothing was deleted.")
