"""SQLite's driver connection: aiosqlite, with the hot path's short writes run on the loop.

aiosqlite runs every call on a worker thread. A single-row insert takes SQLite a few
microseconds, but the trip to the thread and back through the event loop takes far longer, and a
reply made four of them (the dedup record, the entry, the queued answer, the commit). This
connection keeps aiosqlite's thread for every statement SQLAlchemy runs, so a long read (a
digest's query, an export) never stalls the loop, and runs on the loop only what cannot wait:

- `write(sql, values)`, the bot's own prepared one-row inserts (see bot/sql.py). When the
  transaction does not hold the write lock yet, the first try does not wait at all: if another
  process (a one-shot `huddlebot` command) holds the lock, the statement goes to the thread and
  waits there with the usual busy timeout, as any other statement would.
- `commit()` and `rollback()`, which in WAL mode never wait for another process. In any other
  journal mode a commit goes to the thread.

A commit would also copy the write-ahead log back into the database file now and then (SQLite's
automatic checkpoint, with an fsync), which would stall the loop for milliseconds. So this
connection turns that off and a `Checkpointer`, with its own thread and its own connection,
does it instead after every `CHECKPOINT_EVERY` commits; a WAL checkpoint never blocks writers.

Calls keep their order: while the thread still has work queued, everything goes to the thread
behind it. The sqlite3 connection is opened with `check_same_thread=False` because both threads
use it, one at a time.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import aiosqlite

BUSY_TIMEOUT_MS = 5_000
CHECKPOINT_EVERY = 100  # commits; about what SQLite's automatic 1,000-page checkpoint allows
_NO_WAIT_JOURNALS = frozenset({"wal", "memory"})


class Checkpointer:
    """Copies a database's write-ahead log back into its file, on its own thread."""

    def __init__(self, database: str, *, busy_timeout_ms: int) -> None:
        self._database = database
        self._busy_timeout_ms = busy_timeout_ms
        self._wanted = threading.Event()
        self._stopping = False
        self._done = 0
        self._progress = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def request(self) -> None:
        self._wanted.set()

    def wait_for(self, count: int, timeout: float) -> bool:
        """Block until `count` checkpoints have run (False when `timeout` seconds pass first)."""
        with self._progress:
            return self._progress.wait_for(lambda: self._done >= count, timeout)

    def stop(self) -> None:
        """Ask the thread to finish; it closes its connection and ends on its own."""
        self._stopping = True
        self._wanted.set()

    def _run(self) -> None:
        conn = sqlite3.connect(self._database, timeout=self._busy_timeout_ms / 1000)
        try:
            while True:
                self._wanted.wait()
                self._wanted.clear()
                if self._stopping:
                    return
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                with self._progress:
                    self._done += 1
                    self._progress.notify_all()
        finally:
            conn.close()


class SqliteConnection(aiosqlite.Connection):
    """An aiosqlite connection that runs the hot path's short writes without a thread hop."""

    def __init__(self, database: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        super().__init__(self._open, iter_chunk_size=64)
        self._database = database
        self._busy_timeout_ms = busy_timeout_ms
        self._queued = 0  # written by the loop only
        self._finished = 0  # written by the worker thread only
        self._holds_write_lock = False
        self._commit_waits = True
        self._commits = 0
        self.checkpointer: Checkpointer | None = None

    def _open(self) -> sqlite3.Connection:
        """Open and set up the sqlite3 connection (runs on the worker thread)."""
        conn = sqlite3.connect(
            self._database, timeout=self._busy_timeout_ms / 1000, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        journal = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        self._commit_waits = journal not in _NO_WAIT_JOURNALS
        if journal == "wal":
            conn.execute("PRAGMA wal_autocheckpoint=0")
            self.checkpointer = Checkpointer(self._database, busy_timeout_ms=self._busy_timeout_ms)
        return conn

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        call = partial(fn, *args, **kwargs)

        def counted() -> Any:
            try:
                return call()
            finally:
                self._finished += 1

        self._queued += 1
        try:
            return await super()._execute(counted)
        except ValueError:
            if self._connection is None:  # closed: nothing was queued
                self._finished = self._queued
            raise

    def _thread_idle(self) -> bool:
        return self._connection is not None and self._queued == self._finished

    async def write(self, sql: str, values: Sequence[Any]) -> list[Any]:
        """Run one short write statement (an INSERT ... RETURNING) and return its rows."""
        if not self._thread_idle():
            return await self._write_on_thread(sql, values)
        conn = self._conn
        if self._holds_write_lock and conn.in_transaction:
            return conn.execute(sql, values).fetchall()
        began_here = not conn.in_transaction
        conn.execute("PRAGMA busy_timeout=0")
        try:
            rows = conn.execute(sql, values).fetchall()
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                raise
            if began_here:
                conn.rollback()  # let go of the stale snapshot before waiting for the lock
        else:
            self._holds_write_lock = True
            return rows
        finally:
            conn.execute(f"PRAGMA busy_timeout={self._busy_timeout_ms}")
        return await self._write_on_thread(sql, values)

    async def _write_on_thread(self, sql: str, values: Sequence[Any]) -> list[Any]:
        rows = await self._execute(self._execute_fetchall, sql, values)
        self._holds_write_lock = True
        return list(rows)

    async def commit(self) -> None:
        self._holds_write_lock = False
        wrote = self._connection is not None and self._connection.in_transaction
        if self._commit_waits or not self._thread_idle():
            await super().commit()
        else:
            self._conn.commit()
        if wrote and self.checkpointer is not None:
            self._commits += 1
            if self._commits % CHECKPOINT_EVERY == 0:
                self.checkpointer.request()

    async def rollback(self) -> None:
        self._holds_write_lock = False
        if not self._thread_idle():
            await super().rollback()
            return
        self._conn.rollback()

    async def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.stop()
        await super().close()

    def stop(self) -> asyncio.Future[Any] | None:
        """Stop the worker thread (SQLAlchemy's forced close), and the checkpointer with it."""
        if self.checkpointer is not None:
            self.checkpointer.stop()
        return super().stop()


async def connect(database: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> SqliteConnection:
    """Open `database` (a file path, or ":memory:") on its own worker thread."""
    connection = SqliteConnection(database, busy_timeout_ms=busy_timeout_ms)
    connection._thread.daemon = True  # as SQLAlchemy does: a forgotten pool never hangs exit
    await connection
    return connection
