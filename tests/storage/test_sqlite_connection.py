"""The SQLite driver connection: short writes on the loop, waiting only ever on the thread."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import textwrap
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.storage.database import open_database
from bot.storage.models import Circle, Room, SeenEvent
from bot.storage.sql import insert_ignore, insert_row
from bot.storage.sqlite_connection import CHECKPOINT_EVERY, SqliteConnection, connect

INSERT = "INSERT INTO notes (text) VALUES (?) RETURNING id"


@pytest.fixture
async def conn(tmp_path: Path) -> AsyncIterator[SqliteConnection]:
    connection = await connect(str(tmp_path / "notes.db"), busy_timeout_ms=5_000)
    await connection.fetchall("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT UNIQUE)")
    await connection.commit()
    try:
        yield connection
    finally:
        await connection.close()


def other_process(path: Path) -> sqlite3.Connection:
    """A second connection to the same file, standing in for a one-shot command's process."""
    return sqlite3.connect(path, isolation_level=None, check_same_thread=False)


def notes(path: Path) -> list[str]:
    with sqlite3.connect(path) as reader:
        return [row[0] for row in reader.execute("SELECT text FROM notes ORDER BY id")]


async def test_a_write_and_commit_are_seen_by_another_connection(
    conn: SqliteConnection, tmp_path: Path
) -> None:
    rows = await conn.write(INSERT, ["first"])
    assert rows == [(1,)]
    assert notes(tmp_path / "notes.db") == []  # not committed yet
    await conn.commit()
    assert notes(tmp_path / "notes.db") == ["first"]


async def test_rollback_undoes_the_writes(conn: SqliteConnection, tmp_path: Path) -> None:
    await conn.write(INSERT, ["kept"])
    await conn.commit()
    await conn.write(INSERT, ["dropped"])
    await conn.write(INSERT, ["dropped too"])
    await conn.rollback()
    await conn.write(INSERT, ["after"])
    await conn.commit()
    assert notes(tmp_path / "notes.db") == ["kept", "after"]


async def test_the_journal_is_wal_and_foreign_keys_are_on(conn: SqliteConnection) -> None:
    assert await conn.fetchall("PRAGMA journal_mode") == [("wal",)]
    assert await conn.fetchall("PRAGMA foreign_keys") == [(1,)]
    assert await conn.fetchall("PRAGMA busy_timeout") == [(5_000,)]


async def test_a_locked_database_is_waited_for_off_the_loop(
    conn: SqliteConnection, tmp_path: Path
) -> None:
    path = tmp_path / "notes.db"
    other = other_process(path)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO notes (text) VALUES ('from the other process')")

    write = asyncio.create_task(conn.write(INSERT, ["from the bot"]))
    await asyncio.sleep(0)  # the task runs until it has to wait
    # the loop is free while the write waits for the lock: this line runs
    assert not write.done()
    other.execute("COMMIT")
    other.close()

    assert await write == [(2,)]
    await conn.commit()
    assert notes(path) == ["from the other process", "from the bot"]
    # the no-wait first try was undone
    assert await conn.fetchall("PRAGMA busy_timeout") == [(5_000,)]


async def test_a_write_queued_behind_the_thread_keeps_its_order(
    conn: SqliteConnection, tmp_path: Path
) -> None:
    first = asyncio.create_task(conn.fetchall(INSERT, ["on the thread"]))
    await asyncio.sleep(0)  # queued on the worker thread, maybe not yet run
    second = await conn.write(INSERT, ["on the loop"])
    assert await first == [(1,)]
    assert second == [(2,)]
    await conn.commit()
    assert notes(tmp_path / "notes.db") == ["on the thread", "on the loop"]


async def test_an_error_from_a_write_is_raised_and_the_next_write_works(
    conn: SqliteConnection, tmp_path: Path
) -> None:
    await conn.write(INSERT, ["once"])
    with pytest.raises(sqlite3.IntegrityError):
        await conn.write(INSERT, ["once"])
    await conn.write(INSERT, ["twice"])
    await conn.commit()
    assert notes(tmp_path / "notes.db") == ["once", "twice"]


async def test_the_store_wraps_driver_errors_as_sqlalchemy_errors(tmp_path: Path) -> None:
    """The core tells "database unavailable" (deliver again later) by SQLAlchemy's error type."""
    async with open_database(f"sqlite+aiosqlite:///{tmp_path}/huddlebot.db") as sessions:
        async with sessions.begin() as session:
            values = {"platform": "console", "dedup_key": "k", "seen_at": datetime.now(UTC)}
            assert await insert_ignore(session, SeenEvent, values) is not None
            assert await insert_ignore(session, SeenEvent, values) is None
            with pytest.raises(IntegrityError):
                await insert_row(session, SeenEvent, values)
            await session.rollback()

        other = other_process(tmp_path / "huddlebot.db")
        other.execute("DROP TABLE seen_events")
        other.close()
        async with sessions.begin() as session:
            with pytest.raises(OperationalError, match="no such table"):
                await insert_ignore(session, SeenEvent, values)
            await session.rollback()


