"""Where the bot can no longer write: rooms and private chats that became unreachable.

When a platform says the bot was removed, blocked or never invited, the room (or the person's
private chat) is marked inactive so nothing more is queued there, and the stewards are told once.
A room comes back by itself when the bot hears from it again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import Config
from bot.core.lookups import Memo
from bot.core.messages import Body
from bot.core.runtime import Runtime
from bot.delivery.notices import to_stewards
from bot.errors import Undeliverable
from bot.storage.models import Identity, OutboxMessage, Room

log = logging.getLogger(__name__)


def unreachable_handler(
    *,
    config: Config,
    runtime: Runtime,
    memo: Memo,
) -> Callable[[OutboxMessage, Undeliverable], Awaitable[None]]:
    async def handle(row: OutboxMessage, problem: Undeliverable) -> None:
        async with runtime.transaction() as tx:
            session = tx.session
            rooms = await session.exec(  # type: ignore[call-overload]
                update(Room)
                .where(
                    col(Room.platform) == row.platform,
                    col(Room.chat) == row.chat,
                    col(Room.active) == True,  # noqa: E712
                )
                .values(active=False, inactive_reason=problem.reason)
            )
            await session.exec(  # type: ignore[call-overload]
                update(Identity)
                .where(col(Identity.platform) == row.platform, col(Identity.dm_chat) == row.chat)
                .values(dm_active=False)
            )
            if not rooms.rowcount:
                return  # a private chat, or a room already known to be unreachable
            memo.inactive_rooms.add((row.platform, row.chat))
            log.warning(
                "%s room %s is now inactive (%s); stewards have been told",
                row.platform,
                row.chat,
                problem.reason,
            )
            body = Body(
                "notices/room_unreachable",
                {
                    "platform": row.platform,
                    "chat": row.chat,
                    "reason": problem.reason,
                    "hint": problem.hint,
                },
            )
            key = f"unreachable:{row.platform}:{row.chat}:{tx.now.isoformat()}"
            tx.send(to_stewards(config, body, key=key))

    return handle


async def heard_from(session: AsyncSession, platform: str, chat: str) -> None:
    """The bot heard from a room again: it can write there again."""
    await session.exec(  # type: ignore[call-overload]
        update(Room)
        .where(col(Room.platform) == platform, col(Room.chat) == chat, col(Room.active) == False)  # noqa: E712
        .values(active=True, inactive_reason="")
    )
