"""Latency of /cast lookup and autocomplete matching, on the real dataset and a generated big one.

    python -m bench.bench_cast_search [--size 10000] [--queries 2000]

prints p50/p99 in microseconds per operation, at both sizes. `measure()` returns the numbers, for
the full benchmark to fold in. The generated dataset is deterministic (seeded), with plausible
names: real-looking first names and surnames built from syllables, families sharing a surname,
actors with several roles, so postings and typo neighbourhoods look like a real cast's.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.config import DEFAULT_DATASET_PATH
from bot.domain.cast import CastIndex
from bot.domain.model import CHARACTER_GROUPS, Character, StoryText
from bot.domain.source import load_dataset

SEED = 20260703


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Adam Aisha Alex Alice Amara Amelia Anna Arjun Ben Bella Caleb Chloe Daniel Dara "
    "Eden Eli Ella Emil Erin Ezra Farah Felix Finn Freya George Grace Hana Harvey "
    "Ibrahim Ines Isla Ivan Jade Jamal Jonah Kai Kamala Kieran Lara Leo Lena Lucas "
    "Luna Maya Mateo Mei Miles Nadia Nate Niamh Noah Nora Omar Orla Oscar Priya "
    "Quinn Rafael Rosa Ruby Sami Sana Sean Sofia Tariq Tessa Theo Uma Vera Wren "
    "Yusuf Zara Zoe Aoife Bastien Chiara Dmitri Esme Fionn Gwen Hugo Ilse Joaquin Keira "
    "Lorcan Malik Noor Otto Petra Rhys Saoirse Tobias Ursula Vikram Willa Xavier Yara Zain"
)
SURNAME_STARTS = _words(
    "Ash Black Bright Brook Cald Carr Chester Cole Dal Dun East Fair Fen Gold "
    "Green Hal Hart Hay Holl Kings Lang Lind Marl Mead Mill Nor Oak Pen "
    "Red Rich Ros Ryd Sand Shel Stan Stock Thorn Wake West Whit Wood Al "
    "Bel Cor Dev Mor Tal Ven Ker Mac Mc O'"
)
SURNAME_ENDS = _words(
    "bury by croft dale don field ford gate ham hill holt hurst ington ley "
    "low more ridge stead ston ton well wick win worth er son ett ard "
    "in is an ez ova ski"
)


def generated_characters(count: int, *, seed: int = SEED) -> list[Character]:
    """`count` plausible characters; about a third share a family surname, some actors play twice."""
    rng = random.Random(seed)
    surnames = sorted({start + end for start in SURNAME_STARTS for end in SURNAME_ENDS})
    characters: list[Character] = []
    actors: list[str] = []
    group_weights = (1, 4, 12)  # few main, more recurring, most guests
    for number in range(count):
        surname = (
            characters[-1].name.split()[-1] if characters and rng.random() < 0.3 else rng.choice(surnames)
        )
        name = f"{rng.choice(FIRST_NAMES)} {surname}"
        if actors and rng.random() < 0.05:
            actor = rng.choice(actors)
        else:
            actor = f"{rng.choice(FIRST_NAMES)} {rng.choice(surnames)}"
            actors.append(actor)
        seasons = tuple(sorted(rng.sample(range(1, 9), rng.randint(1, 4))))
        characters.append(
            Character(
                id=f"generated-{number}",
                name=name,
                actor=actor,
                aliases=(name.split()[0],),
                role=StoryText("A generated role."),
                group=rng.choices(CHARACTER_GROUPS, weights=group_weights)[0],
                seasons=seasons,
                film=None,
                unverified=(),
                notes=(),
                sources=("https://example.org/generated",),
            )
        )
    return characters


def _typo(rng: random.Random, text: str) -> str:
    """One realistic slip: a dropped, doubled, swapped or wrong letter in the longest word."""
    words = text.split()
    index = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[index]
    if len(word) < 4:
        return text
    at = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        word = word[:at] + word[at + 1 :]
    elif kind == 1:
        word = word[:at] + word[at] + word[at:]
    elif kind == 2:
        word = word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    else:
        word = word[:at] + rng.choice("aeiouy") + word[at + 1 :]
    words[index] = word
    return " ".join(words)


def lookup_queries(characters: Sequence[Character], count: int, *, seed: int = SEED) -> list[str]:
    """What people type into `name`: full names either way round, surnames, first names, typos, misses."""
    rng = random.Random(seed + 1)
    queries: list[str] = []
    for _ in range(count):
        character = rng.choice(characters)
        person = character.actor or character.name
        kind = rng.randrange(6)
        if kind == 0:
            queries.append(character.name)
        elif kind == 1:
            queries.append(person.lower())
        elif kind == 2:
            queries.append(character.name.split()[-1])
        elif kind == 3:
            queries.append(_typo(rng, person))
        elif kind == 4:
            queries.append(_typo(rng, character.name))
        else:
            queries.append(rng.choice(["Harry Potter", "Qwertyuiop Asdf", "zz", "x" * 6000, "@everyone"]))
    return queries


def autocomplete_queries(characters: Sequence[Character], count: int, *, seed: int = SEED) -> list[str]:
    """Keystroke by keystroke: every prefix of a name, from empty to complete."""
    rng = random.Random(seed + 2)
    queries: list[str] = []
    while len(queries) < count:
        character = rng.choice(characters)
        text = rng.choice([character.name, character.actor or character.name])
        queries.extend(text[:length] for length in range(len(text) + 1))
    return queries[:count]


@dataclass(frozen=True, slots=True)
class Timing:
    size: int
    build_ms: float
    lookup_p50_us: float
    lookup_p99_us: float
    autocomplete_p50_us: float
    autocomplete_p99_us: float


def _percentiles(operation: Callable[[str], object], queries: Sequence[str]) -> tuple[float, float]:
    samples: list[float] = []
    for query in queries:
        start = time.perf_counter_ns()
        operation(query)
        samples.append((time.perf_counter_ns() - start) / 1000)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[98]


def time_index(characters: Sequence[Character], queries: int) -> Timing:
    start = time.perf_counter()
    index = CastIndex(characters)
    build_ms = (time.perf_counter() - start) * 1000
    lookup_p50, lookup_p99 = _percentiles(index.lookup, lookup_queries(characters, queries))
    suggest_p50, suggest_p99 = _percentiles(index.suggest, autocomplete_queries(characters, queries))
    return Timing(len(characters), build_ms, lookup_p50, lookup_p99, suggest_p50, suggest_p99)


def measure(size: int = 10_000, queries: int = 2000) -> list[Timing]:
    """Timings on the real dataset and on a generated one of `size` characters (real ones included)."""
    real = list(load_dataset(DEFAULT_DATASET_PATH).characters)
    # The real cast stays in the big dataset, so its names compete with thousands of look-alikes.
    big = real + generated_characters(max(size - len(real), 0))
    return [time_index(real, queries), time_index(big, queries)]


def format_table(timings: Sequence[Timing]) -> str:
    columns = (("characters", 10), ("build ms", 9), ("lookup p50", 11), ("p99", 8), ("autocomplete p50", 17))
    header = " ".join(f"{name:>{width}}" for name, width in (*columns, ("p99", 8)))
    lines = [header, "-" * len(header)]
    for t in timings:
        lines.append(
            f"{t.size:>10} {t.build_ms:>9.1f} {t.lookup_p50_us:>9.0f}µs {t.lookup_p99_us:>6.0f}µs "
            f"{t.autocomplete_p50_us:>15.0f}µs {t.autocomplete_p99_us:>6.0f}µs"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="characters in the generated dataset")
    parser.add_argument("--queries", type=int, default=2000, help="queries per measurement")
    args = parser.parse_args()
    print(format_table(measure(args.size, args.queries)))


if __name__ == "__main__":
    main()
