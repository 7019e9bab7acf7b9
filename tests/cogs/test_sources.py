"""Sources fit to post: no answer links a weak page, and the dataset links no pirated copy."""

from __future__ import annotations

import re
from typing import Any

from bot.config import DEFAULT_DATASET_PATH
from discord_emulator import DiscordEmulator, Guild, User
from tests.conftest import StartBot

LINK = re.compile(r"\]\((https?://[^)\s]+)\)")
# Hosts that offer the author's books as free downloads or uploads: none may appear anywhere.
PIRATE_HOSTS = ("pdfcoffee.com", "scribd.com", "dokumen.pub", "epdf.pub", "vdoc.pub", "pdfdrive.com")


def links(result: Any) -> list[str]:
    text = str(result.embeds) + (result.content or "")
    return LINK.findall(text)


async def test_no_answer_links_a_weak_source(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    bot = await start_bot()
    catalog = bot.catalog
    answers = [await emulator.slash(guild, fan, "plot", season=p.id) for p in catalog.production_order]
    answers += [await emulator.slash(guild, fan, "volume", book=w.id) for w in catalog.dataset.works]
    answers += [
        await emulator.slash(guild, fan, "cast lookup", name=c.id) for c in catalog.dataset.characters
    ]
    answers += [await emulator.slash(guild, fan, "countdown", event=e.key) for e in catalog.events]
    linked = [url for answer in answers for url in links(answer)]
    assert len(linked) > 100  # the answers do cite their sources
    weak = [url for url in linked if bot.dataset.source_kind(url) == "weak"]
    assert weak == []
    assert all(len(re.findall(r"\]\(http", str(a.embeds))) <= 3 for a in answers)  # at most three each
    # The rumoured trailer rests on clickbait pages only: it says so, and links none.
    trailer = next(e for e in catalog.events if e.status == "rumoured" and not e.sources)
    result = await emulator.slash(guild, fan, "countdown", event=trailer.key)
    assert "Only unreliable pages report this" in str(result.embeds)


def test_the_dataset_links_no_pirated_copy() -> None:
    text = DEFAULT_DATASET_PATH.read_text(encoding="utf-8")
    assert not [host for host in PIRATE_HOSTS if host in text]
    assert not re.search(r"https?://[^\"\s]*(pdf-free|free-pdf|read-online|download-pdf)", text)
