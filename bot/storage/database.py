"""The database: one async engine, short sessions, migrations applied at start.

SQLite is the embedded default (WAL, a busy timeout, foreign keys on; see
bot/storage/sqlite_connection.py), opened through the project's own dialect whatever driver the
URL names (bot/storage/sqlite_dialect.py). PostgreSQL is the same code with a different
`DATABASE_URL`. A database that cannot be opened (a folder the bot may not write, a server that
does not answer, a wrong password) stops start-up with a `ConfigError` saying which setting to
check, never a traceback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.errors import ConfigError
from bot.storage import sqlite_dialect

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")

SessionFactory = async_sessionmaker[AsyncSession]


def make_engine(url: str) -> AsyncEngine:
    """An engine for `url`; creates the folder of a SQLite file when it is missing."""
    if url.startswith("sqlite"):
        database = make_url(url).database or ":memory:"
        if database != ":memory:":
            folder = Path(database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(
                    f"cannot make the folder {folder} for the SQLite database: "
                    f"{exc.strerror or exc}",
                    source="environment",
                    key="HUDDLEBOT_DATA_DIR / DATABASE_URL",
                    fix="point HUDDLEBOT_DATA_DIR (or the path in DATABASE_URL) at a folder "
                    "the bot may write to",
                ) from exc
        # One connection: SQLite takes one writer at a time anyway, and waiting for the pool is
        # an orderly queue where waiting in SQLite's busy handler is a series of sleeps.
        return create_async_engine(
            make_url(url).set(drivername=sqlite_dialect.register()),
            pool_size=1,
            max_overflow=0,
            pool_timeout=60,
            # sessions always end their transaction, so the pool need not roll back again
            pool_reset_on_return=None,
        )
    engine = create_async_engine(url, pool_size=POOL_SIZE, max_overflow=0, pool_timeout=60)
    ping_when_idle(engine)
    return engine


POOL_SIZE = 20
"""PostgreSQL connections one process keeps, and the most it opens: kept, not closed after a
busy moment (SQLAlchemy's default keeps 5 and opens and closes up to 10 more, and a connection
costs several round trips to open and its statements to be prepared again); a unit of work that
finds them all in use waits for one. Several processes on one server need `max_connections`
above 20 for each, plus what else connects (the README's deployment notes)."""

PING_AFTER_IDLE = 10.0
"""Seconds a pooled PostgreSQL connection may rest before it is checked on its next use."""


def ping_when_idle(engine: AsyncEngine, *, after: float = PING_AFTER_IDLE) -> None:
    """Check a pooled connection that rested over `after` seconds before handing it out again
    (a server restart or a proxy may have closed it); a broken one is replaced.

    SQLAlchemy's `pool_pre_ping` checks every connection at every use, which costs three round
    trips (it begins and rolls back a transaction, for transaction-pooling proxies) on each unit
    of work; one busy connection needs no check, and one that breaks all the same fails its
    statement, which is reported like any unavailable database (the event is delivered again).
    """

    @event.listens_for(engine.sync_engine, "checkin")
    def rested(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["rested_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def check(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: Any) -> None:
        since = record.info.get("rested_since")
        if since is None or time.monotonic() - since < after:
            return
        try:
            dbapi_connection.ping()
        except Exception as problem:
            raise DisconnectionError(f"a pooled connection was closed: {problem}") from problem


def alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _upgrade(connection: Connection) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


START_LOCK = 0x68756464  # "hudd"
"""The key of the transaction-level lock that lets one process at a time migrate PostgreSQL and
bring its circles and rooms in line with the configuration."""


async def upgrade(engine: AsyncEngine) -> None:
    """Bring the schema to the newest migration.

    On PostgreSQL several processes may start at once: each migrates in one transaction that
    first takes a transaction-level advisory lock, so they migrate one after another and the
    later ones find nothing to do. The lock ends with its transaction, so it is safe behind a
    transaction-pooling proxy (PgBouncer), where session-level locks are not.
    """
    async with engine.begin() as conn:
        await one_at_a_time(conn)
        await conn.run_sync(_upgrade)


async def one_at_a_time(connection: AsyncConnection | AsyncSession) -> None:
    """In a transaction: wait until no other process is in one that called this, on PostgreSQL
    (start-up work that several processes starting together must not do at once). Released
    when the transaction ends; SQLite has one writer anyway."""
    if isinstance(connection, AsyncSession):
        connection = await connection.connection()
    if connection.dialect.name == "postgresql":
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": START_LOCK})
    log.info("database schema is up to date")


def session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def check_reachable(engine: AsyncEngine) -> None:
    """Connect once; a database that cannot be opened raises ConfigError saying what to check."""
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except (OSError, DBAPIError) as exc:
        url = engine.url
        cause = exc.orig if isinstance(exc, DBAPIError) else exc
        said = (getattr(cause, "strerror", None) or str(cause)).strip()
        reason = said.splitlines()[0] if said else type(cause).__name__
        if url.get_backend_name() == "sqlite":
            fix = (
                "check that the SQLite file and its folder may be written by the bot "
                "(HUDDLEBOT_DATA_DIR, or the path in DATABASE_URL)"
            )
        else:
            fix = (
                "check that the server is running and reachable at that host and port, and "
                "that the user, password and database name in DATABASE_URL are right"
            )
        if url.get_backend_name() == "sqlite":
            url = url.set(drivername="sqlite")  # the file, whichever driver opens it
        raise ConfigError(
            f"cannot open the database {url.render_as_string(hide_password=True)}: {reason}",
            source="environment",
            key="DATABASE_URL",
            fix=fix,
        ) from exc


def _no_database_yet(url: str) -> None:
    """Refuse, before anything is made, when the SQLite file `url` names is not there."""
    database = make_url(url).database if url.startswith("sqlite") else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    if Path(database).is_file():
        return
    raise ConfigError(
        f"there is no huddlebot database at {database}, so there is nothing to read yet",
        source="environment",
        key="--data-dir / HUDDLEBOT_DATA_DIR / DATABASE_URL",
        fix="run the command in the folder where the bot runs (where you started "
        "`huddlebot run` or `make run`), or name its data folder with --data-dir DIR or "
        "HUDDLEBOT_DATA_DIR",
    )


@asynccontextmanager
async def open_database(
    url: str, *, migrate: bool = True, create: bool = True
) -> AsyncIterator[SessionFactory]:
    """Open the database for the life of the context, migrated, and close it after.

    With `create` false (a command that only reads), a SQLite file that is not there is refused
    with a clear message, and no folder or file is made."""
    if not create:
        _no_database_yet(url)
    engine = make_engine(url)
    try:
        await check_reachable(engine)
        if migrate:
            await upgrade(engine)
        yield session_factory(engine)
    finally:
        await engine.dispose()
