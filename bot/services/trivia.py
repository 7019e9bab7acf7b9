"""Trivia games: asking a question, taking answers, and revealing each answer once its time is up.

Everything a question needs lives in the database (bot/storage/trivia.py), so nothing is lost with the
process: its buttons are answered by their custom_id whatever process gets the click, and the reveal is
due from `closes_at` on, by the bot's clock. `run_forever` (started by the trivia cog) wakes when the next
question closes, or every `poll_interval` seconds at the latest, and reveals what is due, questions left
open by a previous process included.

The reveal edits the question message through the /trivia play interaction while this process holds it
(its token works for 15 minutes, needs no permission in the channel); after a restart, or once the token
has expired, through the channel (the bot's own message: View Channel is enough). A reveal Discord refuses
for good (message deleted, no access) is given up and recorded; a transient failure is retried on the
next run for `give_up_after`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import aiohttp
import discord

from bot.domain.i18n import Words, words_for_server
from bot.domain.spoilers import NO_LIMIT, SpoilerLimit
from bot.domain.text import clean_user_text, truncate
from bot.domain.trivia import AnswerOutcome, AskedQuestion, Opening, PoolCache, TriviaPool, draw
from bot.domain.trivia_kinds import build_base
from bot.render.trivia import question_view, reveal_embed
from bot.storage.trivia import TriviaRepository

if TYPE_CHECKING:
    from bot.domain.catalog import Catalog
    from bot.domain.clock import Clock
    from bot.storage.database import Connection
    from bot.storage.guild_settings import GuildSettingsRepository

log = logging.getLogger(__name__)

NAME_LIMIT = 100  # characters of a display name stored (Discord's own limit is 32)


class TriviaHost(Protocol):
    """What the game needs from the bot (the app's FandexBot provides it)."""

    db: Connection
    clock: Clock
    catalog: Catalog
    guild_settings: GuildSettingsRepository

    def get_guild(self, guild_id: int, /) -> discord.Guild | None: ...

    def get_partial_messageable(
        self, id: int, *, guild_id: int | None = None, type: Any = None
    ) -> discord.PartialMessageable: ...


def stored_name(display_name: str, fallback: str) -> str:
    """The name kept for the leaderboard: cleaned of control characters, bounded, never empty."""
    return (
        truncate(clean_user_text(display_name), NAME_LIMIT)
        or truncate(clean_user_text(fallback), NAME_LIMIT)
        or "?"
    )


class TriviaGame:
    # Class attributes so tests can shorten them (load_extension re-imports cogs, not this module).
    question_seconds: float = 20.0  # how long a question is open
    poll_interval: float = 5.0  # the longest the reveal loop sleeps
    give_up_after = timedelta(minutes=10)  # a reveal still failing this long after the close is dropped

    def __init__(self, bot: TriviaHost) -> None:
        self.bot = bot
        self.store = TriviaRepository(bot.db)
        self.pools = PoolCache(build_base)
        self._building = asyncio.Lock()
        self._revealing = asyncio.Lock()  # one reveal run at a time: the loop, or /trivia play's nudge
        self._wake = asyncio.Event()
        # The /trivia play interaction behind each open question this process posted: its token edits the
        # message without any permission in the channel.
        self._origins: dict[int, discord.Interaction[Any]] = {}

    async def pool(self, limit: SpoilerLimit) -> TriviaPool:
        """The questions for `limit`; the first use of a dataset builds them in a thread (10,000 characters:
        about a second), so interactions keep being answered meanwhile."""
        catalog = self.bot.catalog
        found = self.pools.cached(catalog, limit)
        if found is not None:
            return found
        async with self._building:
            return await asyncio.to_thread(self.pools.get, catalog, limit)

    # -- asking ---------------------------------------------------------------------------------------

    async def open(self, guild_id: int, channel_id: int, limit: SpoilerLimit, seed: int) -> Opening:
        """A new question for the channel (drawn with `seed`), or the one already open there."""
        pool = await self.pool(limit)
        rng = random.Random(seed)
        now = self.bot.clock.now()
        closes = now + timedelta(seconds=self.question_seconds)
        opening = await self.store.open_question(
            guild_id, channel_id, now, closes, lambda asked: draw(pool, asked, rng)
        )
        if opening.already_open and opening.question and not opening.question.is_open(now):
            self._wake.set()  # its time is up: reveal it now rather than at the next poll
        return opening

    async def posted(self, asked: AskedQuestion, origin: discord.Interaction[Any], message_id: int) -> None:
        """The question is on screen: remember its message, and when it closes."""
        self._origins[asked.id] = origin
        await self.store.set_message(asked.id, message_id)
        self._wake.set()

    async def discard(self, asked: AskedQuestion) -> None:
        """The question could not be posted: forget it, so the channel is free again."""
        self._origins.pop(asked.id, None)
        await self.store.discard(asked.id)

    # -- answering ------------------------------------------------------------------------------------

    async def answer(
        self, question_id: int, choice: int, guild_id: int | None, user_id: int, name: str
    ) -> AnswerOutcome:
        """Record a fan's answer: right or wrong at once, or why it was not taken."""
        asked = await self.store.get(question_id)
        if asked is None or asked.guild_id != guild_id:
            return AnswerOutcome("unknown question")
        if not 0 <= choice < len(asked.question.choices):
            return AnswerOutcome("not a choice", asked)
        now = self.bot.clock.now()
        if not asked.is_open(now):
            if asked.revealed_at is None:
                self._wake.set()
            return AnswerOutcome("closed", asked)
        record = await self.store.record_answer(asked, user_id, name, choice, now)
        if not record.first:
            return AnswerOutcome("already answered", asked, record.choice)
        verdict = "right" if choice == asked.question.answer else "wrong"
        return AnswerOutcome(verdict, asked, choice, record.score)

    # -- revealing ------------------------------------------------------------------------------------

    async def reveal_due(self) -> int:
        """Reveal every question whose time is up (by the bot's clock); how many were revealed."""
        revealed = 0
        async with self._revealing:
            now = self.bot.clock.now()
            for asked in await self.store.due(now):
                if await self._reveal(asked, now):
                    revealed += 1
        return revealed

    async def _reveal(self, asked: AskedQuestion, now: datetime) -> bool:
        tally = await self.store.tally(asked.id)
        try:
            embed = reveal_embed(asked, tally, await self._public_words(asked))
            if not await self._edit(asked, embed, question_view(asked, revealed=True)):
                log.warning("Trivia question %d was never posted; closed without a reveal", asked.id)
        except (discord.NotFound, discord.Forbidden) as exc:
            log.warning(
                "Trivia question %d: its message can't be edited (%s); closed without a reveal", asked.id, exc
            )
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            if now - asked.closes_at < self.give_up_after:
                log.warning("Trivia question %d: reveal failed (%s); retrying on the next run", asked.id, exc)
                return False
            log.error(
                "Trivia question %d: reveal still failing after %s; giving up", asked.id, self.give_up_after
            )
        self._origins.pop(asked.id, None)
        await self.store.mark_revealed(asked.id, now)
        return True

    async def _public_words(self, asked: AskedQuestion) -> Words:
        """The reveal is public: the server's `/config language`, else its Discord locale (as the
        question's interaction carried it, else as the gateway reports it), else English."""
        settings = await self.bot.guild_settings.get(asked.guild_id)
        origin = self._origins.get(asked.id)
        if origin is not None:
            locale = origin.guild_locale.value if origin.guild_locale else None
        else:
            guild = self.bot.get_guild(asked.guild_id)
            locale = guild.preferred_locale.value if guild is not None else None
        return words_for_server(settings.language, locale)

    async def _edit(self, asked: AskedQuestion, embed: discord.Embed, view: discord.ui.View) -> bool:
        """Show the reveal on the question's message; False when there is no message to edit."""
        edit = {"embed": embed, "allowed_mentions": discord.AllowedMentions.none()}
        origin = self._origins.get(asked.id)
        if origin is not None:
            try:
                await origin.edit_original_response(**edit, view=view)  # DynamicItems only
                return True
            except discord.HTTPException as exc:  # the token has expired (15 minutes): try the channel
                log.info("Trivia question %d: editing through the interaction failed (%s)", asked.id, exc)
        if asked.message_id is None:
            return False
        channel = self.bot.get_partial_messageable(asked.channel_id, guild_id=asked.guild_id)
        await channel.get_partial_message(asked.message_id).edit(**edit, view=view)  # DynamicItems only
        return True

    async def run_forever(self) -> None:
        """Reveal questions as their time runs out, for as long as the bot runs."""
        try:
            await self.pool(NO_LIMIT)  # build the questions now rather than on the first /trivia play
        except Exception:
            log.exception("Could not build the trivia questions")
        while True:
            self._wake.clear()
            try:
                await self.reveal_due()
                delay = await self._until_next_close()
            except Exception:
                log.exception("Trivia reveal run failed")
                delay = self.poll_interval
            # Not asyncio.wait_for: on Python 3.11 it swallows a cancellation that arrives as the event is
            # set, and this loop would outlive the cog (cog_unload waits for it forever).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()

    async def _until_next_close(self) -> float:
        closes = await self.store.next_close()
        if closes is None:
            return self.poll_interval
        seconds = (closes - self.bot.clock.now()).total_seconds()
        return min(max(seconds, 0.05), self.poll_interval)
