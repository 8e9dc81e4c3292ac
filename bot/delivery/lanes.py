"""Lanes: each room (platform, chat, topic) is one lane whose parts leave in the order stored.

A lane's head is its oldest pending part. Delivery looks at the heads only, one row per lane,
however many parts wait behind them, so a room with thousands of parts (or one stuck part) never
hides the other rooms from the sender. A head is an answer when it was written for a person who
just spoke (a thank-you, a private reply, an ephemeral message): answers go before bulk work.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    delete,
    func,
    or_,
)
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.dml import Delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.delivery.leases import take_statement
from bot.delivery.statements import run, run_pooled
from bot.storage.models import Lease, OutboxMessage

ANSWER_KINDS = frozenset({"reply"})
"""The outgoing kinds written in answer to a person: they never wait behind bulk work."""


@dataclass(frozen=True, slots=True)
class Lane:
    """Where parts go one at a time, in order: a room or a private chat."""

    platform: str
    chat: str
    topic: str


@dataclass(frozen=True, slots=True)
class Head:
    """The oldest pending part of a lane."""

    lane: Lane
    id: int
    answer: bool
    not_before: datetime


def lease_name(lane: Lane) -> str:
    return f"lane:{lane.platform}:{lane.chat}:{lane.topic}"


async def take_lane(
    session: AsyncSession, lane: Lane, *, holder: str, now: datetime, fresh_since: datetime
) -> bool:
    """Take the lane for `holder` unless another live process works it (bot/delivery/leases.py)."""
    connection = await session.connection()
    values = {
        "name": lease_name(lane),
        "holder": holder,
        "taken_at": now,
        "fresh_since": fresh_since,
    }
    return bool(await run(connection, take_statement(connection.dialect.name), values))


async def give_lane(session: AsyncSession, lane: Lane, *, holder: str) -> None:
    await give_lane_on(await session.connection(), lane, holder=holder)


async def give_lane_on(connection: AsyncConnection, lane: Lane, *, holder: str) -> None:
    """Let the lane's lease go, if `holder` holds it, in the connection's transaction (the same
    statement as bot/delivery/leases.py `give_back`, built once)."""
    await run(connection, lease_given(), {"name": lease_name(lane), "holder": holder})


@lru_cache(maxsize=1)
def lease_given() -> Delete:
    """The lane's lease let go, if its holder holds it: values `name` and `holder`."""
    table = Lease.__table__  # type: ignore[attr-defined]
    return delete(table).where(
        table.c.name == bindparam("name"), table.c.holder == bindparam("holder")
    )


def is_answer(*, kind: str, ephemeral_to: str) -> bool:
    return kind in ANSWER_KINDS or bool(ephemeral_to)


def key_filter(prefixes: Sequence[str]) -> ColumnElement[bool]:
    """Parts whose key belongs to one of the messages keyed `prefixes` (see bot/core/outbox.py)."""
    return or_(*(col(OutboxMessage.key).startswith(f"{p}|", autoescape=True) for p in prefixes))


async def lane_heads(
    session: AsyncSession,
    *,
    platforms: Collection[str],
    only: Sequence[str] | None = None,
) -> list[Head]:
    """Every lane's head on `platforms`: answers first, then the oldest first.

    `only` limits delivery to the parts of the messages with these keys (a one-shot command
    sends what it queued itself and nothing else).
    """
    if not platforms or only == []:
        return []
    scope = [col(OutboxMessage.status) == "pending", col(OutboxMessage.platform).in_(platforms)]
    if only is not None:
        scope.append(key_filter(only))
    first = (
        select(func.min(OutboxMessage.id).label("id"))  # type: ignore[arg-type]
        .where(*scope)
        .group_by(col(OutboxMessage.platform), col(OutboxMessage.chat), col(OutboxMessage.topic))
        .subquery()
    )
    query = sa_select(
        OutboxMessage.__table__.c.id,  # type: ignore[attr-defined]
        OutboxMessage.__table__.c.platform,  # type: ignore[attr-defined]
        OutboxMessage.__table__.c.chat,  # type: ignore[attr-defined]
        OutboxMessage.__table__.c.topic,  # type: ignore[attr-defined]
        OutboxMessage.__table__.c.kind,  # type: ignore[attr-defined]
        OutboxMessage.__table__.c.ephemeral_to,  # type: ignore[attr-defined]
        OutboxMessage.__table__.c.not_before,  # type: ignore[attr-defined]
    ).join(first, and_(col(OutboxMessage.id) == first.c.id))
    rows = (await (await session.connection()).execute(query)).all()
    heads = [
        Head(
            lane=Lane(platform, chat, topic),
            id=row_id,
            answer=is_answer(kind=kind, ephemeral_to=ephemeral_to),
            not_before=not_before,
        )
        for row_id, platform, chat, topic, kind, ephemeral_to, not_before in rows
    ]
    heads.sort(key=lambda head: (not head.answer, head.id))
    return heads


@lru_cache(maxsize=1)
def _lane_parts() -> Select[Any]:
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    return (
        sa_select(table.c.id, table.c.kind, table.c.ephemeral_to, table.c.not_before)
        .where(
            table.c.status == "pending",
            table.c.platform == bindparam("platform"),
            table.c.chat == bindparam("chat"),
            table.c.topic == bindparam("topic"),
        )
        .order_by(table.c.id)
        .limit(bindparam("limit"))
    )


async def lane_parts(
    source: AsyncSession | AsyncEngine,
    lane: Lane,
    *,
    only: Sequence[str] | None = None,
    limit: int = 50,
    written: bool = False,
) -> list[Head]:
    """A lane's first `limit` pending parts (within `only`, when given), in order; `written`:
    the session's transaction has written already (see bot/delivery/statements.py). Given the
    engine, the read is its own transaction: on PostgreSQL one round trip on a pooled
    connection, no BEGIN and ROLLBACK."""
    if only == []:
        return []
    query = _lane_parts()
    if only is not None:
        query = query.where(key_filter(only))
    values = {"platform": lane.platform, "chat": lane.chat, "topic": lane.topic, "limit": limit}
    if isinstance(source, AsyncEngine) and source.dialect.name == "postgresql":
        rows = await run_pooled(source, query, values)
    elif isinstance(source, AsyncEngine):
        async with source.connect() as connection:
            rows = await run(connection, query, values)
    else:
        rows = await run(await source.connection(), query, values, written=written)
    return [
        Head(
            lane=lane,
            id=row_id,
            answer=is_answer(kind=kind, ephemeral_to=ephemeral_to),
            not_before=not_before,
        )
        for row_id, kind, ephemeral_to, not_before in rows
    ]
