from pathlib import Path

import pytest

from bot.config import DEFAULT_DATABASE_PATH, PROJECT_ROOT, ConfigError, load_settings


def test_defaults_with_only_a_token() -> None:
    settings = load_settings({"DISCORD_TOKEN": "abc.def.ghi"})
    assert settings.token == "abc.def.ghi"
    assert settings.database_path == DEFAULT_DATABASE_PATH
    assert settings.dev_guild_id is None
    assert settings.api_base is None and settings.gateway_url is None
    assert settings.log_level == "INFO"


def test_missing_token_names_the_setting() -> None:
    with pytest.raises(ConfigError, match="DISCORD_TOKEN is not set"):
        load_settings({})


def test_token_is_optional_for_offline_tools() -> None:
    assert load_settings({}, require_token=False).token == ""


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEV_GUILD_ID", "my server", "DEV_GUILD_ID must be a server ID"),
        ("DEV_GUILD_ID", "-5", "DEV_GUILD_ID must be a server ID"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of"),
        ("DISCORD_API_BASE", "discord.com/api", "DISCORD_API_BASE must be a http/https URL"),
        ("DISCORD_GATEWAY_URL", "http://127.0.0.1/gw", "DISCORD_GATEWAY_URL must be a ws/wss URL"),
        ("SHARD_COUNT", "two", "SHARD_COUNT must be a positive number"),
        ("SHARD_COUNT", "0", "SHARD_COUNT must be a positive number"),
    ],
)
def test_malformed_settings_are_named(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings({"DISCORD_TOKEN": "t", name: value})
    assert "\n" not in str(caught.value)


def test_paths_and_urls() -> None:
    settings = load_settings(
        {
            "DISCORD_TOKEN": "t",
            "DATABASE_PATH": "state/x.sqlite3",
            "DATASET": "/tmp/other.toml",
            "DEV_GUILD_ID": "123",
            "DISCORD_API_BASE": "http://127.0.0.1:8080/api/v10/",
            "DISCORD_GATEWAY_URL": "ws://127.0.0.1:8080/gateway",
            "LOG_LEVEL": "debug",
        }
    )
    assert settings.database_path == PROJECT_ROOT / "state" / "x.sqlite3"
    assert settings.dataset_path == Path("/tmp/other.toml")
    assert settings.dev_guild_id == 123
    assert settings.api_base == "http://127.0.0.1:8080/api/v10"
    assert settings.gateway_url == "ws://127.0.0.1:8080/gateway"
    assert settings.log_level == "DEBUG"


def test_repr_hides_the_token() -> None:
    settings = load_settings({"DISCORD_TOKEN": "super-secret-token"})
    assert "super-secret-token" not in repr(settings)


def test_database_url_selects_postgres_and_its_password_never_shows() -> None:
    assert load_settings({"DISCORD_TOKEN": "t"}).database_url is None
    url = "postgresql://fandex:s3cret@db.internal:5432/fandex"
    settings = load_settings({"DISCORD_TOKEN": "t", "DATABASE_URL": f"  {url} "})
    assert settings.database_url == url
    assert "s3cret" not in repr(settings) and "fandex:***@db.internal" in repr(settings)


@pytest.mark.parametrize(
    "value", ["mysql://db/fandex", "postgresql://db:port/fandex", "db.internal:5432", "postgresql:///"]
)
def test_a_malformed_database_url_is_one_line_without_the_password(value: str) -> None:
    with pytest.raises(ConfigError, match=r"^DATABASE_URL must be a postgresql:// URL") as raised:
        load_settings({"DISCORD_TOKEN": "t", "DATABASE_URL": value})
    assert "\n" not in str(raised.value)
    with pytest.raises(ConfigError) as raised:
        load_settings({"DISCORD_TOKEN": "t", "DATABASE_URL": "mysql://u:hunter2@db/fandex"})
    assert "hunter2" not in str(raised.value)


@pytest.mark.parametrize(
    ("count", "ids", "expected"),
    [
        ("", "", (None, None)),
        ("4", "", (4, None)),
        ("2", "0", (2, (0,))),
        ("4", "0,2", (4, (0, 2))),
        ("4", "0-3", (4, (0, 1, 2, 3))),
        ("8", " 6, 0-1 ,1", (8, (0, 1, 6))),
    ],
)
def test_shard_settings(count: str, ids: str, expected: tuple[object, object]) -> None:
    settings = load_settings({"DISCORD_TOKEN": "t", "SHARD_COUNT": count, "SHARD_IDS": ids})
    assert (settings.shard_count, settings.shard_ids) == expected
    assert settings.runs_shard_zero == (expected[1] is None or 0 in expected[1])


@pytest.mark.parametrize(
    ("count", "ids", "message"),
    [
        ("", "0", "SHARD_IDS needs SHARD_COUNT"),
        ("2", "2", "SHARD_IDS must be below SHARD_COUNT=2"),
        ("4", "0,x", "SHARD_IDS must be shard ids and ranges"),
        ("4", "3-1", "SHARD_IDS has a range that runs backwards"),
        ("4", "1-", "SHARD_IDS must be shard ids and ranges"),
    ],
)
def test_malformed_shard_settings_are_one_line(count: str, ids: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings({"DISCORD_TOKEN": "t", "SHARD_COUNT": count, "SHARD_IDS": ids})
    assert "\n" not in str(caught.value)
