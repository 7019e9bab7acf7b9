"""bot/render/me.py and the spoiler footer: what a fan is told about their own settings, and what a public
answer says (never a fan's own level)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import DEFAULT_DATASET_PATH
from bot.domain.settings import UserSettings
from bot.domain.source import load_dataset
from bot.domain.spoilers import SpoilerLimit
from bot.render.me import me_embed, me_spoilers_set_text
from bot.render.spoilers import limit_footer

DATASET = load_dataset(DEFAULT_DATASET_PATH)


def fields(settings: UserSettings) -> dict[str, str]:
    return {f.name or "": f.value or "" for f in me_embed(DATASET, settings).fields}


def test_the_footer_names_whose_limit_and_prints_only_the_servers_level() -> None:
    server = limit_footer(DATASET, SpoilerLimit(1, 2))
    assert server.startswith("🔒 Spoiler limit active in this server (caught up to Season 1 and Volume 2)")
    fan = limit_footer(DATASET, SpoilerLimit(1, 2, owner="fan"))
    both = limit_footer(DATASET, SpoilerLimit(1, 2, owner="both"))
    assert fan.startswith("🔒 Your own spoiler limit is active") and "yours and this server's" in both
    for text in (fan, both):
        assert "Season 1" not in text and "Volume 2" not in text
        assert text.endswith("later story content is hidden, click it to reveal.")


def test_show_lists_what_is_stored_or_says_nothing_is() -> None:
    assert me_embed(DATASET, UserSettings(user_id=1)).description == (
        "Nothing. Fandex stores something about you only once you set it with `/me`."
    )
    moment = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    shown = fields(UserSettings(1, 0, 3, None, moment))
    assert shown["Spoiler limit"] == "Caught up to no season yet and Volume 3."
    assert shown["Time zone"].startswith("None of your own")
    assert shown["Last changed"] == f"<t:{int(moment.timestamp())}:f>"
    assert fields(UserSettings(1, None, None, "Europe/London", moment))["Spoiler limit"].startswith("None")


def test_setting_everything_says_nothing_is_hidden() -> None:
    text = me_spoilers_set_text(DATASET, SpoilerLimit(4, 6, owner="fan"), nothing_hidden=True)
    assert "nothing is hidden from you for now" in text
    assert "`/me spoilers-off`" in me_spoilers_set_text(DATASET, SpoilerLimit(1, 1), nothing_hidden=False)
