"""The one hand-over policy: an event the core could not store is delivered again.

The core's sink returns once an event's effect is stored and raises when it could not store it
(the database unavailable: `Core.handle` re-raises `OperationalError`). Whatever the transport,
the platform then delivers the event again, and its dedup key keeps it from being stored twice:

- over HTTP (Slack's Events API, Telegram's webhook) the answer is `REDELIVER_STATUS`;
- over Slack's Socket Mode the envelope is left unacknowledged;
- Telegram long polling keeps its offset at the update, so `getUpdates` returns it again, after
  a pause that grows while the failures go on (`Backoff`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.events import InboundEvent
from bot.core.ports import EventSink

REDELIVER_STATUS = 500
"""The HTTP status that makes Slack and Telegram deliver a request again."""


class NotStored(Exception):
    """The core could not store an event; the platform must deliver it again."""


async def hand_over(sink: EventSink, event: InboundEvent) -> None:
    """Give `event` to the core; raises `NotStored` (with the cause) when it was not stored."""
    try:
        await sink(event)
    except Exception as error:
        raise NotStored(f"{event.platform} event {event.dedup_key} was not stored") from error


@dataclass(frozen=True, slots=True)
class Backoff:
    """How long to wait before asking again for an event that could not be stored."""

    first: float = 1.0
    most: float = 30.0

    def delay(self, failures: int) -> float:
        """The pause after the `failures`-th failure in a row (1, 2, 4, ... up to `most`)."""
        return min(self.most, self.first * 2 ** max(0, failures - 1))
