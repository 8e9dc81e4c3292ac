"""Writes that wait for their transaction's next write (bot/storage/sql.py): on PostgreSQL they
go as one statement, in autocommit when nothing else ran; on SQLite each goes at once. Either
way the unit of work stores all of them or none."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import cache

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel import col, select

from bot.storage.database import SessionFactory, open_database
from bot.storage.models import Circle, Person, SeenEvent
from bot.storage.sql import (
    Lead,
    StillWaiting,
    first_row,
    insert_ignore,
    insert_later,
    insert_row,
    lead_with,
    update_later,
    write_waiting,
)
from tests.statement_log import shape, statements_of

NOW = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)


class Repeat(Exception):
    pass


@cache
def _record(dialect: str) -> Insert:
    seen: sa.Table = SeenEvent.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {
        "platform": sa.bindparam("event_platform", type_=sa.String),
        "dedup_key": sa.bindparam("event_key", type_=sa.String),
        "seen_at": sa.bindparam("event_seen_at", type_=seen.c.seen_at.type),
    }
    return insert(seen).values(values).on_conflict_do_nothing().returning(seen.c.id)


def record(key: str) -> Lead:
    def check(row: tuple[object, ...] | None, witness: object) -> None:
        if row is None:
            raise Repeat(key)

    values = {"event_platform": "console", "event_key": key, "event_seen_at": NOW}
    return Lead(_record, values, check)


@cache
def _rename(dialect: str) -> sa.Update:
    del dialect
    people: sa.Table = Person.__table__  # type: ignore[attr-defined]
    return (
        sa.update(people)
        .where(people.c.display_name == sa.bindparam("rename_from", type_=sa.String))
        .values(display_name=sa.bindparam("rename_to", type_=sa.String))
    )


def person(name: str) -> dict[str, object]:
    return {"display_name": name, "created_at": NOW}


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[SessionFactory]:
    async with open_database(database_url) as opened:
        yield opened


def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


async def names(sessions: SessionFactory) -> list[str]:
    async with sessions() as session:
        query = select(Person.display_name).order_by(col(Person.id))
        return list((await session.exec(query)).all())


async def test_a_lead_and_rows_that_wait_are_one_statement_in_autocommit(
    sessions: SessionFactory, database_url: str
) -> None:
    async with statements_of(sessions) as said, sessions.begin() as session:
        await lead_with(session, record("e1"))
        ana = await insert_later(session, Person, person("Ana"))
        bo = await insert_later(session, Person, person("Bo"))
        assert ana.written != is_postgres(database_url)  # PostgreSQL: waiting until the last
        await write_waiting(session, last=True)
        assert ana.written and bo.written and ana.id is not None and bo.id is not None
    if is_postgres(database_url):
        assert shape(said) == ["WITH"]  # no BEGIN, no COMMIT: one round trip
    else:
        assert shape(said) == ["BEGIN", "INSERT", "INSERT", "INSERT", "COMMIT"]
    assert await names(sessions) == ["Ana", "Bo"]


async def test_a_refused_lead_stores_none_of_the_rows_it_leads(
    sessions: SessionFactory,
) -> None:
    async with sessions.begin() as session:
        await lead_with(session, record("e1"))
        await write_waiting(session, last=True)
    with pytest.raises(Repeat):
        async with sessions.begin() as session:
            await lead_with(session, record("e1"))  # the platform delivers it again
            await insert_later(session, Person, person("Ana"))
            await write_waiting(session, last=True)
    assert await names(sessions) == []


async def test_an_orm_change_keeps_the_unit_of_work_one_transaction(
    sessions: SessionFactory, database_url: str
) -> None:
    """What the ORM will flush at the commit must commit with what waited: no autocommit."""
    async with statements_of(sessions) as said, sessions.begin() as session:
        await insert_later(session, Person, person("Ana"))
        session.add(Circle(id="core", name="Core", kind="partnership", timezone="UTC"))
        await write_waiting(session, last=True)
    if is_postgres(database_url):
        # (the ORM's own insert runs as a prepared statement, which asyncpg's log leaves out)
        assert shape(said)[:2] == ["BEGIN", "WITH"] and shape(said)[-1] == "COMMIT"
    assert await names(sessions) == ["Ana"]
    async with sessions() as session:
        assert await session.get(Circle, "core") is not None


async def test_a_later_failure_undoes_what_waited_when_it_was_not_the_last_write(
    sessions: SessionFactory,
) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        async with sessions.begin() as session:
            await insert_later(session, Person, person("Ana"))
            await write_waiting(session)  # not the last: written in the transaction
            await insert_row(session, Person, {"id": 1, **person("Bo")})
            await insert_row(session, Person, {"id": 1, **person("Cy")})  # the same id
    assert await names(sessions) == []


async def test_a_write_now_goes_with_what_waits_and_gets_its_id(
    sessions: SessionFactory, database_url: str
) -> None:
    async with statements_of(sessions) as said, sessions.begin() as session:
        ana = await insert_later(session, Person, person("Ana"))
        bo = await insert_row(session, Person, person("Bo"))
        assert ana.written and ana.id is not None and bo == ana.id + 1
        seen = {"platform": "console", "dedup_key": "e1", "seen_at": NOW}
        assert await insert_ignore(session, SeenEvent, seen) is not None
        later = await insert_later(session, SeenEvent, seen, skip_conflict=True)
        await write_waiting(session, last=True)
        assert later.written and later.id is None  # kept out by its key
    if is_postgres(database_url):
        assert shape(said) == ["BEGIN", "WITH", "INSERT", "WITH", "COMMIT"]
    assert await names(sessions) == ["Ana", "Bo"]


async def test_a_statement_that_may_read_comes_after_what_waits(
    sessions: SessionFactory,
) -> None:
    """`first_row` writes what waits first, on its own, so its statement sees it: here a
    repeat of a record that was waiting."""
    async with sessions.begin() as session:
        await insert_later(
            session, SeenEvent, {"platform": "console", "dedup_key": "e1", "seen_at": NOW}
        )
        values = {"event_platform": "console", "event_key": "e1", "event_seen_at": NOW}
        assert await first_row(session, _record, values) is None


async def test_a_commit_with_writes_still_waiting_is_refused_not_silently_dropped(
    sessions: SessionFactory, database_url: str
) -> None:
    """Only `write_waiting` writes what waits; a commit without it would lose it. On SQLite
    nothing waits (each write goes at once), so the commit goes through."""
    if is_postgres(database_url):
        with pytest.raises(StillWaiting):
            async with sessions.begin() as session:
                await lead_with(session, record("e1"))
                await insert_later(session, Person, person("Ana"))
        assert await names(sessions) == []
    else:
        async with sessions.begin() as session:
            await lead_with(session, record("e1"))
            await insert_later(session, Person, person("Ana"))
        assert await names(sessions) == ["Ana"]


async def test_an_update_that_waits_goes_in_the_same_statement_only_behind_a_lead_that_wrote(
    sessions: SessionFactory, database_url: str
) -> None:
    async with sessions.begin() as session:
        await insert_row(session, Person, person("Ana"))
    async with statements_of(sessions) as said, sessions.begin() as session:
        await lead_with(session, record("e1"))
        await update_later(session, _rename, {"rename_from": "Ana", "rename_to": "Ana B"})
        await insert_later(session, Person, person("Bo"))
        await write_waiting(session, last=True)
    if is_postgres(database_url):
        assert shape(said) == ["WITH"]
    else:
        assert shape(said) == ["BEGIN", "INSERT", "UPDATE", "INSERT", "COMMIT"]
    assert await names(sessions) == ["Ana B", "Bo"]

    with pytest.raises(Repeat):  # delivered again: the lead refuses, and the update is not made
        async with sessions.begin() as session:
            await lead_with(session, record("e1"))
            await update_later(session, _rename, {"rename_from": "Ana B", "rename_to": "Ana C"})
            await write_waiting(session, last=True)
    assert await names(sessions) == ["Ana B", "Bo"]

    async with sessions.begin() as session:  # with no lead, it waits for the next write
        await update_later(session, _rename, {"rename_from": "Bo", "rename_to": "Bo D"})
        await insert_later(session, Person, person("Cy"))
        await write_waiting(session, last=True)
    assert await names(sessions) == ["Ana B", "Bo D", "Cy"]

    if is_postgres(database_url):  # a commit while it still waits is refused, as for rows
        with pytest.raises(StillWaiting):
            async with sessions.begin() as session:
                await update_later(session, _rename, {"rename_from": "Cy", "rename_to": "Cy E"})
        assert await names(sessions) == ["Ana B", "Bo D", "Cy"]
