"""Timers: one-off moments kept in the database (a pulse closes, a round's phase ends, a reminder
goes), each fired once by whichever process is running when it falls due.

A practice says what a kind of timer does (`Timers.handle`, at start, like a verb) and sets a
timer inside the unit of work that makes it needed (`Timers.set`), so the timer is stored with
what it is for, or not at all: a round started by one process, or by a command that exits at
once, is closed by any bot that runs at its time.

Every running bot looks for due timers when it starts (one that fell due while no bot ran fires
then), on a wake-up its scheduler holds for each timer it knows of, and every `SWEEP` seconds for
timers other processes set. A timer fires in a unit of work whose first statement claims its row
(`UPDATE timers SET state = 'fired' WHERE id = … AND state = 'due'`), so of processes that try at
once exactly one changes the row and the others find nothing to do; on PostgreSQL a row another
process is firing at that moment is passed over (`FOR UPDATE SKIP LOCKED`) rather than waited
for. If the work fails, the claim rolls back with it and the timer is tried again later,
`MAX_ATTEMPTS` times in all; then it is set aside as failed, logged once, and never blocks another
timer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from apscheduler.triggers.date import DateTrigger
from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.config.partnership import CircleConfig, Config
from bot.core.clock import Clock
from bot.core.messages import Outgoing
from bot.core.runtime import Runtime, Transaction
from bot.rituals.scheduler import JobScheduler, JobSpec
from bot.storage.database import SessionFactory
from bot.storage.models import Timer
from bot.storage.sql import insert_ignore

log = logging.getLogger(__name__)

SWEEP = 10.0
"""How often (seconds) a running bot looks for timers that other processes set."""
MAX_ATTEMPTS = 5
"""How many times a timer whose work fails is tried before it is set aside."""
RETRY_AFTER = timedelta(minutes=1)
"""The wait after a first failed try; it doubles after each further one."""
BATCH = 100


@dataclass(frozen=True, slots=True)
class DueTimer:
    """A timer being fired: its kind, what it is for, and when it was due."""

    kind: str
    subject: str
    due_at: datetime


TimerHandler = Callable[[Transaction, DueTimer], Awaitable[Sequence[Outgoing]]]
"""Does what a kind of timer is for, in the unit of work that claimed it: returns what to send.
It may set further timers in the same transaction."""


def configured(config: Config, circle_id: str) -> CircleConfig | None:
    """The circle a timer is for, or None when the configuration no longer lists it (a timer
    for a circle gone does nothing)."""
    return next((circle for circle in config.circles if circle.id == circle_id), None)


def _claimable(timer_id: int, now: datetime) -> SelectOfScalar[int | None]:
    """The timer, if it is due and no other process is firing it right now (on PostgreSQL a
    row another transaction holds is skipped rather than waited for; SQLite has one writer)."""
    return (
        select(col(Timer.id))
        .where(col(Timer.id) == timer_id, col(Timer.state) == "due", col(Timer.next_try_at) <= now)
        .with_for_update(skip_locked=True)
    )


class Timers:
    """The timers of every kind this process knows, fired from the database."""

    def __init__(
        self,
        *,
        runtime: Runtime,
        sessions: SessionFactory,
        clock: Clock,
        scheduler: JobScheduler,
        holder: str,
    ) -> None:
        self._runtime = runtime
        self._sessions = sessions
        """For reading only; every change goes through `runtime`."""
        self._clock = clock
        self._scheduler = scheduler
        self._holder = holder[:64]
        """Who fires them here (the process's id), written on each timer it fires."""
        self._handlers: dict[str, TimerHandler] = {}
        self._started = False
        self._known: dict[int, datetime] = {}
        """The due timers this process holds a wake-up for, and when."""

    # -- what each kind does --------------------------------------------------------------------

    def handle(self, kind: str, handler: TimerHandler) -> None:
        """Register what timers of `kind` do; a kind has one handler, never silently replaced."""
        if kind in self._handlers:
            raise ValueError(f"timers of kind {kind!r} already have a handler")
        if len(kind) > 64:
            raise ValueError(f"a timer kind is at most 64 characters: {kind!r}")
        self._handlers[kind] = handler

    @property
    def kinds(self) -> list[str]:
        return sorted(self._handlers)

    # -- setting --------------------------------------------------------------------------------

    async def set(self, tx: Transaction, kind: str, subject: str, *, due: datetime) -> None:
        """Set a timer in the open unit of work `tx`; the same one set again is one timer."""
        if kind not in self._handlers:
            raise ValueError(f"no handler for timers of kind {kind!r}")
        timer_id = await insert_ignore(
            tx.session,
            Timer,
            {
                "kind": kind,
                "subject": subject[:200],
                "due_at": due,
                "next_try_at": due,
                "state": "due",
                "attempts": 0,
                "fired_at": None,
                "fired_by": "",
            },
        )
        if timer_id is not None and self._started:
            tx.after_commit(partial(self._wake_at, timer_id, due))

    # -- running --------------------------------------------------------------------------------

    async def start(self) -> None:
        """Fire what fell due while no bot ran, then hold a wake-up for every timer still due."""
        self._started = True
        await self.fire_due()
        await self.pick_up()

    async def watch(self, *, every: float = SWEEP) -> None:
        """Pick up timers set by other processes now and again, for as long as the bot runs."""
        while True:
            await asyncio.sleep(every)
            try:
                await self.pick_up()
            except Exception as problem:  # the database is away for a moment: next time
                log.warning("could not look for timers: %s", problem)

    async def pick_up(self) -> int:
        """Hold a wake-up here for each due timer of a known kind, whoever set it; returns how
        many were new here."""
        if not self._handlers:
            return 0
        async with self._sessions() as session:
            query = select(Timer.id, Timer.next_try_at).where(
                Timer.state == "due", col(Timer.kind).in_(self._handlers)
            )
            due = {timer_id: when for timer_id, when in (await session.exec(query)).all()}
        new = 0
        for timer_id, when in due.items():
            if timer_id is not None and self._known.get(timer_id) != when:
                self._wake_at(timer_id, when)
                new += 1
        self._known = {k: v for k, v in self._known.items() if k in due}
        return new

    def _wake_at(self, timer_id: int, when: datetime) -> None:
        self._known[timer_id] = when
        at = max(when, self._clock.now())
        # the timer's own row decides who fires it, so the wake-up needs no occurrence row
        wake = JobSpec(f"timer:{timer_id}", DateTrigger(at), self._wake, guarded=False)
        self._scheduler.add(wake)

    async def _wake(self) -> None:
        await self.fire_due()

    async def fire_due(self) -> int:
        """Fire every timer due now that no other process fires first; returns how many fired
        here."""
        fired = 0
        tried: set[int] = set()
        while True:
            now = self._clock.now()
            async with self._sessions() as session:
                query = (
                    select(Timer.id)
                    .where(
                        Timer.state == "due",
                        col(Timer.kind).in_(self._handlers),
                        col(Timer.next_try_at) <= now,
                        col(Timer.id).not_in(tried),
                    )
                    .order_by(col(Timer.next_try_at), col(Timer.id))
                    .limit(BATCH)
                )
                batch = [timer_id for timer_id in (await session.exec(query)).all() if timer_id]
            if not batch:
                return fired
            for timer_id in batch:
                tried.add(timer_id)
                fired += await self._fire(timer_id)

    async def _fire(self, timer_id: int) -> bool:
        kind = "?"
        try:
            async with self._runtime.transaction() as tx:
                claimed = (
                    await tx.session.exec(  # type: ignore[call-overload]
                        update(Timer)
                        .where(col(Timer.id).in_(_claimable(timer_id, tx.now)))
                        .values(state="fired", fired_at=tx.now, fired_by=self._holder)
                        .returning(col(Timer.kind), col(Timer.subject), col(Timer.due_at))
                    )
                ).first()
                if claimed is None:
                    return False  # another process fired it, or it is not due after all
                timer = DueTimer(*claimed)
                kind = timer.kind
                tx.send(await self._handlers[timer.kind](tx, timer))
        except Exception as problem:
            await self._failed(timer_id, kind, problem)
            return False
        log.debug("timer %s (%s) fired", timer_id, kind)
        return True

    async def _failed(self, timer_id: int, kind: str, problem: Exception) -> None:
        """Count a failed try; try again later, or set the timer aside after its last try."""
        try:
            async with self._runtime.transaction() as tx:
                row = await tx.session.get(Timer, timer_id)
                if row is None or row.state != "due":
                    return
                row.attempts += 1
                if row.attempts >= MAX_ATTEMPTS:
                    row.state = "failed"
                    log.error(
                        "timer %s (%s) failed %d times and is set aside",
                        timer_id,
                        kind,
                        row.attempts,
                        exc_info=problem,
                    )
                else:
                    row.next_try_at = tx.now + RETRY_AFTER * 2 ** (row.attempts - 1)
                    log.warning(
                        "timer %s (%s) failed (%s); trying again at %s",
                        timer_id,
                        kind,
                        type(problem).__name__,
                        row.next_try_at.isoformat(),
                    )
                tx.session.add(row)
            if row.state == "due" and self._started:
                self._wake_at(timer_id, row.next_try_at)
        except Exception as again:  # the database is away: the timer stays due as it was
            log.warning("could not record timer %s's failure: %s", timer_id, again)
