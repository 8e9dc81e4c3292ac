"""Blocker records as the digests, the stewards' list and the daily flag read them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.visibility import HELD, SHOWN
from bot.practices.blockers.models import CLOSED, SYSTEM_KINDS, Blocker
from bot.storage.models import Entry, Person

KIND_LABELS = {
    "task": "a task",
    "rules": "rules and process",
    "funding": "funding",
    "power": "power",
    "relationships": "relationships",
    "capacity": "capacity",
    "information": "information",
}
STATUS_LABELS = {
    "open": "open",
    "taken": "taken up",
    "resolved": "resolved",
    "parked": "parked",
}

Row = tuple[Blocker, str, str | None, datetime | None]
"""A blocker, its entry's words, and the name of the steward who took it up and when they were
erased (both None when nobody took it up): read as columns, so only the blocker is an object."""


def _age_days(blocker: Blocker, now: datetime) -> int:
    until = blocker.closed_at or now
    return max(0, (min(until, now) - blocker.raised_at).days)


def blocker_dict(row: Row, *, now: datetime) -> dict[str, Any]:
    """A blocker as the digests and templates see it (never who raised it). Its `number` is
    the one people use (`blocker take 12`), everywhere: the number of its entry."""
    blocker, text, steward, erased = row
    return {
        "id": blocker.id,
        "number": blocker.entry_id,
        "text": text,
        "kind": blocker.kind or "unsorted",
        "kind_label": KIND_LABELS.get(blocker.kind, "not sorted yet"),
        "system": blocker.kind in SYSTEM_KINDS,
        "status": blocker.status,
        "status_label": STATUS_LABELS[blocker.status],
        "note": blocker.note,
        "age_days": _age_days(blocker, now),
        "raised_at": blocker.raised_at,
        "closed_at": blocker.closed_at,
        "taken_by": steward if steward is not None and erased is None else None,
        "circle_id": blocker.circle_id,
        "reported_back": blocker.reported_at is not None,
    }


def rows_where(*where: Any) -> Any:
    query = (
        select(Blocker, Entry.text, Person.display_name, Person.erased_at)
        .join(Entry, col(Entry.id) == col(Blocker.entry_id))
        .join(Person, col(Person.id) == col(Blocker.taken_by), isouter=True)
    )
    # a blocker its author keeps to themselves or withdrew is listed nowhere
    for condition in (*where, col(Entry.visibility).not_in(HELD)):
        query = query.where(condition)
    return query.order_by(col(Blocker.raised_at), col(Blocker.id))


async def _dicts(
    session: AsyncSession, query: Any, *, now: datetime, keep: Callable[[Row], bool] | None = None
) -> list[dict[str, Any]]:
    rows = (await session.exec(query)).all()
    return [blocker_dict(row, now=now) for row in rows if keep is None or keep(row)]


async def blocker_digest(
    session: AsyncSession, *, circle_id: str, start: datetime, end: datetime
) -> dict[str, list[dict[str, Any]]]:
    """A circle's blockers for a digest, each a dict as `blocker_dict` makes it.

    "new": raised in [start, end) and not closed in it; "open": raised before `start` and not
    resolved or parked; "closed": resolved or parked in [start, end), wherever it was raised, so a
    blocker raised and closed in one period is listed once, with what happened. Ages are counted
    up to `end`. Only blockers shared with the circle: one its author shared with the stewards
    alone is theirs to see, never the circle's.
    """
    closed_by_end = sa.and_(col(Blocker.closed_at).is_not(None), col(Blocker.closed_at) < end)
    new = sa.and_(
        col(Blocker.raised_at) >= start, col(Blocker.raised_at) < end, sa.not_(closed_by_end)
    )
    still_open = sa.and_(col(Blocker.raised_at) < start, col(Blocker.status).not_in(CLOSED))
    closed = sa.and_(col(Blocker.closed_at) >= start, col(Blocker.closed_at) < end)
    query = rows_where(
        Blocker.circle_id == circle_id,
        col(Entry.visibility).in_(SHOWN["circle"]),
        sa.or_(new, still_open, closed),
    )
    found: dict[str, list[dict[str, Any]]] = {"new": [], "open": [], "closed": []}
    for row in (await session.exec(query)).all():  # one query; each row is in one part
        blocker = row[0]
        shut = blocker.closed_at
        if shut is not None and start <= shut < end:
            part = "closed"
        elif start <= blocker.raised_at < end:
            part = "new"
        else:
            part = "open"
        found[part].append(blocker_dict(row, now=end))
    return found


async def blockers_awaiting_stewards(
    session: AsyncSession, *, now: datetime, limit: int | None = None
) -> tuple[list[dict[str, Any]], int]:
    """System blockers still open and not yet taken up by anyone, oldest first: at most `limit`
    of them, and how many there are in all (one query)."""
    query = rows_where(
        Blocker.status == "open",
        col(Blocker.kind).in_(SYSTEM_KINDS),
        col(Blocker.raised_at) <= now,
    ).add_columns(sa.func.count().over())
    if limit is not None:
        query = query.limit(limit)
    rows = (await session.exec(query)).all()
    total = int(rows[0][-1]) if rows else 0
    found = [blocker_dict((row[0], row[1], row[2], row[3]), now=now) for row in rows]
    return found, total


async def blockers_closed_between(
    session: AsyncSession, *, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Blockers resolved or parked in [start, end), each saying whether it was reported back."""
    query = rows_where(col(Blocker.closed_at) >= start, col(Blocker.closed_at) < end)
    return await _dicts(session, query, now=end)


async def overdue_blockers(
    session: AsyncSession, *, now: datetime, days: int
) -> list[tuple[Blocker, dict[str, Any]]]:
    """Blockers open longer than `days` and not flagged in the last week."""
    query = rows_where(
        col(Blocker.status).not_in(CLOSED),
        col(Blocker.raised_at) <= now - timedelta(days=days),
    )
    week_ago = now - timedelta(days=7)
    rows = (await session.exec(query)).all()
    return [
        (row[0], blocker_dict(row, now=now))
        for row in rows
        if row[0].flagged_at is None or row[0].flagged_at <= week_ago
    ]
