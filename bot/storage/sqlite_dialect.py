"""SQLAlchemy's side of the SQLite driver connection: a DBAPI adapter and a dialect.

SQLAlchemy's engine calls a DBAPI synchronously; with an asyncio engine it does so inside a
greenlet, and an asyncio dialect hands each awaitable back to the event loop with `await_only`.
`SqliteDbapi` is that DBAPI for `SqliteConnection` (bot/storage/sqlite_connection.py): a statement
is one trip to the connection's worker thread, which runs it and fetches its rows, and a commit or
rollback goes through the connection's own `commit()`/`rollback()`, on the loop when they can be.
`SqliteDialect` is SQLAlchemy's pysqlite dialect (SQL, types, reflection) with this DBAPI under
it. `register()` names it "sqlite+huddlebot" in SQLAlchemy's dialect registry; `make_engine`
(bot/storage/database.py) opens every SQLite URL with it.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.engine.interfaces import ConnectArgsType, DBAPIConnection
from sqlalchemy.util import await_only

from bot.storage import sqlite_connection
from bot.storage.sqlite_connection import SqliteCall, SqliteConnection

DRIVER = "huddlebot"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one statement left behind: its columns, all its rows, and its counts."""

    description: Any
    rows: list[Any]
    rowcount: int
    lastrowid: int | None


def _outcome(cursor: sqlite3.Cursor) -> Outcome:
    try:
        rows = cursor.fetchall() if cursor.description else []
        return Outcome(cursor.description, rows, cursor.rowcount, cursor.lastrowid)
    finally:
        cursor.close()


def _statement(sql: str, parameters: Any) -> SqliteCall[Outcome]:
    return lambda conn: _outcome(conn.execute(sql, parameters))


def _statements(sql: str, parameters: Sequence[Any]) -> SqliteCall[Outcome]:
    return lambda conn: _outcome(conn.executemany(sql, parameters))


