"""Small SQL helpers that work the same on SQLite and PostgreSQL.

Statements are built once per table and dialect and executed with bound values, so the hot path
pays for no statement construction. On SQLite the compiled statement goes straight to the
driver connection's `write` (bot/storage/sqlite_connection.py), inside the session's own
connection and transaction, usually without leaving the event loop, where a statement through
SQLAlchemy's cursor makes a trip to the connection's worker thread and back. Values are bound
through each column's own SQLAlchemy type (its bind processor, which runs a TypeDecorator's
`process_bind_param`), so a value is written exactly as the usual path would write it. Errors are
wrapped as SQLAlchemy's, as they would be on the usual path.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import ColumnDefault, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
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
def _sqlite_sql(
    statement: Insert, keys: tuple[str, ...], dialect: Dialect
) -> tuple[str, tuple[tuple[str, BindProcessor | None], ...], dict[str, Any]]:
    """The SQL; the order of its values, each with its column's bind processor; the model's
    defaults for the columns not given."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    table = cast(Table, statement.table)
    # the dialect's own form of each type, as the compiled statement's binds use: a DateTime
    # becomes SQLite's DATETIME, which writes its microseconds even when they are zero
    order = tuple(
        (key, table.c[key].type.dialect_impl(dialect).bind_processor(dialect))
        for key in compiled.positiontup or ()
    )
    defaults: dict[str, Any] = {}
    for key, _ in order:
        if key in keys:
            continue
        default = table.c[key].default
        if not isinstance(default, ColumnDefault) or not default.is_scalar:
            raise ValueError(f"{table.name}.{key} needs a value: it has no fixed default")
        defaults[key] = default.arg
    return str(compiled), order, defaults


_DRIVER = "huddlebot.sqlite_driver"


async def _sqlite_driver(session: AsyncSession) -> SqliteConnection:
    """The driver connection under the session's transaction, looked up once per transaction."""
    transaction = session.sync_session.get_transaction()
    cached = session.info.get(_DRIVER)
    if (
        transaction is not None
        and transaction.is_active
        and cached is not None
        and cached[0] is transaction
    ):
        return cast(SqliteConnection, cached[1])
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    if not isinstance(driver, SqliteConnection):
        raise TypeError(f"expected an engine from bot.storage.database.make_engine, not {driver!r}")
    session.info[_DRIVER] = (session.sync_session.get_transaction(), driver)
    return driver


async def _first_row(
    session: AsyncSession, statement: Insert, values: dict[str, Any]
) -> tuple[Any, ...] | None:
    if _dialect(session) != "sqlite":
        connection = await session.connection()
        row = (await connection.execute(statement, values)).first()
        return None if row is None else tuple(row)
    driver = await _sqlite_driver(session)
    dialect = _bind_dialect(session)
    sql, order, defaults = _sqlite_sql(statement, tuple(sorted(values)), dialect)
    if defaults:
        values = {**defaults, **values}
    bound = [values[key] if process is None else process(values[key]) for key, process in order]
    try:
        rows = await driver.write(sql, bound)
    except sqlite3.Error as error:
        raise DBAPIError.instance(sql, bound, error, sqlite3.Error) from error
    return tuple(rows[0]) if rows else None


def _bind_dialect(session: AsyncSession) -> Dialect:
    if session.bind is None:
        raise TypeError("the session has no engine to write through")
    return session.bind.dialect


def _dialect(session: AsyncSession) -> str:
    return _bind_dialect(session).name


async def insert_ignore(
    session: AsyncSession, model: type[SQLModel], values: dict[str, Any]
) -> int | None:
    """Insert a row unless a unique constraint already holds one like it.

    Returns the new row's id, or None when the row was already there. Two concurrent
    transactions inserting the same row cannot both get an id.
    """
    row = await _first_row(session, _insert_ignore(_dialect(session), _table(model)), values)
    return None if row is None else int(row[0])


async def insert_row(session: AsyncSession, model: type[SQLModel], values: dict[str, Any]) -> int:
    """Insert one row and return its id, without the ORM's unit of work."""
    row = await _first_row(session, _insert(_table(model)), values)
    assert row is not None
    return int(row[0])
