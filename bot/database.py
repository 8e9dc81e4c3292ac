"""The database: one async engine, short sessions, migrations applied at start.

SQLite is the embedded default (WAL, a busy timeout, foreign keys on; see bot/sqlite_connection.py);
PostgreSQL is the same code with a different `DATABASE_URL`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import sqlite_connection

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")

SessionFactory = async_sessionmaker[AsyncSession]


def make_engine(url: str) -> AsyncEngine:
    """An engine for `url`; creates the folder of a SQLite file when it is missing."""
    if url.startswith("sqlite"):
        database = make_url(url).database or ":memory:"
        if database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # One connection: SQLite takes one writer at a time anyway, and waiting for the pool is
        # an orderly queue where waiting in SQLite's busy handler is a series of sleeps.
        return create_async_engine(
            url,
            async_creator=partial(sqlite_connection.connect, database),
            pool_size=1,
            max_overflow=0,
            pool_timeout=60,
            # sessions always end their transaction, so the pool need not roll back again
            pool_reset_on_return=None,
        )
    return create_async_engine(url, pool_pre_ping=True)


def alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _upgrade(connection: Connection) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "heads")  # features' migrations are branches from the initial schema


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the schema to the newest migration."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)
    log.info("database schema is up to date")


def session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def open_database(url: str, *, migrate: bool = True) -> AsyncIterator[SessionFactory]:
    """Open the database for the life of the context, migrated, and close it after."""
    engine = make_engine(url)
    try:
        if migrate:
            await upgrade(engine)
        yield session_factory(engine)
    finally:
        await engine.dispose()
