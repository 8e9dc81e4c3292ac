"""The fast path binds values exactly as the ORM's own path does, and fails as it does."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from bot.storage.database import open_database
from bot.storage.models import Entry, Person, SeenEvent
from bot.storage.sql import insert_ignore, insert_row

PLUS_TWO = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (datetime(2026, 3, 29, 0, 30, 5, 120, tzinfo=PLUS_TWO), "2026-03-28 22:30:05.000120"),
        # no microseconds: still written out, or the text would sort before the same moment's
        (datetime(2026, 3, 29, 0, 30, 5, tzinfo=PLUS_TWO), "2026-03-28 22:30:05.000000"),
    ],
)
async def test_a_row_written_by_the_fast_path_reads_as_the_orms_does(
    tmp_path: Path, when: datetime, text: str
) -> None:
    path = tmp_path / "huddlebot.db"
    async with open_database(f"sqlite+aiosqlite:///{path}") as sessions:
        async with sessions.begin() as session:
            fast = await insert_row(session, Person, {"display_name": "Ada", "created_at": when})
            orm = Person(display_name="Ada", created_at=when)
            session.add(orm)
            await session.flush()
        async with sessions() as session:
            stored = await session.get(Person, fast)
    with sqlite3.connect(path) as reader:
        rows = reader.execute("SELECT created_at FROM people ORDER BY id").fetchall()
    assert rows[0] == rows[1] == (text,)
    assert stored is not None and stored.created_at == when.astimezone(UTC)


async def test_a_naive_time_is_refused_by_the_columns_type(tmp_path: Path) -> None:
    async with open_database(f"sqlite+aiosqlite:///{tmp_path}/huddlebot.db") as sessions:
        async with sessions.begin() as session:
            values = {"platform": "console", "dedup_key": "k", "seen_at": datetime(2026, 1, 1)}
            with pytest.raises(ValueError, match="naive datetime"):
                await insert_row(session, SeenEvent, values)
            await session.rollback()


async def test_a_refused_fast_insert_raises_sqlalchemys_error_and_undoes_the_transaction(
    database_url: str,
) -> None:
    now = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)
    async with open_database(database_url) as sessions:
        with pytest.raises(IntegrityError):
            async with sessions.begin() as session:
                seen = {"platform": "console", "dedup_key": "k1", "seen_at": now}
                assert await insert_ignore(session, SeenEvent, seen) is not None
                await insert_row(  # nobody is person 999: the foreign key refuses it
                    session,
                    Entry,
                    {
                        "circle_id": "core",
                        "person_id": 999,
                        "kind": "learning",
                        "text": "words",
                        "visibility": "circle",
                        "anonymous": False,
                        "platform": "console",
                        "source_ref": "k1",
                        "created_at": now,
                    },
                )
        async with sessions.begin() as session:
            seen = {"platform": "console", "dedup_key": "k1", "seen_at": now}
            assert await insert_ignore(session, SeenEvent, seen) is not None  # it was undone
            assert await insert_ignore(session, SeenEvent, seen) is None
