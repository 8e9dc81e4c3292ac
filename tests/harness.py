"""The test harness: a bot assembled on a real database with the console adapter and a manual clock.

Storage tests run on SQLite always and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.console import ConsoleAdapter, ConsoleRoom
from bot.app import Bot, assembled
from bot.config.environment import Settings
from bot.config.partnership import Config
from bot.core.clock import ManualClock
from bot.core.events import InboundEvent
from bot.core.ports import Adapter, EventSink
from bot.practices.protocols import PracticeKind
from bot.practices.registry import PRACTICES
from bot.rituals.scheduler import SimulatedScheduler

# A Sunday evening in London, before a Monday 09:00 ritual.
SUNDAY = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)

CONFIG = """
[partnership]
name = "Riverside Partnership"
timezone = "Europe/London"
language = "en"
max_entry_chars = 500

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [{ platform = "console", channel = "core" }]

[[circles.rituals]]
prompt = "learned"
cron = "0 9 * * MON"
window_hours = 48
reminder = true
reminder_after_hours = 24

[circles.digest]
cron = "0 16 * * THU"

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{ platform = "console", channel = "stewards" }]
"""


def database_params() -> list[str]:
    params = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        params.append("postgresql")
    return params


def database_of_worker(url: str, worker: str) -> str:
    """`url` with a database of the test worker's own on the same server, made when missing."""
    base = make_url(url)
    name = f"{base.database}_{worker}"
    own = base.set(database=name)

    async def make() -> None:
        engine = create_async_engine(
            base.set(drivername="postgresql+asyncpg"), isolation_level="AUTOCOMMIT"
        )
        async with engine.connect() as conn:
            found = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not found:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await engine.dispose()

    asyncio.run(make())
    return own.render_as_string(hide_password=False)


async def fresh_postgres(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


class CountingSink:
    """Hands events to the core and counts them, so a test can wait for a platform's events."""

    def __init__(self, sink: EventSink) -> None:
        self._sink = sink
        self.handled = 0
        self._changed = asyncio.Condition()

    async def __call__(self, event: InboundEvent) -> None:
        try:
            await self._sink(event)
        finally:
            async with self._changed:
                self.handled += 1
                self._changed.notify_all()

    async def wait_for(self, count: int, *, deadline: float = 10.0) -> None:
        async with asyncio.timeout(deadline), self._changed:
            await self._changed.wait_for(lambda: self.handled >= count)


@dataclass
class Harness:
    """A bot as a user meets it: lines typed into the console, what the console printed."""

    bot: Bot
    console: ConsoleAdapter
    clock: ManualClock
    scheduler: SimulatedScheduler
    output: io.StringIO
    platform_events: CountingSink

    async def say(self, line: str) -> None:
        await self.console.say(line)

    async def until(self, when: datetime) -> None:
        await self.scheduler.run_until(when, after_each=self.bot.dispatcher.drain)
        await self.bot.dispatcher.drain()

    def printed(self) -> str:
        return self.output.getvalue()

    def take(self) -> str:
        """What was printed since the last call."""
        value = self.output.getvalue()
        self.output.seek(0)
        self.output.truncate()
        return value


HarnessFactory = Callable[..., Awaitable[Harness]]


@asynccontextmanager
async def open_harness(
    config: Config,
    database_url: str,
    *,
    start: datetime = SUNDAY,
    extra_adapters: tuple[Adapter, ...] = (),
    run_id: str = "t1",
    connect: bool = True,
    practices: Sequence[PracticeKind] = PRACTICES,
) -> AsyncIterator[Harness]:
    """A bot on `database_url`; `connect=False` leaves the extra adapters for `running()`."""
    clock = ManualClock(start)
    scheduler = SimulatedScheduler(clock)
    settings = replace(
        Settings.from_env({}, cwd=config.source.parent), database_url=database_url, port=0
    )
    output = io.StringIO()
    rooms = [
        ConsoleRoom(circle.id, room.chat)
        for circle in config.circles
        for room in circle.rooms
        if room.platform == "console"
    ]
    console = ConsoleAdapter(rooms=rooms, clock=clock, output=output, run_id=run_id)
    async with (
        assembled(
            config,
            settings,
            adapters=[console, *extra_adapters],
            clock=clock,
            scheduler=scheduler,
            practices=practices,
        ) as bot,
        console.connect(bot.core.handle),
        AsyncExitStack() as stack,
    ):
        counting = CountingSink(bot.core.handle)
        for adapter in extra_adapters if connect else ():
            await stack.enter_async_context(adapter.connect(counting))
        console.settle = bot.dispatcher.drain
        await bot.huddle.start()
        await bot.dispatcher.drain()
        yield Harness(bot, console, clock, scheduler, output, counting)
