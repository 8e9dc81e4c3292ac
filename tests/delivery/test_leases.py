"""Leases and in-doubt parts, decided by processes' heartbeats: what a live process holds is never
taken, what a dead one held passes on. Two processes are two `Presence`s on one database here,
with wall clocks the test moves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.delivery.crash_check import UNCHECKED, mark_in_doubt
from bot.delivery.lanes import Lane, lease_name, take_lane
from bot.delivery.leases import Turns, take
from bot.delivery.presence import Presence
from bot.storage.database import SessionFactory, open_database
from bot.storage.models import OutboxMessage

START = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)


class Wall:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[SessionFactory]:
    async with open_database(database_url) as factory:
        yield factory


async def heartbeat_at(sessions: SessionFactory, presence: Presence, when: datetime) -> None:
    """The process's last heartbeat, as if it had stopped beating at `when`."""
    wall = Wall()
    wall.now = when
    presence._now = wall
    await presence.renew()


async def test_a_lease_stays_with_its_live_holder_and_passes_on_once_it_is_dead(
    sessions: SessionFactory,
) -> None:
    wall = Wall()
    async with (
        Presence(sessions, now=wall, beat=3600, ttl=7200) as first,
        Presence(sessions, now=wall, beat=3600, ttl=7200) as second,
    ):
        async with sessions.begin() as session:
            fresh = wall.now - timedelta(seconds=10)
            assert await take(session, "lane:x", holder=first.id, now=wall.now, fresh_since=fresh)
        async with sessions.begin() as session:
            assert not await take(
                session, "lane:x", holder=second.id, now=wall.now, fresh_since=fresh
            )
            # its holder takes it again (a lane worker coming back)
            assert await take(session, "lane:x", holder=first.id, now=wall.now, fresh_since=fresh)
        # the first process stops beating; ten seconds later it is dead and the lease passes on
        await heartbeat_at(sessions, first, START)
        later = START + timedelta(seconds=11)
        async with sessions.begin() as session:
            assert await take(
                session,
                "lane:x",
                holder=second.id,
                now=later,
                fresh_since=later - timedelta(seconds=10),
            )


async def test_only_parts_of_dead_processes_are_in_doubt(sessions: SessionFactory) -> None:
    wall = Wall()
    async with (
        Presence(sessions, now=wall, beat=3600, ttl=7200) as live,
        Presence(sessions, now=wall, beat=3600, ttl=7200) as dead,
    ):
        async with sessions.begin() as session:
            for key, holder in (("live", live.id), ("dead", dead.id), ("old", "")):
                session.add(
                    OutboxMessage(
                        key=key,
                        platform="slack",
                        chat="C1",
                        text="hello",
                        status="sending",
                        claimed_by=holder,
                        not_before=START,
                        created_at=START,
                    )
                )
        await heartbeat_at(sessions, dead, START - timedelta(minutes=5))
        found = await mark_in_doubt(sessions, fresh_since=START - timedelta(seconds=10))
        async with sessions() as session:
            rows = {row.key: row for row in (await session.exec(select(OutboxMessage))).all()}
    assert found == 2
    assert rows["live"].status == "sending"
    assert (rows["dead"].status, rows["dead"].error) == ("in_doubt", UNCHECKED)
    assert rows["old"].status == "in_doubt"  # claimed before processes had names


async def test_a_turn_is_not_taken_by_a_process_that_may_count_as_dead(
    sessions: SessionFactory,
) -> None:
    async with Presence(sessions, beat=1, ttl=2) as presence:
        turns = Turns(sessions, presence)
        assert await turns.take("telegram:polling")
        presence._renewed -= 5
        assert not presence.holds
        assert not await turns.take("telegram:polling")


@pytest.mark.parametrize("take_with", ["lanes", "leases"])
async def test_a_dead_process_s_lane_passes_on_while_other_lanes_are_worked(
    sessions: SessionFactory, take_with: str
) -> None:
    """The holder asked about is the lease's own: a live process working another lane does
    not keep a dead process's lane from passing on."""
    wall = Wall()
    later = START + timedelta(seconds=11)
    fresh = later - timedelta(seconds=10)
    async with (
        Presence(sessions, now=wall, beat=3600, ttl=7200) as busy,
        Presence(sessions, now=wall, beat=3600, ttl=7200) as dead,
        Presence(sessions, now=wall, beat=3600, ttl=7200) as taker,
    ):
        elsewhere, orphan = Lane("slack", "C1", ""), Lane("slack", "C2", "")
        async with sessions.begin() as session:
            assert await take_lane(session, elsewhere, holder=busy.id, now=START, fresh_since=START)
            assert await take_lane(session, orphan, holder=dead.id, now=START, fresh_since=START)
        await heartbeat_at(sessions, dead, START)  # it stops beating; the others go on
        wall.now = later
        await busy.renew()
        await taker.renew()
        async with sessions.begin() as session:
            if take_with == "lanes":
                taken = await take_lane(
                    session, orphan, holder=taker.id, now=later, fresh_since=fresh
                )
            else:
                taken = await take(
                    session, lease_name(orphan), holder=taker.id, now=later, fresh_since=fresh
                )
            assert not await take_lane(
                session, elsewhere, holder=taker.id, now=later, fresh_since=fresh
            )
    assert taken
