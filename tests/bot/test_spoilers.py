from bot.domain.settings import GuildSettings
from bot.domain.spoilers import NO_LIMIT, SpoilerLimit


def test_no_limit_hides_nothing() -> None:
    assert not NO_LIMIT.hides_season(4) and not NO_LIMIT.hides_volume(6)


def test_limit_hides_only_what_comes_later() -> None:
    limit = (GuildSettings(guild_id=1, spoiler_season=2, spoiler_volume=3)).spoiler_limit
    assert not limit.hides_season(2) and limit.hides_season(3) and limit.hides_season(4)
    assert not limit.hides_volume(3) and limit.hides_volume(4)
    assert not limit.hides_season(None)


def test_zero_means_nothing_watched_yet() -> None:
    limit = SpoilerLimit(season=0, volume=0)
    assert limit.hides_season(1) and limit.hides_volume(1)
