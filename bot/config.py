"""Settings, read once from the environment (and `.env`) into a frozen dataclass."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_PATH = PROJECT_ROOT / "data" / "fandex.sqlite3"
DEFAULT_DATASET_PATH = PROJECT_ROOT / "data" / "heartstopper.toml"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A setting is missing or malformed. The message is one line naming it and how to fix it."""


@dataclass(frozen=True, slots=True)
class Settings:
    token: str
    database_path: Path = DEFAULT_DATABASE_PATH
    dataset_path: Path = DEFAULT_DATASET_PATH
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    api_base: str | None = None
    gateway_url: str | None = None
    # postgresql://user:password@host:port/database: PostgreSQL instead of SQLite (database_path unused).
    database_url: str | None = None
    # Sharding (SHARD_COUNT, SHARD_IDS): None lets discord.py ask Discord how many shards to run, all of them
    # in this process. With a count, this process runs `shard_ids` of `shard_count` (all when not given).
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    @property
    def runs_shard_zero(self) -> bool:
        """Whether this process holds shard 0, which syncs the commands for every process."""
        return self.shard_ids is None or 0 in self.shard_ids

    def __repr__(self) -> str:  # never let the token reach a log line
        return (
            f"Settings(token=<hidden>, database_path={self.database_path!s}, "
            f"dataset_path={self.dataset_path!s}, "
            f"dev_guild_id={self.dev_guild_id}, log_level={self.log_level}, api_base={self.api_base}, "
            f"gateway_url={self.gateway_url}, database_url={without_password(self.database_url)}, "
            f"shard_count={self.shard_count}, shard_ids={self.shard_ids})"
        )


def _path(env: Mapping[str, str], name: str, default: Path) -> Path:
    value = env.get(name, "").strip()
    if not value:
        return default
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def _url(env: Mapping[str, str], name: str, schemes: tuple[str, ...], example: str) -> str | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise ConfigError(f"{name} must be a {'/'.join(schemes)} URL such as {example}; got {value!r}.")
    return value.rstrip("/")


def _database_url(env: Mapping[str, str]) -> str | None:
    value = env.get("DATABASE_URL", "").strip()
    if not value:
        return None
    example = "postgresql://fandex:secret@127.0.0.1:5432/fandex"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("postgresql", "postgres") or not (parts.netloc or parts.query):
        raise ConfigError(
            f"DATABASE_URL must be a postgresql:// URL such as {example}; got {without_password(value)!r}."
        )
    return value


def _shards(env: Mapping[str, str]) -> tuple[int | None, tuple[int, ...] | None]:
    """SHARD_COUNT (a positive number) and SHARD_IDS ("0", "0,2", "0-3"; every id below the count)."""
    count_raw = env.get("SHARD_COUNT", "").strip()
    ids_raw = env.get("SHARD_IDS", "").strip()
    if not count_raw:
        if ids_raw:
            raise ConfigError(
                "SHARD_IDS needs SHARD_COUNT: set the total number of shards, e.g. SHARD_COUNT=4."
            )
        return None, None
    if not count_raw.isdigit() or int(count_raw) <= 0:
        raise ConfigError(f"SHARD_COUNT must be a positive number of shards, e.g. 4; got {count_raw!r}.")
    count = int(count_raw)
    if not ids_raw:
        return count, None
    ids: set[int] = set()
    for part in ids_raw.split(","):
        low, dash, high = part.strip().partition("-")
        if not low.strip().isdigit() or (dash and not high.strip().isdigit()):
            raise ConfigError(f"SHARD_IDS must be shard ids and ranges such as 0,2 or 0-3; got {ids_raw!r}.")
        first, last = int(low), int(high) if dash else int(low)
        if first > last:
            raise ConfigError(
                f"SHARD_IDS has a range that runs backwards ({part.strip()!r}); got {ids_raw!r}."
            )
        ids.update(range(first, last + 1))
    if max(ids) >= count:
        raise ConfigError(
            f"SHARD_IDS must be below SHARD_COUNT={count} (shards are numbered from 0); got {ids_raw!r}."
        )
    return count, tuple(sorted(ids))


def without_password(url: str | None) -> str | None:
    """The URL as it may be logged: any password replaced by ***."""
    if url is None:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<malformed>"
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def load_settings(env: Mapping[str, str] | None = None, *, require_token: bool = True) -> Settings:
    """Read settings from `env` (default: the process environment after loading `.env`)."""
    if env is None:
        load_dotenv(PROJECT_ROOT / ".env")
        env = os.environ

    token = env.get("DISCORD_TOKEN", "").strip()
    if require_token and not token:
        raise ConfigError(
            "DISCORD_TOKEN is not set: copy .env.example to .env and paste your bot token "
            "(Developer Portal > your application > Bot > Reset Token)."
        )
    if token and any(ch.isspace() for ch in token):
        raise ConfigError("DISCORD_TOKEN contains spaces: paste the token alone, without 'Bot ' or quotes.")

    dev_guild_raw = env.get("DEV_GUILD_ID", "").strip()
    dev_guild_id: int | None = None
    if dev_guild_raw:
        if not dev_guild_raw.isdigit() or int(dev_guild_raw) <= 0:
            raise ConfigError(
                f"DEV_GUILD_ID must be a server ID (digits only, right-click the server > Copy Server ID); "
                f"got {dev_guild_raw!r}."
            )
        dev_guild_id = int(dev_guild_raw)

    log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}; got {log_level!r}.")

    shard_count, shard_ids = _shards(env)
    return Settings(
        token=token,
        database_path=_path(env, "DATABASE_PATH", DEFAULT_DATABASE_PATH),
        dataset_path=_path(env, "DATASET", DEFAULT_DATASET_PATH),
        dev_guild_id=dev_guild_id,
        log_level=log_level,
        api_base=_url(env, "DISCORD_API_BASE", ("http", "https"), "http://127.0.0.1:8080/api/v10"),
        gateway_url=_url(env, "DISCORD_GATEWAY_URL", ("ws", "wss"), "ws://127.0.0.1:8080/gateway"),
        database_url=_database_url(env),
        shard_count=shard_count,
        shard_ids=shard_ids,
    )


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-8s %(name)s: %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S",
    )
