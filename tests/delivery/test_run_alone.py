"""SQLite's writes in a transaction of their own, past SQLAlchemy's (bot/delivery/statements.py
`run_alone`, how a sent part is marked): all of them or none, and the pooled connection left
with no transaction open for whoever takes it next."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.config.partnership import load_config
from bot.delivery.statements import engine_of, run_alone
from bot.storage.models import Lease
from tests.harness import SUNDAY, Harness, open_harness

LEASES: sa.Table = Lease.__table__  # type: ignore[attr-defined]


@pytest.fixture
async def sqlite_harness(config_file: Path, tmp_path: Path) -> AsyncIterator[Harness]:
    async with open_harness(load_config(config_file), f"sqlite:///{tmp_path}/bot.db") as h:
        yield h


def taken(name: str) -> tuple[sa.Insert, dict[str, object]]:
    return LEASES.insert(), {"name": name, "holder": "run:test", "taken_at": SUNDAY}


async def names(harness: Harness) -> list[str]:
    async with harness.bot.sessions() as session:
        query = select(Lease.name).where(col(Lease.name).startswith("test:"))
        return sorted((await session.exec(query)).all())


async def test_the_writes_are_committed_together(sqlite_harness: Harness) -> None:
    engine = engine_of(sqlite_harness.bot.sessions)
    async with engine.connect() as connection:
        await run_alone(connection, [taken("test:a"), taken("test:b")])
    assert await names(sqlite_harness) == ["test:a", "test:b"]


async def test_a_failed_write_undoes_the_ones_before_it(sqlite_harness: Harness) -> None:
    engine = engine_of(sqlite_harness.bot.sessions)
    async with engine.connect() as connection:
        await run_alone(connection, [taken("test:a")])
    async with engine.connect() as connection:
        with pytest.raises(IntegrityError):  # test:a is there already
            await run_alone(connection, [taken("test:b"), taken("test:a")])
    assert await names(sqlite_harness) == ["test:a"]  # read on the same, only, connection
    # the connection goes on serving the bot's own units of work
    async with sqlite_harness.bot.sessions.begin() as session:
        await session.exec(  # type: ignore[call-overload]
            sa.delete(Lease).where(col(Lease.name) == "test:a")
        )
    assert await names(sqlite_harness) == []
