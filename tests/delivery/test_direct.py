"""Answers sent straight after their transaction commits (bot/delivery/direct.py).

Two processes are two bots' delivery halves (a `Presence`, an outbox, a dispatcher and the real
Slack adapter against the fake Web API) on one database; a process "dies" when its heartbeat is
set hours back, as it would look to the living once it stopped beating. Each answer is queued
through the unit of work, as a reply's thank-you is.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from adapters.slack.adapter import SlackAdapter
from bot.core.clock import ManualClock
from bot.core.lookups import Memo
from bot.core.messages import Body, Delivery, Outgoing, ToRoom
from bot.core.outbox import Outbox
from bot.core.ports import TextFormat
from bot.core.runtime import Runtime
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.lanes import Lane, lease_name
from bot.delivery.presence import Presence
from bot.errors import DeliveryError, RateLimited
from bot.storage.database import SessionFactory, open_database
from bot.storage.models import Lease, OutboxMessage
from bot.storage.sql import lead_with, write_waiting
from tests.adapters.slack.test_slack_send import make_adapter
from tests.fakes.slack_api import FakeSlackAPI, VirtualTime
from tests.statement_log import shape, statements_of
from tests.storage.test_waiting import Repeat, record

START = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)
ROOM = "C0ANSWERS"


class Plain:
    """Renders a template as its context's `text`."""

    def render(self, template: str, context: Mapping[str, Any], fmt: TextFormat) -> str:
        return str(context["text"])


class Killed(BaseException):
    """The process is killed here: nothing after this point runs."""


class KilledAfterPosting:
    """The real adapter, whose process is killed once the platform has taken the part."""

    def __init__(self, real: SlackAdapter) -> None:
        self.real = real
        self.platform = real.platform
        self.text_format = real.text_format
        self.limits = real.limits

    async def send(self, delivery: Delivery) -> str:
        await self.real.send(delivery)
        raise Killed


@dataclass
class Process:
    presence: Presence
    dispatcher: Dispatcher
    runtime: Runtime
    clock: ManualClock
    outbox: Outbox

    async def answer(self, key: str, text: str, *, chat: str = ROOM, kind: str = "reply") -> None:
        async with self.runtime.transaction() as tx:
            to = ToRoom("slack", chat, None, None)
            tx.send([Outgoing(to=to, body=Body("t", {"text": text}), key=key, kind=kind)])


@asynccontextmanager
async def process(sessions: SessionFactory, adapter: object) -> AsyncIterator[Process]:
    clock = ManualClock(START)
    async with Presence(sessions, beat=3600, ttl=7200) as presence:
        adapters: dict[str, Any] = {"slack": adapter}
        dispatcher = Dispatcher(sessions, adapters, clock=clock, presence=presence)
        outbox = Outbox(renderer=Plain(), platforms=adapters, memo=Memo(), claims=dispatcher.direct)
        runtime = Runtime(sessions=sessions, outbox=outbox, clock=clock, wake=dispatcher.wake)
        yield Process(presence, dispatcher, runtime, clock, outbox)


async def dies(sessions: SessionFactory, presence: Presence) -> None:
    """`presence`'s process stopped beating hours ago: the living count it as dead."""
    presence._now = lambda: START - timedelta(hours=3)
    await presence.renew()
    if presence._task is not None:
        presence._task.cancel()


async def parts(sessions: SessionFactory) -> dict[str, OutboxMessage]:
    async with sessions() as session:
        rows = (await session.exec(select(OutboxMessage))).all()
    return {row.key.split("|")[0]: row for row in rows}


async def lease(sessions: SessionFactory, chat: str = ROOM) -> str | None:
    async with sessions() as session:
        row = await session.get(Lease, lease_name(Lane("slack", chat, "")))
    return None if row is None else row.holder


