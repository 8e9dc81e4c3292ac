"""Statements sent straight to the driver connection, the same on SQLite and PostgreSQL.

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

bot/storage/sql.py builds the unit of work's writes on this.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NoReturn, cast

from sqlalchemy import ColumnDefault, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.dml import Insert, Update
from sqlalchemy.sql.selectable import Select
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.sqlite_connection import SqliteConnection

SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"
"""How SQLAlchemy stores a DateTime on SQLite (for tools that write rows by hand)."""


def table_of(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


@lru_cache(maxsize=64)
def insert_ignore_statement(dialect: str, table: Table) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing().returning(table.c.id)


@lru_cache(maxsize=64)
def insert_statement(table: Table) -> Insert:
    return table.insert().returning(table.c.id)


BindProcessor = Callable[[Any], Any]

Statement = Insert | Update | Select[Any]
"""A statement of at most one row sent straight to the driver."""


@lru_cache(maxsize=256)
def driver_sql(
    statement: Statement,
    keys: tuple[str, ...],
    dialect: Dialect,
    table: Table | None = None,
) -> tuple[str, tuple[tuple[str, BindProcessor | None], ...], dict[str, Any]]:
    """The SQL; the order of its values, each with its column's bind processor; the model's
    defaults for the columns not given (of `table`, else of the table the insert writes)."""
    sql, order = compiled_sql(statement, dialect, keys)
    if table is None and isinstance(statement, Insert):
        table = cast(Table, statement.table)
    defaults: dict[str, Any] = {}
    for key, _ in order:
        if key in keys:
            continue
        default = table.c[key].default if table is not None and key in table.c else None
        if not isinstance(default, ColumnDefault) or not default.is_scalar:
            where = "a statement" if table is None else table.name
            raise ValueError(f"{where}.{key} needs a value: it has no fixed default")
        defaults[key] = default.arg
    return sql, order, defaults


def compiled_sql(
    statement: Statement, dialect: Dialect, keys: tuple[str, ...] | None = None
) -> tuple[str, tuple[tuple[str, BindProcessor | None], ...]]:
    """The SQL, and the names of its values in order, each with its bind processor."""
    compiled = statement.compile(dialect=dialect, column_keys=None if keys is None else list(keys))
    # the dialect's own form of each type, as the compiled statement's binds use: a DateTime
    # becomes SQLite's DATETIME, which writes its microseconds even when they are zero
    order = tuple(
        (key, compiled.binds[key].type.dialect_impl(dialect).bind_processor(dialect))
        for key in compiled.positiontup or ()
    )
    return str(compiled), order


_DRIVER = "huddlebot.driver"


@dataclass(frozen=True, slots=True)
class Driver:
    """What a transaction's writes go through, looked up once per transaction."""

    transaction: SessionTransaction
    dialect: Dialect
    connection: Connection
    dbapi: Any
    """SQLite: huddlebot's own connection; PostgreSQL: SQLAlchemy's adapted asyncpg one."""


def _look_up(session: Session) -> Driver:
    """The session's connection (begun, checked out of the pool on first use) and its driver
    connection: one trip into SQLAlchemy's synchronous side."""
    connection = session.connection()
    dialect = connection.dialect
    raw = connection.connection
    if dialect.name == "postgresql":
        dbapi: Any = raw.dbapi_connection
    else:
        dbapi = raw.driver_connection
        if not isinstance(dbapi, SqliteConnection):
            raise TypeError(
                f"expected an engine from bot.storage.database.make_engine, not {dbapi!r}"
            )
    transaction = session.get_transaction()
    assert transaction is not None
    return Driver(transaction, dialect, connection, dbapi)


async def driver(session: AsyncSession) -> Driver:
    """The session's driver connection, looked up once per transaction."""
    transaction = session.sync_session.get_transaction()
    cached: Driver | None = session.info.get(_DRIVER)
    if (
        transaction is not None
        and cached is not None
        and cached.transaction is transaction
        and transaction.is_active
    ):
        return cached
    found = await session.run_sync(_look_up)
    session.info[_DRIVER] = found
    return found


async def run_row(
    session: AsyncSession,
    statement: Statement,
    values: dict[str, Any],
    table: Table | None = None,
    *,
    begin: bool = True,
) -> tuple[Any, ...] | None:
    """Run `statement` with `values` in the session's transaction and return its first row.

    `table`: whose column defaults fill the values not given (the insert's own by default).
    On PostgreSQL, `begin=False` runs it without beginning the driver's transaction when none
    is open yet: alone, in autocommit (see bot/storage/sql.py `write_waiting`)."""
    found = await driver(session)
    sql, order, defaults = driver_sql(statement, tuple(sorted(values)), found.dialect, table)
    if defaults:
        values = {**defaults, **values}
    bound = [values[key] if process is None else process(values[key]) for key, process in order]
    return await run_bound(session, found, sql, bound, begin=begin)


async def run_bound(
    session: AsyncSession, found: Driver, sql: str, bound: list[Any], *, begin: bool = True
) -> tuple[Any, ...] | None:
    """Run compiled `sql` (`driver_sql`) with its values bound in order; its first row."""
    if found.dialect.name == "postgresql":
        return await _postgres_row(session, found, sql, bound, begin=begin)
    try:
        rows = await found.dbapi.write(sql, bound)
    except sqlite3.Error as error:
        raise DBAPIError.instance(sql, bound, error, sqlite3.Error) from error
    return tuple(rows[0]) if rows else None


async def _postgres_row(
    session: AsyncSession, found: Driver, sql: str, bound: list[Any], *, begin: bool
) -> tuple[Any, ...] | None:
    """Run `sql` on the asyncpg connection under the session's transaction, beginning it first
    if this is its first statement, as SQLAlchemy's own cursor does. asyncpg keeps the statement
    prepared on its connection, so a repeat costs one round trip and no SQL compiling."""
    adapted = found.dbapi
    async with adapted._execute_mutex:
        try:
            if begin and adapted._transaction is None:
                await adapted._start_transaction()
            row = await adapted._connection.fetchrow(sql, *bound)
        except Exception as error:
            await _raise_as_sqlalchemy(session, found, sql, bound, error)
    return None if row is None else tuple(row)


async def _raise_as_sqlalchemy(
    session: AsyncSession, found: Driver, sql: str, bound: list[Any], error: Exception
) -> NoReturn:
    """Raise `error` as the usual path would: the driver's error as SQLAlchemy's, and a broken
    connection invalidated so the pool does not hand it out again."""
    dialect = found.dialect
    try:
        found.dbapi._handle_exception(error)
    except dialect.loaded_dbapi.Error as translated:
        wrapped = DBAPIError.instance(sql, bound, translated, dialect.loaded_dbapi.Error)
        if dialect.is_disconnect(translated, found.dbapi, None):
            wrapped.connection_invalidated = True
            await session.run_sync(lambda _: found.connection.invalidate(wrapped))
        raise wrapped from error
    raise error


def began(found: Driver) -> bool:
    """Whether a statement ran in the driver's transaction (PostgreSQL; SQLite: always true, as
    huddlebot's own SQLite connection begins at the first statement and never autocommits)."""
    if found.dialect.name != "postgresql":
        return True
    return found.dbapi._transaction is not None
