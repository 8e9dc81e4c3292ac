"""The unit of work: commit, then the after-commit callbacks, then delivery is woken; a rollback
runs none of them; a transaction that queues nothing new does not wake delivery."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime

import pytest
from sqlalchemy import event
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.clock import ManualClock
from bot.core.messages import Body, Outgoing, ToCircle
from bot.core.outbox import Queued
from bot.core.runtime import Runtime, Transaction
from bot.storage.database import SessionFactory, open_database
from bot.storage.models import Circle
from tests.harness import SUNDAY


class Boom(Exception):
    pass


class Timeline:
    """What happened, in order, across the queue, the database, the callbacks and delivery."""

    def __init__(self) -> None:
        self.steps: list[str] = []
        self.queued: list[list[Outgoing]] = []
        self.new_parts = 1
        """How many parts each enqueue reports as new."""

    async def enqueue(
        self,
        session: AsyncSession,
        outgoing: Iterable[Outgoing],
        *,
        now: datetime,
        last: bool = False,
    ) -> list[Queued]:
        assert session.in_transaction()
        self.queued.append(list(outgoing))
        self.steps.append(f"enqueue at {now:%H:%M}")
        return [Queued(n, "console", "core", "", "reply", "") for n in range(self.new_parts)]

    def wake(self, parts: Sequence[Queued]) -> None:
        assert len(parts) == self.new_parts
        self.steps.append("wake")

    def watch(self, tx: Transaction) -> None:
        event.listen(
            tx.session.sync_session, "after_commit", lambda _s: self.steps.append("commit")
        )
        event.listen(
            tx.session.sync_session, "after_rollback", lambda _s: self.steps.append("rollback")
        )


def a_message(key: str) -> Outgoing:
    return Outgoing(to=ToCircle("core"), body=Body("replies/help", {}), key=key)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[SessionFactory]:
    async with open_database(database_url) as factory:
        yield factory


@pytest.fixture
def timeline() -> Timeline:
    return Timeline()


@pytest.fixture
def runtime(sessions: SessionFactory, timeline: Timeline) -> Runtime:
    return Runtime(
        sessions=sessions, outbox=timeline, clock=ManualClock(SUNDAY), wake=timeline.wake
    )


async def circles(sessions: SessionFactory) -> list[str]:
    async with sessions() as session:
        return list((await session.exec(select(Circle.id))).all())


async def test_commit_then_callbacks_then_wake(
    runtime: Runtime, sessions: SessionFactory, timeline: Timeline
) -> None:
    async with runtime.transaction() as tx:
        timeline.watch(tx)
        tx.session.add(Circle(id="core", name="Core", kind="partnership", timezone="UTC"))
        tx.send([a_message("one")])
        tx.after_commit(lambda: timeline.steps.append("first callback"))
        tx.send([a_message("two")])
        tx.after_commit(lambda: timeline.steps.append("second callback"))
        assert timeline.steps == []  # nothing is queued before the block is left

    assert timeline.steps == [
        "enqueue at 18:00",
        "commit",
        "first callback",
        "second callback",
        "wake",
    ]
    assert [[m.key for m in batch] for batch in timeline.queued] == [["one", "two"]]
    assert tx.queued == 1
    assert await circles(sessions) == ["core"]


async def test_a_rollback_runs_no_callback_queues_nothing_and_does_not_wake(
    runtime: Runtime, sessions: SessionFactory, timeline: Timeline
) -> None:
    with pytest.raises(Boom):
        async with runtime.transaction() as tx:
            timeline.watch(tx)
            tx.session.add(Circle(id="core", name="Core", kind="partnership", timezone="UTC"))
            await tx.session.flush()
            tx.send([a_message("one")])
            tx.after_commit(lambda: timeline.steps.append("callback"))
            raise Boom

    assert timeline.steps == ["rollback"]
    assert timeline.queued == []
    assert await circles(sessions) == []


async def test_a_failure_while_queueing_rolls_everything_back(
    sessions: SessionFactory, timeline: Timeline
) -> None:
    class Failing(Timeline):
        async def enqueue(
            self,
            session: AsyncSession,
            outgoing: Iterable[Outgoing],
            *,
            now: datetime,
            last: bool = False,
        ) -> list[Queued]:
            raise Boom

    failing = Failing()
    runtime = Runtime(
        sessions=sessions, outbox=failing, clock=ManualClock(SUNDAY), wake=failing.wake
    )
    with pytest.raises(Boom):
        async with runtime.transaction() as tx:
            failing.watch(tx)
            tx.session.add(Circle(id="core", name="Core", kind="partnership", timezone="UTC"))
            tx.send([a_message("one")])
            tx.after_commit(lambda: failing.steps.append("callback"))

    assert failing.steps == ["rollback"]
    assert await circles(sessions) == []


async def test_nothing_new_queued_commits_and_calls_back_without_waking(
    runtime: Runtime, timeline: Timeline
) -> None:
    async with runtime.transaction() as tx:
        timeline.watch(tx)
        tx.after_commit(lambda: timeline.steps.append("callback"))
    assert timeline.steps == ["commit", "callback"]
    assert timeline.queued == []  # no message: the outbox is not even asked

    timeline.steps.clear()
    timeline.new_parts = 0  # every part already stored (an event written twice)
    async with runtime.transaction() as tx:
        timeline.watch(tx)
        tx.send([a_message("one")])
    assert timeline.steps == ["enqueue at 18:00", "commit"]
    assert tx.queued == 0


async def test_the_transaction_time_is_the_clock_s_unless_given(runtime: Runtime) -> None:
    async with runtime.transaction() as tx:
        assert tx.now == SUNDAY
    later = SUNDAY.replace(hour=20)
    async with runtime.transaction(now=later) as tx:
        assert tx.now == later
