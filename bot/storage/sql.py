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

A write that must come before all others in its transaction (an inbound event's record, which
refuses a repeat) can wait for the transaction's first write with `lead_with`: on PostgreSQL
the two become one statement when that write is an `insert_row` (a data-modifying WITH whose
insert takes its row from the lead's), so a reply's record and entry cost one round trip.

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

import sqlalchemy as sa
from sqlalchemy import ColumnDefault, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.selectable import Select
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
    statement: Insert | Select[Any],
    keys: tuple[str, ...],
    dialect: Dialect,
    table: Table | None = None,
) -> tuple[str, tuple[tuple[str, BindProcessor | None], ...], dict[str, Any]]:
    """The SQL; the order of its values, each with its column's bind processor; the model's
    defaults for the columns not given (of `table`, else of the table the insert writes)."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    if table is None and isinstance(statement, Insert):
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
        default = table.c[key].default if table is not None and key in table.c else None
        if not isinstance(default, ColumnDefault) or not default.is_scalar:
            where = "a statement" if table is None else table.name
            raise ValueError(f"{where}.{key} needs a value: it has no fixed default")
        defaults[key] = default.arg
    return str(compiled), order, defaults


_DRIVER = "huddlebot.driver"


@dataclass(frozen=True, slots=True)
class _Driver:
    """What a transaction's writes go through, looked up once per transaction."""

    transaction: SessionTransaction
    dialect: Dialect
    connection: Connection
    dbapi: Any
    """SQLite: huddlebot's own connection; PostgreSQL: SQLAlchemy's adapted asyncpg one."""


def _look_up(session: Session) -> _Driver:
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
    return _Driver(transaction, dialect, connection, dbapi)


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
    driver = await session.run_sync(_look_up)
    session.info[_DRIVER] = driver
    return driver


async def _first_row(
    session: AsyncSession,
    statement: Insert | Select[Any],
    values: dict[str, Any],
    table: Table | None = None,
) -> tuple[Any, ...] | None:
    driver = await _driver(session)
    sql, order, defaults = _driver_sql(statement, tuple(sorted(values)), driver.dialect, table)
    if defaults:
        values = {**defaults, **values}
    bound = [values[key] if process is None else process(values[key]) for key, process in order]
    if driver.dialect.name == "postgresql":
        return await _postgres_row(session, driver, sql, bound)
    try:
        rows = await driver.dbapi.write(sql, bound)
    except sqlite3.Error as error:
        raise DBAPIError.instance(sql, bound, error, sqlite3.Error) from error
    return tuple(rows[0]) if rows else None


async def _postgres_row(
    session: AsyncSession, driver: _Driver, sql: str, bound: list[Any]
) -> tuple[Any, ...] | None:
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
            await _raise_as_sqlalchemy(session, driver, sql, bound, error)
    return None if row is None else tuple(row)


