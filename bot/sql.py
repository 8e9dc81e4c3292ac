"""Small SQL helpers that work the same on SQLite and PostgreSQL.

Statements are built once per table and dialect and executed with bound values, so the hot path
pays for no statement construction.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


def _table(model: type[SQLModel]) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


@lru_cache(maxsize=64)
def _insert_ignore(dialect: str, table: Table) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing().returning(table.c.id)


@lru_cache(maxsize=64)
def _insert(table: Table) -> Insert:
    return table.insert().returning(table.c.id)


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


async def insert_ignore(
    session: AsyncSession, model: type[SQLModel], values: dict[str, Any]
) -> int | None:
    """Insert a row unless a unique constraint already holds one like it.

    Returns the new row's id, or None when the row was already there. Two concurrent
    transactions inserting the same row cannot both get an id.
    """
    statement = _insert_ignore(_dialect(session), _table(model))
    connection = await session.connection()
    row = (await connection.execute(statement, values)).first()
    return None if row is None else int(row[0])


async def insert_row(session: AsyncSession, model: type[SQLModel], values: dict[str, Any]) -> int:
    """Insert one row and return its id, without the ORM's unit of work."""
    connection = await session.connection()
    row = (await connection.execute(_insert(_table(model)), values)).one()
    return int(row[0])
