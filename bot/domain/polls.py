"""/poll of the canon: a native Discord poll whose answers come from the dataset, within the spoiler limit.

Favourite season or book: only those the server has reached are offered (and released ones: the film,
only announced, is not a season to vote on yet). Favourite character or episode of a season: refused
while that season is beyond the limit, since names and episode titles would give it away.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.domain.errors import InvalidOptionError, Text
from bot.domain.i18n import CHOICE, ENGLISH, Told, Words
from bot.domain.model import Production, StoryPoint
from bot.domain.spoilers import CaughtUpText, SpoilerLimit
from bot.domain.story import production_name, resolve_production
from bot.domain.text import truncate

if TYPE_CHECKING:
    from bot.domain.catalog import Catalog

# Discord's rules for a poll.
QUESTION_LIMIT = 300
ANSWER_LIMIT = 55
MAX_ANSWERS = 10
MIN_HOURS, MAX_HOURS = 1, 768  # up to 32 days
DEFAULT_HOURS = 24

TOPICS = {
    "season": "Favourite season",
    "book": "Favourite book",
    "character": "Favourite character of a season",
    "episode": "Favourite episode of a season",
}
# Who a "favourite character" poll offers: the regulars (a season's guests would crowd them out of 10).
POLL_GROUPS = ("main", "recurring")


@dataclass(frozen=True, slots=True)
class CanonPoll:
    question: str
    answers: tuple[str, ...]  # 2..MAX_ANSWERS, each 1..ANSWER_LIMIT characters, all different
    hours: int
    left_out: int = 0  # answers beyond the server's spoiler limit, not offered


def canon_poll(
    catalog: Catalog,
    topic: str,
    season: str | None,
    hours: object,
    limit: SpoilerLimit,
    tr: Words = ENGLISH,
) -> CanonPoll:
    """The poll for `topic` (its question in `tr`'s language, the answers as the dataset has them), or an
    InvalidOptionError (shown privately, in the fan's language) saying what to change.

    Every value is checked here: a hostile client can send any topic, season or number of hours.
    """
    if isinstance(hours, bool) or not isinstance(hours, int) or not MIN_HOURS <= hours <= MAX_HOURS:
        raise InvalidOptionError(
            "`hours` must be a whole number from {low} to {high} (32 days).", low=MIN_HOURS, high=MAX_HOURS
        )
    dataset = catalog.dataset
    if topic == "season":
        released = [p for p in dataset.seasons if _released(p, catalog)]
        shown = [p for p in released if not limit.hides(StoryPoint(season=p.spoiler_season))]
        question = tr("Which {title} season is your favourite?", title=dataset.title)
        titles = [p.title for p in shown]
        return _poll(
            catalog, limit, question, titles, hours, what=Text("seasons"), left_out=len(released) - len(shown)
        )
    if topic == "book":
        works = list(dataset.works)
        shown = [w for w in works if not limit.hides(StoryPoint(volume=w.spoiler_volume))]
        question = tr("Which {title} book is your favourite?", title=dataset.title)
        titles = [w.title for w in shown]
        return _poll(
            catalog, limit, question, titles, hours, what=Text("books"), left_out=len(works) - len(shown)
        )
    if topic not in TOPICS:
        topics = Told(lambda tr: ", ".join(tr.in_context(CHOICE, name) or name for name in TOPICS.values()))
        raise InvalidOptionError("Pick what the poll is about: {topics}.", topics=topics)
    if not season:
        if topic == "character":
            raise InvalidOptionError("A poll about a character needs a `season`: which season is it about?")
        raise InvalidOptionError("A poll about an episode needs a `season`: which season is it about?")
    production = resolve_production(catalog, season)
    name = production_name(production)
    if limit.hides(StoryPoint(season=production.spoiler_season)):
        caught_up = CaughtUpText(dataset, limit)
        if topic == "character":
            raise InvalidOptionError(
                "{name} is beyond this server's spoiler limit ({limit}): its characters would give it away. "
                "Pick a season the server has reached.",
                name=name,
                limit=caught_up,
            )
        raise InvalidOptionError(
            "{name} is beyond this server's spoiler limit ({limit}): its episodes would give it away. "
            "Pick a season the server has reached.",
            name=name,
            limit=caught_up,
        )
    if topic == "character":
        level = production.number if production.kind == "season" else None
        people = [
            c.name
            for group in POLL_GROUPS
            for c in dataset.characters
            if c.group == group and (level in c.seasons if level is not None else c.film == "confirmed")
        ]
        question = tr("Who is your favourite character in {name}?", name=name)
        return _poll(catalog, limit, question, people, hours, what=Text("characters"))
    titled = [f"{e.number}. {e.title}" for e in production.episodes if e.title]
    question = tr("Which episode of {name} is your favourite?", name=name)
    return _poll(catalog, limit, question, titled, hours, what=Text("episodes"))


def _released(production: Production, catalog: Catalog) -> bool:
    start = production.release_date.earliest()
    return (
        production.release_status == "confirmed"
        and start is not None
        and start.date() <= catalog.dataset.verified_on
    )


def _poll(
    catalog: Catalog,
    limit: SpoilerLimit,
    question: str,
    texts: Iterable[str],
    hours: int,
    *,
    what: Text,
    left_out: int = 0,
) -> CanonPoll:
    answers = list(dict.fromkeys(truncate(text, ANSWER_LIMIT) for text in texts if text.strip()))
    if len(answers) < 2:
        if left_out:
            caught_up = CaughtUpText(catalog.dataset, limit)
            if len(answers) == 1:
                raise InvalidOptionError(
                    "A poll needs at least two answers: only {n} of the {what} is within this server's "
                    "spoiler limit ({limit}).",
                    n=len(answers),
                    what=what,
                    limit=caught_up,
                )
            raise InvalidOptionError(
                "A poll needs at least two answers: only {n} of the {what} are within this server's "
                "spoiler limit ({limit}).",
                n=len(answers),
                what=what,
                limit=caught_up,
            )
        raise InvalidOptionError(
            "A poll needs at least two answers, and the dataset has {n} {what} for it.",
            n=len(answers),
            what=what,
        )
    return CanonPoll(truncate(question, QUESTION_LIMIT), tuple(answers[:MAX_ANSWERS]), hours, left_out)
