"""Telling the stewards about parts a crash left in doubt, so nothing is lost without a word.

After a restart the dispatcher asks each platform whether the parts it was sending arrived (see
bot/dispatch.py). The ones no platform could vouch for stay in doubt and are never resent, since
they may already be in the room; this handler writes the stewards one notice saying where those
parts were going and what they were, never what they said, and a private message only as a count.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.config.partnership import Config
from bot.core.clock import Clock
from bot.core.messages import Body
from bot.core.runtime import Runtime
from bot.delivery.notices import to_stewards
from bot.storage.models import OutboxMessage

log = logging.getLogger(__name__)

DoubtHandler = Callable[[Sequence[OutboxMessage]], Awaitable[None]]


def doubt_handler(
    *,
    config: Config,
    runtime: Runtime,
    clock: Clock,
) -> DoubtHandler:
    async def handle(rows: Sequence[OutboxMessage]) -> None:
        rooms = [r for r in rows if r.person_id is None and not r.ephemeral_to]
        private = len(rows) - len(rooms)
        places = sorted({(r.platform, r.chat, r.kind) for r in rooms})
        now = clock.now()
        body = Body(
            "notices/in_doubt",
            {
                "places": [{"platform": p, "chat": c, "kind": k} for p, c, k in places],
                "private": private,
            },
        )
        notices = to_stewards(config, body, key=f"in_doubt:{now.isoformat()}")
        if not rows or not notices:
            return
        async with runtime.transaction(now=now) as tx:
            tx.send(notices)
        log.warning("the stewards were told of %d part(s) left in doubt", len(rows))

    return handle
