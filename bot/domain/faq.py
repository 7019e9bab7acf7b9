"""/faq: the series facts (creator, directors, awards, no Season 4, …) grouped by topic, and finding
the topics a fan's question is about.

A topic is the dataset's `topic` label on its `[[series_facts]]`; facts sharing a label answer together.
A question matches a topic when every word of it (less filler such as "who" or "the") is in the topic's
label or in its facts, exactly, as the start of a word, or within /cast's typo tolerance. The topics
labelled "no season <n>" also answer /plot for a season after the last.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.cast import query_tokens
from bot.domain.errors import InvalidOptionError, NotFoundError, Text
from bot.domain.matching import EXACT, WordMatch, match_word, words
from bot.domain.model import Dataset, Fact
from bot.domain.text import escape_user_text

# Words a question carries that say nothing about its topic.
_FILLER_WORDS = (
    "a about an and are as at be did do does for has have how i in is it its me of on or tell the there "
    "to was were what when where which who whom why will with"
)
FILLER = frozenset(_FILLER_WORDS.split())
# Topics a single answer shows at most, when a question fits several equally.
MAX_TOPICS = 3
KEY_LIMIT = 60
LATER_SEASONS_PREFIX = "no-season"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Topic:
    key: str  # "no-season-4": the autocomplete value, and the "All sources" button's id
    label: str  # the dataset's label: "no season 4"
    facts: tuple[Fact, ...]
    label_words: frozenset[str]
    fact_words: frozenset[str]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(url for fact in self.facts for url in fact.sources)

    @property
    def forward_looking(self) -> bool:
        """Facts about what will (not) happen: told "as of" the day they were checked."""
        return self.key.startswith(LATER_SEASONS_PREFIX)


def topic_key(label: str) -> str:
    """A topic's id: lowercase ASCII words joined by hyphens ("no season 4" -> "no-season-4")."""
    return _NOT_SLUG.sub("-", label.casefold()).strip("-")[:KEY_LIMIT].strip("-") or "general"


def faq_topics(dataset: Dataset) -> tuple[Topic, ...]:
    """The series facts grouped by topic, in the order each topic first appears in the dataset."""
    grouped: dict[str, tuple[str, list[Fact]]] = {}
    for fact in dataset.series_facts:
        label = fact.topic.strip() or "general"
        grouped.setdefault(topic_key(label), (label, []))[1].append(fact)
    return tuple(
        Topic(
            key=key,
            label=label,
            facts=tuple(facts),
            label_words=words(label),
            fact_words=frozenset().union(*(words(fact.text) for fact in facts)),
        )
        for key, (label, facts) in grouped.items()
    )


def topics_id(topics: Sequence[Topic], limit: int = 80) -> str:
    """The id of an answer about `topics` (their keys joined by "."), as many as fit in `limit`."""
    shown = ""
    for topic in topics:
        joined = f"{shown}.{topic.key}" if shown else topic.key
        if len(joined) > limit:
            break
        shown = joined
    return shown or "general"


def later_season_topics(topics: Sequence[Topic]) -> tuple[Topic, ...]:
    """The topics that say there will be no further season ("no season 4")."""
    return tuple(topic for topic in topics if topic.key.startswith(LATER_SEASONS_PREFIX))


def _question_words(text: str, dataset_title: str) -> list[str]:
    series = words(dataset_title)
    return [word for word in query_tokens(text) if word not in FILLER and word not in series]


@dataclass(frozen=True, slots=True)
class _Score:
    matched: int  # how many of the question's words the topic holds
    weight: int  # label hits count more than fact hits, exact more than near ones

    def key(self) -> tuple[int, int]:
        return (-self.matched, -self.weight)


def _score(topic: Topic, question: list[str], *, prefix: bool) -> _Score:
    matched = weight = 0
    for word in question:
        in_label = match_word(word, topic.label_words, prefix=prefix)
        in_facts = match_word(word, topic.fact_words, prefix=prefix)
        if in_label is None and in_facts is None:
            continue
        matched += 1
        weight += max(_weight(in_label, 4), _weight(in_facts, 2))
    return _Score(matched, weight)


def _weight(found: WordMatch | None, exact: int) -> int:
    if found is None:
        return 0
    return exact if found.kind == EXACT else exact - 1


def _ranked(topics: Sequence[Topic], question: list[str], *, prefix: bool) -> list[tuple[_Score, Topic]]:
    scored = [(_score(topic, question, prefix=prefix), topic) for topic in topics]
    found = [(score, topic) for score, topic in scored if score.matched]
    found.sort(key=lambda pair: pair[0].key())  # stable: the dataset's order within a score
    return found


def suggest_topics(topics: Sequence[Topic], current: str, dataset_title: str) -> list[Topic]:
    """Autocomplete: every topic before anything is typed; then those holding the most of the words."""
    if not query_tokens(current):
        return list(topics[:25])
    by_key = next((t for t in topics if t.key == current.strip()), None)
    if by_key is not None:
        return [by_key]
    return [topic for _, topic in _ranked(topics, _question_words(current, dataset_title), prefix=True)][:25]


def find_topics(topics: Sequence[Topic], text: str, dataset_title: str) -> tuple[Topic, ...]:
    """The topics a question is about: an autocomplete value, a label, or every word of the question
    found in a topic; several only when they fit equally well. A NotFoundError otherwise."""
    key = text.strip()
    exact = next((t for t in topics if key and (t.key == key or t.key == topic_key(key))), None)
    if exact is not None:
        return (exact,)
    question = _question_words(text, dataset_title)
    if not question:
        raise InvalidOptionError(
            "Ask about one of the topics, for example **{topic}**, or leave `question` empty to see them "
            "all.",
            topic=topics[0].label if topics else "creator",
        )
    ranked = _ranked(topics, question, prefix=True)
    complete = [(score, topic) for score, topic in ranked if score.matched == len(question)]
    if complete:
        best = complete[0][0]
        return tuple(topic for score, topic in complete if score == best)[:MAX_TOPICS]
    raise _not_found(topics, text, [topic for _, topic in ranked])


def _not_found(topics: Sequence[Topic], text: str, partial: list[Topic]) -> NotFoundError:
    """Topic labels are the dataset's (English); the words around them are translated when shown."""
    closest = ""
    if partial:
        closest = Text(
            " Closest: {topics}.", topics=", ".join(f"**{t.label}**" for t in partial[:MAX_TOPICS])
        )
    listed = ", ".join(t.label for t in topics)
    return NotFoundError(
        "The series facts have nothing on **{text}**.{closest}{topics} "
        "For a person, try `/cast lookup`; for a season or a book, `/plot` or `/volume`.",
        text=escape_user_text(text, 80) or Text("that"),
        closest=closest,
        topics=Text(" Topics: {topics}.", topics=listed) if listed else "",
    )
