"""Leases: work that one process does at a time, decided by a row in the database.

A lease is a row in `leases` named for the work (`lane:slack:C123:`, `telegram:polling`) and
holding the id of the process doing it (bot/delivery/presence.py). It is held for as long as its
holder lives: a process takes a lease that nobody holds, that it holds already, or whose holder is
dead, in one conditional upsert, so two processes can never both take it. It gives the lease back
when done; a killed process's leases pass to the next taker once its heartbeat is `ttl` old.

These are plain rows and single statements, so they work through a transaction-pooling proxy
(PgBouncer) where PostgreSQL's session advisory locks would not, and the same on SQLite.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, delete, exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.presence import Presence
from bot.storage.database import SessionFactory
from bot.storage.models import Lease, Process


def alive(holder: object, *, fresh_since: object) -> ColumnElement[bool]:
    """SQL: the process `holder` (a column or a value) renewed its heartbeat since `fresh_since`
    (a time or a bound parameter)."""
    return exists().where(col(Process.id) == holder, col(Process.heartbeat_at) >= fresh_since)


def live_processes(fresh_since: object) -> Select[Any]:
    """SQL: the ids of the processes that renewed their heartbeat since `fresh_since`."""
    return select(col(Process.id)).where(col(Process.heartbeat_at) >= fresh_since)


@lru_cache(maxsize=2)
def take_statement(dialect: str) -> Insert:
    """The conditional upsert that takes a lease, built once per dialect."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = Lease.__table__  # type: ignore[attr-defined]
    statement = insert(table)
    fresh = bindparam("fresh_since", type_=Process.__table__.c.heartbeat_at.type)  # type: ignore[attr-defined]
    return statement.on_conflict_do_update(
        index_elements=[table.c.name],
        set_={"holder": statement.excluded.holder, "taken_at": statement.excluded.taken_at},
        where=or_(
            table.c.holder == statement.excluded.holder,
            # the holder of the lease row in conflict is not among the live processes; an
            # EXISTS naming `leases.holder` would not be correlated inside ON CONFLICT and would
            # ask whether any lease at all has a live holder
            table.c.holder.not_in(live_processes(fresh)),
        ),
    ).returning(table.c.name)


async def take(
    session: AsyncSession, name: str, *, holder: str, now: datetime, fresh_since: datetime
) -> bool:
    """Take the lease `name` for `holder` unless a live process holds it; True when taken."""
    connection = await session.connection()
    statement = take_statement(connection.dialect.name)
    row = (
        await connection.execute(
            statement,
            {"name": name, "holder": holder, "taken_at": now, "fresh_since": fresh_since},
        )
    ).first()
    return row is not None


async def give_back(session: AsyncSession, name: str, *, holder: str) -> None:
    """Let the lease `name` go, if `holder` holds it."""
    await session.exec(  # type: ignore[call-overload]
        delete(Lease).where(col(Lease.name) == name, col(Lease.holder) == holder)
    )


class Turns:
    """Leases for this process by name (bot/core/ports.py `Turns`), one statement each."""

    def __init__(self, sessions: SessionFactory, presence: Presence) -> None:
        self._sessions = sessions
        self._presence = presence

    async def take(self, name: str) -> bool:
        if not self._presence.holds:
            return False  # others may already count this process as dead
        async with self._sessions.begin() as session:
            return await take(
                session,
                name,
                holder=self._presence.id,
                now=self._presence.wall_now(),
                fresh_since=self._presence.fresh_since(),
            )

    async def give_back(self, name: str) -> None:
        async with self._sessions.begin() as session:
            await give_back(session, name, holder=self._presence.id)
