"""The unit of work: the one way anything is stored and sent.

    async with runtime.transaction() as tx:
        ...                          # read and write through tx.session
        tx.send(outgoing)            # messages to queue in the outbox, in this transaction
        tx.after_commit(remember)    # what may only happen once the changes are durable

Leaving the block normally writes the messages to the outbox, commits, runs the after-commit
callbacks in the order they were registered, and wakes delivery when a new part was queued,
handing it the parts just stored (so it starts their lanes without looking for them).
Leaving it with an exception rolls everything back: nothing is queued, no callback runs and
delivery is not woken.

A unit of work opened by a scheduled job first stores the job's occurrence, so a job that every
process fires does its work once (bot/storage/occurrences.py).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.clock import Clock
from bot.core.messages import Outgoing
from bot.core.outbox import Queued
from bot.storage.database import SessionFactory
from bot.storage.occurrences import claim_occasion
from bot.storage.sql import write_waiting

log = logging.getLogger(__name__)

Callback = Callable[[], object]
"""Something to do once a transaction has committed (a memo update, scheduling a job)."""

Wake = Callable[[Sequence[Queued]], None]
"""Tells delivery that these new parts are waiting."""


class Queue(Protocol):
    """Where outgoing messages are written inside a transaction (the outbox)."""

    async def enqueue(
        self,
        session: AsyncSession,
        outgoing: Iterable[Outgoing],
        *,
        now: datetime,
        last: bool = False,
    ) -> Sequence[Queued]:
        """Store the parts of `outgoing`; the new ones. `last`: nothing else is written in this
        unit of work, so what waits may go with the parts in autocommit (bot/storage/sql.py)."""
        ...


class Transaction:
    """One open unit of work: its session, its time, what it sends, what follows its commit."""

    __slots__ = ("_after", "_outgoing", "now", "queued", "session")

    def __init__(self, session: AsyncSession, *, now: datetime) -> None:
        self.session = session
        self.now = now
        self.queued = 0
        """How many new outbox parts the commit made; known once the block is left."""
        self._outgoing: list[Outgoing] = []
        self._after: list[Callback] = []

    def send(self, outgoing: Iterable[Outgoing]) -> None:
        """Queue `outgoing` in this transaction: stored with it, or not at all."""
        self._outgoing.extend(outgoing)

    def after_commit(self, callback: Callback) -> None:
        """Run `callback` once this transaction has committed; never if it rolls back."""
        self._after.append(callback)


def _commit_and_close(session: Session) -> None:
    """Commit and give the connection back to the pool: one trip into SQLAlchemy's synchronous
    side, where `sessions.begin()` takes three (begin, commit, close)."""
    session.commit()
    session.close()


def _roll_back_and_close(session: Session) -> None:
    session.rollback()
    session.close()


class Runtime:
    """Opens units of work on the bot's database, outbox and delivery."""

    def __init__(
        self, *, sessions: SessionFactory, outbox: Queue, clock: Clock, wake: Wake
    ) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self._clock = clock
        self._wake = wake

    @asynccontextmanager
    async def transaction(self, *, now: datetime | None = None) -> AsyncIterator[Transaction]:
        """A unit of work at `now` (the clock's time when not given); see the module's notes."""
        session = self._sessions()
        session.sync_session.begin()  # no I/O: the connection is taken at the first statement
        try:
            tx = Transaction(session, now=self._clock.now() if now is None else now)
            occasion = await claim_occasion(session, now=tx.now)
            if occasion is not None:
                tx.after_commit(occasion.mark_claimed)
            yield tx
            parts: Sequence[Queued] = ()
            if tx._outgoing:
                # the outbox's parts are the unit of work's last writes
                parts = await self._outbox.enqueue(session, tx._outgoing, now=tx.now, last=True)
                tx.queued = len(parts)
            else:
                await write_waiting(session, last=True)
            await session.run_sync(_commit_and_close)
        except BaseException:
            await session.run_sync(_roll_back_and_close)
            raise
        for callback in tx._after:
            callback()
        if parts:
            log.debug("%d new part(s) queued; waking delivery", len(parts))
            self._wake(parts)
