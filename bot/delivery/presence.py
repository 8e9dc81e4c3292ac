"""This process, as the other processes on the database see it: a row it renews while it lives.

Several `huddlebot run` processes may share one PostgreSQL database. Each writes a row in
`processes` at start and renews its `heartbeat_at` every `beat` seconds; a process whose heartbeat
is older than `ttl` seconds is dead (it was killed, its machine stopped, it lost the database).
What a process holds is named by its id: the outbox parts it is sending (`outbox.claimed_by`) and
its leases (bot/delivery/leases.py). Those stay its own while it lives and pass to others once it
is dead, so no live process's work is ever taken and no dead process's work waits for ever.

Times here are the machines' wall clocks (kept by NTP), never the bot's simulated clock: they
measure whether a process still runs. A process also knows when its own claim lapses: when it
could not renew its heartbeat for `ttl - beat` seconds, it starts no new send until it can, since
another process may already count it as dead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import TracebackType

from sqlalchemy import delete, insert, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.database import SessionFactory
from bot.storage.models import Process

log = logging.getLogger(__name__)

TTL = 10.0
"""Seconds without a heartbeat after which a process counts as dead."""
BEAT = 2.0
"""Seconds between heartbeats."""

WallClock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now(UTC)


async def bot_running(sessions: SessionFactory, *, ttl: float = TTL) -> bool:
    """Whether a live `huddlebot run` process (not a one-shot command) shares the database."""
    fresh_since = wall_clock() - timedelta(seconds=ttl)
    async with sessions() as session:
        query = select(Process.id).where(
            col(Process.id).startswith("run:"), col(Process.heartbeat_at) >= fresh_since
        )
        return (await session.exec(query)).first() is not None


class Presence:
    """This process's row in `processes`, renewed in the background while the block runs."""

    def __init__(
        self,
        sessions: SessionFactory,
        *,
        role: str = "run",
        ttl: float = TTL,
        beat: float = BEAT,
        now: WallClock = wall_clock,
    ) -> None:
        if beat >= ttl:
            raise ValueError("the heartbeat must come more often than the time-to-live")
        self._sessions = sessions
        self.ttl = ttl
        self.beat = beat
        self._now = now
        self.id = f"{role}:{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        """Unique to this run of this process; `role` (`run` or `command`) comes first."""
        self._renewed = -float("inf")
        """When (monotonic) the last heartbeat was written."""
        self._task: asyncio.Task[None] | None = None

    def wall_now(self) -> datetime:
        return self._now()

    def fresh_since(self) -> datetime:
        """Processes whose heartbeat is older than this are dead."""
        return self._now() - timedelta(seconds=self.ttl)

    @property
    def holds(self) -> bool:
        """Whether other processes surely still count this one as alive."""
        return time.monotonic() - self._renewed < self.ttl - self.beat

    async def __aenter__(self) -> Presence:
        async with self._sessions.begin() as session:
            await self._sign_in(session)
        self._renewed = time.monotonic()
        self._task = asyncio.create_task(self._beat(), name="heartbeat")
        log.debug("process %s is present", self.id)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        try:
            async with self._sessions.begin() as session:
                await session.exec(  # type: ignore[call-overload]
                    delete(Process).where(col(Process.id) == self.id)
                )
        except Exception as problem:  # the database went first: the row simply ages out
            log.info(
                "could not sign this process off (%s); it counts as dead in %gs", problem, self.ttl
            )

    async def renew(self) -> None:
        started = time.monotonic()
        async with self._sessions.begin() as session:
            result = await session.exec(  # type: ignore[call-overload]
                update(Process).where(col(Process.id) == self.id).values(heartbeat_at=self._now())
            )
            if not result.rowcount:  # its row was removed meanwhile: write it again
                await self._sign_in(session)
        self._renewed = started

    async def _sign_in(self, session: AsyncSession) -> None:
        now = self._now()
        await session.exec(  # type: ignore[call-overload]
            insert(Process).values(
                id=self.id,
                host=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=now,
                heartbeat_at=now,
            )
        )

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(self.beat)
            try:
                await self.renew()
            except Exception as problem:
                log.warning("could not renew this process's heartbeat: %s", problem)
