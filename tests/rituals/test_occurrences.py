"""A scheduled job that several processes fire at the same time does its work once: its first unit
of work stores the occurrence (job, time) and the others find it there and change nothing. Here two
schedulers (as in two processes) fire the same jobs on one database."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import ManualClock
from bot.core.runtime import Runtime
from bot.rituals.scheduler import JobSpec, SimulatedScheduler
from bot.rituals.timing import cron
from tests.harness import SUNDAY, Harness


async def test_a_job_fired_by_two_schedulers_at_one_time_does_its_work_once(
    harness: Harness,
) -> None:
    bot = harness.bot
    done: list[str] = []

    def job_in(process: str, runtime: Runtime) -> JobSpec:
        async def work() -> None:
            async with runtime.transaction():
                done.append(process)
            # a second unit of work in the same firing goes on as usual
            async with runtime.transaction():
                done.append(f"{process} again")

        return JobSpec("notes:weekly", cron("0 9 * * MON", "Europe/London"), work)

    schedulers = []
    for process in ("first", "second"):
        clock = ManualClock(SUNDAY)
        runtime = Runtime(
            sessions=bot.sessions, outbox=bot.outbox, clock=clock, wake=bot.dispatcher.wake
        )
        scheduler = SimulatedScheduler(clock)
        scheduler.add(job_in(process, runtime))
        schedulers.append(scheduler)
    week = SUNDAY + timedelta(days=8)
    for scheduler in schedulers:
        await scheduler.run_until(week)

    # two Mondays: each fired in both, done once each, by whichever fired first
    assert done == ["first", "first again", "first", "first again"]