class SqliteCursor:
    """A DBAPI cursor: each statement runs, rows and all, in one trip to the worker thread."""

    def __init__(self, connection: SqliteConnection) -> None:
        self._connection = connection
        self._rows: deque[Any] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    def execute(self, operation: str, parameters: Any = None) -> SqliteCursor:
        call = _statement(operation, () if parameters is None else parameters)
        self._take(await_only(self._connection.run(call)))
        return self

    def executemany(self, operation: str, seq_of_parameters: Sequence[Any]) -> SqliteCursor:
        self._take(await_only(self._connection.run(_statements(operation, seq_of_parameters))))
        return self

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(self.arraysize if size is None else size, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    def close(self) -> None:
        self._rows.clear()

    async def _async_soft_close(self) -> None:
        """Called by SQLAlchemy's asyncio results (2.0.44 on) on every async driver's cursor
        before a result is read outside the greenlet; the rows are already here, so there is
        nothing to close."""

    def setinputsizes(self, *sizes: Any) -> None:
        """Accepted and ignored, as sqlite3 does."""

    def setoutputsize(self, size: Any, column: Any = None) -> None:
        """Accepted and ignored, as sqlite3 does."""

    def __iter__(self) -> Iterator[Any]:
        while self._rows:
            yield self._rows.popleft()

    def _take(self, outcome: Outcome) -> None:
        self.description = outcome.description
        self.rowcount = outcome.rowcount
        self.lastrowid = outcome.lastrowid
        self._rows = deque(outcome.rows)


class AdaptedSqlite:
    """A DBAPI connection over a `SqliteConnection`, for SQLAlchemy's greenlet."""

    def __init__(self, connection: SqliteConnection) -> None:
        self._connection = connection

    @property
    def driver_connection(self) -> SqliteConnection:
        return self._connection

    def run_async(self, fn: Callable[[SqliteConnection], Awaitable[T]]) -> T:
        """Run an awaitable function with the driver connection (SQLAlchemy's adapted API)."""
        return await_only(fn(self._connection))

    def cursor(self) -> SqliteCursor:
        return SqliteCursor(self._connection)

    def execute(self, operation: str, parameters: Any = None) -> SqliteCursor:
        return self.cursor().execute(operation, parameters)

    def commit(self) -> None:
        await_only(self._connection.commit())

    def rollback(self) -> None:
        await_only(self._connection.rollback())

    def close(self) -> None:
        await_only(self._connection.close())

    def terminate(self) -> None:
        """Close without waiting; works outside the greenlet too (a connection left to gc)."""
        self._connection.stop()

    def create_function(self, *args: Any, **kwargs: Any) -> None:
        await_only(self._connection.run(lambda conn: conn.create_function(*args, **kwargs)))

    @property
    def isolation_level(self) -> str | None:
        return await_only(self._connection.run(lambda conn: conn.isolation_level))

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        def set_level(conn: sqlite3.Connection) -> None:
            conn.isolation_level = value  # type: ignore[assignment]  # sqlite3 takes any str

        await_only(self._connection.run(set_level))


class SqliteDbapi:
    """The DBAPI module SQLAlchemy sees: sqlite3's errors and types, and our `connect`."""

    paramstyle = "qmark"
    apilevel = "2.0"
    threadsafety = 1
    Warning = sqlite3.Warning
    Error = sqlite3.Error
    InterfaceError = sqlite3.InterfaceError
    DatabaseError = sqlite3.DatabaseError
    DataError = sqlite3.DataError
    OperationalError = sqlite3.OperationalError
    IntegrityError = sqlite3.IntegrityError
    InternalError = sqlite3.InternalError
    ProgrammingError = sqlite3.ProgrammingError
    NotSupportedError = sqlite3.NotSupportedError
    Binary = sqlite3.Binary
    PARSE_COLNAMES = sqlite3.PARSE_COLNAMES
    PARSE_DECLTYPES = sqlite3.PARSE_DECLTYPES
    sqlite_version = sqlite3.sqlite_version
    sqlite_version_info = sqlite3.sqlite_version_info

    def connect(
        self,
        database: str,
        *,
        busy_timeout_ms: int = sqlite_connection.BUSY_TIMEOUT_MS,
        uri: bool = False,
    ) -> AdaptedSqlite:
        opening = sqlite_connection.connect(database, busy_timeout_ms=busy_timeout_ms, uri=uri)
        return AdaptedSqlite(await_only(opening))


def _is_file(url: URL) -> bool:
    return url.database not in (None, "", ":memory:") and url.query.get("mode") != "memory"


class SqliteDialect(SQLiteDialect_pysqlite):
    """SQLite through `SqliteConnection`, for SQLAlchemy's asyncio engine."""

    driver = DRIVER
    is_async = True
    has_terminate = True
    supports_statement_cache = True
    supports_server_side_cursors = False

    @classmethod
    def import_dbapi(cls) -> Any:  # a module in SQLAlchemy 2.0's types, DBAPIModule in 2.1's
        return SqliteDbapi()

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        return pool.AsyncAdaptedQueuePool if _is_file(url) else pool.StaticPool

    def create_connect_args(self, url: URL) -> ConnectArgsType:
        """The file name as the pysqlite dialect reads it; a `timeout` becomes the busy timeout."""
        args, options = super().create_connect_args(url)
        kwargs: dict[str, Any] = {"uri": bool(options.get("uri", False))}
        if "timeout" in options:
            kwargs["busy_timeout_ms"] = round(float(options["timeout"]) * 1000)
        return list(args), kwargs

    def get_driver_connection(self, connection: DBAPIConnection) -> SqliteConnection:
        return cast(AdaptedSqlite, connection).driver_connection

    def do_terminate(self, dbapi_connection: DBAPIConnection) -> None:
        cast(AdaptedSqlite, dbapi_connection).terminate()


def register() -> str:
    """Name the dialect in SQLAlchemy's registry; returns the URL driver name to use."""
    registry.register(f"sqlite.{DRIVER}", __name__, SqliteDialect.__name__)
    return f"sqlite+{DRIVER}"
