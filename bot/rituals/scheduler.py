"""Jobs on a schedule: APScheduler 3 in the bot's event loop, or a simulated clock for the demo.

Both run the same `JobSpec`s, so what the demo and the tests see is what runs in production.
Every job has a stable id and is added with `replace_existing`, so building the jobs again after
a restart never duplicates one. Each firing runs as an `Occasion` (the job's id and the time it was
due), so when several processes share a database and each fires the job, its work is done once
(bot/storage/occurrences.py). One-off moments (a round closing) are timers in the database
(bot/rituals/timers.py); the scheduler only holds the wake-ups for them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Protocol

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from bot.core.clock import Clock, ManualClock, SystemClock
from bot.rituals.timing import latest_fire, next_fire
from bot.storage.occurrences import Occasion, fire_once

log = logging.getLogger(__name__)

JobFunc = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class JobSpec:
    id: str
    trigger: BaseTrigger
    func: JobFunc
    guarded: bool = True
    """Whether its work is done once across processes by its occurrence row; a timers' wake-up
    is not (each timer's own row decides, bot/rituals/timers.py)."""


class JobScheduler(Protocol):
    def add(self, job: JobSpec) -> None: ...


def once(job: JobSpec, *, clock: Clock, lookback: timedelta) -> JobFunc:
    """The job's function, run as the occasion it was due for: the trigger's latest fire time
    (within `lookback`, as late firings are allowed), the same in every process."""

    async def fire() -> None:
        now = clock.now()
        due = latest_fire(job.trigger, now, lookback=lookback) or now
        await fire_once(Occasion(job.id, due), job.func)

    return fire


class RealScheduler:
    """APScheduler's AsyncIOScheduler, started and stopped as an async context manager."""

    def __init__(self, *, misfire_grace_seconds: int = 3600, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._lookback = timedelta(seconds=misfire_grace_seconds + 1)
        self._scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": misfire_grace_seconds,
            },
        )
        self._scheduler.add_listener(self._on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)

    @staticmethod
    def _on_event(event: JobExecutionEvent) -> None:
        if event.exception is not None:
            log.error("job %s failed: %r", event.job_id, event.exception)
        else:
            log.warning("job %s missed its time and was skipped", event.job_id)

    def add(self, job: JobSpec) -> None:
        self._scheduler.add_job(
            once(job, clock=self._clock, lookback=self._lookback) if job.guarded else job.func,
            job.trigger,
            id=job.id,
            name=job.id,
            replace_existing=True,
        )

    def job_ids(self) -> list[str]:
        return sorted(job.id for job in self._scheduler.get_jobs())

    async def __aenter__(self) -> RealScheduler:
        self._scheduler.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._scheduler.shutdown(wait=False)


class SimulatedScheduler:
    """Runs jobs in order of their fire times while moving a manual clock forward."""

    def __init__(self, clock: ManualClock) -> None:
        self._clock = clock
        self._jobs: dict[str, tuple[JobSpec, datetime | None]] = {}

    def add(self, job: JobSpec) -> None:
        first = job.trigger.get_next_fire_time(None, self._clock.now())
        self._jobs[job.id] = (job, first)

    def job_ids(self) -> list[str]:
        return sorted(self._jobs)

    async def run_until(
        self, end: datetime, *, after_each: Callable[[], Awaitable[object]] | None = None
    ) -> list[tuple[str, datetime]]:
        """Fire every job due up to `end`, earliest first; returns what fired when."""
        fired: list[tuple[str, datetime]] = []
        while True:
            due = [
                (when, job_id) for job_id, (_, when) in self._jobs.items() if when and when <= end
            ]
            if not due:
                break
            when, job_id = min(due)
            job, _ = self._jobs[job_id]
            self._clock.set(when)
            self._jobs[job_id] = (job, next_fire(job.trigger, when))
            if job.guarded:
                await fire_once(Occasion(job.id, when), job.func)
            else:
                await job.func()
            fired.append((job_id, when))
            if after_each is not None:
                await after_each()
        if self._clock.now() < end:
            self._clock.set(end)
        return fired
