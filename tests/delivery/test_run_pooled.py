"""PostgreSQL's one-statement writes on a pooled connection, past SQLAlchemy's `Connection`
(bot/delivery/statements.py `run_pooled`, how a part is claimed and marked sent): the statement
is its own transaction, an error comes back as SQLAlchemy raises it, and the connection goes
back to the pool fit for the next unit of work, or is replaced when it was lost."""

from __future__ import annotations

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.pool import QueuePool
from sqlmodel import col, select

from bot.delivery.statements import engine_of, run_pooled
from bot.storage.models import Lease
from tests.harness import SUNDAY, Harness

LEASES: sa.Table = Lease.__table__  # type: ignore[attr-defined]
TAKE = LEASES.insert().returning(LEASES.c.name)


@pytest.fixture(autouse=True)
def postgres_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("run_pooled is PostgreSQL's (SQLite's writes go through run_alone)")


def lease(name: str) -> dict[str, object]:
    return {"name": name, "holder": "run:test", "taken_at": SUNDAY}


async def names(harness: Harness) -> list[str]:
    async with harness.bot.sessions() as session:
        query = select(Lease.name).where(col(Lease.name).startswith("test:"))
        return sorted((await session.exec(query)).all())


async def test_a_statement_is_its_own_transaction_and_its_rows_come_back(
    harness: Harness,
) -> None:
    engine = engine_of(harness.bot.sessions)
    assert await run_pooled(engine, TAKE, lease("test:a")) == [("test:a",)]
    assert await names(harness) == ["test:a"]  # committed: another connection sees it


async def test_an_error_is_sqlalchemys_and_the_connection_serves_on(harness: Harness) -> None:
    engine = engine_of(harness.bot.sessions)
    await run_pooled(engine, TAKE, lease("test:a"))
    pool = engine.sync_engine.pool
    assert isinstance(pool, QueuePool)
    checked_in = pool.checkedin()
    with pytest.raises(IntegrityError):  # test:a is there already
        await run_pooled(engine, TAKE, lease("test:a"))
    assert pool.checkedin() == checked_in  # given back, not kept
    assert await run_pooled(engine, TAKE, lease("test:b")) == [("test:b",)]
    async with harness.bot.sessions.begin() as session:  # and the bot's units of work go on
        await session.exec(  # type: ignore[call-overload]
            sa.delete(Lease).where(col(Lease.name).startswith("test:"))
        )
    assert await names(harness) == []


async def test_a_lost_connection_is_replaced(harness: Harness, database_url: str) -> None:
    engine = engine_of(harness.bot.sessions)
    await run_pooled(engine, TAKE, lease("test:a"))
    # the server ends every connection the bot holds (as a restart would), from outside
    outside = await asyncpg.connect(
        make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        await outside.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await outside.close()
    with pytest.raises(DBAPIError) as raised:
        await run_pooled(engine, TAKE, lease("test:b"))
    assert raised.value.connection_invalidated
    # the next statement gets a new connection: the others made before were lost too
    assert await run_pooled(engine, TAKE, lease("test:c")) == [("test:c",)]
    assert await names(harness) == ["test:a", "test:c"]
