"""/countdown's card and /timeline's picture end to end: PNG attachments of at least 800×400 with alt
text, sent as multipart bodies (payload_json + files[n]) the emulator checks against Discord's document."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from PIL import Image

from discord_emulator import DiscordEmulator, Guild, User
from tests.clock import FakeClock
from tests.conftest import StartBot

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def the_png(emulator: DiscordEmulator, result: Any, filename: str) -> tuple[dict[str, Any], Image.Image]:
    [attachment] = result.message["attachments"]
    assert attachment["filename"] == filename and attachment["content_type"] == "image/png"
    image = Image.open(io.BytesIO(emulator.attachment_data[attachment["id"]]))
    assert image.format == "PNG" and image.width >= 800 and image.height >= 400
    assert attachment["size"] == len(emulator.attachment_data[attachment["id"]])
    [embed] = result.embeds
    assert embed["image"]["url"] == f"attachment://{filename}"  # shown inside the answer
    callback = next(r for r in emulator.requests if r.path.endswith("/callback"))
    assert callback.headers["Content-Type"].startswith("multipart/form-data")
    assert [upload.filename for upload in callback.files.values()] == [filename]
    return attachment, image


async def test_countdown_attaches_its_card(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    bot = await start_bot(clock=FakeClock(NOW))
    result = await emulator.slash(guild, fan, "countdown")
    attachment, _ = the_png(emulator, result, "countdown.png")
    assert attachment["description"] == (
        "Heartstopper Forever premieres on Netflix. This year. 2026, no exact day announced yet. "
        "Status: Announced, not yet confirmed. As of 3 July 2026."
    )
    assert result.elapsed < 1.5  # well inside Discord's 3 seconds, rendered cold
    again = await emulator.slash(guild, fan, "countdown", event="film", private=True)
    assert again.ephemeral and again.message["attachments"][0]["description"] == attachment["description"]
    assert len(bot.get_cog("Countdown").cards) == 1  # type: ignore[union-attr]  # one card, cached


async def test_timeline_is_a_picture_within_the_spoiler_limit(
    emulator: DiscordEmulator, start_bot: StartBot, guild: Guild, fan: User
) -> None:
    await start_bot(clock=FakeClock(NOW))
    result = await emulator.slash(guild, fan, "timeline")
    assert not result.ephemeral
    attachment, _ = the_png(emulator, result, "timeline.png")
    assert "Season 3 (3 October 2024) adapts Volume 4, Volume 5, This Winter" in attachment["description"]
    await emulator.slash(guild, fan, "me spoilers", season=1, volume=2)
    mine = await emulator.slash(guild, fan, "timeline", private=True)
    [attachment] = mine.message["attachments"]
    assert "Season 1" in attachment["description"] and "Season 2" not in attachment["description"]
    assert "not named" in attachment["description"]
