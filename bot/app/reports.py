""" "Something wrong?": the button under every fact answer, the form it opens, and what a submission does.

The button's custom_id names the entry (`fx:report:character:nick-nelson`), so any process answers it,
across restarts. The form's does too (`fx:report-form:character:nick-nelson:<random>`): the live
`ReportForm` takes its submission, and when none waits for it (shown before a restart, or timed out) the
component fallback hands it to the same `receive_report` (`REPORT_FORMS`), so a fan's text is never
lost to a restart. The random part keeps two fans' forms on one entry apart: discord.py files modals by
custom_id alone.

Every reply is private and quotes nothing the fan wrote.
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.app.components import PersistentForm
from bot.app.language import private_words
from bot.app.replies import send_private
from bot.domain.countdown import DATASET_KEY_PREFIX
from bot.domain.errors import FandexError
from bot.domain.i18n import ENGLISH, Words
from bot.domain.reports import (
    ENTRY_ID_LIMIT,
    ENTRY_KINDS,
    REPORT_TEXT_LIMIT,
    EntryKind,
    EntryRef,
    LimitReached,
    clean_report_text,
)
from bot.render.reports import (
    BUTTON_EMOJI,
    BUTTON_LABEL,
    EMPTY_TEXT,
    FORM_DESCRIPTION,
    FORM_LABEL,
    FORM_PLACEHOLDER,
    GONE_TEXT,
    NOT_STORED_TEXT,
    form_title,
    limit_text,
    thanks_text,
)

if TYPE_CHECKING:
    from bot.app.client import FandexBot

log = logging.getLogger(__name__)

_KIND = "|".join(ENTRY_KINDS)
_ID = rf"[a-z0-9-]{{1,{ENTRY_ID_LIMIT}}}"
FORM_TEMPLATE = re.compile(rf"fx:report-form:(?P<kind>{_KIND}):(?P<id>{_ID}):[0-9a-f]{{8}}")
FORM_TIMEOUT = 30 * 60.0  # seconds a live form waits; a later submission is still taken (REPORT_FORMS)
TEXT_INPUT_ID = "report"


def entry_title(bot: FandexBot, entry: EntryRef) -> str | None:
    """The entry's title in the dataset loaded now, or None if it no longer has that entry."""
    catalog = bot.catalog
    if entry.kind == "production" and (production := catalog.productions.get(entry.id)):
        return production.title
    if entry.kind == "work" and (work := catalog.works.get(entry.id)):
        return work.title
    if entry.kind == "character" and (character := catalog.characters.get(entry.id)):
        return character.name
    if entry.kind == "event":
        key = DATASET_KEY_PREFIX + entry.id
        return next((event.title for event in catalog.events if event.key == key), None)
    if entry.kind == "faq":  # one topic; an answer that fits several topics names them joined by "."
        return next((topic.label for topic in catalog.faq if topic.key == entry.id), None)
    return None


def report_button(kind: str, entry_id: str, tr: Words = ENGLISH) -> ReportButton | None:
    """The button for this entry, or None if its id cannot make a custom_id (over ENTRY_ID_LIMIT)."""
    if kind not in ENTRY_KINDS or not re.fullmatch(_ID, entry_id):
        log.debug("No report button for %s:%s: not a reportable entry id", kind, entry_id)
        return None
    return ReportButton(EntryRef(cast(EntryKind, kind), entry_id), label=tr(BUTTON_LABEL))


class ReportButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"fx:report:(?P<kind>{_KIND}):(?P<id>{_ID})",
):
    """ "Something wrong?": opens the report form, unless the user has sent their reports for the day."""

    def __init__(self, entry: EntryRef, *, label: str = BUTTON_LABEL) -> None:
        """`label`: in the language of the answer it sits under (a click is answered in the clicker's)."""
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji=BUTTON_EMOJI,
                style=discord.ButtonStyle.secondary,
                custom_id=f"fx:report:{entry}",
            )
        )
        self.entry = entry

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ReportButton:
        return cls(EntryRef(cast(EntryKind, match["kind"]), match["id"]))

    async def callback(self, interaction: discord.Interaction[FandexBot]) -> None:
        bot = interaction.client
        tr = private_words(interaction)  # the form and every reply are the clicker's only
        title = entry_title(bot, self.entry)
        if title is None:
            await send_private(interaction, tr(GONE_TEXT))
            return
        if (limited := await bot.reports.limit_reached(interaction.user.id)) is not None:
            await send_private(interaction, limit_text(limited, submitted=False, tr=tr))
            return
        form = ReportForm(self.entry, title, tr)
        await interaction.response.send_modal(form)
        bot.components.track_modal(form)


