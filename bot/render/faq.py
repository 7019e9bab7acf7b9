"""The /faq answers (the series facts by topic, spoiler-aware) and /plot's answer for a season after the
last one, told from the same facts. Dataset text is escaped as in bot.render.story."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.domain.faq import Topic
from bot.domain.i18n import ENGLISH, Words
from bot.domain.model import Dataset, StoryText
from bot.domain.sources import pick_sources
from bot.domain.spoilers import SpoilerLimit
from bot.render.common import (
    BRAND_COLOUR,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_TITLE_LIMIT,
    FIELD_VALUE_LIMIT,
    choice_text,
    fit_embed,
    join_lines,
    sources_text,
)
from bot.render.story import (
    Answer,
    Moment,
    dataset_text,
    date_text,
    production_label,
    set_facts_footer,
    story_text,
)

INDEX_LINE_ROOM = 90  # characters of a topic's first fact in the /faq index


def topic_title(topic: Topic) -> str:
    return topic.label[:1].upper() + topic.label[1:]


def topic_choice_name(topic: Topic) -> str:
    """An autocomplete name: "Directors — Euros Lyn directed Seasons 1 and 2." (1-100 characters)."""
    first = topic.facts[0].text if topic.facts else ""
    return choice_text(f"{topic_title(topic)} — {first}" if first else topic_title(topic))


def _as_of(topics: Sequence[Topic], moment: Moment, tr: Words) -> str:
    """ "As of 3 July 2026, …:" before facts about what will (not) happen, once that day is past."""
    if moment.today > moment.verified_on and any(topic.forward_looking for topic in topics):
        return tr("As of {date}, when these facts were last checked:", date=tr.day(moment.verified_on))
    return ""


def _facts_block(topic: Topic, limit: SpoilerLimit, tr: Words, room: int = FIELD_VALUE_LIMIT) -> str:
    """One line per fact, each inside spoiler tags exactly when its story point lies beyond the limit."""
    share = max(room // max(len(topic.facts), 1) - 4, 40)
    lines = [f"• {story_text(StoryText(f.text, f.reveals), limit, room=share)}" for f in topic.facts]
    return join_lines(lines, room, tr)


def _any_hidden(topics: Sequence[Topic], limit: SpoilerLimit) -> bool:
    return any(limit.hides(fact.reveals) for topic in topics for fact in topic.facts)


def faq_answer(
    dataset: Dataset, topics: Sequence[Topic], limit: SpoilerLimit, moment: Moment, tr: Words = ENGLISH
) -> Answer:
    """One topic's facts (or a few topics', when a question fits them equally), with three sources."""
    if len(topics) == 1:
        [topic] = topics
        lines = [_as_of(topics, moment, tr), _facts_block(topic, limit, tr, EMBED_DESCRIPTION_LIMIT // 2)]
        embed = discord.Embed(
            title=dataset_text(topic_title(topic), limit=EMBED_TITLE_LIMIT),
            description="\n".join(line for line in lines if line),
            colour=BRAND_COLOUR,
        )
    else:
        embed = discord.Embed(
            title=tr("Series facts"), description=_as_of(topics, moment, tr) or None, colour=BRAND_COLOUR
        )
        for topic in topics:
            embed.add_field(
                name=dataset_text(topic_title(topic)), value=_facts_block(topic, limit, tr), inline=False
            )
    embed.set_author(name=dataset.title)
    pick = pick_sources(dataset, [url for topic in topics for url in topic.sources])
    embed.add_field(name=tr("Sources"), value=sources_text(pick, tr), inline=False)
    set_facts_footer(embed, dataset, limit, _any_hidden(topics, limit), tr)
    embed.set_footer(text=f"{embed.footer.text} {tr('/faq lists every topic.')}")
    return Answer(fit_embed(embed), pick)


def faq_index(
    dataset: Dataset, topics: Sequence[Topic], limit: SpoilerLimit, tr: Words = ENGLISH
) -> discord.Embed:
    """Every topic with the start of its first fact: what /faq can answer."""
    lines = []
    for topic in topics:
        first = topic.facts[0] if topic.facts else None
        text = story_text(StoryText(first.text, first.reveals), limit, room=INDEX_LINE_ROOM) if first else ""
        title = dataset_text(topic_title(topic), limit=INDEX_LINE_ROOM)
        more = " " + tr("(+{n} more)", n=len(topic.facts) - 1) if len(topic.facts) > 1 else ""
        lines.append(f"**{title}**: {text}{more}" if text else f"**{title}**")
    embed = discord.Embed(
        title=tr("{title}: series facts", title=dataset.title),
        description=join_lines(
            lines or [tr("No series facts in this dataset yet.")], EMBED_DESCRIPTION_LIMIT // 2, tr
        ),
        colour=BRAND_COLOUR,
    )
    set_facts_footer(embed, dataset, limit, _any_hidden(topics, limit), tr)
    pick_one = tr("Pick a topic with /faq question: for all its facts and sources.")
    embed.set_footer(text=f"{embed.footer.text} {pick_one}")
    return fit_embed(embed)


def later_season_answer(
    dataset: Dataset,
    number: int,
    topics: Sequence[Topic],
    limit: SpoilerLimit,
    moment: Moment,
    tr: Words = ENGLISH,
) -> Answer:
    """/plot for a season after the last: what the series facts say about it, the seasons there are,
    and how the story continues (the film, its release dated as every claim is)."""
    seasons = dataset.seasons
    facts = [fact for topic in topics for fact in topic.facts]
    lines: list[str] = []
    if not facts or number > len(seasons) + 1:
        lines.append(
            tr(
                "{title} has {count} seasons; the dataset knows of no Season {number}.",
                title=dataset.title,
                count=len(seasons),
                number=number,
            )
        )
    if facts:
        lines.append(_as_of(topics, moment, tr))
        lines += [story_text(StoryText(f.text, f.reveals), limit, room=600) for f in facts]
    embed = discord.Embed(
        title=tr("Season {n}", n=number),
        description="\n".join(line for line in lines if line),
        colour=BRAND_COLOUR,
    )
    embed.set_author(name=dataset.title)
    if seasons:
        labels = [dataset_text(production_label(p)) for p in seasons]
        embed.add_field(name=tr("Seasons"), value=join_lines(labels, tr=tr), inline=False)
    film = dataset.film
    if film is not None:
        when = date_text(film.release_date, film.release_status, moment, tr)
        embed.add_field(
            name=tr("The story continues in"),
            value=tr(
                "**{title}** (film): {when}\n`/plot season:film` for more.",
                title=dataset_text(film.title),
                when=when,
            ),
            inline=False,
        )
    pick = pick_sources(dataset, [url for fact in facts for url in fact.sources])
    if facts:
        embed.add_field(name=tr("Sources"), value=sources_text(pick, tr), inline=False)
    set_facts_footer(embed, dataset, limit, any(limit.hides(fact.reveals) for fact in facts), tr)
    return Answer(fit_embed(embed), pick)
