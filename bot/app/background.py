"""One background task per cog (announcements, reminders, daily posts, trivia reveals), stopped for sure.

Stopping cancels the task and waits for it to end, cancelling again each second until it has: on Python 3.11
a cancellation that meets a timeout expiring or a task group winding down can be absorbed, and a loop that
goes on while the bot is still open (a cog is unloaded before the client closes) would keep shutdown waiting
forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)

RECANCEL_AFTER = 1.0  # seconds


class BackgroundTask:
    def __init__(self, name: str, run: Callable[[], Coroutine[Any, Any, None]]) -> None:
        self.name = name
        self._run = run
        self._task: asyncio.Task[None] | None = None

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        tries = 0
        while not task.done():
            if tries:
                log.warning("%s did not stop when cancelled; cancelling again", self.name)
            task.cancel()
            tries += 1
            await asyncio.wait({task}, timeout=RECANCEL_AFTER)
        with contextlib.suppress(asyncio.CancelledError):
            if (error := task.exception()) is not None:
                log.error("%s had failed", self.name, exc_info=error)
