"""What /config spoilers says: the levels a moderator picks from, and what a limit hides."""

from __future__ import annotations

from bot.domain.model import Dataset
from bot.domain.spoilers import ALWAYS_SHOWN, HIDDEN_KINDS, SpoilerLimit, caught_up_text, production_at_level


def spoiler_level_label(dataset: Dataset, level: int) -> str:
    """An autocomplete name for a season level: "0 · nothing watched yet", "4 · Heartstopper Forever"."""
    if level == 0:
        return "0 · nothing watched yet"
    production = production_at_level(dataset, level)
    return f"{level} · {production.title if production else f'Season {level}'}"


def volume_level_label(dataset: Dataset, level: int) -> str:
    """ "4 · Heartstopper: Volume 4 (also This Winter, Solitaire, …)": every work at that level."""
    if level == 0:
        return "0 · nothing read yet"
    works = [w for w in dataset.works if w.spoiler_volume == level]
    numbered = [w.title for w in works if w.number == level]
    others = [w.title for w in works if w.number != level]
    text = f"{level} · {numbered[0] if numbered else f'Volume {level}'}"
    if others:
        text += f" (also {', '.join(others)})"
    return text


def spoiler_promise() -> str:
    """What a limit hides and what it never hides, from the policy's own lists."""
    return (
        f"beyond the limit, {_listing(HIDDEN_KINDS)} go inside spoiler tags (click to reveal); "
        f"{_listing(ALWAYS_SHOWN)} always stay visible."
    )


def _listing(items: tuple[str, ...]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def spoiler_limit_set_text(dataset: Dataset, limit: SpoilerLimit, *, nothing_hidden: bool) -> str:
    """The private confirmation after /config spoilers."""
    text = f"Spoiler limit set: this server is {caught_up_text(dataset, limit)}. "
    if nothing_hidden:
        return text + "That is everything in the dataset, so nothing is hidden for now."
    return (
        text
        + f"In /plot, /volume, /cast and /faq: {spoiler_promise()} `/config spoilers-off` lifts the limit."
    )


def spoiler_limit_lifted_text(had_limit: bool) -> str:
    if not had_limit:
        return "There was no spoiler limit here: everything is already shown plainly."
    return "Spoiler limit lifted: /plot, /volume, /cast and /faq now show everything plainly in this server."


def limit_footer(dataset: Dataset, limit: SpoilerLimit) -> str:
    """What an answer with hidden story text says about the limit. A fan's own level is never printed: the
    answer may be public, and what a fan set with /me is theirs alone."""
    if limit.owner == "fan":
        whose = "🔒 Your own spoiler limit is active (/me show)"
    elif limit.owner == "both":
        whose = "🔒 Spoiler limit active (the stricter of yours and this server's)"
    else:
        whose = f"🔒 Spoiler limit active in this server ({caught_up_text(dataset, limit)})"
    return f"{whose}: later story content is hidden, click it to reveal."
