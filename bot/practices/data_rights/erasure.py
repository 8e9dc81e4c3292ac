"""Erasure: forgetting a person everywhere, and the log that outlives a restore."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core import checks
from bot.core.visibility import HELD
from bot.digests.rewriting import ArchivedDigests, Quoted
from bot.practices.data_rights.models import Erasure
from bot.storage.database import SessionFactory
from bot.storage.models import Entry, OutboxMessage, Person
from bot.storage.references import identifies, words_of
from bot.storage.retention import (
    delete_entries,
    delete_rows,
    execute,
    person_columns,
)

log = logging.getLogger(__name__)


class ErasureLog:
    """Person ids, one a line, in a file that lives beside the database rather than in it."""

    def __init__(self, path: Path, *, also: Sequence[Path] = ()) -> None:
        self.path = path
        self.also = [p for p in also if p != path]
        """Other logs to read (never written): where an earlier setting may have put one."""

    def append(self, person_id: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as log_file:
            log_file.write(f"{person_id}\n")

    def read(self) -> list[int]:
        ids: list[int] = []
        for path in (self.path, *self.also):
            if path.exists():
                lines = path.read_text(encoding="utf-8").split()
                ids.extend(n for line in lines if (n := checks.whole_number(line)) is not None)
        return list(dict.fromkeys(ids))


async def erase_person(
    session: AsyncSession,
    person_id: int,
    *,
    mode: str,
    now: datetime,
    archive: ArchivedDigests | None = None,
) -> bool:
    """Erase or anonymise one person as `mode` says; True when anything was still there to erase.

    With `archive`, the archived huddle digests that covered their entries are written again
    from what is left, so the archive no longer names them either. Safe to run again: a second
    run finds nothing and changes nothing.
    """
    person = await session.get(Person, person_id)
    if person is None:
        return False
    quoted = [
        Quoted(circle_id, at, text)
        for circle_id, at, text in (
            await session.exec(
                select(Entry.circle_id, Entry.created_at, Entry.text).where(
                    Entry.person_id == person_id
                )
            )
        ).all()
    ]
    entries: sa.Table = Entry.__table__  # type: ignore[attr-defined]
    theirs = entries.c.person_id == person_id
    if mode == "erase":
        changed = await delete_entries(session, theirs) > 0
    else:  # anonymise: keep what they shared, without them; what only they could see goes
        hidden = col(Entry.visibility).in_(HELD)
        changed = await delete_entries(session, sa.and_(theirs, hidden)) > 0
        result = await execute(session, sa.update(entries).where(theirs).values(anonymous=True))
        changed = changed or bool(getattr(result, "rowcount", 0))
    for table, column in person_columns():
        if column.nullable:
            values: dict[str, Any] = {column.name: None}
            if mode == "erase":  # what they wrote in a row that is not theirs alone goes too
                values.update(dict.fromkeys(words_of(column), ""))
            result = await execute(
                session, sa.update(table).where(column == person_id).values(values)
            )
            changed = changed or bool(getattr(result, "rowcount", 0))
        elif mode == "erase" or identifies(column):
            changed = await delete_rows(session, table, column == person_id) > 0 or changed
    changed = await _clear_outbox(session, person_id) or changed
    if person.erased_at is None or person.display_name:
        person.display_name = ""
        person.erased_at = person.erased_at or now
        session.add(person)
        changed = True
    if changed:
        session.add(Erasure(person_id=person_id, mode=mode, applied_at=now))
        if archive is not None:
            await archive.rewrite(session, quoted)
    return changed


async def _clear_outbox(session: AsyncSession, person_id: int) -> bool:
    """Messages to the person not sent yet are dropped; any text kept for them is blanked."""
    mine = col(OutboxMessage.person_id) == person_id
    dropped = await execute(
        session, sa.delete(OutboxMessage).where(mine, col(OutboxMessage.status) == "pending")
    )
    blanked = await execute(
        session,
        sa.update(OutboxMessage)
        .where(mine, col(OutboxMessage.text) != "")
        .values(text="", buttons="[]"),
    )
    return bool(getattr(dropped, "rowcount", 0) or getattr(blanked, "rowcount", 0))


async def replay_erasures(
    sessions: SessionFactory,
    log_file: ErasureLog,
    *,
    mode: str,
    now: datetime,
    archive: ArchivedDigests | None = None,
) -> list[int]:
    """Apply every logged erasure again (after a restore); returns the ids that needed it."""
    async with sessions.begin() as session:
        recorded = (await session.exec(select(Erasure.person_id).distinct())).all()
        again = []
        for person_id in dict.fromkeys([*log_file.read(), *recorded]):
            if await erase_person(session, person_id, mode=mode, now=now, archive=archive):
                again.append(person_id)
    if again:
        log.warning("applied %d erasure(s) again: %s", len(again), again)
    return again
