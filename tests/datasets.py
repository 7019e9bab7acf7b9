"""The shipped dataset with test-only entries appended, for tests that need more than it holds."""

from __future__ import annotations

from pathlib import Path

from bot.config import DEFAULT_DATASET_PATH

TEST_HOST = "example.org"


def shipped_source(*, hosts: tuple[str, ...] = (TEST_HOST,)) -> str:
    """The shipped TOML, with `hosts` classified as fan sources so appended entries may cite them."""
    text = DEFAULT_DATASET_PATH.read_text(encoding="utf-8")
    kinds = "".join(f'"{host}" = "fan"\n' for host in hosts)
    return text.replace("[source_kinds]\n", "[source_kinds]\n" + kinds, 1)


def dataset_with(path: Path, *entries: str) -> Path:
    """Write the shipped dataset plus `entries` (TOML text) to `path`, for the DATASET setting."""
    path.write_text(shipped_source() + "".join(entries), encoding="utf-8")
    return path
