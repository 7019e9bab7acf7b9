"""bot/render/settings.py: the /config show footer claims no more than the settings show."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.settings import GuildSettings
from bot.render.settings import defaults_note, settings_embed

CHANGED_AT = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def test_defaults_are_told_apart_from_settings_changed_back_and_from_events() -> None:
    fresh = GuildSettings(guild_id=1)
    assert fresh.is_default
    assert (
        defaults_note(fresh, has_events=False) == "Defaults: no setting has been changed in this server yet."
    )
    assert defaults_note(fresh, has_events=True) == "All settings are at their defaults."
    back = GuildSettings(guild_id=1, updated_at=CHANGED_AT)
    assert back.is_default
    assert defaults_note(back, has_events=False) == "All settings are back at their defaults."
    for changed in (
        GuildSettings(guild_id=1, timezone="Europe/London", updated_at=CHANGED_AT),
        GuildSettings(guild_id=1, spoiler_season=0, updated_at=CHANGED_AT),
        GuildSettings(guild_id=1, announce_error="the channel is gone", updated_at=CHANGED_AT),
    ):
        assert not changed.is_default
        assert defaults_note(changed, has_events=True) is None


def test_the_embed_shows_when_settings_last_changed() -> None:
    settings = GuildSettings(guild_id=1, timezone="Europe/London", updated_at=CHANGED_AT)
    embed = settings_embed(settings, guild_name="Fans", extra_fields=[("Events", "none")], has_events=False)
    names = [field.name for field in embed.fields]
    assert names[-2:] == ["Events", "Settings last changed"]
    assert embed.footer.text is None
