"""Housekeeping: the rows that let several processes share the work are kept only while useful.

Every scheduled firing leaves a row in `occurrences`, every timer one in `timers`, every start of
a process one in `processes`, and a lease row can outlive its holder. None of them is anyone's
words, but each table would grow for ever. Once a day (the `housekeeping` job, done once across
processes like any job) this deletes:

- occurrences scheduled more than `KEPT` ago: no job looks further back than a reply window
  or a day when it fires late, and the rows each job makes (a prompt run, a digest for its
  period, a round for its time) are unique themselves, so a firing that old is never done again;
- timers fired or set aside more than `KEPT` ago (one still due is kept, however old);
- processes whose heartbeat stopped more than `DEAD_FOR` ago, by the machines' wall clock as
  their heartbeats are written (bot/delivery/presence.py);
- leases whose holder is no longer alive, taken more than `DEAD_FOR` ago (a live process keeps
  its lease however long it holds it).

Each kind of row goes in batches of at most `BATCH` a day, so a large backlog never makes one
long transaction; the next days take the rest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.clock import Clock
from bot.core.runtime import Runtime
from bot.delivery.leases import alive
from bot.delivery.presence import WallClock, wall_clock
from bot.rituals.scheduler import JobSpec
from bot.rituals.timing import cron
from bot.storage.models import Lease, Occurrence, Process, Timer

log = logging.getLogger(__name__)

DAILY = "40 3 * * *"
"""When the housekeeping runs, in the partnership's time zone (after the data-rights purge)."""
KEPT = timedelta(days=30)
DEAD_FOR = timedelta(days=1)
BATCH = 5000


@dataclass(frozen=True, slots=True)
class Tidied:
    """How many rows of each kind one run deleted."""

    occurrences: int
    timers: int
    processes: int
    leases: int


async def _delete_some(
    session: AsyncSession, key: Any, condition: sa.ColumnElement[bool], limit: int
) -> int:
    doomed = sa.select(key).where(condition).limit(limit).scalar_subquery()
    result = await session.exec(sa.delete(key.table).where(key.in_(doomed)))  # type: ignore[call-overload]
    return int(getattr(result, "rowcount", 0) or 0)


async def tidy(
    runtime: Runtime,
    *,
    now: datetime,
    wall_now: datetime,
    kept: timedelta = KEPT,
    dead_for: timedelta = DEAD_FOR,
    batch: int = BATCH,
) -> Tidied:
    """Delete what is no longer useful, at most `batch` rows of each kind; says how many."""
    async with runtime.transaction(now=now) as tx:
        session = tx.session
        occurrences = await _delete_some(
            session, col(Occurrence.id), col(Occurrence.scheduled_for) < now - kept, batch
        )
        timers = await _delete_some(
            session,
            col(Timer.id),
            sa.and_(col(Timer.state) != "due", col(Timer.due_at) < now - kept),
            batch,
        )
        gone = wall_now - dead_for
        processes = await _delete_some(
            session, col(Process.id), col(Process.heartbeat_at) < gone, batch
        )
        leases = await _delete_some(
            session,
            col(Lease.name),
            sa.and_(
                col(Lease.taken_at) < gone,
                ~alive(col(Lease.holder), fresh_since=gone),
            ),
            batch,
        )
    done = Tidied(occurrences, timers, processes, leases)
    if any((occurrences, timers, processes, leases)):
        log.info(
            "housekeeping: deleted %d occurrences, %d timers, %d processes, %d leases",
            occurrences,
            timers,
            processes,
            leases,
        )
    return done


def housekeeping_job(
    runtime: Runtime, *, clock: Clock, timezone: str, wall: WallClock = wall_clock
) -> JobSpec:
    """The daily job that tidies these tables."""

    async def job() -> None:
        await tidy(runtime, now=clock.now(), wall_now=wall())

    return JobSpec("housekeeping", cron(DAILY, timezone), job)
