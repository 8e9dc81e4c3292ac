"""The daily housekeeping keeps the tables of several processes from growing for ever: old
occurrences, settled timers, dead processes and their leases go; anything still useful stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlmodel import col, select

from bot.core.runtime import Runtime
from bot.delivery.presence import wall_clock
from bot.rituals.housekeeping import tidy
from bot.storage.models import Lease, Occurrence, Process, Timer
from tests.harness import SUNDAY, Harness


async def _rows(harness: Harness) -> dict[str, list[str]]:
    async with harness.bot.sessions() as session:
        return {
            "occurrences": list(
                (await session.exec(select(Occurrence.job_id).order_by(col(Occurrence.id)))).all()
            ),
            "timers": list(
                (await session.exec(select(Timer.subject).order_by(col(Timer.id)))).all()
            ),
            "processes": sorted((await session.exec(select(Process.id))).all()),
            "leases": sorted((await session.exec(select(Lease.name))).all()),
        }


async def _keep_on_file(harness: Harness) -> None:
    """Rows as a database shared by several processes for a while would hold them."""
    wall = wall_clock()
    old, recent = SUNDAY - timedelta(days=40), SUNDAY - timedelta(days=2)
    async with harness.bot.sessions.begin() as session:
        for job, when in (("ritual:old", old), ("ritual:recent", recent)):
            session.add(Occurrence(job_id=job, scheduled_for=when, fired_at=when, fired_by="p"))
        for subject, state, when in (
            ("fired long ago", "fired", old),
            ("failed long ago", "failed", old),
            ("due long ago", "due", old),
            ("fired lately", "fired", recent),
        ):
            session.add(
                Timer(
                    kind="pulse.close",
                    subject=subject,
                    due_at=when,
                    next_try_at=when,
                    state=state,
                    fired_at=when if state == "fired" else None,
                )
            )
        for name, beat in (("run:dead", wall - timedelta(days=2)), ("run:alive", wall)):
            await session.exec(  # type: ignore[call-overload]
                insert(Process).values(
                    id=name, host="h", pid=1, started_at=wall - timedelta(days=3), heartbeat_at=beat
                )
            )
        taken = wall - timedelta(days=3)
        for name, holder in (
            ("lane:dead", "run:dead"),
            ("telegram:polling", "run:alive"),
            ("lane:nobody", "run:gone-long-ago"),
        ):
            session.add(Lease(name=name, holder=holder, taken_at=taken))


async def test_the_daily_job_deletes_only_what_is_no_longer_useful(harness: Harness) -> None:
    await _keep_on_file(harness)
    before = await _rows(harness)
    # the bot's own process is alive too
    [own] = [p for p in before["processes"] if p not in ("run:dead", "run:alive")]

    monday_night = datetime(2026, 3, 9, 4, 0, tzinfo=UTC)  # 03:40 in London has passed
    await harness.until(monday_night)

    after = await _rows(harness)
    assert after["occurrences"][:1] == ["ritual:recent"]
    assert "ritual:old" not in after["occurrences"]
    assert "housekeeping" in after["occurrences"]  # once, like any job
    assert after["timers"] == ["due long ago", "fired lately"]
    assert after["processes"] == sorted(["run:alive", own])
    assert after["leases"] == ["telegram:polling"]


async def test_a_large_backlog_goes_in_bounded_batches(harness: Harness) -> None:
    bot = harness.bot
    long_ago = SUNDAY - timedelta(days=100)
    async with bot.sessions.begin() as session:
        for n in range(5):
            when = long_ago + timedelta(hours=n)
            session.add(Occurrence(job_id="ritual:x", scheduled_for=when, fired_at=when))
    runtime = Runtime(
        sessions=bot.sessions, outbox=bot.outbox, clock=harness.clock, wake=bot.dispatcher.wake
    )
    counts = [
        (await tidy(runtime, now=SUNDAY, wall_now=wall_clock(), batch=2)).occurrences
        for _ in range(4)
    ]
    assert counts == [2, 2, 1, 0]
