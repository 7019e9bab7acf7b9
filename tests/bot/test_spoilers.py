from bot.domain.model import StoryPoint
from bot.domain.settings import GuildSettings
from bot.domain.spoilers import NO_LIMIT, SpoilerLimit, stricter


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


def test_stricter_takes_the_earlier_point_on_each_axis() -> None:
    server = SpoilerLimit(season=2, volume=1)
    fan = SpoilerLimit(season=1, volume=3)
    assert stricter(server, fan) == SpoilerLimit(season=1, volume=1)
    assert stricter(fan, server) == stricter(server, fan)


def test_stricter_treats_no_limit_as_later_than_any() -> None:
    assert stricter(NO_LIMIT, NO_LIMIT) == NO_LIMIT
    assert stricter(NO_LIMIT, SpoilerLimit(season=0)) == SpoilerLimit(season=0)
    assert stricter(SpoilerLimit(volume=4), SpoilerLimit(season=3)) == SpoilerLimit(season=3, volume=4)
    assert stricter(SpoilerLimit(season=0, volume=0), SpoilerLimit(season=5, volume=6)) == SpoilerLimit(0, 0)


def test_stricter_hides_whatever_either_hides() -> None:
    limits = [NO_LIMIT, SpoilerLimit(season=0), SpoilerLimit(1, 2), SpoilerLimit(3, 1), SpoilerLimit(None, 5)]
    points = [StoryPoint(season=s, volume=v) for s in (None, 1, 2, 4) for v in (None, 1, 3, 6)]
    for a in limits:
        for b in limits:
            both = stricter(a, b)
            for point in points:
                if point.season is None or point.volume is None:
                    assert both.hides(point) == (a.hides(point) or b.hides(point)), (a, b, point)
                else:
                    # Told in both: hidden only while both axes lie beyond the limit, so the stricter limit
                    # hides it at least whenever either does.
                    assert both.hides(point) or not (a.hides(point) or b.hides(point)), (a, b, point)


def test_stricter_says_whose_limit_it_is() -> None:
    server = SpoilerLimit(season=2, volume=3)
    assert stricter(server, SpoilerLimit(owner="fan")).owner == "server"
    assert stricter(NO_LIMIT, SpoilerLimit(1, 1, owner="fan")).owner == "fan"
    assert stricter(server, SpoilerLimit(1, 5, owner="fan")) == SpoilerLimit(1, 3, owner="both")
    assert stricter(server, SpoilerLimit(3, 4, owner="fan")).owner == "server"  # the fan is further on
