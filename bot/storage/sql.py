"""Small SQL helpers that work the same on SQLite and PostgreSQL.

Statements are built once per table and dialect and executed with bound values, so the hot path
pays for no statement construction. On SQLite the compiled statement goes straight to the
driver connection's `write` (bot/storage/sqlite_connection.py), inside the session's own
connection and transaction, usually without leaving the event loop, where a statement through
SQLAlchemy's cursor makes a trip to the connection's worker thread and back. On PostgreSQL it
goes to the asyncpg connection under the session's transaction, which keeps it prepared, past
SQLAlchemy's execution machinery (a greenlet switch, an execution context and a result object
per statement): a reply makes 28% fewer Python calls. That path uses a few private members of
SQLAlchemy's asyncpg adapter (its mutex, its transaction and how it begins one, its error
translation); `tests/storage/test_sql.py` and every PostgreSQL test run through it, so an
upgrade that changes them fails there.

Values are bound through each column's own SQLAlchemy type (its bind processor, which runs a
TypeDecorator's `process_bind_param`), so a value is written exactly as the usual path would
write it. Errors are wrapped as SQLAlchemy's, as they would be on the usual path.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NoReturn, cast

from sqlalchemy import ColumnDefault, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import SessionTransaction
from sqlalchemy.sql.dml import Insert
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.sqlite_connection import SqliteConnection

SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"
"""How SQLAlchemy stores a DateTime on SQLite (for tools that write rows by hand)."""


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


@lru_cache(maxsize=64)
def _insert_ignore(dialect: str, table: Table) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing().returning(table.c.id)


@lru_cache(maxsize=64)
def _insert(table: Table) -> Insert:
    return table.insert().returning(table.c.id)


BindProcessor = Callable[[Any], Any]


@lru_cache(maxsize=256)
def _driver_sql(
    statement: Insert, keys: tuple[str, ...], dialect: Dialect
) -> tuple[str, tuple[tuple[str, BindProcessor | None], ...], dict[str, Any]]:
    """The SQL; the order of its values, each with its column's bind processor; the model's
    defaults for the columns not given."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    table = cast(Table, statement.table)
    # the dialect's own form of each type, as the compiled statement's binds use: a DateTime
    # becomes SQLite's DATETIME, which writes its microseconds even when they are zero
    order = tuple(
        (key, compiled.binds[key].type.dialect_impl(dialect).bind_processor(dialect))
        for key in compiled.positiontup or ()
    )
    defaults: dict[str, Any] = {}
    for key, _ in order:
        if key in keys:
            continue
        default = table.c[key].default if key in table.c else None
        if not isinstance(default, ColumnDefault) or not default.is_scalar:
            raise ValueError(f"{table.name}.{key} needs a value: it has no fixed default")
        defaults[key] = default.arg
    return str(compiled), order, defaults


_DRIVER = "huddlebot.driver"


@dataclass(frozen=True, slots=True)
class _Driver:
    """What a transaction's writes go through, looked up once per transaction."""

    transaction: SessionTransaction
    dialect: Dialect
    connection: AsyncConnection
    dbapi: Any
    """SQLite: huddlebot's own connection; PostgreSQL: SQLAlchemy's adapted asyncpg one."""


async def _driver(session: AsyncSession) -> _Driver:
    transaction = session.sync_session.get_transaction()
    cached: _Driver | None = session.info.get(_DRIVER)
    if (
        transaction is not None
        and cached is not None
        and cached.transaction is transaction
        and transaction.is_active
    ):
        return cached
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    dialect = connection.dialect
    if dialect.name == "postgresql":
        dbapi: Any = raw.dbapi_connection
    else:
        dbapi = raw.driver_connection
        if not isinstance(dbapi, SqliteConnection):
            raise TypeError(
                f"expected an engine from bot.storage.database.make_engine, not {dbapi!r}"
            )
    transaction = session.sync_session.get_transaction()
    assert transaction is not None
    driver = _Driver(transaction, dialect, connection, dbapi)
    session.info[_DRIVER] = driver
    return driver


async def _first_row(
    session: AsyncSession, statement: Insert, values: dict[str, Any]
) -> tuple[Any, ...] | None:
    driver = await _driver(session)
    sql, order, defaults = _driver_sql(statement, tuple(sorted(values)), driver.dialect)
    if defaults:
        values = {**defaults, **values}
    bound = [values[key] if process is None else process(values[key]) for key, process in order]
    if driver.dialect.name == "postgresql":
        return await _postgres_row(driver, sql, bound)
    try:
        rows = await driver.dbapi.write(sql, bound)
    except sqlite3.Error as error:
        raise DBAPIError.instance(sql, bound, error, sqlite3.Error) from error
    return tuple(rows[0]) if rows else None


async def _postgres_row(driver: _Driver, sql: str, bound: list[Any]) -> tuple[Any, ...] | None:
    """Run `sql` on the asyncpg connection under the session's transaction, beginning it first
    if this is its first statement, as SQLAlchemy's own cursor does. asyncpg keeps the statement
    prepared on its connection, so a repeat costs one round trip and no SQL compiling."""
    adapted = driver.dbapi
    async with adapted._execute_mutex:
        try:
            if adapted._transaction is None:
                await adapted._start_transaction()
            row = await adapted._connection.fetchrow(sql, *bound)
        except Exception as error:
            await _raise_as_sqlalchemy(driver, sql, bound, error)
    return None if row is None else tuple(row)


async def _raise_as_sqlalchemy(
    driver: _Driver, sql: str, bound: list[Any], error: Exception
) -> NoReturn:
    """Raise `error` as the usual path would: the driver's error as SQLAlchemy's, and a broken
    connection invalidated so the pool does not hand it out again."""
    dialect = driver.dialect
    try:
        driver.dbapi._handle_exception(error)
    except dialect.loaded_dbapi.Error as translated:
        wrapped = DBAPIError.instance(sql, bound, translated, dialect.loaded_dbapi.Error)
        if dialect.is_disconnect(translated, driver.dbapi, None):
            wrapped.connection_invalidated = True
            await driver.connection.invalidate(wrapped)
        raise wrapped from error
    raise error


async def insert_ignore(
    session: AsyncSession, model: type[SQLModel], values: dict[str, Any]
) -> int | None:
    """Insert a row unless a unique constraint already holds one like it.

    Returns the new row's id, or None when the row was already there. Two concurrent
    transactions inserting the same row cannot both get an id.
    """
    dialect = (await _driver(session)).dialect.name
    row = await _first_row(session, _insert_ignore(dialect, _table(model)), values)
    return None if row is None else int(row[0])


async def first_row(
    session: AsyncSession, build: Callable[[str], Insert], values: dict[str, Any]
) -> tuple[Any, ...] | None:
    """Run a one-row insert with `values` and return its first RETURNING row, if any.

    `build` makes the statement for a dialect's name ("sqlite", "postgresql"); cache it, as the
    compiled SQL is kept per statement. Bound parameters other than the table's columns are
    named with `bindparam` and given in `values` too."""
    driver = await _driver(session)
    return await _first_row(session, build(driver.dialect.name), values)


async def insert_row(session: AsyncSession, model: type[SQLModel], values: dict[str, Any]) -> int:
    """Insert one row and return its id, without the ORM's unit of work."""
    row = await _first_row(session, _insert(_table(model)), values)
    assert row is not None
    return int(row[0])