def posted(slack: FakeSlackAPI, chat: str = ROOM) -> list[str]:
    return [str(call.params["text"]) for call in slack.posted(chat)]


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[tuple[SessionFactory, FakeSlackAPI]]:
    async with (
        open_database(database_url) as sessions,
        FakeSlackAPI(first_ts=int(START.timestamp())) as slack,
    ):
        yield sessions, slack


async def test_an_answer_is_stored_claimed_and_sent_straight_after_its_commit(
    world: tuple[SessionFactory, FakeSlackAPI],
) -> None:
    sessions, slack = world
    async with process(sessions, make_adapter(slack, VirtualTime())) as bot:
        async with statements_of(sessions) as said:
            await bot.answer("thanks", "Thank you, saved.")
        if sessions.kw["bind"].dialect.name == "postgresql":
            # the lease and the part are one statement, in autocommit (bot/storage/together.py)
            assert shape(said) == ["WITH"]
        stored = (await parts(sessions))["thanks"]
        # claimed by this process, under the room's lease, in the reply's own transaction
        claim = (stored.status, stored.claimed_by, stored.attempts)
        assert claim == ("sending", bot.presence.id, 1)
        assert await lease(sessions) == bot.presence.id
        assert await bot.dispatcher.drain() == 1
        sent = (await parts(sessions))["thanks"]
    assert (sent.status, sent.text) == ("sent", "")
    assert await lease(sessions) is None
    assert posted(slack) == ["Thank you, saved."]


async def test_a_crash_between_commit_and_send_posts_the_answer_once(
    world: tuple[SessionFactory, FakeSlackAPI],
) -> None:
    sessions, slack = world
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(
            process(sessions, make_adapter(slack, VirtualTime()))
        )
        await first.answer("thanks", "Thank you, saved.")  # committed, claimed, never sent
        second = await stack.enter_async_context(
            process(sessions, make_adapter(slack, VirtualTime()))
        )
        # while the first lives, its answer is nobody else's: not in doubt, not due
        assert await second.dispatcher.recover() == 0
        assert await second.dispatcher.drain() == 0
        await dies(sessions, first.presence)
        assert await second.dispatcher.recover() == 1
        # Slack's history says it never arrived: sent again, once
        assert await second.dispatcher.drain() == 1
        assert await second.dispatcher.drain() == 0
        row = (await parts(sessions))["thanks"]
    assert posted(slack) == ["Thank you, saved."]
    assert (row.status, row.claimed_by) == ("sent", second.presence.id)


async def test_a_crash_between_send_and_mark_posts_the_answer_once(
    world: tuple[SessionFactory, FakeSlackAPI],
) -> None:
    sessions, slack = world
    async with AsyncExitStack() as stack:
        killed = KilledAfterPosting(make_adapter(slack, VirtualTime()))
        first = await stack.enter_async_context(process(sessions, killed))
        await first.answer("thanks", "Thank you, saved.")
        with pytest.raises(Killed):
            await first.dispatcher.drain()
        assert posted(slack) == ["Thank you, saved."]
        assert (await parts(sessions))["thanks"].status == "sending"
        await dies(sessions, first.presence)
        second = await stack.enter_async_context(
            process(sessions, make_adapter(slack, VirtualTime()))
        )
        assert await second.dispatcher.recover() == 1
        # Slack's history holds it: marked sent, not sent again
        assert await second.dispatcher.drain() == 0
        row = (await parts(sessions))["thanks"]
    assert posted(slack) == ["Thank you, saved."]
    assert row.status == "sent"


async def test_a_part_another_process_queues_waits_for_the_claimed_answer(
    world: tuple[SessionFactory, FakeSlackAPI],
) -> None:
    sessions, slack = world
    async with (
        process(sessions, make_adapter(slack, VirtualTime())) as first,
        process(sessions, make_adapter(slack, VirtualTime())) as second,
    ):
        await first.answer("first", "Thank you, saved.")
        # the second process's answer to the same room cannot take the room: it waits, pending
        await second.answer("second", "And noted.")
        stored = await parts(sessions)
        assert (stored["second"].status, stored["second"].claimed_by) == ("pending", "")
        assert await lease(sessions) == first.presence.id
        # the first sends its answer, then what the room has pending, in order
        assert await first.dispatcher.drain() == 2
        assert await second.dispatcher.drain() == 0
    assert posted(slack) == ["Thank you, saved.", "And noted."]


