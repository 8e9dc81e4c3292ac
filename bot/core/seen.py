"""The record that an event was seen, which also confirms the person the memo remembers.

Recording the event comes before every other write of the unit of work an event opens: a
redelivered event finds its record and changes nothing. The same statement reports which person
the remembered identity still belongs to, so the memo is checked against the database at no
extra round trip. Another process may have forgotten that person (their identities are deleted
when they are erased): the memo's answer is then stale, and the person is looked up again as if
never seen.

For words from a sender the memo knows (a reply, a line in a room: `WORDS` in
bot/core/inbound.py), `record_with` lets the record lead the unit of work's first write
(bot/storage/sql.py's `lead_with`); on PostgreSQL, for a reply to a prompt, that is the same
statement as the entry, one round trip fewer. What the handler did before that write is in the
same transaction: a repeat, or a person forgotten meanwhile, raises `AlreadySeen` or `Forgotten`
there, and the whole unit of work is rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import Identity, SeenEvent
from bot.storage.sql import Lead, first_row, lead_with


@dataclass(frozen=True, slots=True)
class Seen:
    """What recording an event found."""

    new: bool
    """False when the event had been recorded before: it was handled already."""
    identity_person: int | None
    """The person the identity asked about belongs to now; None when it is gone (or none was
    asked about)."""


class AlreadySeen(Exception):
    """The event was recorded before: its unit of work must store nothing (`record_with`)."""


class Forgotten(Exception):
    """The person the memo remembers for the sender was forgotten meanwhile (`record_with`)."""


@cache
def _statement(dialect: str) -> Insert:
    seen: sa.Table = SeenEvent.__table__  # type: ignore[attr-defined]
    identities: sa.Table = Identity.__table__  # type: ignore[attr-defined]
    owner = (
        sa.select(identities.c.person_id)
        .where(identities.c.id == sa.bindparam("identity_id", type_=sa.Integer))
        .scalar_subquery()
    )
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # named apart from every column, so the record can lead another table's insert
    values = {
        "platform": sa.bindparam("event_platform", type_=seen.c.platform.type),
        "dedup_key": sa.bindparam("event_key", type_=seen.c.dedup_key.type),
        "seen_at": sa.bindparam("event_seen_at", type_=seen.c.seen_at.type),
    }
    return insert(seen).values(values).on_conflict_do_nothing().returning(seen.c.id, owner)


def _values(
    platform: str, dedup_key: str, now: datetime, identity_id: int | None
) -> dict[str, object]:
    return {
        "event_platform": platform,
        "event_key": dedup_key,
        "event_seen_at": now,
        "identity_id": identity_id,
    }


async def record_event(
    session: AsyncSession,
    *,
    platform: str,
    dedup_key: str,
    now: datetime,
    identity_id: int | None = None,
) -> Seen:
    """Record the event in the open transaction; with `identity_id`, also ask whose it is."""
    row = await first_row(session, _statement, _values(platform, dedup_key, now, identity_id))
    if row is None:
        return Seen(new=False, identity_person=None)
    return Seen(new=True, identity_person=row[1])


async def record_with(
    session: AsyncSession,
    *,
    platform: str,
    dedup_key: str,
    now: datetime,
    identity_id: int,
    person_id: int,
) -> None:
    """Record the event with the transaction's first write (on PostgreSQL; at once elsewhere),
    for a sender the memo knows as `person_id` through `identity_id`. That write raises
    `AlreadySeen` when the event was recorded before, and `Forgotten` when the identity is no
    longer that person's; the transaction must then be left with the exception, so nothing of
    it is stored."""

    def check(row: tuple[object, ...] | None) -> None:
        if row is None:
            raise AlreadySeen(dedup_key)
        if row[1] != person_id:
            raise Forgotten(person_id)

    await lead_with(
        session, Lead(_statement, _values(platform, dedup_key, now, identity_id), check)
    )
