"""A cog's background task stops even when a cancellation is absorbed on the way (bot/app/background.py)."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import background
from bot.app.background import BackgroundTask


async def test_stop_cancels_a_loop_and_waits_for_its_end() -> None:
    steps = 0

    async def loop() -> None:
        nonlocal steps
        while True:
            steps += 1
            await asyncio.sleep(3600)

    task = BackgroundTask("fandex-test", loop)
    task.start()
    await asyncio.sleep(0)
    running = task.task
    assert running is not None and not running.done() and steps == 1
    await task.stop()
    assert running.cancelled() and task.task is None
    await task.stop()  # stopping twice is harmless


async def test_a_swallowed_cancellation_is_sent_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(background, "RECANCEL_AFTER", 0.05)
    absorbed = 0

    async def stubborn() -> None:
        nonlocal absorbed
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if absorbed:
                    raise
                absorbed += 1  # as a timeout expiring at the same moment can on Python 3.11

    task = BackgroundTask("fandex-stubborn", stubborn)
    task.start()
    await asyncio.sleep(0)
    running = task.task
    assert running is not None
    async with asyncio.timeout(5):
        await task.stop()
    assert absorbed == 1 and running.cancelled()


async def test_a_loop_that_failed_is_logged_when_stopped(caplog: pytest.LogCaptureFixture) -> None:
    async def broken() -> None:
        raise RuntimeError("the loop broke")

    task = BackgroundTask("fandex-broken", broken)
    task.start()
    await asyncio.sleep(0)
    await task.stop()
    assert "fandex-broken had failed" in caplog.text and "the loop broke" in caplog.text
