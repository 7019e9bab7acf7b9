"""/me: a fan's own settings, wherever they use Fandex. Every answer is private.

Nothing is stored about a fan until they set something here; `/me show` lists all of it and `/me forget`
deletes all of it at once (after a confirm button). A fan only ever reads or changes their own settings:
every command acts on `interaction.user`, and no option names another user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.components import send_with_view
from bot.app.confirm import ConfirmView
from bot.app.language import private_words
from bot.app.reach import everywhere
from bot.app.reminders import follow_fan_reminders, show_reminders
from bot.app.replies import send_private
from bot.app.tree import safe_autocomplete
from bot.domain.i18n import ENGLISH, Words
from bot.domain.spoilers import check_spoiler_limit, max_spoiler_season, max_spoiler_volume, nothing_hidden
from bot.domain.timezones import resolve_timezone, suggest_timezones
from bot.render.common import choice_text
from bot.render.me import (
    FORGOTTEN,
    NOT_FORGOTTEN,
    NOTHING_TO_FORGET,
    REPORTS_FIELD,
    TRIVIA_FIELD,
    forget_question,
    me_embed,
    me_spoilers_off_text,
    me_spoilers_set_text,
    me_timezone_text,
    reports_text,
    trivia_text,
)
from bot.render.reminders import REMINDERS_FIELD, reminders_summary
from bot.render.spoilers import spoiler_level_label, volume_level_label
from bot.services.personal_data import forget_fan

if TYPE_CHECKING:
    from bot.app.client import FandexBot


@everywhere
class Me(
    commands.GroupCog,
    group_name="me",
    group_description="Your own Fandex settings: spoiler limit, time zone, reminders (only you see them)",
):
    def __init__(self, bot: FandexBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="spoilers", description="Hide story content beyond how far you have got")
    @app_commands.describe(
        season="Last season you have watched (0 = none; the film counts as the season after the last)",
        volume="Last book volume you have read (0 = none)",
    )
    async def spoilers(
        self,
        interaction: discord.Interaction[FandexBot],
        season: app_commands.Range[int, 0, 50],
        volume: app_commands.Range[int, 0, 50],
    ) -> None:
        # The same bounds as /config spoilers, from the dataset, whatever the client sent.
        limit = check_spoiler_limit(self.bot.dataset, season, volume)
        await self.bot.user_settings.update(
            interaction.user.id, spoiler_season=limit.season, spoiler_volume=limit.volume
        )
        hides_nothing = nothing_hidden(self.bot.catalog.story_points, limit)
        tr = private_words(interaction)
        await send_private(
            interaction, me_spoilers_set_text(self.bot.dataset, limit, nothing_hidden=hides_nothing, tr=tr)
        )

    @spoilers.autocomplete("season")
    @safe_autocomplete
    async def season_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: int | str
    ) -> list[app_commands.Choice[int]]:
        levels = range(max_spoiler_season(self.bot.dataset) + 1)
        tr = private_words(interaction)
        return [
            app_commands.Choice(
                name=choice_text(spoiler_level_label(self.bot.dataset, level, tr)), value=level
            )
            for level in levels
        ]

    @spoilers.autocomplete("volume")
    @safe_autocomplete
    async def volume_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: int | str
    ) -> list[app_commands.Choice[int]]:
        levels = range(max_spoiler_volume(self.bot.dataset) + 1)
        tr = private_words(interaction)
        return [
            app_commands.Choice(
                name=choice_text(volume_level_label(self.bot.dataset, level, tr)), value=level
            )
            for level in levels
        ]

    @app_commands.command(name="spoilers-off", description="Lift your own spoiler limit")
    async def spoilers_off(self, interaction: discord.Interaction[FandexBot]) -> None:
        had_limit = (await self.bot.user_settings.get(interaction.user.id)).has_spoiler_limit
        if had_limit:
            await self.bot.user_settings.update(interaction.user.id, spoiler_season=None, spoiler_volume=None)
        await send_private(interaction, me_spoilers_off_text(had_limit, private_words(interaction)))

    @app_commands.command(name="timezone", description="Set the time zone your private answers count days in")
    @app_commands.describe(tz="An IANA time zone such as Europe/London or America/New_York")
    async def timezone(self, interaction: discord.Interaction[FandexBot], tz: str) -> None:
        name = resolve_timezone(tz if isinstance(tz, str) else str(tz))  # a hostile client may send a number
        await self.bot.user_settings.update(interaction.user.id, timezone=name)
        await send_private(interaction, me_timezone_text(name, private_words(interaction)))

    @timezone.autocomplete("tz")
    @safe_autocomplete
    async def timezone_autocomplete(
        self, interaction: discord.Interaction[FandexBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=choice_text(name), value=name) for name in suggest_timezones(current)
        ]

    @app_commands.command(name="reminders", description="Your reminders (🔔 Remind me), each to cancel")
    async def reminders(self, interaction: discord.Interaction[FandexBot]) -> None:
        await show_reminders(interaction)

    @app_commands.command(name="show", description="Everything Fandex stores about you (only you see it)")
    async def show(self, interaction: discord.Interaction[FandexBot]) -> None:
        await follow_fan_reminders(self.bot, interaction.user.id)
        settings = await self.bot.user_settings.get(interaction.user.id)
        tr = private_words(interaction)
        extra = await self._extra_fields(interaction.user.id, tr)
        embed = me_embed(self.bot.dataset, settings, extra_fields=extra, tr=tr)
        await send_private(interaction, embed=embed)

    async def _extra_fields(self, user_id: int, tr: Words = ENGLISH) -> list[tuple[str, str]]:
        """What other features keep about the fan, for /me show (empty when they keep nothing)."""
        fields: list[tuple[str, str]] = []
        pending, settled = await self.bot.reminders.counts(user_id)
        if pending or settled:
            fields.append((tr(REMINDERS_FIELD), reminders_summary(pending, settled, tr)))
        if reports := await self.bot.reports.count_by(user_id):
            fields.append((tr(REPORTS_FIELD), reports_text(reports, tr)))
        if answers := await self.bot.trivia.store.answers_by(user_id):
            fields.append((tr(TRIVIA_FIELD), trivia_text(answers, tr)))
        return fields

    @app_commands.command(name="forget", description="Delete everything Fandex stores about you, at once")
    async def forget(self, interaction: discord.Interaction[FandexBot]) -> None:
        user_id = interaction.user.id  # the confirm button is the invoker's only (ConfirmView)
        settings = await self.bot.user_settings.get(user_id)
        tr = private_words(interaction)
        if settings.updated_at is None and not await self._extra_fields(user_id):
            await send_private(interaction, tr(NOTHING_TO_FORGET))
            return

        async def delete_everything(click: discord.Interaction[FandexBot]) -> str:
            found = await forget_fan(self.bot.db, self.bot.fan_stores(), click.user.id)
            return tr(FORGOTTEN) if found else tr(NOTHING_TO_FORGET)

        view = ConfirmView(
            interaction,
            command="me forget",
            confirm_label=tr("Delete everything"),
            cancelled_text=tr(NOT_FORGOTTEN),
            on_confirm=delete_everything,
            tr=tr,
        )
        await send_with_view(
            interaction,
            view,
            content=forget_question(tr),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )


async def setup(bot: FandexBot) -> None:
    await bot.add_cog(Me(bot))
