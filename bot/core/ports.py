"""What the core needs of a platform adapter, and nothing more."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from starlette.routing import BaseRoute

from bot.core.events import InboundEvent
from bot.core.messages import Delivery

TextFormat = Literal["slack", "telegram", "markdown", "plain"]

EventSink = Callable[[InboundEvent], Awaitable[None]]
"""Where an adapter hands each inbound event; returns once the event's effect is stored."""


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one message may hold on a platform, after rendering."""

    max_chars: int
    max_paragraph_chars: int | None = None
    max_paragraphs: int | None = None


class Adapter(Protocol):
    """A platform: receives events for the core and sends the core's deliveries."""

    platform: str
    text_format: TextFormat
    limits: Limits

    def routes(self) -> Sequence[BaseRoute]:
        """HTTP routes to mount on the bot's web app (may be empty)."""
        ...

    def connect(
        self, sink: EventSink, *, receive: bool = True
    ) -> AbstractAsyncContextManager[None]:
        """Be ready to send while the context is open, and unless `receive` is False, take
        events from the platform and hand them to `sink` (one-shot commands only send)."""
        ...

    async def send(self, delivery: Delivery) -> str:
        """Send one part; return the platform's reference of the posted message.

        Raises `RateLimited`, `Undeliverable` or `TransientError` from `bot.errors`.
        """
        ...


@runtime_checkable
class KnowsVerbs(Protocol):
    """An adapter that needs the core's verbs, to tell its commands from other bots' ones."""

    def use_verbs(self, verbs: Collection[str]) -> None: ...


@runtime_checkable
class ConfirmsDelivery(Protocol):
    """An adapter that can say, after a crash, whether a part it was sending was posted."""

    async def find_sent(self, delivery: Delivery, *, since: datetime) -> str | None:
        """The posted message's reference, or None when the platform surely does not have it.

        `since` is when the part was queued. Raises `DeliveryError` when it cannot tell.
        """
        ...
