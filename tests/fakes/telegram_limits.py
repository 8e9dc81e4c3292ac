"""Telegram's flood limits, as the fake Bot API enforces them when asked.

About 30 messages a second overall, 20 a minute in any one group (a negative chat id) and one a
second in any one chat. `FloodLimits.admit(chat, now)` counts a message that keeps them and
returns None, or returns the whole seconds to wait (a 429's `retry_after`) and counts a breach.
"""

from __future__ import annotations

import math
from collections import deque


class FloodLimits:
    def __init__(
        self, *, per_second: int = 30, per_group_minute: int = 20, chat_interval: float = 1.0
    ) -> None:
        self.per_second = per_second
        self.per_group_minute = per_group_minute
        self.chat_interval = chat_interval
        self.breaches = 0
        self._overall: deque[float] = deque()
        self._groups: dict[str, deque[float]] = {}
        self._last: dict[str, float] = {}

    def admit(self, chat: str, now: float) -> int | None:
        waits = []
        _forget_before(self._overall, now - 1.0)
        if len(self._overall) >= self.per_second:
            waits.append(self._overall[0] + 1.0 - now)
        last = self._last.get(chat)
        if last is not None and now - last < self.chat_interval:
            waits.append(last + self.chat_interval - now)
        group = self._groups.setdefault(chat, deque()) if chat.startswith("-") else None
        if group is not None:
            _forget_before(group, now - 60.0)
            if len(group) >= self.per_group_minute:
                waits.append(group[0] + 60.0 - now)
        if waits:
            self.breaches += 1
            return max(1, math.ceil(max(waits)))
        self._overall.append(now)
        self._last[chat] = now
        if group is not None:
            group.append(now)
        return None


def _forget_before(times: deque[float], horizon: float) -> None:
    while times and times[0] <= horizon:
        times.popleft()
