"""The record that an event was seen, which also confirms the person the memo remembers.

Recording the event comes before every other write of the unit of work an event opens: a
redelivered event finds its record and changes nothing. The same statement reports which person
the remembered identity still belongs to, so the memo is checked against the database at no
extra round trip. Another process may have forgotten that person (their identities are deleted
when they are erased): the memo's answer is then stale, and the person is looked up again as if
never seen.

For words from a sender the memo knows (a reply, a line in a room: `WORDS` in
bot/core/inbound.py), `record_with` lets the record lead the unit of work's next write
(bot/storage/sql.py's `lead_with`). On PostgreSQL, for a reply to a prompt, the record, the
entry and the thank-you are then one statement, which may run in autocommit: no later check
could roll it back, so the record there is written only while the identity is still the
remembered person's, and the same statement says which it was when it wrote nothing. A repeat,
or a person forgotten meanwhile, raises `AlreadySeen` or `Forgotten` at that write, and nothing
of the unit of work is stored.
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


def _owner() -> sa.ScalarSelect[int]:
    """Whose the identity asked about is now (NULL when it is gone)."""
    identities: sa.Table = Identity.__table__  # type: ignore[attr-defined]
    return (
        sa.select(identities.c.person_id)
        .where(identities.c.id == sa.bindparam("identity_id", type_=sa.Integer))
        .scalar_subquery()
    )


def _record_values() -> dict[str, sa.BindParameter[object]]:
    # named apart from every column, so the record can lead other tables' inserts
    seen: sa.Table = SeenEvent.__table__  # type: ignore[attr-defined]
    return {
        "platform": sa.bindparam("event_platform", type_=seen.c.platform.type),
        "dedup_key": sa.bindparam("event_key", type_=seen.c.dedup_key.type),
        "seen_at": sa.bindparam("event_seen_at", type_=seen.c.seen_at.type),
    }


@cache
def _statement(dialect: str) -> Insert:
    """The record, returning its id and whose the identity is (NULL for either: none)."""
    seen: sa.Table = SeenEvent.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(seen).values(_record_values()).on_conflict_do_nothing()
    return statement.returning(seen.c.id, _owner())


def _still_theirs() -> sa.ColumnElement[bool]:
    return _owner() == sa.bindparam("event_person", type_=sa.Integer)


@cache
def _guarded(dialect: str) -> Insert:
    """The record of words from a remembered sender, as a lead (`record_with`). On PostgreSQL
    the unit of work may be one statement in autocommit, which no later check can roll back,
    so the record is written only while the identity is still the remembered person's; its
    witness (`_witness`) says which it was when it wrote nothing. On SQLite, which writes it
    at once inside the transaction, it is `_statement`."""
    if dialect != "postgresql":
        return _statement(dialect)
    seen: sa.Table = SeenEvent.__table__  # type: ignore[attr-defined]
    values = _record_values()
    row = sa.select(*values.values()).where(_still_theirs())
    statement = postgresql.insert(seen).from_select(list(values), row).on_conflict_do_nothing()
    return statement.returning(seen.c.id, _owner())


@cache
def _witness(dialect: str) -> sa.ColumnElement[bool]:
    """Whether the identity is still the remembered person's, read by the same statement."""
    del dialect
    return sa.func.coalesce(_still_theirs(), sa.false())


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

    def check(row: tuple[object, ...] | None, still_theirs: object) -> None:
        if row is None:
            if still_theirs is False:  # PostgreSQL: the guard kept the record out
                raise Forgotten(person_id)
            raise AlreadySeen(dedup_key)
        if row[1] != person_id:
            raise Forgotten(person_id)

    values = {**_values(platform, dedup_key, now, identity_id), "event_person": person_id}
    await lead_with(session, Lead(_guarded, values, check, witness=_witness))
