"""What a one-shot command queued itself, so it sends that and nothing of a running bot's.

`OwnParts` stands in front of the outbox for a command's unit of work: it passes every message
on and remembers its key. Each stored part's key begins with its message's key
(bot/core/outbox.py), so the command's dispatcher can pick out exactly those parts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.messages import Outgoing
from bot.core.outbox import Queued
from bot.core.runtime import Queue


class OwnParts:
    """The outbox, remembering the keys of the messages queued through it."""

    def __init__(self, outbox: Queue) -> None:
        self._outbox = outbox
        self._keys: dict[str, None] = {}

    async def enqueue(
        self,
        session: AsyncSession,
        outgoing: Iterable[Outgoing],
        *,
        now: datetime,
        last: bool = False,
    ) -> Sequence[Queued]:
        messages = list(outgoing)
        self._keys.update(dict.fromkeys(message.key for message in messages))
        return await self._outbox.enqueue(session, messages, now=now, last=last)

    def keys(self) -> list[str]:
        """The keys of every message queued so far, in the order first queued."""
        return list(self._keys)
