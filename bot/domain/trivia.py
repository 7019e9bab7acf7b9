"""Trivia from the canon: a server's pool of questions and drawing one, pure and fast.

A question is built from facts the dataset confirms (bot/domain/trivia_kinds.py makes the pool): who plays
a character, whom an actor plays, which season adapts a book, a premiere's year... Each one states the
story points it touches (`Seed.reveals`: its subject and every wrong answer); a server's pool holds only
questions whose points its spoiler limit does not hide, and wrong answers drawn from entities it does not
hide either. A question whose answer the dataset marks unverified, or whose facts have no source fit to
link, is never in a pool.

Questions do not repeat in a server until its pool is used up: the caller passes the keys already asked
in the current round (stored in the database) and starts a new round when `draw` finds none left.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from bot.domain.model import StoryPoint
from bot.domain.spoilers import SpoilerLimit

if TYPE_CHECKING:
    from bot.domain.catalog import Catalog

MIN_CHOICES = 3
CHOICES = 4  # the right answer and three wrong ones, when the pool has that many
CHOICE_LIMIT = 80  # a button label's limit on Discord
# Random probes for an unasked question (or an unused wrong answer) before scanning the whole list: with
# few asked, one probe is enough; the scan only runs when a round is nearly used up.
PROBES = 24


@dataclass(frozen=True, slots=True)
class Question:
    """One multiple-choice question, as shown and as stored."""

    key: str  # which question of the pool ("actor:nick-nelson"): asked once per round in a server
    kind: str
    prompt: str
    choices: tuple[str, ...]  # 3 or 4 (MIN_CHOICES..CHOICES), the right one among them
    answer: int  # index of the right choice
    fact: str  # the answer as a sentence, for the reveal
    source: str  # the best source fit to link (never a weak page)

    @property
    def right(self) -> str:
        return self.choices[self.answer]


@dataclass(frozen=True, slots=True)
class Seed:
    """A question before its wrong answers are drawn and shuffled."""

    key: str
    kind: str
    prompt: str
    right: str
    fact: str
    source: str
    wrong: str  # the group of candidates its wrong answers come from (`TriviaPool.groups`)
    banned: frozenset[str]  # casefolded texts that are also right, or the right one: never offered as wrong
    reveals: tuple[StoryPoint, ...]  # the story points the question and its answer touch


# A group's members: a text (an actor, a name, a title) and the story point of the entity it names.
Members = tuple[tuple[str, StoryPoint], ...]


@dataclass(frozen=True, slots=True, eq=False)
class TriviaPool:
    """The questions a server may be asked under one spoiler limit, by kind, and their wrong answers."""

    limit: SpoilerLimit
    by_kind: Mapping[str, tuple[Seed, ...]]
    groups: Mapping[str, tuple[str, ...]]  # wrong-answer candidates within the limit, by group

    @property
    def size(self) -> int:
        return sum(len(seeds) for seeds in self.by_kind.values())

    def seeds(self) -> list[Seed]:
        return [seed for seeds in self.by_kind.values() for seed in seeds]


@dataclass(frozen=True, slots=True, eq=False)
class TriviaBase:
    """Every question the dataset allows, whatever the limit (built once per catalog), and the candidates
    for wrong answers with the story point each one names."""

    seeds: tuple[Seed, ...]
    groups: Mapping[str, Members]

    def pool(self, limit: SpoilerLimit) -> TriviaPool:
        """The questions a server under `limit` may be asked: none touching a point the limit hides, and
        wrong answers only from entities it does not hide."""
        groups = {name: _visible(members, limit) for name, members in self.groups.items()}
        by_kind: dict[str, list[Seed]] = {}
        for seed in self.seeds:
            if any(limit.hides(point) for point in seed.reveals):
                continue
            # Enough wrong answers whatever the draw: at most len(banned) candidates are banned.
            if len(groups.get(seed.wrong, ())) - len(seed.banned) < MIN_CHOICES - 1:
                continue
            by_kind.setdefault(seed.kind, []).append(seed)
        return TriviaPool(
            limit, MappingProxyType({k: tuple(v) for k, v in by_kind.items()}), MappingProxyType(groups)
        )


def _visible(members: Members, limit: SpoilerLimit) -> tuple[str, ...]:
    """The texts of `members` the limit does not hide, each once (ignoring case)."""
    shown: dict[str, str] = {}
    for text, point in members:
        if not limit.hides(point):
            shown.setdefault(text.casefold(), text)
    return tuple(shown.values())


def draw(pool: TriviaPool, asked: Set[str], rng: random.Random) -> Question | None:
    """A question of `pool` whose key is not in `asked`, or None when every one has been asked.

    A kind is picked first (each kind with questions left equally likely), then a question of that kind,
    so the many "who plays" questions of a big cast do not crowd out the rest.
    """
    kinds = [kind for kind, seeds in pool.by_kind.items() if seeds]
    while kinds:
        kind = kinds.pop(rng.randrange(len(kinds)))
        seed = _unasked(pool.by_kind[kind], asked, rng)
        if seed is not None:
            return build(seed, pool.groups.get(seed.wrong, ()), rng)
    return None


def _unasked(seeds: Sequence[Seed], asked: Set[str], rng: random.Random) -> Seed | None:
    if len(seeds) > 2 * PROBES:  # a short list is scanned at once; a long one probed first
        for _ in range(PROBES):
            seed = seeds[rng.randrange(len(seeds))]
            if seed.key not in asked:
                return seed
    fresh = [seed for seed in seeds if seed.key not in asked]
    return rng.choice(fresh) if fresh else None


def build(seed: Seed, candidates: Sequence[str], rng: random.Random, choices: int = CHOICES) -> Question:
    """The seed with `choices - 1` wrong answers from `candidates` and the choices shuffled."""
    wrong = pick_distinct(candidates, choices - 1, seed.banned, rng)
    texts = [*wrong, seed.right]
    rng.shuffle(texts)
    return Question(
        key=seed.key,
        kind=seed.kind,
        prompt=seed.prompt,
        choices=tuple(texts),
        answer=texts.index(seed.right),
        fact=seed.fact,
        source=seed.source,
    )


def pick_distinct(candidates: Sequence[str], count: int, banned: Set[str], rng: random.Random) -> list[str]:
    """Up to `count` different candidates, none of them (casefolded) in `banned`, in random order."""
    picked: list[str] = []
    seen = set(banned)
    if len(candidates) > 4 * (count + len(banned)):
        # A big list (a 10,000-character cast): a few random probes find enough at once.
        for _ in range(PROBES):
            candidate = candidates[rng.randrange(len(candidates))]
            key = candidate.casefold()
            if key not in seen:
                seen.add(key)
                picked.append(candidate)
                if len(picked) == count:
                    return picked
    rest = [c for c in candidates if c.casefold() not in seen]
    picked += rng.sample(rest, min(count - len(picked), len(rest)))
    return picked


class PoolCache:
    """Pools by (catalog, spoiler limit), built on first use: a few limits per dataset are in use at once.

    Held by its user (the trivia service), never at module level. A reloaded dataset is a new catalog,
    so its questions are built afresh and the old catalog's fall out of the cache.
    """

    def __init__(self, build_base: Callable[[Catalog], TriviaBase], size: int = 16) -> None:
        self._build_base = build_base
        self._size = size
        self._base: tuple[Catalog, TriviaBase] | None = None
        self._pools: dict[SpoilerLimit, TriviaPool] = {}

    def cached(self, catalog: Catalog, limit: SpoilerLimit) -> TriviaPool | None:
        if self._base is None or self._base[0] is not catalog:
            return None
        return self._pools.get(limit)

    def get(self, catalog: Catalog, limit: SpoilerLimit) -> TriviaPool:
        found = self.cached(catalog, limit)
        if found is not None:
            return found
        if self._base is None or self._base[0] is not catalog:
            self._base = (catalog, self._build_base(catalog))
            self._pools = {}
        pool = self._base[1].pool(limit)
        if len(self._pools) >= self._size:
            self._pools.pop(next(iter(self._pools)))
        self._pools[limit] = pool
        return pool


# -- what the database keeps (bot/storage/trivia.py returns these) ------------------------------------


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """A question asked in a channel: open until `closes_at` (by the bot's clock), revealed once closed."""

    id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    question: Question
    asked_at: datetime
    closes_at: datetime
    revealed_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        return self.revealed_at is None and now < self.closes_at


@dataclass(frozen=True, slots=True)
class Opening:
    """What /trivia play found: a new question, the one already open in the channel, or nothing to ask."""

    question: AskedQuestion | None  # None: the server's spoiler limit leaves no question to ask
    already_open: bool


@dataclass(frozen=True, slots=True)
class Score:
    """A fan's trivia in one server."""

    guild_id: int
    user_id: int
    name: str  # the display name seen with their latest answer (no members intent needed)
    points: int
    answers: int
    correct: int
    streak: int
    best_streak: int


@dataclass(frozen=True, slots=True)
class Stats:
    """A fan's trivia in one server (with their rank there), or over every server (`rank` None)."""

    points: int
    answers: int
    correct: int
    streak: int
    best_streak: int
    servers: int
    rank: int | None = None
    players: int | None = None


@dataclass(frozen=True, slots=True)
class Tally:
    """How a question went, for its reveal."""

    answered: int
    right: int


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """What storing an answer did: the first answer of this fan (with their new score), or an earlier one."""

    first: bool
    choice: int  # the choice stored: this one, or the earlier one
    score: Score | None  # the fan's score after this answer; None when it was not their first


POINTS_PER_RIGHT_ANSWER = 1


Verdict = Literal["right", "wrong", "already answered", "closed", "not a choice", "unknown question"]


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    """What a click on an answer button came to."""

    verdict: Verdict
    asked: AskedQuestion | None = None  # None for an unknown question
    choice: int = 0  # the fan's choice (for "already answered": the one they made before)
    score: Score | None = None  # their score after a first answer
