"""Each scheduled occurrence happens once, whichever processes fire it: a unique row decides.

Every running bot schedules every job (rituals, reminders, digests, pulses, learning set phases,
daily jobs), so with several processes on one database each job fires in each of them. The
scheduler runs a job inside its `Occasion` (the job's id and the time it was due); the job's
first unit of work (bot/core/runtime.py) inserts the occasion's row in `occurrences` before
anything else, in the same transaction as the work's effects. The unique key (job, time) lets one
transaction have it: in any other process the insert finds the row, the unit of work rolls back
having changed nothing, and the job ends there (`AlreadyFired`). If the work fails, its row goes
with it, so a later firing may still do it.

A job that stores nothing through a unit of work is not guarded here: it must be harmless to run
in each process (reading, or idempotent clean-up).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import Occurrence
from bot.storage.sql import insert_ignore

log = logging.getLogger(__name__)

_FIRED_BY = f"{socket.gethostname()[:40]}:{os.getpid()}"


class AlreadyFired(Exception):
    """Another process (or an earlier firing) already did this occurrence; nothing was changed."""


@dataclass(slots=True)
class Occasion:
    """A job due at one time, fired in this process; `claimed` once its row is committed here."""

    job_id: str
    scheduled_for: datetime
    claimed: bool = False

    def mark_claimed(self) -> None:
        self.claimed = True


_current: ContextVar[Occasion | None] = ContextVar("huddlebot_occasion", default=None)


async def fire_once(occasion: Occasion, work: Callable[[], Awaitable[object]]) -> bool:
    """Run `work` as `occasion`; False when it had already happened, so nothing was done."""
    token = _current.set(occasion)
    try:
        await work()
    except AlreadyFired:
        log.debug("%s due %s was done already", occasion.job_id, occasion.scheduled_for.isoformat())
        return False
    finally:
        _current.reset(token)
    return True


async def claim_occasion(session: AsyncSession, *, now: datetime) -> Occasion | None:
    """In a unit of work: store the row of the occasion being fired, if not yet done here.

    Returns the occasion to mark claimed once the transaction commits (None when there is
    nothing to claim); raises `AlreadyFired` when the row is there already.
    """
    occasion = _current.get()
    if occasion is None or occasion.claimed:
        return None
    new = await insert_ignore(
        session,
        Occurrence,
        {
            "job_id": occasion.job_id[:200],
            "scheduled_for": occasion.scheduled_for,
            "fired_at": now,
            "fired_by": _FIRED_BY,
        },
    )
    if new is None:
        raise AlreadyFired(occasion.job_id)
    return occasion
