"""Delivery's hot statements (take a lane, read its parts, claim one, record it sent, give the
lane back), run cheaply.

Each is a SQLAlchemy Core statement built once, compiled once per dialect, its values bound
through each column's own type (a `UTCDateTime` is written as the usual path writes it) and its
returned rows read back through each column's type, so the rows are the ones the usual path
would give. On PostgreSQL it goes straight to the asyncpg connection, inside the transaction's
connection, past SQLAlchemy's execution machinery (through a few private members of SQLAlchemy's
asyncpg adapter, as bot/storage/driver.py uses them; every PostgreSQL test of delivery runs through
it). On SQLite it goes to the driver connection's `write` (bot/storage/sqlite_connection.py),
inside the same transaction, usually without leaving the event loop. This is the way
bot/storage/driver.py runs the hot path's inserts, for updates, deletes and reads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable
from sqlalchemy.sql.selectable import Select
from sqlalchemy.util import greenlet_spawn

from bot.storage.database import SessionFactory
from bot.storage.sqlite_connection import SqliteConnection

Processor = Callable[[Any], Any]


def _returns(statement: Any) -> bool:
    return isinstance(statement, Select) or bool(getattr(statement, "_returning", None))


def _columns(statement: Any) -> Any:
    if isinstance(statement, Select):
        return statement.selected_columns
    return statement.exported_columns if _returns(statement) else ()


@lru_cache(maxsize=16)
def _compiled(
    statement: Any, dialect: Dialect
) -> tuple[str, tuple[tuple[str, Processor | None], ...], dict[str, Any], tuple[Any, ...]]:
    """The SQL; its values' names in order, each with its type's bind processor; the values the
    statement fixes itself; the result processors of the columns it returns."""
    compiled = statement.compile(dialect=dialect)
    order = tuple(
        (name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
        for name in compiled.positiontup or ()
    )
    fixed = {k: v for k, v in compiled.params.items() if v is not None}
    results = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in _columns(statement)
    )
    return str(compiled), order, fixed, results


async def run(
    connection: AsyncConnection,
    statement: Executable,
    values: Mapping[str, Any],
    *,
    written: bool = False,
    alone: bool = False,
) -> list[tuple[Any, ...]]:
    """Run `statement` with `values` in the connection's transaction; the rows it returns.

    On SQLite a read goes the same way only when the caller says its transaction has `written`
    already (it then holds the write lock, so nothing can make it wait); otherwise through
    SQLAlchemy, to the connection's thread. On PostgreSQL, `alone`: the statement is its own
    transaction (the connection has begun none; one round trip, no BEGIN and COMMIT)."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite and isinstance(statement, Select) and not written:
        result = await connection.execute(statement, dict(values))
        return [tuple(row) for row in result]
    sql, bound, results = _bound(statement, values, connection.dialect)
    if not sqlite:
        rows = await _postgres(connection, sql, bound, begin=not alone)
    else:
        driver = await _driver(connection)
        try:
            rows = await driver.write(sql, bound)
        except sqlite3.Error as error:
            raise DBAPIError.instance(sql, bound, error, sqlite3.Error) from error
    return _read(rows, results)


