"""SQLite's driver connection: one sqlite3 connection, one worker thread, short writes on the loop.

Each connection owns a sqlite3 connection and a worker thread of its own that runs, in order, the
calls queued for it. A single-row insert takes SQLite a few microseconds, but the trip to a thread
and back through the event loop takes far longer, and a reply made four of them (the dedup
record, the entry, the queued answer, the commit). So every statement SQLAlchemy runs goes to the
thread, and a long read (a digest's query, an export) never stalls the loop, but what cannot wait
runs on the loop:

- `write(sql, values)`, the bot's own prepared one-row inserts (see bot/storage/driver.py). When the
  transaction does not hold the write lock yet, the first try does not wait at all: if another
  process (a one-shot `huddlebot` command) holds the lock, the statement goes to the thread and
  waits there with the usual busy timeout, as any other statement would.
- `commit()` and `rollback()`, which in WAL mode never wait for another process. In any other
  journal mode a commit goes to the thread.

A commit would also copy the write-ahead log back into the database file now and then (SQLite's
automatic checkpoint, with an fsync), which would stall the loop for milliseconds. So this
connection turns that off, and a `Checkpointer` (bot/storage/sqlite_checkpoint.py), with its own
thread and its own connection, does it instead after every `CHECKPOINT_EVERY` commits.

Calls keep their order: while the thread still has work queued, everything goes to the thread
behind it. The sqlite3 connection is opened with `check_same_thread=False` because both threads
use it, one at a time. `close()` waits for the queued work and closes; `stop()` (a forced close,
for when nothing can be awaited) lets the queued work finish on the thread without waiting.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from bot.storage.sqlite_checkpoint import Checkpointer

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000
CHECKPOINT_EVERY = 100  # commits; about what SQLite's automatic 1,000-page checkpoint allows
CLOSED = "Cannot operate on a closed database."
"""sqlite3's own words for a closed connection, which SQLAlchemy reads as a disconnect."""

_NO_WAIT_JOURNALS = frozenset({"wal", "memory"})

T = TypeVar("T")
SqliteCall = Callable[[sqlite3.Connection], T]
_Job = tuple["asyncio.Future[Any] | None", Callable[[], Any]]


