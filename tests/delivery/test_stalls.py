"""A send that stalls: its part stays its process's for as long as the process lives, however long
the platform takes; a claim that may have lapsed before the platform was asked is put back.

Two processes are two `Presence`s on one database. The first really beats (every 20 ms, dead
after 200 ms without a beat); its adapter holds the send until the test lets it go, and the test
waits on the first process's own heartbeats, counted, until far longer than its time-to-live has
passed, before the second process looks for parts in doubt."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.core.clock import ManualClock
from bot.core.messages import Delivery
from bot.delivery.crash_check import mark_in_doubt
from bot.delivery.presence import Presence
from bot.delivery.sending import Outcome, Sender
from bot.storage.database import SessionFactory, open_database
from bot.storage.models import OutboxMessage
from tests.harness import SUNDAY

BEAT = 0.02
TTL = 0.2


class Stalled:
    """An adapter whose send waits until `release` is set."""

    platform = "slack"

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.sent: list[str] = []

    async def send(self, delivery: Delivery) -> str:
        self.started.set()
        await self.release.wait()
        self.sent.append(delivery.key)
        return "1700000000.000001"


class Counted:
    """Counts a presence's heartbeats, and lets a test wait for the n-th."""

    def __init__(self, presence: Presence) -> None:
        self.beats = 0
        self._changed = asyncio.Condition()
        renew = presence.renew

        async def counted() -> None:
            await renew()
            async with self._changed:
                self.beats += 1
                self._changed.notify_all()

        presence.renew = counted  # type: ignore[method-assign]

    async def until(self, beats: int) -> None:
        async with asyncio.timeout(30), self._changed:
            await self._changed.wait_for(lambda: self.beats >= beats)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[SessionFactory]:
    async with open_database(database_url) as factory:
        yield factory


async def stored(sessions: SessionFactory) -> int:
    async with sessions.begin() as session:
        row = OutboxMessage(
            key="thanks|slack:D1::|1",
            platform="slack",
            chat="D1",
            text="Thank you",
            not_before=SUNDAY,
            created_at=SUNDAY,
        )
        session.add(row)
        await session.flush()
        assert row.id is not None
        return row.id


async def status_of(sessions: SessionFactory, row_id: int) -> tuple[str, str, int]:
    async with sessions() as session:
        row = await session.get(OutboxMessage, row_id)
        assert row is not None
        return row.status, row.claimed_by, row.attempts


async def test_a_send_stalled_past_the_time_to_live_is_never_in_doubt_while_its_process_lives(
    sessions: SessionFactory,
) -> None:
    async with (
        Presence(sessions, beat=BEAT, ttl=TTL) as first,
        Presence(sessions, beat=BEAT, ttl=TTL) as second,
    ):
        heartbeats = Counted(first)
        row_id = await stored(sessions)
        adapter = Stalled()
        sender = Sender(
            sessions,
            {"slack": adapter},  # type: ignore[dict-item]
            clock=ManualClock(SUNDAY),
            process=first.id,
            live=lambda: first.holds,
        )
        sending = asyncio.create_task(sender.send(row_id))
        await adapter.started.wait()
        # three times the time-to-live, counted in the first process's own heartbeats
        await heartbeats.until(heartbeats.beats + round(3 * TTL / BEAT))
        assert await mark_in_doubt(sessions, fresh_since=second.fresh_since()) == 0
        assert await status_of(sessions, row_id) == ("sending", first.id, 1)
        adapter.release.set()
        outcome, _row, _problem = await sending
    assert outcome is Outcome.SENT
    assert adapter.sent == ["thanks|slack:D1::|1"]
    assert (await status_of(sessions, row_id))[0] == "sent"


async def test_a_claim_that_may_have_lapsed_is_put_back_not_sent(sessions: SessionFactory) -> None:
    async with Presence(sessions, beat=3600, ttl=7200) as presence:
        row_id = await stored(sessions)
        adapter = Stalled()
        adapter.release.set()
        sender = Sender(
            sessions,
            {"slack": adapter},  # type: ignore[dict-item]
            clock=ManualClock(SUNDAY),
            process=presence.id,
            live=lambda: presence.holds,
        )
        presence._renewed -= 7200  # no heartbeat written for as long as the time-to-live
        outcome, _row, _problem = await sender.send(row_id)
        assert outcome is Outcome.WAIT
        assert adapter.sent == []
        assert await status_of(sessions, row_id) == ("pending", presence.id, 0)
        presence._renewed += 7200  # beating again: the part goes, once
        outcome, _row, _problem = await sender.send(row_id)
    assert outcome is Outcome.SENT
    assert adapter.sent == ["thanks|slack:D1::|1"]
