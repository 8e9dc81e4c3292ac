"""Pacing of our own for `chat.postMessage`, and the SDK's 429 retry with an injectable sleep.

Slack allows about one message a second in a channel, and a few hundred a minute across a
workspace. `Pacer` spaces sends to stay under both, so 429s are rare rather than routine:

- per channel: one message a second (`per_channel=1.0`);
- per workspace: five messages a second (`workspace=5.0`, 300 a minute), our chosen ceiling,
  inside the "several hundred a minute" Slack documents.

Each send reserves the earliest moment both allow, then sleeps until it (the primitives are
`adapters.common.pacing`'s).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from adapters.common.pacing import KeyedSlots, Monotonic, Sleep, Slots, sleep_until

__all__ = ["Monotonic", "Pacer", "Sleep", "retry_after", "retry_handlers"]

DEFAULT_PER_CHANNEL = 1.0
DEFAULT_WORKSPACE = 5.0


class Pacer:
    """Spaces sends: at most `per_channel` a second in a channel, `workspace` a second overall."""

    def __init__(
        self,
        *,
        per_channel: float = DEFAULT_PER_CHANNEL,
        workspace: float = DEFAULT_WORKSPACE,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if per_channel <= 0 or workspace <= 0:
            raise ValueError("send rates must be positive")
        self._channels = KeyedSlots(1.0 / per_channel)
        self._workspace = Slots(1.0 / workspace)
        self._monotonic = monotonic
        self._sleep = sleep

    async def wait(self, channel: str) -> None:
        """Return when a message may be sent to `channel`."""
        now = self._monotonic()
        slot = self._workspace.take(self._channels.ready_at(channel, now))
        self._channels.sent(channel, slot, now=now)
        await sleep_until(slot, monotonic=self._monotonic, sleep=self._sleep)

    def hold(self, channel: str, seconds: float) -> None:
        """Slack asked us to wait: send nothing more to `channel` for `seconds`."""
        self._channels.hold(channel, self._monotonic() + seconds)


class RateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """The SDK's 429 retry handler, sleeping exactly `Retry-After` through an injectable sleep.

    The SDK's own version sleeps with `asyncio.sleep` plus up to a second of jitter; tests inject a
    virtual sleep instead. What stays rate-limited after `max_retry_count` retries reaches the
    adapter as a 429, which becomes `RateLimited` for the outbox to schedule.
    """

    def __init__(self, *, max_retry_count: int = 2, sleep: Sleep = asyncio.sleep) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._sleep = sleep

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error or RuntimeError("rate-limit retry without a response")
        state.next_attempt_requested = True
        await self._sleep(retry_after(response.headers))
        state.increment_current_attempt()


class ConnectionErrorRetry(AsyncConnectionErrorRetryHandler):
    """The SDK's default retry on a dropped connection, sleeping through an injectable sleep."""

    def __init__(self, *, sleep: Sleep = asyncio.sleep) -> None:
        super().__init__(max_retry_count=1)
        self._sleep = sleep

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        await self._sleep(self.interval_calculator.calculate_sleep_duration(state.current_attempt))
        state.increment_current_attempt()


def retry_after(headers: Any, default: float = 1.0) -> float:
    """Seconds from a `Retry-After` header (in any letter case, single or list values)."""
    if not headers:
        return default
    for key in headers:
        if str(key).lower() == "retry-after":
            value = headers[key]
            if isinstance(value, list | tuple):
                value = value[0] if value else None
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                return default
    return default


def retry_handlers(*, max_rate_limit_retries: int, sleep: Sleep) -> list[AsyncRetryHandler]:
    """The retry handlers for the adapter's `AsyncWebClient`: the SDK's default plus 429s."""
    return [
        ConnectionErrorRetry(sleep=sleep),
        RateLimitRetry(max_retry_count=max_rate_limit_retries, sleep=sleep),
    ]
