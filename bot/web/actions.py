"""A form sent from a page, handled as the chat verb it stands for.

The web view does not change anything itself. A form becomes the `Command` its person would have
typed in a private chat with the bot, from their own identity, and goes through `Core.handle`:
deduplicated, checked by the practice's own code, stored in one unit of work, and answered the
same way (the person's answer privately, a report back to the circle where one is due).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.events import Command, InboundEvent, Sender
from bot.core.people import private_address

log = logging.getLogger(__name__)

EventSink = Callable[[InboundEvent], Awaitable[None]]


async def as_verb(
    session: AsyncSession,
    person_id: int,
    *,
    verb: str,
    args: str,
    now: datetime,
    confirmed: bool = False,
) -> Command | None:
    """The command the person would have typed privately; None when the bot has no private chat
    with them (their answer would have nowhere to go)."""
    identity = await private_address(session, person_id)
    if identity is None:
        return None
    return Command(
        platform=identity.platform,
        dedup_key=f"web:{secrets.token_hex(12)}",
        sender=Sender(
            platform=identity.platform,
            user_id=identity.user_id,
            display_name=identity.display_name,
            team_id=identity.team_id,
            dm_chat=identity.dm_chat,
        ),
        chat=identity.dm_chat,
        received_at=now,
        verb=verb,
        args=args,
        private=True,
        confirmed=confirmed,
    )
