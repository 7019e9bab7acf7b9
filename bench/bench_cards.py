"""Card render times, in process: the /countdown card and the /timeline picture, cold and cached.

    python -m bench.bench_cards [--runs 20]

Cold: a fresh process's first render (the font file read and parsed), then each render of a card not
yet cached (a new day, a new event). Cached: `CardCache.png` for a key it holds, as every /countdown after
the first of a day is. Discord wants the interaction's first answer within 3 seconds; the target for a
cold render is under 300 ms on this machine's shared cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.app.cards import CardCache
from bot.config import DEFAULT_DATASET_PATH
from bot.domain.countdown import CountdownEvent
from bot.domain.dates import PartialDate
from bot.domain.source import load_dataset
from bot.domain.spoilers import SpoilerLimit
from bot.render.cards import countdown_card, render_countdown_card
from bot.render.timeline_card import render_timeline, timeline_view

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/London")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


async def main(runs: int) -> dict[str, float]:
    event = CountdownEvent(
        key="ds:film",
        title="Heartstopper Forever premieres on Netflix",
        date=PartialDate(2026),
        status="announced",
        verified_on=date(2026, 7, 3),
    )
    started = time.perf_counter()
    render_countdown_card(countdown_card(event, NOW, ZONE))
    first = time.perf_counter() - started
    cold: list[float] = []
    for day in range(runs):  # a different day each time: a different card, never cached
        card = countdown_card(event, NOW + timedelta(days=day), ZONE)
        started = time.perf_counter()
        render_countdown_card(card)
        cold.append(time.perf_counter() - started)
    cache = CardCache()
    card = countdown_card(event, NOW, ZONE)
    await cache.png(card, lambda: render_countdown_card(card))
    cached: list[float] = []
    for _ in range(runs * 50):
        started = time.perf_counter()
        await cache.png(card, lambda: render_countdown_card(card))
        cached.append(time.perf_counter() - started)
    dataset = load_dataset(DEFAULT_DATASET_PATH)
    timeline: list[float] = []
    for limit in [SpoilerLimit(), SpoilerLimit(season=1, volume=2)] * max(runs // 2, 1):
        started = time.perf_counter()
        render_timeline(timeline_view(dataset, limit))
        timeline.append(time.perf_counter() - started)
    return {
        "countdown_first_render_ms": _ms(first),
        "countdown_cold_p50_ms": _ms(statistics.median(cold)),
        "countdown_cold_max_ms": _ms(max(cold)),
        "countdown_cached_p50_us": round(statistics.median(cached) * 1e6, 2),
        "timeline_cold_p50_ms": _ms(statistics.median(timeline)),
        "timeline_cold_max_ms": _ms(max(timeline)),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    print(json.dumps(asyncio.run(main(parser.parse_args().runs)), indent=2))