async def _raise_as_sqlalchemy(
    session: AsyncSession, driver: _Driver, sql: str, bound: list[Any], error: Exception
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
            await session.run_sync(lambda _: driver.connection.invalidate(wrapped))
        raise wrapped from error
    raise error


Check = Callable[[tuple[Any, ...] | None], None]
"""Looks at what a lead insert returned (None: no row, it conflicted) and raises to refuse the
transaction."""


@dataclass(frozen=True, slots=True)
class Lead:
    """A one-row insert that goes before every other write of its transaction (`lead_with`).

    `build` makes its statement for a dialect's name, cached as for `first_row`; its values are
    bound parameters named apart from every column (`bindparam("event_key", ...)`), so it can
    stand in one statement with the insert it leads. `check` is given its RETURNING row, or None
    when it inserted nothing, and raises to refuse the transaction; it must refuse None, as the
    insert it leads writes nothing then."""

    build: Callable[[str], Insert]
    values: dict[str, Any]
    check: Check


_LEAD = "huddlebot.lead"


class _Leading:
    """A lead waiting for its transaction's first write; then what its check said."""

    __slots__ = ("lead", "refused", "transaction")

    def __init__(self, lead: Lead, transaction: SessionTransaction | None) -> None:
        self.lead: Lead | None = lead
        self.transaction = transaction
        self.refused: BaseException | None = None


async def lead_with(session: AsyncSession, lead: Lead) -> None:
    """Write `lead` before every other write of the session's transaction.

    On PostgreSQL it waits for the transaction's first write through this module, and goes
    in the same statement when that write is an `insert_row` (one round trip instead of two),
    alone just before it otherwise; its check runs then, so a refused lead stops the
    transaction at its first write; `settle_lead` writes it if no write came. On SQLite,
    where a statement is no round trip, it is written and checked at once."""
    if _leading(session) is not None:
        raise RuntimeError("this transaction already has a lead insert waiting")
    driver = await _driver(session)
    leading = _Leading(lead, driver.transaction)
    session.info[_LEAD] = leading
    if driver.dialect.name != "postgresql":
        row = await _first_row(session, lead.build(driver.dialect.name), lead.values)
        _checked(leading, lead, row)


def _leading(session: AsyncSession) -> _Leading | None:
    leading: _Leading | None = session.info.get(_LEAD)
    if leading is None or leading.transaction is not session.sync_session.get_transaction():
        return None
    if leading.refused is not None:
        raise leading.refused
    return leading if leading.lead is not None else None


def _checked(leading: _Leading, lead: Lead, row: tuple[Any, ...] | None) -> None:
    leading.lead = None
    try:
        lead.check(row)
    except BaseException as refusal:
        leading.refused = refusal
        raise


async def settle_lead(session: AsyncSession) -> None:
    """Write the session's waiting lead now, if it still waits (a transaction with no write of
    its own); raise its refusal again if it was refused."""
    leading = _leading(session)
    if leading is None or leading.lead is None:
        return
    lead = leading.lead
    driver = await _driver(session)
    row = await _first_row(session, lead.build(driver.dialect.name), lead.values)
    _checked(leading, lead, row)


@lru_cache(maxsize=64)
def _led_insert(lead: Insert, table: Table, keys: tuple[str, ...]) -> Select[Any]:
    """`lead` and an insert of `keys` into `table` as one PostgreSQL statement: the insert
    takes its row from the lead's, so it writes nothing when the lead wrote nothing. Its row is
    the lead's RETURNING columns and then the new row's id (NULL when nothing was written)."""
    ahead = lead.cte("ahead")
    names = [*keys]
    names += [c.key for c in table.c if c.key not in keys and c.default is not None]
    values = sa.select(*(sa.bindparam(k, type_=table.c[k].type) for k in names))
    written = (
        table.insert()
        .from_select(names, values.select_from(ahead), include_defaults=False)
        .returning(table.c.id)
        .cte("written")
    )
    return sa.select(*ahead.c, written.c.id).select_from(ahead.outerjoin(written, sa.true()))


async def _write_led(
    session: AsyncSession, leading: _Leading, table: Table, values: dict[str, Any]
) -> int:
    """Write the waiting lead and one row of `table` in one statement (PostgreSQL only: a
    lead waits nowhere else); the new row's id. The lead's check raises if it refuses."""
    lead = leading.lead
    assert lead is not None
    driver = await _driver(session)
    statement = lead.build(driver.dialect.name)
    clash = set(lead.values).intersection(table.c.keys())
    if clash:
        raise ValueError(f"a lead's values are named like columns of {table.name}: {clash}")
    led = _led_insert(statement, table, tuple(sorted(values)))
    row = await _first_row(session, led, {**lead.values, **values}, table)
    _checked(leading, lead, None if row is None else row[:-1])
    if row is None or row[-1] is None:
        raise RuntimeError(f"a lead that wrote nothing was let through: {table.name} got no row")
    return int(row[-1])


async def insert_ignore(
    session: AsyncSession, model: type[SQLModel], values: dict[str, Any]
) -> int | None:
    """Insert a row unless a unique constraint already holds one like it.

    Returns the new row's id, or None when the row was already there. Two concurrent
    transactions inserting the same row cannot both get an id.
    """
    await settle_lead(session)
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
    await settle_lead(session)
    driver = await _driver(session)
    return await _first_row(session, build(driver.dialect.name), values)


async def insert_row(session: AsyncSession, model: type[SQLModel], values: dict[str, Any]) -> int:
    """Insert one row and return its id, without the ORM's unit of work."""
    leading = _leading(session)
    if leading is not None:
        return await _write_led(session, leading, _table(model), values)
    row = await _first_row(session, _insert(_table(model)), values)
    assert row is not None
    return int(row[0])