def _settle(future: asyncio.Future[Any], result: Any, error: Exception | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _fetch(sql: str, values: Sequence[Any]) -> SqliteCall[list[Any]]:
    return lambda conn: conn.execute(sql, values).fetchall()


def _commit(conn: sqlite3.Connection) -> None:
    conn.commit()


def _rollback(conn: sqlite3.Connection) -> None:
    conn.rollback()


class SqliteConnection:
    """A sqlite3 connection with a worker thread; the hot path's short writes skip the thread."""

    def __init__(
        self,
        database: str,
        *,
        loop: asyncio.AbstractEventLoop,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        uri: bool = False,
    ) -> None:
        self._database = database
        self._loop = loop
        self._busy_timeout_ms = busy_timeout_ms
        self._uri = uri
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._conn: sqlite3.Connection | None = None
        self._closed = False
        self._queued = 0  # written by the loop only
        self._finished = 0  # written by the worker thread only
        self._holds_write_lock = False
        self._commit_waits = True
        self._commits = 0
        self.checkpointer: Checkpointer | None = None
        self._thread = threading.Thread(target=self._work, name="sqlite-worker", daemon=True)
        self._thread.start()

    @property
    def closed(self) -> bool:
        return self._closed

    async def run(self, call: SqliteCall[T]) -> T:
        """Run `call` with the sqlite3 connection on the worker thread, after all queued before."""
        future = self._submit(lambda: call(self._sqlite()))
        return await future  # type: ignore[no-any-return]

    async def fetchall(self, sql: str, values: Sequence[Any] = ()) -> list[Any]:
        """Run one statement on the worker thread and return all its rows."""
        return await self.run(_fetch(sql, values))

    async def write(self, sql: str, values: Sequence[Any]) -> list[Any]:
        """Run one short write statement (an INSERT ... RETURNING) and return its rows."""
        if not self._thread_idle():
            return await self._write_on_thread(sql, values)
        conn = self._sqlite()
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

    def trace(self, callback: Callable[[str], object] | None) -> None:
        """Call `callback` with each statement this connection runs (None stops it): how tests
        count what a unit of work costs."""
        self._sqlite().set_trace_callback(callback)

    async def commit(self) -> None:
        self._holds_write_lock = False
        conn = self._sqlite()
        wrote = conn.in_transaction
        if self._commit_waits or not self._thread_idle():
            await self.run(_commit)
        else:
            conn.commit()
        if wrote and self.checkpointer is not None:
            self._commits += 1
            if self._commits % CHECKPOINT_EVERY == 0:
                self.checkpointer.request()

    async def rollback(self) -> None:
        self._holds_write_lock = False
        if self._closed:
            return  # a closed connection has no transaction left to undo
        if not self._thread_idle():
            await self.run(_rollback)
            return
        self._sqlite().rollback()

    async def close(self) -> None:
        """Finish the queued work, close the sqlite3 connection and end both threads."""
        if self._closed:
            return
        done: asyncio.Future[None] = self._loop.create_future()
        self._shut(done)
        await done

    def stop(self) -> None:
        """A forced close: nothing waits; the thread finishes its queue, closes and ends."""
        if not self._closed:
            self._shut(None)

    def _shut(self, future: asyncio.Future[Any] | None) -> None:
        self._closed = True
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self._queued += 1
        self._jobs.put((future, self._close_sqlite))
        self._jobs.put(None)

    async def open(self) -> None:
        """Open the sqlite3 connection on the worker thread (once, before any other call)."""
        try:
            await self._submit(self._open_sqlite)
        except BaseException:
            self.stop()
            raise

    def _open_sqlite(self) -> None:
        """Open and set up the sqlite3 connection (runs on the worker thread)."""
        conn = sqlite3.connect(
            self._database,
            timeout=self._busy_timeout_ms / 1000,
            check_same_thread=False,
            uri=self._uri,
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            journal = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
            if journal == "wal":
                conn.execute("PRAGMA wal_autocheckpoint=0")
        except sqlite3.Error:
            conn.close()
            raise
        self._commit_waits = journal not in _NO_WAIT_JOURNALS
        if journal == "wal":
            self.checkpointer = Checkpointer(
                self._database, busy_timeout_ms=self._busy_timeout_ms, uri=self._uri
            )
        self._conn = conn

    def _close_sqlite(self) -> None:
        if self._conn is not None:
            self._conn.close()

    def _sqlite(self) -> sqlite3.Connection:
        if self._closed or self._conn is None:
            raise sqlite3.ProgrammingError(CLOSED)
        return self._conn

    def _thread_idle(self) -> bool:
        return not self._closed and self._queued == self._finished

    def _submit(self, call: Callable[[], T]) -> asyncio.Future[T]:
        if self._closed:
            raise sqlite3.ProgrammingError(CLOSED)
        future: asyncio.Future[T] = self._loop.create_future()
        self._queued += 1
        self._jobs.put((future, call))
        return future

    async def _write_on_thread(self, sql: str, values: Sequence[Any]) -> list[Any]:
        rows = await self.run(_fetch(sql, values))
        self._holds_write_lock = True
        return rows

    def _work(self) -> None:
        """The worker thread: run each queued call in turn and hand its outcome back."""
        while (job := self._jobs.get()) is not None:
            future, call = job
            result: Any = None
            error: Exception | None = None
            try:
                result = call()
            except Exception as exc:  # handed to the task that waits for it
                error = exc
            self._finished += 1
            if future is None:
                continue
            try:
                self._loop.call_soon_threadsafe(_settle, future, result, error)
            except RuntimeError:  # the loop is closed: nobody waits for this any more
                log.debug("sqlite call finished after its event loop closed")


async def connect(
    database: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, uri: bool = False
) -> SqliteConnection:
    """Open `database` (a file path, or ":memory:") with a worker thread of its own."""
    connection = SqliteConnection(
        database, loop=asyncio.get_running_loop(), busy_timeout_ms=busy_timeout_ms, uri=uri
    )
    await connection.open()
    return connection
