"""The 10,000-character dataset: the real Heartstopper source plus generated characters, as a TOML file
the bot loads like any other (so the benchmark also measures building it into SQLite)."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

from bench.bench_cast_search import SEED, generated_characters
from bot.config import DEFAULT_DATASET_PATH
from bot.domain.model import Character, Dataset
from bot.domain.source import load_dataset


def _unique_names(characters: list[Character], taken: set[str], rng: random.Random) -> list[str]:
    """The generated names, made unique the way real casts are: with a middle initial.

    The dataset requires every name and alias to find exactly one character.
    """
    names: list[str] = []
    for character in characters:
        first, last = character.name.split(" ", 1)
        name = character.name
        while name.casefold() in taken:
            name = f"{first} {rng.choice(string.ascii_uppercase)}. {last}"
        taken.add(name.casefold())
        names.append(name)
    return names


def _toml(value: object) -> str:
    # JSON strings, numbers and arrays of them are valid TOML values.
    return json.dumps(value, ensure_ascii=False)


def generated_source(size: int, base: Path = DEFAULT_DATASET_PATH) -> tuple[str, Dataset]:
    """The TOML of `base` with generated characters appended up to `size` in all; and the real dataset."""
    real = load_dataset(base)
    taken = {name.casefold() for c in real.characters for name in (c.name, *c.aliases)}
    extra = generated_characters(max(size - len(real.characters), 0))
    rng = random.Random(SEED + 3)
    names = _unique_names(extra, taken, rng)
    seasons = sorted(p.number for p in real.seasons if p.number is not None)
    # Generated sources live on example.org, which the real source does not classify.
    source = base.read_text(encoding="utf-8").replace(
        "[source_kinds]\n", '[source_kinds]\n"example.org" = "fan"\n', 1
    )
    lines = [
        source,
        "",
        "# --- generated for the benchmark (bench/big_dataset.py) ---",
    ]
    for character, name in zip(extra, names, strict=True):
        played = sorted(rng.sample(seasons, rng.randint(1, len(seasons))))
        # The dataset's group rule: recurring in two or more seasons, guest in one.
        group = "recurring" if len(played) >= 2 else "guest"
        lines += [
            "",
            "[[characters]]",
            f"id = {_toml(character.id)}",
            f"name = {_toml(name)}",
            f"actor = {_toml(character.actor)}",
            f"role = {_toml(character.role.text)}",
            'role_reveals = "S1"',
            f"group = {_toml(group)}",
            f"seasons = {_toml(played)}",
            f"sources = {_toml(list(character.sources))}",
        ]
    return "\n".join(lines) + "\n", real


def write_generated_dataset(path: Path, size: int = 10_000) -> Dataset:
    """Write the generated source to `path`, check it loads, and return the loaded dataset."""
    text, _ = generated_source(size)
    path.write_text(text, encoding="utf-8")
    dataset = load_dataset(path)
    if len(dataset.characters) < size:
        raise RuntimeError(f"expected {size} characters, loaded {len(dataset.characters)}")
    return dataset
