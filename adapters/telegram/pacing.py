"""Pacing for Telegram sends, so that a large fan-out stays inside Telegram's flood limits.

Telegram asks bots to keep to about 30 messages a second overall, 20 a minute in any one group and
one a second in any one chat. `Pacer.wait(chat)` returns when a message to `chat` may go out:

- each chat has a lock, so messages to one chat leave one at a time, in the order they asked;
- a chat waits at least `chat_interval` after its previous message, and a group (a negative chat
  id) also waits until fewer than `group_per_minute` messages went to it in the last minute;
- then the message takes the next slot of an evenly spaced global schedule (`per_second`).

Every interval is stretched by `margin` so that small timing jitter between here and Telegram's
servers does not tip a message over a limit. Time is injected (`monotonic`, `sleep`), so tests run
a fan-out of thousands of messages in virtual time. The schedules are `adapters.common.pacing`'s.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field

from adapters.common.pacing import KeyedSlots, Monotonic, Sleep, Slots, sleep_until

__all__ = ["Monotonic", "Pacer", "Sleep", "is_group_chat"]

_PRUNE_EVERY = 512


@dataclass(slots=True)
class _ChatState:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_sent: float | None = None
    recent: deque[float] = field(default_factory=deque)
    """Send times in the last minute; kept for groups only."""


def is_group_chat(chat: str) -> bool:
    """Groups and supergroups have negative chat ids; people and bots have positive ones."""
    return chat.startswith("-")


class Pacer:
    """Spaces out sends per chat, per group and overall."""

    def __init__(
        self,
        *,
        per_second: float = 30.0,
        chat_interval: float = 1.0,
        group_per_minute: int = 20,
        margin: float = 0.05,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if per_second <= 0 or chat_interval < 0 or group_per_minute < 1 or margin < 0:
            raise ValueError("pacing limits must be positive")
        stretch = 1.0 + margin
        self._global = Slots(stretch / per_second)
        self._chat_gap = chat_interval * stretch
        self._chat_slots = KeyedSlots(self._chat_gap)
        self._group_window = 60.0 * stretch
        self._group_limit = group_per_minute
        self._monotonic = monotonic
        self._sleep = sleep
        self._chats: dict[str, _ChatState] = {}
        self._waits = 0

    async def wait(self, chat: str) -> None:
        """Return when one message may be sent to `chat` now; that message is then counted."""
        state = self._chats.get(chat)
        if state is None:
            state = self._chats[chat] = _ChatState()
        async with state.lock:
            await self._sleep_until(self._chat_ready_at(chat, state))
            await self._sleep_until(self._global.take(self._monotonic()))
            sent_at = self._monotonic()
            state.last_sent = sent_at
            self._chat_slots.sent(chat, sent_at, now=sent_at)
            if is_group_chat(chat):
                state.recent.append(sent_at)
        self._waits += 1
        if self._waits % _PRUNE_EVERY == 0:
            self._prune()

    def hold(self, chat: str, seconds: float) -> None:
        """Telegram asked us to wait `seconds` before writing to `chat` again."""
        self._chat_slots.hold(chat, self._monotonic() + seconds)

    def _chat_ready_at(self, chat: str, state: _ChatState) -> float:
        now = self._monotonic()
        ready = self._chat_slots.ready_at(chat, now)
        if is_group_chat(chat):
            while state.recent and state.recent[0] <= now - self._group_window:
                state.recent.popleft()
            if len(state.recent) >= self._group_limit:
                ready = max(ready, state.recent[-self._group_limit] + self._group_window)
        return ready

    async def _sleep_until(self, when: float) -> None:
        await sleep_until(when, monotonic=self._monotonic, sleep=self._sleep)

    def _prune(self) -> None:
        """Forget chats that are idle and no longer constrain anything."""
        now = self._monotonic()
        horizon = max(self._chat_gap, self._group_window)
        idle = [
            chat
            for chat, state in self._chats.items()
            if not state.lock.locked()
            and self._chat_slots.ready_at(chat, now) <= now
            and (state.last_sent is None or state.last_sent <= now - horizon)
        ]
        for chat in idle:
            del self._chats[chat]
