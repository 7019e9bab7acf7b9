"""Run a bot (`python -m bot` or the floor bot) as a child process pointed at a loopback emulator.

The benchmark measures the bot in its own process, so the emulator and the driver never share its
event loop or its memory; the start-up, shutdown and security tests use the same runner to exercise
the real command line.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# DEBUG logs print whole gateway payloads on one line; readline() must not choke on them.
READ_LIMIT = 16 * 1024 * 1024


def bot_environment(
    *,
    api_base: str,
    gateway_url: str,
    database_path: Path,
    token: str = "bench-token",
    dataset_path: Path | None = None,
    log_level: str = "INFO",
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment for a child bot. Every setting is explicit so a developer's `.env` cannot leak in
    (python-dotenv never overrides a variable that is already set, even to an empty string)."""
    env = dict(os.environ)
    env.update(
        {
            "DISCORD_TOKEN": token,
            "DATABASE_PATH": str(database_path),
            "DATASET": str(dataset_path) if dataset_path else "",
            "DEV_GUILD_ID": "",
            "LOG_LEVEL": log_level,
            "DISCORD_API_BASE": api_base,
            "DISCORD_GATEWAY_URL": gateway_url,
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": "",
            "SHARD_COUNT": "",
            "SHARD_IDS": "",
        }
    )
    env.update(extra or {})
    return env


class BotProcess:
    """A child Python process whose combined stdout/stderr is collected line by line while it runs."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._new_line = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, args: list[str], env: Mapping[str, str]) -> BotProcess:
        """Start `python <args>` in the repository root, e.g. `["-m", "bot"]`."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            cwd=REPO_ROOT,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            limit=READ_LIMIT,
        )
        return cls(process)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while chunk := await self.process.stdout.readline():
            self.lines.append(chunk.decode("utf-8", "replace").rstrip("\n"))
            self._new_line.set()
        self._new_line.set()

    async def wait_for_line(self, pattern: str, timeout: float = 30.0) -> str:  # noqa: ASYNC109 (a deadline per call)
        """The first output line matching the regex `pattern`; fails if the process exits first."""
        regex = re.compile(pattern)
        seen = 0

        async def scan() -> str:
            nonlocal seen
            while True:
                for line in self.lines[seen:]:
                    seen += 1
                    if regex.search(line):
                        return line
                if self._reader.done():
                    raise RuntimeError(f"the process exited before printing {pattern!r}:\n{self.output}")
                self._new_line.clear()
                await self._new_line.wait()

        try:
            return await asyncio.wait_for(scan(), timeout)
        except TimeoutError:
            raise TimeoutError(f"no line matching {pattern!r} within {timeout} s:\n{self.output}") from None

    def rss_kib(self) -> int:
        """Resident memory of the process, from /proc (Linux)."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if match is None:
            raise RuntimeError(f"no VmRSS for process {self.pid}")
        return int(match.group(1))

    async def wait(self, timeout: float = 30.0) -> int:  # noqa: ASYNC109
        """Wait for the process to exit by itself and for its output to be read; return its exit code."""
        code = await asyncio.wait_for(self.process.wait(), timeout)
        await asyncio.wait_for(self._reader, timeout)
        return code

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:  # noqa: ASYNC109
        """Send `sig` and wait for the exit code (SIGKILL after `timeout`)."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(sig)
        try:
            return await self.wait(timeout)
        except TimeoutError:
            self.kill()
            await self.process.wait()
            raise

    def kill(self) -> None:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
