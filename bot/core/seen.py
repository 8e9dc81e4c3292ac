"""The record that an event was seen, which also confirms the person the memo remembers.

Recording the event is the first statement of every unit of work an event opens: a redelivered
event finds its record and stops there. The same statement reports which person the remembered
identity still belongs to, so the memo is checked against the database at no extra round trip.
Another process may have forgotten that person (their identities are deleted when they are
erased): the memo's answer is then stale, and the person is looked up again as if never seen.
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
from bot.storage.sql import first_row


@dataclass(frozen=True, slots=True)
class Seen:
    """What recording an event found."""

    new: bool
    """False when the event had been recorded before: it was handled already."""
    identity_person: int | None
    """The person the identity asked about belongs to now; None when it is gone (or none was
    asked about)."""


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
    return insert(seen).on_conflict_do_nothing().returning(seen.c.id, owner)


async def record_event(
    session: AsyncSession,
    *,
    platform: str,
    dedup_key: str,
    now: datetime,
    identity_id: int | None = None,
) -> Seen:
    """Record the event in the open transaction; with `identity_id`, also ask whose it is."""
    row = await first_row(
        session,
        _statement,
        {
            "platform": platform,
            "dedup_key": dedup_key,
            "seen_at": now,
            "identity_id": identity_id,
        },
    )
    if row is None:
        return Seen(new=False, identity_person=None)
    return Seen(new=True, identity_person=row[1])
