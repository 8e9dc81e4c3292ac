"""Small SQL helpers that work the same on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


async def insert_ignore(
    session: AsyncSession, model: type[SQLModel], values: dict[str, Any]
) -> int | None:
    """Insert a row unless a unique constraint already holds one like it.

    Returns the new row's id, or None when the row was already there. Two concurrent
    transactions inserting the same row cannot both get an id.
    """
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    result = await session.exec(statement)  # type: ignore[call-overload]
    row = result.first()
    return None if row is None else int(row[0])
