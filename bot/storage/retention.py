"""Retention: entries past the partnership's retention period go, with all that hangs on them.

"All that hangs on them" is read from the columns' declarations (`bot.storage.references`): a
column declared with `entry_ref()` hangs on an entry, one declared with `person_ref()` points at a
person; a table's own foreign keys say which rows hang on a row of it. So a feature's side table
is covered by declaring its columns, without registering anything, and never by what a column
happens to be called. Rows that hang on a deleted row (by foreign key) are deleted first, so
nothing is left dangling, and a reference from a table to itself (a round following up an
earlier one) is cleared.

Records kept outside `entries` (a learning set's rounds, maturity scores, pulse answers) expire
the same way: a time column whose `info` says `expires` is the moment the row's clock starts.

The outbox keeps no text once a part is sent (bot/delivery/dispatcher.py). A part that failed or
is in doubt keeps its text `SETTLED_TEXT_DAYS` for whoever runs the bot to look at, then loses it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import Digest, Entry, OutboxMessage
from bot.storage.references import ENTRIES, PEOPLE, Refers, refers_to

log = logging.getLogger(__name__)

NEVER_TOUCHED = frozenset({"outbox", "seen_events", "erasures"})
"""Tables that record delivery or the erasure log itself; the outbox's texts are handled apart."""
SETTLED_TEXT_DAYS = 7


async def execute(session: AsyncSession, statement: Any) -> Any:
    """Run a Core statement in the session's transaction, after its pending ORM changes."""
    await session.flush()
    return await (await session.connection()).execute(statement)


def _tables() -> list[sa.Table]:
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in NEVER_TOUCHED]


def children(parent: sa.Table) -> Iterator[tuple[sa.Table, sa.Column[Any]]]:
    """(table, column) pairs whose column is a foreign key to `parent`'s primary key."""
    for table in _tables():
        if table is parent:
            continue  # a table linking to itself (a next cycle) is left to its own feature
        for fk in table.foreign_keys:
            if fk.column.table is parent and fk.parent is not None:
                yield table, fk.parent


def _declared(refers: Refers, *, skip: str) -> Iterator[tuple[sa.Table, sa.Column[Any]]]:
    for table in _tables():
        if table.name == skip:
            continue
        for column in table.columns:
            if refers_to(column) is refers:
                yield table, column


def entry_columns() -> Iterator[tuple[sa.Table, sa.Column[Any]]]:
    """Every column declared with `entry_ref()`, outside `entries` itself."""
    return _declared(Refers.ENTRY, skip=ENTRIES)


def person_columns() -> Iterator[tuple[sa.Table, sa.Column[Any]]]:
    """Every column declared with `person_ref()`, outside `people` itself."""
    return _declared(Refers.PERSON, skip=PEOPLE)


async def delete_rows(
    session: AsyncSession, table: sa.Table, condition: Any, *, depth: int = 0
) -> int:
    """Delete the rows of `table` matching `condition`, and first every row that hangs on them."""
    if depth > 8:
        raise RuntimeError(f"tables refer to each other too deeply at {table.name}")
    key = list(table.primary_key.columns)
    if len(key) == 1:
        doomed = sa.select(key[0]).where(condition)
        for child, column in children(table):
            await delete_rows(session, child, column.in_(doomed), depth=depth + 1)
        for fk in table.foreign_keys:
            if fk.column.table is table and fk.parent is not None and fk.parent.nullable:
                # rows kept that refer to a doomed row of the same table let go of it
                clear = sa.update(table).where(fk.parent.in_(doomed))
                await execute(session, clear.values({fk.parent.name: None}))
    result = await execute(session, sa.delete(table).where(condition))
    return int(getattr(result, "rowcount", 0) or 0)


async def delete_entries(session: AsyncSession, condition: Any) -> int:
    """Delete the entries matching `condition` with everything that refers to them."""
    entries: sa.Table = Entry.__table__  # type: ignore[attr-defined]
    doomed = sa.select(entries.c.id).where(condition)
    for table, column in entry_columns():
        await delete_rows(session, table, column.in_(doomed))
    return await delete_rows(session, entries, condition)


def expiring_columns() -> Iterator[tuple[sa.Table, sa.Column[Any]]]:
    """(table, time column) for every record outside `entries` that retention also deletes."""
    for table in _tables():
        for column in table.columns:
            if column.info.get("expires"):
                yield table, column


async def forget_settled_texts(session: AsyncSession, *, now: datetime) -> int:
    """Blank the text of failed and in-doubt outbox parts older than `SETTLED_TEXT_DAYS`."""
    cutoff = now - timedelta(days=SETTLED_TEXT_DAYS)
    result = await execute(
        session,
        sa.update(OutboxMessage)
        .where(
            col(OutboxMessage.status).in_(("failed", "in_doubt")),
            col(OutboxMessage.created_at) < cutoff,
            col(OutboxMessage.text) != "",
        )
        .values(text="", buttons="[]"),
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def purge_expired(session: AsyncSession, *, retention_days: int, now: datetime) -> int:
    """Delete entries older than `retention_days` (0 keeps everything); returns how many.

    Archived digests wholly before then go too, and so do the expiring records of other tables.
    """
    if retention_days <= 0:
        return 0
    cutoff = now - timedelta(days=retention_days)
    # archived digests quote entries: those wholly past the period go with them
    digests: sa.Table = Digest.__table__  # type: ignore[attr-defined]
    await execute(session, sa.delete(digests).where(digests.c.period_end < cutoff))
    for table, column in expiring_columns():
        gone = await delete_rows(session, table, column < cutoff)
        if gone:
            log.info("retention: purged %d %s older than %d days", gone, table.name, retention_days)
    expired = (await session.exec(select(Entry.id).where(col(Entry.created_at) < cutoff))).all()
    if not expired:
        return 0
    entries: sa.Table = Entry.__table__  # type: ignore[attr-defined]
    count = 0
    for start in range(0, len(expired), 500):  # in batches: a long list is one statement each
        batch = list(expired[start : start + 500])
        count += await delete_entries(session, entries.c.id.in_(batch))
    log.info("retention: purged %d entries older than %d days", count, retention_days)
    return count