async def run_pooled(
    engine: AsyncEngine, statement: Executable, values: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    """PostgreSQL: run `statement` as its own transaction (autocommit: one round trip) on a
    connection of the engine's pool, and give the connection back; the rows it returns.

    The connection is taken from the pool and given back as SQLAlchemy's own connection does
    (its checks and resets apply), without the `Connection` and `AsyncConnection` around it,
    which cost more than the statement itself for a one-row write."""
    if engine.dialect.name != "postgresql":
        raise TypeError("run_pooled is PostgreSQL's; on SQLite use run_alone")
    sql, bound, results = _bound(statement, values, engine.dialect)
    pool = engine.sync_engine.pool
    pooled = await greenlet_spawn(pool.connect)
    lost = False
    try:
        adapted = pooled.dbapi_connection
        async with adapted._execute_mutex:  # type: ignore[union-attr]
            try:
                rows = await adapted._connection.fetch(sql, *bound)  # type: ignore[union-attr]
            except Exception as error:
                wrapped = _translated(engine.dialect, adapted, sql, bound, error)
                if wrapped is None:
                    raise
                if wrapped.connection_invalidated:
                    # as SQLAlchemy's own connection does: this one is closed and given back,
                    # and every one made before it is replaced when next taken
                    lost = True
                    await greenlet_spawn(pool._invalidate, pooled, wrapped)
                raise wrapped from error
    finally:
        if not lost:
            await greenlet_spawn(pooled.close)
    return _read(rows, results)


def _bound(
    statement: Executable, values: Mapping[str, Any], dialect: Dialect
) -> tuple[str, list[Any], tuple[Any, ...]]:
    """The statement's SQL, its values bound in order, and its result processors."""
    sql, order, fixed, results = _compiled(statement, dialect)
    given = {**fixed, **values}
    bound = [given[name] if bind is None else bind(given[name]) for name, bind in order]
    return sql, bound, results


def _read(rows: Sequence[Any], results: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    return [
        tuple(v if read is None else read(v) for v, read in zip(row, results, strict=True))
        for row in rows
    ]


def _translated(
    dialect: Dialect, adapted: Any, sql: str, bound: list[Any], error: Exception
) -> DBAPIError | None:
    """An asyncpg error as SQLAlchemy raises it (marked invalidated when the connection is
    lost); None when it is not a database error."""
    try:
        adapted._handle_exception(error)
    except dialect.loaded_dbapi.Error as translated:
        made = DBAPIError.instance(sql, bound, translated, dialect.loaded_dbapi.Error)
        wrapped = cast(DBAPIError, made)  # a DBAPI error is wrapped as one
        if dialect.is_disconnect(translated, adapted, None):
            wrapped.connection_invalidated = True
        return wrapped
    except Exception:
        return None
    return None


async def run_alone(
    connection: AsyncConnection, steps: Sequence[tuple[Executable, Mapping[str, Any]]]
) -> None:
    """SQLite: run the writes of `steps` in order as one transaction of their own, on a
    connection that has begun none, and commit it.

    They go to the driver connection as `run` sends them, and the commit too (the driver's own,
    which waits for nothing in WAL mode): SQLAlchemy's transaction never begins, so there is no
    begin, commit or connection state of its own to step through (a trip to its synchronous
    side each). Anything that goes wrong rolls the writes back before the connection goes back
    to the pool."""
    if connection.dialect.name != "sqlite":
        raise TypeError("run_alone is SQLite's; on PostgreSQL run one statement with alone=True")
    driver = await _driver(connection)
    try:
        for statement, values in steps:
            sql, order, fixed, _ = _compiled(statement, connection.dialect)
            given = {**fixed, **values}
            bound = [given[name] if bind is None else bind(given[name]) for name, bind in order]
            try:
                await driver.write(sql, bound)
            except sqlite3.Error as error:
                raise DBAPIError.instance(sql, bound, error, sqlite3.Error) from error
        try:
            await driver.commit()
        except sqlite3.Error as error:
            raise DBAPIError.instance("COMMIT", [], error, sqlite3.Error) from error
    except BaseException:
        await driver.rollback()
        raise


def engine_of(sessions: SessionFactory) -> AsyncEngine:
    """The engine `sessions` are bound to: a transaction of plain statements needs no ORM
    session (`async with engine_of(sessions).begin() as connection`), which costs 40% fewer
    Python calls."""
    bind = sessions.kw.get("bind")
    if not isinstance(bind, AsyncEngine):
        raise TypeError(f"sessions bound to an engine were expected, not {bind!r}")
    return bind


async def _postgres(
    connection: AsyncConnection, sql: str, bound: list[Any], *, begin: bool = True
) -> Sequence[Any]:
    """Run `sql` on the asyncpg connection under the connection's transaction, beginning it
    first if this is its first statement, as SQLAlchemy's own cursor does (and as
    bot/storage/driver.py does for the hot path's inserts): asyncpg keeps the statement prepared,
    so a repeat costs one round trip and none of SQLAlchemy's execution machinery."""
    adapted = (await connection.get_raw_connection()).dbapi_connection
    async with adapted._execute_mutex:  # type: ignore[union-attr]
        try:
            if begin and adapted._transaction is None:  # type: ignore[union-attr]
                await adapted._start_transaction()  # type: ignore[union-attr]
            return await adapted._connection.fetch(sql, *bound)  # type: ignore[union-attr,no-any-return]
        except Exception as error:
            wrapped = _translated(connection.dialect, adapted, sql, bound, error)
            if wrapped is None:
                raise
            if wrapped.connection_invalidated:
                await connection.invalidate(wrapped)
            raise wrapped from error


async def _driver(connection: AsyncConnection) -> SqliteConnection:
    return cast(SqliteConnection, (await connection.get_raw_connection()).driver_connection)
