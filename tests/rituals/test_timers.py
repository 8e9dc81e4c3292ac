"""One-off timers live in the database: a round started in one process is closed by whichever
bot runs at its deadline, one due while no bot ran fires at the next start, and two bots that
reach the time together close it once. Each bot here is a harness on the same database, with its
own clock, scheduler and console, as separate `huddlebot run` processes would be."""

from __future__ import annotations

import asyncio
import logging
import textwrap
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from bot.config.partnership import Config, load_config
from bot.core.messages import Outgoing
from bot.core.runtime import Runtime, Transaction
from bot.practices.learning_sets.models import LearningRound
from bot.rituals.timers import MAX_ATTEMPTS, DueTimer
from bot.storage.models import Occurrence, OutboxMessage, Timer
from tests.harness import Harness, open_harness
from tests.practices.msc.helpers import tell
from tests.worlds import ON_REQUEST_CONFIG

CONFIG = ON_REQUEST_CONFIG
"""No schedules: every round here starts because a steward asked, in one process."""

MONDAY = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "huddlebot.toml"
    path.write_text(textwrap.dedent(CONFIG))
    return load_config(path)


@asynccontextmanager
async def process(
    config: Config, database_url: str, name: str, *, at: datetime
) -> AsyncIterator[Harness]:
    """A bot started at `at` on the shared database."""
    async with open_harness(config, database_url, start=at, run_id=name) as harness:
        yield harness


async def join(harness: Harness, room: str, *names: str) -> None:
    for who in names:
        await harness.say(f"#{room} @{who} /help")
    harness.take()


async def parts(harness: Harness, key: str) -> int:
    """How many outbox parts were ever queued under `key`."""
    async with harness.bot.sessions() as session:
        query = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(col(OutboxMessage.key).startswith(f"{key}|"))
        )
        return int((await session.exec(query)).one())


async def timers(harness: Harness) -> list[Timer]:
    async with harness.bot.sessions() as session:
        return list((await session.exec(select(Timer).order_by(col(Timer.id)))).all())


async def test_a_pulse_started_in_one_bot_is_reported_by_the_next(
    config: Config, database_url: str
) -> None:
    async with process(config, database_url, "first", at=MONDAY) as first:
        await join(first, "core", "ana", "ben")
        await first.say("#core @sam /pulse start")
        assert "A quick pulse check" in first.take()
        [timer] = await timers(first)
        assert (timer.kind, timer.subject, timer.state) == ("pulse.close", "1", "due")
        assert timer.due_at == MONDAY + timedelta(hours=48)
    # the bot that started it has stopped; another runs when the pulse closes
    later = MONDAY + timedelta(hours=1)
    async with process(config, database_url, "second", at=later) as second:
        await second.until(MONDAY + timedelta(hours=47))
        assert "How the pulse" not in second.take()
        await second.until(MONDAY + timedelta(hours=49))
        reported = second.take()
        assert "[#core] huddlebot" in reported and "No one answered this pulse" in reported
        [timer] = await timers(second)
        assert timer.state == "fired" and timer.fired_by.startswith("run:")
        assert timer.fired_at == MONDAY + timedelta(hours=48)
        assert await parts(second, "pulse:1:results") == 1
        # the wake-up is not an occurrence: the timer's own row decided
        async with second.bot.sessions() as session:
            fired = (await session.exec(select(Occurrence.job_id))).all()
        assert not [job for job in fired if job.startswith("timer:")]


async def test_a_deadline_passed_while_no_bot_ran_is_met_at_the_next_start_once(
    config: Config, database_url: str
) -> None:
    async with process(config, database_url, "first", at=MONDAY) as first:
        await join(first, "core", "ana", "ben")
        await first.say("#core @sam /maturity start")
        await first.say("@ana /dm score vision 3")
        first.take()
    back = MONDAY + timedelta(days=8)  # a round is open seven days
    async with process(config, database_url, "second", at=back) as second:
        revealed = second.take()
        assert "[#core] huddlebot" in revealed and "Vision" in revealed
        assert await parts(second, "maturity:1:reveal") == 1
    async with process(config, database_url, "third", at=back + timedelta(days=1)) as third:
        await third.until(back + timedelta(days=2))
        assert "Vision" not in third.take()
        assert await parts(third, "maturity:1:reveal") == 1


async def test_an_msc_round_started_in_one_bot_closes_in_another(
    config: Config, database_url: str
) -> None:
    async with process(config, database_url, "first", at=MONDAY) as first:
        await join(first, "core", "ana", "ben", "cleo")
        await tell(first, "ana", "core", "The housing team now calls us first.")
        await first.say("#core @ana /msc start")
        await first.say("#core @ben /msc choose 1 because they call first")
        first.take()
    async with process(config, database_url, "second", at=MONDAY + timedelta(days=2)) as second:
        await second.until(MONDAY + timedelta(days=6))
        assert "found most significant" not in second.take()
        await second.until(MONDAY + timedelta(days=7, hours=1))
        assert "found most significant" in second.take()
        [timer] = [t for t in await timers(second) if t.kind == "msc.close"]
        assert timer.state == "fired"


