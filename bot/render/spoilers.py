"""What /config spoilers says: the levels a moderator picks from, and what a limit hides."""

from __future__ import annotations

from bot.domain.i18n import ENGLISH, Words
from bot.domain.model import Dataset
from bot.domain.spoilers import ALWAYS_SHOWN, HIDDEN_KINDS, SpoilerLimit, caught_up_text, production_at_level


def spoiler_level_label(dataset: Dataset, level: int, tr: Words = ENGLISH) -> str:
    """An autocomplete name for a season level: "0 · nothing watched yet", "4 · Heartstopper Forever"."""
    if level == 0:
        return tr("0 · nothing watched yet")
    production = production_at_level(dataset, level)
    return f"{level} · {production.title if production else tr('Season {n}', n=level)}"


def volume_level_label(dataset: Dataset, level: int, tr: Words = ENGLISH) -> str:
    """ "4 · Heartstopper: Volume 4 (also This Winter, Solitaire, …)": every work at that level."""
    if level == 0:
        return tr("0 · nothing read yet")
    works = [w for w in dataset.works if w.spoiler_volume == level]
    numbered = [w.title for w in works if w.number == level]
    others = [w.title for w in works if w.number != level]
    text = f"{level} · {numbered[0] if numbered else tr('Volume {n}', n=level)}"
    if others:
        text += tr(" (also {titles})", titles=", ".join(others))
    return text


def spoiler_promise(tr: Words = ENGLISH) -> str:
    """What a limit hides and what it never hides, from the policy's own lists."""
    return tr(
        "beyond the limit, {hidden} go inside spoiler tags (click to reveal); {shown} always stay visible.",
        hidden=_listing(HIDDEN_KINDS, tr),
        shown=_listing(ALWAYS_SHOWN, tr),
    )


def _listing(items: tuple[str, ...], tr: Words) -> str:
    words = [tr(item) for item in items]
    return ", ".join(words[:-1]) + tr(" and ") + words[-1] if len(words) > 1 else "".join(words)


def spoiler_limit_set_text(
    dataset: Dataset, limit: SpoilerLimit, *, nothing_hidden: bool, tr: Words = ENGLISH
) -> str:
    """The private confirmation after /config spoilers."""
    text = tr("Spoiler limit set: this server is {caught_up}. ", caught_up=caught_up_text(dataset, limit, tr))
    if nothing_hidden:
        return text + tr("That is everything in the dataset, so nothing is hidden for now.")
    return text + tr(
        "In /plot, /volume, /cast and /faq: {promise} `/config spoilers-off` lifts the limit.",
        promise=spoiler_promise(tr),
    )


def spoiler_limit_lifted_text(had_limit: bool, tr: Words = ENGLISH) -> str:
    if not had_limit:
        return tr("There was no spoiler limit here: everything is already shown plainly.")
    return tr(
        "Spoiler limit lifted: /plot, /volume, /cast and /faq now show everything plainly in this server."
    )


def limit_footer(dataset: Dataset, limit: SpoilerLimit, tr: Words = ENGLISH) -> str:
    """What an answer with hidden story text says about the limit. A fan's own level is never printed: the
    answer may be public, and what a fan set with /me is theirs alone."""
    if limit.owner == "fan":
        whose = tr("🔒 Your own spoiler limit is active (/me show)")
    elif limit.owner == "both":
        whose = tr("🔒 Spoiler limit active (the stricter of yours and this server's)")
    else:
        whose = tr(
            "🔒 Spoiler limit active in this server ({caught_up})",
            caught_up=caught_up_text(dataset, limit, tr),
        )
    return tr("{whose}: later story content is hidden, click it to reveal.", whose=whose)
