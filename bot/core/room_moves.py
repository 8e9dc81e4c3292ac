"""Rooms that moved: the platform gave a room a new address (a Telegram group that becomes a
supergroup gets a new chat id).

An adapter that learns of a move (a service message, or a send refused with the new address)
reports it, as often as it sees it, to `RoomMoves.moved`. The first report is stored (one row per
old address in `room_moves`) and, in the same unit of work, the room is re-keyed: its row keeps
its circle, settings and history under the new address, every part still waiting for the old
address goes to the new one, and the stewards are told what to change in the configuration.

Until the configuration names the new address, the stored move stands in for it: at start
`follow_moves` puts the new address in place of the configured one (and says what to change),
while running `circle_for_room` finds a moved room's circle, and the outbox sends what is
addressed to the old room (a reminder under a prompt sent before the move) to the new one.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import partial

from sqlalchemy import update
from sqlmodel import col, select

from bot.config.partnership import CircleConfig, Config
from bot.core.lookups import Memo
from bot.core.messages import Body
from bot.core.ports import RoomMove
from bot.core.runtime import Runtime
from bot.delivery.notices import to_stewards
from bot.storage.database import SessionFactory
from bot.storage.models import OutboxMessage, Room
from bot.storage.models import RoomMove as RoomMoveRow
from bot.storage.sql import insert_ignore

log = logging.getLogger(__name__)

WAITING = ("pending", "sending")
"""Parts not yet posted: they follow the room to its new address."""


def circle_for_room(
    config: Config, memo: Memo, platform: str, chat: str, topic: str | None
) -> CircleConfig | None:
    """The circle of a room, also when it moved since the configuration was read."""
    circle = config.circle_for_room(platform, chat, topic)
    if circle is not None:
        return circle
    old = memo.moved_from.get((platform, chat))
    return None if old is None else config.circle_for_room(platform, old, topic)


def room_key(config: Config, platform: str, chat: str) -> str | None:
    """Where the configuration names this room, as `circles[i].rooms[j].chat`; None if not."""
    for c_index, circle in enumerate(config.circles):
        for r_index, room in enumerate(circle.rooms):
            if (room.platform, room.chat) == (platform, chat):
                return f"circles[{c_index}].rooms[{r_index}].chat"
    return None


async def follow_moves(sessions: SessionFactory, config: Config, memo: Memo) -> Config:
    """The configuration with each moved room at its new address, saying what to change."""
    async with sessions() as session:
        rows = (await session.exec(select(RoomMoveRow))).all()
    moves = {(row.platform, row.old_chat): row.new_chat for row in rows}
    memo.moved_from.update({(p, new): old for (p, old), new in moves.items()})
    memo.moved_to.update({(p, old): _last(moves, p, old) for (p, old) in moves})
    circles = []
    for c_index, circle in enumerate(config.circles):
        rooms = []
        for r_index, room in enumerate(circle.rooms):
            chat = _last(moves, room.platform, room.chat)
            if chat != room.chat:
                log.warning(
                    "%s: circles[%d].rooms[%d].chat = %r moved to %r on %s; using %r until you "
                    'change it: chat = "%s"',
                    config.source,
                    c_index,
                    r_index,
                    room.chat,
                    chat,
                    room.platform,
                    chat,
                    chat,
                )
                memo.moved_from[(room.platform, chat)] = room.chat
                room = replace(room, chat=chat)
            rooms.append(room)
        circles.append(replace(circle, rooms=tuple(rooms)))
    return replace(config, circles=tuple(circles))


def _last(moves: dict[tuple[str, str], str], platform: str, chat: str) -> str:
    """Where `chat` is now, following every move from it (a loop is cut where it closes)."""
    seen = {chat}
    while (platform, chat) in moves and moves[(platform, chat)] not in seen:
        chat = moves[(platform, chat)]
        seen.add(chat)
    return chat


class RoomMoves:
    """Takes the moves adapters report: stores each once, re-keys the room, tells stewards."""

    def __init__(self, *, config: Config, runtime: Runtime, memo: Memo) -> None:
        self._config = config
        self._runtime = runtime
        self._memo = memo

    async def moved(self, move: RoomMove) -> None:
        """Record `move` and re-key its room, once; a repeated report changes nothing."""
        if move.old_chat == move.new_chat:
            return
        async with self._runtime.transaction() as tx:
            session = tx.session
            first = await insert_ignore(
                session,
                RoomMoveRow,
                {
                    "platform": move.platform,
                    "old_chat": move.old_chat,
                    "new_chat": move.new_chat,
                    "moved_at": tx.now,
                },
            )
            if first is None:
                return
            rooms = (
                await session.exec(
                    select(Room).where(Room.platform == move.platform, Room.chat == move.old_chat)
                )
            ).all()
            for room in rooms:
                taken = (
                    await session.exec(
                        select(Room).where(
                            Room.platform == move.platform,
                            Room.chat == move.new_chat,
                            Room.topic == room.topic,
                        )
                    )
                ).first()
                if taken is None:  # the room itself moves, with its circle and history
                    room.chat, room.active, room.inactive_reason = move.new_chat, True, ""
                else:  # the configuration already names the new address: the old row rests
                    room.active, room.inactive_reason = False, f"moved to {move.new_chat}"
                session.add(room)
            await session.exec(  # type: ignore[call-overload]
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.platform) == move.platform,
                    col(OutboxMessage.chat) == move.old_chat,
                    col(OutboxMessage.status).in_(WAITING),
                )
                .values(chat=move.new_chat)
            )
            tx.after_commit(partial(self._remember, move))
            key = room_key(self._config, move.platform, move.old_chat)
            log.warning(
                "%s room %s moved to %s (%s); %s",
                move.platform,
                move.old_chat,
                move.new_chat,
                move.why or "the platform said so",
                f'change {key} in {self._config.source} to "{move.new_chat}"'
                if key
                else "the configuration does not name it",
            )
            if not rooms:
                return  # not a room of ours: nobody needs telling
            body = Body(
                "notices/room_moved",
                {
                    "platform": move.platform,
                    "old_chat": move.old_chat,
                    "new_chat": move.new_chat,
                    "why": move.why,
                    "circles": sorted({self._circle_name(room.circle_id) for room in rooms}),
                    "file": str(self._config.source),
                    "key": key or "",
                },
            )
            tx.send(to_stewards(self._config, body, key=f"moved:{move.platform}:{move.old_chat}"))

    def _remember(self, move: RoomMove) -> None:
        self._memo.moved_from[(move.platform, move.new_chat)] = self._memo.moved_from.get(
            (move.platform, move.old_chat), move.old_chat
        )
        moved_to = self._memo.moved_to
        for key, where in list(moved_to.items()):
            if key[0] == move.platform and where == move.old_chat:
                moved_to[key] = move.new_chat  # an earlier move of the same room goes on
        moved_to[(move.platform, move.old_chat)] = move.new_chat
        self._memo.inactive_rooms.discard((move.platform, move.old_chat))

    def _circle_name(self, circle_id: str) -> str:
        for circle in self._config.circles:
            if circle.id == circle_id:
                return circle.name
        return circle_id