async def test_two_bots_reaching_a_phase_end_together_move_the_round_on_once(
    config: Config, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite is one process: a second bot on its file is refused")
    async with (
        process(config, database_url, "first", at=MONDAY) as first,
        process(config, database_url, "second", at=MONDAY) as second,
    ):
        await join(first, "set", "ana", "ben", "cleo", "dev")
        await first.say("#set @sam /round start")
        assert "Round 1 of Tuesday set" in first.take()
        # the second bot was running already: its sweep (every few seconds) finds the timer
        assert await second.bot.huddle.timers.pick_up() == 1
        assert await second.bot.huddle.timers.pick_up() == 0
        end = MONDAY + timedelta(hours=49)  # the presenter never said what to bring
        with caplog.at_level(logging.DEBUG, logger="bot.rituals.timers"):
            await asyncio.gather(first.until(end), second.until(end))
        # both woke at its time; one claimed it and did the work (the outbox's keys aside)
        assert [r.getMessage() for r in caplog.records] == ["timer 1 (learning_set.phase) fired"]
        told = first.take() + second.take()
        assert await parts(first, "learning_set:1:no_issue") == 1
        assert told.count("[#set] huddlebot") == 1
        [timer] = await timers(first)
        assert timer.state == "fired" and timer.kind == "learning_set.phase"


async def test_a_phase_moved_on_by_a_person_leaves_its_old_timer_nothing_to_do(
    config: Config, database_url: str
) -> None:
    async with process(config, database_url, "first", at=MONDAY) as first:
        await join(first, "set", "ana", "ben", "cleo", "dev")
        await first.say("#set @sam /round start")
        first.clock.set(MONDAY + timedelta(hours=2))
        await first.say("#set @ana We keep losing people between referral and first visit.")
        async with first.bot.sessions() as session:
            [row] = (await session.exec(select(LearningRound))).all()
        assert row.phase == "questions"
        first.take()
    # the first phase's timer and the questions' own, each set where the phase began
    async with process(config, database_url, "second", at=MONDAY + timedelta(hours=3)) as second:
        await second.until(MONDAY + timedelta(hours=49))
        assert "[#set]" not in second.take()  # the first phase's end: nothing to do
        await second.until(MONDAY + timedelta(hours=51))
        assert "[#set]" in second.take()  # the questions' end: time to reflect
        states = [(t.due_at - MONDAY, t.state) for t in await timers(second)]
        assert states[:2] == [(timedelta(hours=48), "fired"), (timedelta(hours=50), "fired")]
        assert await parts(second, "learning_set:1:no_issue") == 0
        assert await parts(second, "learning_set:1:reflect") == 1


async def test_a_failing_timer_is_tried_a_few_times_then_set_aside_and_blocks_nothing(
    config: Config, database_url: str
) -> None:
    async with process(config, database_url, "only", at=MONDAY) as harness:
        bot, done = harness.bot, []

        async def fails(tx: Transaction, timer: DueTimer) -> Sequence[Outgoing]:
            raise RuntimeError("the work cannot be done")

        async def works(tx: Transaction, timer: DueTimer) -> Sequence[Outgoing]:
            done.append(timer.subject)
            return []

        bot.huddle.timers.handle("test.fails", fails)
        bot.huddle.timers.handle("test.works", works)
        with pytest.raises(ValueError, match="already have a handler"):
            bot.huddle.timers.handle("test.works", works)
        runtime = Runtime(
            sessions=bot.sessions, outbox=bot.outbox, clock=harness.clock, wake=bot.dispatcher.wake
        )
        due = MONDAY + timedelta(hours=1)
        async with runtime.transaction() as tx:
            await bot.huddle.timers.set(tx, "test.fails", "a", due=due)
            await bot.huddle.timers.set(tx, "test.works", "b", due=due)
            await bot.huddle.timers.set(tx, "test.works", "b", due=due)  # the same one
        with pytest.raises(ValueError, match="no handler"):
            async with runtime.transaction() as tx:
                await bot.huddle.timers.set(tx, "test.unknown", "c", due=due)

        await harness.until(due + timedelta(hours=1))
        assert done == ["b"]
        by_kind = {t.kind: t for t in await timers(harness)}
        assert by_kind["test.works"].state == "fired"
        failed = by_kind["test.fails"]
        assert (failed.state, failed.attempts) == ("failed", MAX_ATTEMPTS)
        assert failed.fired_at is None
        assert "test.unknown" not in by_kind