async def test_each_transaction_of_a_session_writes_through_its_own_connection(
    tmp_path: Path,
) -> None:
    """The store looks the driver connection up once per transaction, never across two."""
    path = tmp_path / "huddlebot.db"
    async with open_database(f"sqlite+aiosqlite:///{path}") as sessions, sessions() as session:
        for key in ("kept-1", "dropped", "kept-2"):
            async with session.begin():
                values = {"platform": "console", "dedup_key": key, "seen_at": datetime.now(UTC)}
                assert await insert_ignore(session, SeenEvent, values) is not None
                if key == "dropped":
                    await session.rollback()
        with sqlite3.connect(path) as reader:
            keys = [row[0] for row in reader.execute("SELECT dedup_key FROM seen_events")]
    assert keys == ["kept-1", "kept-2"]


async def test_the_log_is_copied_into_the_file_off_the_loop(
    conn: SqliteConnection, tmp_path: Path
) -> None:
    """Commits never checkpoint on the loop; the checkpointer's thread does it every so often."""
    assert await conn.fetchall("PRAGMA wal_autocheckpoint") == [(0,)]
    assert conn.checkpointer is not None
    for number in range(CHECKPOINT_EVERY):
        await conn.write(INSERT, [f"note {number}"])
        await conn.commit()
    assert await asyncio.to_thread(conn.checkpointer.wait_for, 1, 10.0)

    # the database file alone, without its write-ahead log, now holds the notes
    alone = tmp_path / "alone.db"
    alone.write_bytes((tmp_path / "notes.db").read_bytes())
    with sqlite3.connect(alone) as reader:
        assert reader.execute("SELECT count(*) FROM notes").fetchone() == (CHECKPOINT_EVERY,)


async def test_columns_left_out_take_the_models_defaults(tmp_path: Path) -> None:
    async with open_database(f"sqlite+aiosqlite:///{tmp_path}/huddlebot.db") as sessions:
        async with sessions.begin() as session:
            circle = {"id": "core", "name": "Core", "kind": "partnership", "timezone": "UTC"}
            session.add(Circle(**circle))
            await session.flush()
            values = {"platform": "console", "chat": "core", "topic": "", "circle_id": "core"}
            room = await insert_row(session, Room, values)  # active, configured: left out
        async with sessions() as session:
            stored = await session.get(Room, room)
    assert stored is not None and stored.active is True and stored.configured is True


async def test_a_forced_close_ends_the_checkpointer_and_refuses_further_work(
    conn: SqliteConnection,
) -> None:
    """SQLAlchemy's forced close (a connection left to the garbage collector) waits for nothing."""
    await conn.write(INSERT, ["before"])
    checkpointer = conn.checkpointer
    assert checkpointer is not None and checkpointer.running
    conn.stop()
    assert await asyncio.to_thread(checkpointer.join, 10.0)
    with pytest.raises(sqlite3.ProgrammingError, match="closed database"):
        await conn.write(INSERT, ["after"])
    with pytest.raises(sqlite3.ProgrammingError, match="closed database"):
        await conn.fetchall("SELECT 1")
    await conn.rollback()  # nothing left to undo, and no error
    await conn.close()  # closing again is harmless


async def test_the_store_needs_no_third_party_sqlite_driver(tmp_path: Path) -> None:
    """An engine made for any SQLite URL runs on the project's own dialect and connection."""
    code = textwrap.dedent(
        """
        import asyncio, sys
        sys.modules["aiosqlite"] = None  # any import of it fails
        from sqlalchemy import text
        from bot.storage.database import open_database

        async def main(url):
            async with open_database(url) as sessions, sessions.begin() as session:
                answer = (await session.execute(text("SELECT 41 + 1"))).scalar()
                print(session.bind.dialect.driver, answer)

        asyncio.run(main(sys.argv[1]))
        """
    )
    url = f"sqlite+aiosqlite:///{tmp_path}/huddlebot.db"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert out.decode().split() == ["huddlebot", "42"]


async def test_a_lock_held_past_the_busy_timeout_is_an_operational_error(tmp_path: Path) -> None:
    """Statements through SQLAlchemy's cursor fail as the core expects of an unavailable store."""
    path = tmp_path / "huddlebot.db"
    async with open_database(f"sqlite+aiosqlite:///{path}?timeout=0.05") as sessions:
        other = other_process(path)
        other.execute("BEGIN IMMEDIATE")
        try:
            async with sessions() as session:
                driver = (await (await session.connection()).get_raw_connection()).driver_connection
                assert isinstance(driver, SqliteConnection)
                assert await driver.fetchall("PRAGMA busy_timeout") == [(50,)]  # the URL's timeout
                with pytest.raises(OperationalError, match="database is locked"):
                    await (await session.connection()).execute(text("DELETE FROM seen_events"))
                await session.rollback()
        finally:
            other.execute("ROLLBACK")
            other.close()
        async with sessions.begin() as session:  # the lock is gone: the same statement works
            await (await session.connection()).execute(text("DELETE FROM seen_events"))