class ReportForm(discord.ui.Modal):
    """The form: one required paragraph, at most REPORT_TEXT_LIMIT characters."""

    def __init__(self, entry: EntryRef, title: str, tr: Words = ENGLISH) -> None:
        super().__init__(
            title=form_title(title, tr),
            timeout=FORM_TIMEOUT,
            custom_id=f"fx:report-form:{entry}:{secrets.token_hex(4)}",
        )
        self.entry = entry
        self.text: discord.ui.TextInput[ReportForm] = discord.ui.TextInput(
            custom_id=TEXT_INPUT_ID,
            style=discord.TextStyle.paragraph,
            placeholder=tr(FORM_PLACEHOLDER),
            required=True,
            max_length=REPORT_TEXT_LIMIT,
        )
        self.add_item(
            discord.ui.Label(text=tr(FORM_LABEL), description=tr(FORM_DESCRIPTION), component=self.text)
        )

    async def on_submit(self, interaction: discord.Interaction[FandexBot], /) -> None:
        value: object = self.text.value  # whatever the client sent: a hostile one may send a number
        await receive_report(interaction, self.entry, value if isinstance(value, str) else "")

    async def on_error(self, interaction: discord.Interaction[FandexBot], error: Exception, /) -> None:
        await _failed(interaction, error)


async def receive_report(interaction: discord.Interaction[FandexBot], entry: EntryRef, raw: str) -> None:
    """Store what the fan wrote about `entry` and thank them, or say privately why nothing was stored."""
    try:
        await _receive(interaction, entry, raw)
    except Exception as exc:  # answered, never "This interaction failed"
        await _failed(interaction, exc)


async def _receive(interaction: discord.Interaction[FandexBot], entry: EntryRef, raw: str) -> None:
    bot = interaction.client
    tr = private_words(interaction)
    text = clean_report_text(raw)
    if text is None:
        await send_private(interaction, tr(EMPTY_TEXT))
        return
    title = entry_title(bot, entry)
    if title is None:
        await send_private(interaction, tr(NOT_STORED_TEXT, reason=tr(GONE_TEXT)))
        return
    stored = await bot.reports.add(
        entry,
        title,
        text,
        guild_id=interaction.guild_id,
        channel_id=interaction.channel_id,
        user_id=interaction.user.id,
    )
    if isinstance(stored, LimitReached):
        await send_private(interaction, limit_text(stored, submitted=True, tr=tr))
        return
    await send_private(interaction, thanks_text(title, cut=text.cut, tr=tr))


async def _failed(interaction: discord.Interaction[FandexBot], error: Exception) -> None:
    tr = private_words(interaction)
    if isinstance(error, FandexError):  # e.g. the database could not be written
        message = error.localized(tr)
    else:
        reference = secrets.token_hex(4)
        log.error("Unhandled error in a report form (ref %s)", reference, exc_info=error)
        message = tr(
            "Something went wrong on our side. If it keeps happening, tell the bot's admins: ref "
            "`{reference}`.",
            reference=reference,
        )
    try:
        await send_private(interaction, message)
    except discord.HTTPException:
        log.warning("Could not answer the report form %s", interaction.id, exc_info=True)


async def _submit_stale(
    interaction: discord.Interaction[FandexBot], match: re.Match[str], values: dict[str, str]
) -> None:
    entry = EntryRef(cast(EntryKind, match["kind"]), match["id"])
    await receive_report(interaction, entry, values.get(TEXT_INPUT_ID, ""))


REPORT_FORMS = (PersistentForm(FORM_TEMPLATE, _submit_stale),)
