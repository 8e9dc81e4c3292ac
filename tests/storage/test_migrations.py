"""The migrations: one line of revisions, walked down and up, and old releases' databases upgraded.

The fixtures in tests/data were made by the release at commit 055d56b (see tests/data/README.md);
upgrading a copy of each with today's code must keep every row of every table.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import pkgutil
import shutil
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import bot
from bot.config.environment import Settings
from bot.storage.database import alembic_config, make_engine, upgrade
from tests.harness import database_params, fresh_postgres

DATA = Path(__file__).parents[1] / "data"
RELEASE_SQLITE = DATA / "release-055d56b.sqlite3"
RELEASE_POSTGRES = DATA / "release-055d56b.postgres.sql"
RELEASE_MARKS = {"experiments1", "blockers1", "stories1", "rights1", "practices1"}

Rows = dict[str, list[tuple[Any, ...]]]


def every_model() -> None:
    """Import every module that declares tables, so SQLModel.metadata holds the whole schema."""
    for module in pkgutil.walk_packages(bot.__path__, "bot."):
        if module.name.rsplit(".", 1)[-1] == "models":
            importlib.import_module(module.name)


def script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def revisions_in_order() -> list[str]:
    """The history from the first revision to the newest."""
    return [revision.revision for revision in reversed(list(script().walk_revisions()))]


@pytest.fixture(params=database_params())
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/huddlebot.db"
    else:
        url = postgres_url(tmp_path)
        await fresh_postgres(url)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()


def postgres_url(tmp_path: Path) -> str:
    env = {"DATABASE_URL": os.environ["TEST_DATABASE_URL"]}
    return Settings.from_env(env, cwd=tmp_path).database_url


def _alembic(connection: Connection, verb: str, target: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    getattr(command, verb)(cfg, target)


async def step(engine: AsyncEngine, verb: str, target: str) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_alembic, verb, target)


async def marks(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        heads = await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_heads())
    return set(heads)


async def tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: inspect(c).get_table_names())
    return set(names) - {"alembic_version"}


async def schema(engine: AsyncEngine) -> set[str]:
    """The tables, and each table's indexes as `table.index`: what a step adds or drops."""

    def read(c: Connection) -> set[str]:
        found = inspect(c)
        names = set(found.get_table_names()) - {"alembic_version"}
        return names | {f"{t}.{i['name']}" for t in names for i in found.get_indexes(t)}

    async with engine.connect() as conn:
        return await conn.run_sync(read)


async def differences(engine: AsyncEngine) -> list[Any]:
    every_model()
    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), SQLModel.metadata)
        )


async def contents(
    engine: AsyncEngine, names: set[str], *, columns: dict[str, list[str]] | None = None
) -> Rows:
    """Every row of the tables `names`, of the given columns of each (by default all)."""
    rows: Rows = {}
    async with engine.connect() as conn:
        for name in sorted(names):
            chosen = "*" if columns is None else ", ".join(f'"{c}"' for c in columns[name])
            result = await conn.execute(text(f'SELECT {chosen} FROM "{name}"'))
            rows[name] = sorted((tuple(row) for row in result), key=repr)
    return rows


async def column_names(engine: AsyncEngine, names: set[str]) -> dict[str, list[str]]:
    async with engine.connect() as conn:
        return {
            name: list((await conn.execute(text(f'SELECT * FROM "{name}" LIMIT 0'))).keys())
            for name in sorted(names)
        }


def test_the_history_is_one_line() -> None:
    history = script()
    assert len(history.get_heads()) == 1
    assert len(history.get_bases()) == 1
    for revision in history.walk_revisions():
        assert isinstance(revision.down_revision, str | None), revision.revision
    assert revisions_in_order()[0] == "0001"
    assert RELEASE_MARKS <= set(revisions_in_order())


async def test_each_step_goes_down_to_base_and_up_again(engine: AsyncEngine) -> None:
    order = revisions_in_order()
    await upgrade(engine)
    assert await marks(engine) == {order[-1]}
    assert await differences(engine) == []
    seen: list[set[str]] = [await schema(engine)]
    for below in reversed(["base", *order[:-1]]):
        await step(engine, "downgrade", "-1")
        assert await marks(engine) == (set() if below == "base" else {below})
        now = await schema(engine)
        assert now < seen[-1], f"going down to {below} dropped no table and no index"
        seen.append(now)
    assert seen[-1] == set()
    for revision, expected in zip(order, reversed(seen[:-1]), strict=True):
        await step(engine, "upgrade", "+1")
        assert await marks(engine) == {revision}
        assert await schema(engine) == expected
    assert await differences(engine) == []


async def test_a_sqlite_database_from_the_release_upgrades_with_nothing_lost(
    tmp_path: Path,
) -> None:
    path = tmp_path / "huddlebot.db"
    shutil.copy(RELEASE_SQLITE, path)
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await upgraded_with_nothing_lost(engine)
    finally:
        await engine.dispose()
    with sqlite3.connect(path) as reader:
        people = {row[0] for row in reader.execute("SELECT display_name FROM people")}
    assert len(people) == 7


@pytest.mark.skipif("postgresql" not in database_params(), reason="TEST_DATABASE_URL not set")
async def test_a_postgresql_database_from_the_release_upgrades_with_nothing_lost(
    tmp_path: Path,
) -> None:
    url = postgres_url(tmp_path)
    await fresh_postgres(url)
    await restore(url, RELEASE_POSTGRES)
    engine = make_engine(url)
    try:
        await upgraded_with_nothing_lost(engine)
    finally:
        await engine.dispose()


async def upgraded_with_nothing_lost(engine: AsyncEngine) -> None:
    assert await marks(engine) == RELEASE_MARKS
    names = await tables(engine)
    before = await contents(engine, names)
    columns = await column_names(engine, names)
    assert sum(len(rows) for rows in before.values()) > 100
    assert before["entries"] and before["story_details"] and before["experiments"]

    await upgrade(engine)

    assert await marks(engine) == {revisions_in_order()[-1]}
    assert await tables(engine) >= names
    # later migrations may add columns; every value there before is there after
    assert await contents(engine, names, columns=columns) == before
    assert await differences(engine) == []


async def restore(url: str, dump: Path) -> None:
    """Run a plain-SQL dump as psql would, leaving out psql's own backslash commands."""
    dumped = await asyncio.to_thread(dump.read_text)
    script = "\n".join(line for line in dumped.splitlines() if not line.startswith("\\"))
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(script)
    finally:
        await connection.close()