async def test_an_answer_waits_behind_what_its_room_has_pending(
    world: tuple[SessionFactory, FakeSlackAPI],
) -> None:
    sessions, slack = world
    async with process(sessions, make_adapter(slack, VirtualTime())) as bot:
        await bot.answer("prompt", "What did we learn?", kind="prompt")
        await bot.answer("thanks", "Thank you, saved.")
        stored = await parts(sessions)
        assert [stored[key].status for key in ("prompt", "thanks")] == ["pending", "pending"]
        assert await bot.dispatcher.drain() == 2
    assert posted(slack) == ["What did we learn?", "Thank you, saved."]


async def test_parts_queued_for_a_claimed_room_go_after_the_answer(
    world: tuple[SessionFactory, FakeSlackAPI],
) -> None:
    sessions, slack = world
    async with process(sessions, make_adapter(slack, VirtualTime())) as bot:
        await bot.answer("first", "Thank you, saved.")
        await bot.answer("second", "And noted.")  # the room is this process's already
        await bot.answer("elsewhere", "Hello.", chat="C0ELSEWHERE")
        stored = await parts(sessions)
        assert [stored[key].status for key in ("first", "second", "elsewhere")] == [
            "sending",
            "pending",
            "sending",
        ]
        assert await bot.dispatcher.drain() == 3
        assert await lease(sessions) is None
    assert posted(slack) == ["Thank you, saved.", "And noted."]
    assert posted(slack, "C0ELSEWHERE") == ["Hello."]


async def test_a_claim_rolled_back_leaves_the_room_free(
    world: tuple[SessionFactory, FakeSlackAPI],
) -> None:
    sessions, slack = world
    async with process(sessions, make_adapter(slack, VirtualTime())) as bot:
        direct = bot.dispatcher.direct
        assert direct is not None
        to = ToRoom("slack", ROOM, None, None)
        message = Outgoing(to=to, body=Body("t", {"text": "Lost."}), key="lost", kind="reply")
        with pytest.raises(RuntimeError):
            async with sessions.begin() as session:
                queued = await bot.outbox.enqueue(session, [message], now=START)
                assert queued[0].claimed is not None
                assert direct.reserved  # the lane is this process's until the end
                raise RuntimeError("the reply failed")
        assert not direct.reserved
        assert await lease(sessions) is None
        await bot.answer("thanks", "Thank you, saved.")
        assert (await parts(sessions))["thanks"].status == "sending"
        assert await bot.dispatcher.drain() == 1
    assert posted(slack) == ["Thank you, saved."]


async def test_a_claim_whose_unit_of_work_is_refused_lets_its_room_go(
    world: tuple[SessionFactory, FakeSlackAPI],
) -> None:
    """A redelivered reply is refused at its writes, after its answer's claim was made: the
    room is not left reserved in this process."""
    sessions, slack = world
    async with process(sessions, make_adapter(slack, VirtualTime())) as bot:
        async with sessions.begin() as session:
            await lead_with(session, record("e1"))
            await write_waiting(session, last=True)
        to = ToRoom("slack", ROOM, None, None)
        message = Outgoing(to=to, body=Body("t", {"text": "Again."}), key="again", kind="reply")
        with pytest.raises(Repeat):
            async with sessions.begin() as session:
                with contextlib.suppress(Repeat):  # SQLite refuses at once, PostgreSQL later
                    await lead_with(session, record("e1"))
                await bot.outbox.enqueue(session, [message], now=START, last=True)
        assert not bot.dispatcher.direct.reserved  # type: ignore[union-attr]
        assert "again" not in await parts(sessions)
        await bot.answer("next", "And noted.")
        assert (await parts(sessions))["next"].status == "sending"
        assert await bot.dispatcher.drain() == 1
    assert posted(slack) == ["And noted."]


