"""Test doubles the fakes share: time that moves only when someone sleeps, and a sink that keeps
the events an adapter hands the core."""

from __future__ import annotations

import asyncio

from bot.core.events import InboundEvent


class VirtualTime:
    """Time that moves only when someone sleeps; share it between the adapter and the fake."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        wake_at = self.now + max(seconds, 0.0)
        await asyncio.sleep(0)
        self.now = max(self.now, wake_at)


class RecordingSink:
    """An event sink that keeps every event; `wait_for(n)` waits until n have arrived."""

    def __init__(self) -> None:
        self.events: list[InboundEvent] = []
        self._arrived = asyncio.Condition()

    async def __call__(self, event: InboundEvent) -> None:
        async with self._arrived:
            self.events.append(event)
            self._arrived.notify_all()

    async def wait_for(self, count: int, *, deadline: float = 5.0) -> list[InboundEvent]:
        async with asyncio.timeout(deadline), self._arrived:
            await self._arrived.wait_for(lambda: len(self.events) >= count)
        return self.events
