"""Pacing primitives both platforms' pacers are built from, with time injected.

- `Slots`: an evenly spaced schedule; each reservation takes the next free moment at least `gap`
  after the previous one (a platform's overall rate).
- `KeyedSlots`: the same per chat or channel, plus holds: "send nothing here before t" (a 429's
  retry-after). Keys that no longer constrain anything are forgotten.
- `sleep_until`: sleep to a moment on the injected monotonic clock.

Reservations are made without awaiting, so concurrent senders get distinct slots in the order
they asked. Tests inject a virtual `monotonic` and `sleep`, so nothing really waits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

_PRUNE_AT = 2048


async def sleep_until(when: float, *, monotonic: Monotonic, sleep: Sleep) -> None:
    delay = when - monotonic()
    if delay > 0:
        await sleep(delay)


class Slots:
    """An evenly spaced schedule: at most one reservation every `gap` seconds."""

    def __init__(self, gap: float) -> None:
        if gap < 0:
            raise ValueError("a gap between sends cannot be negative")
        self._gap = gap
        self._next = float("-inf")

    def take(self, earliest: float) -> float:
        """Reserve the first free moment at or after `earliest`, and return it."""
        slot = max(earliest, self._next)
        self._next = slot + self._gap
        return slot


class KeyedSlots:
    """Per key (a chat, a channel): the moment its next send may go, `gap` after the last one,
    and no earlier than any hold."""

    def __init__(self, gap: float) -> None:
        if gap < 0:
            raise ValueError("a gap between sends cannot be negative")
        self._gap = gap
        self._next: dict[str, float] = {}

    def ready_at(self, key: str, now: float) -> float:
        """When `key` may next be sent to (`now` when it is free)."""
        return max(now, self._next.get(key, now))

    def sent(self, key: str, at: float, *, now: float) -> None:
        """A send to `key` goes at `at`: the next one waits `gap` after it."""
        self._next[key] = max(self._next.get(key, at), at + self._gap)
        if len(self._next) > _PRUNE_AT:
            self._next = {k: t for k, t in self._next.items() if t > now}

    def hold(self, key: str, until: float) -> None:
        """Send nothing to `key` before `until`."""
        self._next[key] = max(self._next.get(key, until), until)