class RefusesOnce:
    """The real adapter, whose platform refuses the first part with `problem`."""

    def __init__(self, real: SlackAdapter, problem: Exception) -> None:
        self.real = real
        self.platform = real.platform
        self.text_format = real.text_format
        self.limits = real.limits
        self.problem: Exception | None = problem

    async def send(self, delivery: Delivery) -> str:
        problem, self.problem = self.problem, None
        if problem is not None:
            raise problem
        return await self.real.send(delivery)


async def test_a_claimed_answer_the_platform_puts_off_is_sent_once_it_is_due(
    world: tuple[SessionFactory, FakeSlackAPI],
) -> None:
    sessions, slack = world
    adapter = RefusesOnce(make_adapter(slack, VirtualTime()), RateLimited(30))
    async with process(sessions, adapter) as bot:
        await bot.answer("thanks", "Thank you, saved.")
        assert await bot.dispatcher.drain() == 0
        waiting = (await parts(sessions))["thanks"]
        assert (waiting.status, waiting.not_before) == ("pending", START + timedelta(seconds=30))
        assert await lease(sessions) is None
        await bot.answer("after", "And noted.")  # its room has a part waiting: stored pending
        assert (await parts(sessions))["after"].status == "pending"
        bot.clock.set(START + timedelta(seconds=30))
        assert await bot.dispatcher.drain() == 2
    assert posted(slack) == ["Thank you, saved.", "And noted."]


async def test_a_claimed_answer_the_platform_refuses_for_good_is_set_aside(
    world: tuple[SessionFactory, FakeSlackAPI],
) -> None:
    sessions, slack = world
    adapter = RefusesOnce(make_adapter(slack, VirtualTime()), DeliveryError("msg_too_long"))
    async with process(sessions, adapter) as bot:
        await bot.answer("thanks", "Thank you, saved.")
        assert await bot.dispatcher.drain() == 0
        failed = (await parts(sessions))["thanks"]
        assert bot.dispatcher.failed == 1
    assert (failed.status, failed.error) == ("failed", "refused: msg_too_long")
    assert posted(slack) == []


async def test_an_answer_is_handed_over_as_its_transaction_commits(
    world: tuple[SessionFactory, FakeSlackAPI],
) -> None:
    """Whatever the code that opened the transaction does after the commit (here: nothing, not
    even waking delivery), the answer is sent and its room is not held."""
    sessions, slack = world
    async with process(sessions, make_adapter(slack, VirtualTime())) as bot:
        to = ToRoom("slack", ROOM, None, None)
        message = Outgoing(to=to, body=Body("t", {"text": "Thank you."}), key="k", kind="reply")
        async with sessions.begin() as session:
            queued = await bot.outbox.enqueue(session, [message], now=START)
        assert queued[0].claimed is not None
        assert await bot.dispatcher.drain() == 1
        await bot.answer("next", "And noted.")
        assert (await parts(sessions))["next"].status == "sending"  # the room is free again
        assert await bot.dispatcher.drain() == 1
    assert posted(slack) == ["Thank you.", "And noted."]


async def test_an_answer_claimed_before_a_graceful_stop_goes_back_to_pending(
    world: tuple[SessionFactory, FakeSlackAPI],
) -> None:
    sessions, slack = world
    async with process(sessions, make_adapter(slack, VirtualTime())) as first:
        await first.answer("thanks", "Thank you, saved.")
        first.dispatcher.stop()
        await first.dispatcher.close()  # as the bot shuts down, never having sent it
        row = (await parts(sessions))["thanks"]
        assert (row.status, row.attempts) == ("pending", 0)
        assert await lease(sessions) is None
    async with process(sessions, make_adapter(slack, VirtualTime())) as second:
        assert await second.dispatcher.recover() == 0  # nothing in doubt
        assert await second.dispatcher.drain() == 1
    assert posted(slack) == ["Thank you, saved."]
