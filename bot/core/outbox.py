"""The persistent outbox: every outgoing message is rendered, split and stored before it is sent.

Each stored part has an idempotency key built from the message's key and its destination, so a
message written twice (a job firing twice, an event redelivered) is stored, and so sent, once.

An answer whose room has nothing waiting may be stored already claimed by this process, under
its room's lease, in the same transaction (`Claims`, bot/delivery/direct.py): delivery then
sends it straight after the commit and only records that it was sent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.lookups import Bounded, Memo
from bot.core.messages import Button, Delivery, Outgoing, ToCircle, ToPerson, ToRoom
from bot.core.people import private_address
from bot.core.ports import Limits, TextFormat
from bot.storage.models import OutboxMessage, Room
from bot.storage.sql import Gate, Later, insert_later, write_waiting
from bot.text.formats import split_message

log = logging.getLogger(__name__)


class Renderer(Protocol):
    def render(self, template: str, context: Mapping[str, Any], fmt: TextFormat) -> str: ...


class PlatformInfo(Protocol):
    """What the outbox needs to know of a platform to prepare its messages."""

    text_format: TextFormat
    limits: Limits


@dataclass(frozen=True, slots=True)
class Claim:
    """A try at storing a part claimed by this process: the gate that takes the part's room
    (bot/storage/sql.py `Gate`), and what the claimer needs to know it again."""

    gate: Gate
    ticket: object


class Claims(Protocol):
    """Whether this process sends a part straight after the transaction that stores it commits."""

    def gate(
        self,
        session: AsyncSession,
        *,
        platform: str,
        chat: str,
        topic: str,
        kind: str,
        ephemeral_to: str,
    ) -> Claim | None:
        """A claim to store the part with, when this process may send it at once; None to store
        it pending. The claim's gate takes the room's lease in `session`'s transaction only
        when nothing waits in the room, and the part is then stored claimed."""
        ...

    async def settle(
        self, session: AsyncSession, claim: Claim, *, taken: bool, part: Claimed | None
    ) -> None:
        """After the part was written: whether its gate took the room, and the part as stored
        claimed (None when it was stored before, under its key: the room is given back). A
        claimed part is sent once the transaction commits."""
        ...

    def abandon(self, claim: Claim) -> None:
        """The unit of work failed before `claim` was settled: let its room go."""
        ...


_Claiming = tuple[Claim, Delivery]
"""A part stored with a claim, and how it is sent if the claim holds."""


@dataclass(frozen=True, slots=True)
class _Place:
    platform: str
    chat: str
    topic: str
    thread_ref: str
    person_id: int | None = None


_SCALARS = (str, int, float, bool, type(None))


def _plain_key(template: str, context: Mapping[str, Any], fmt: str) -> tuple[object, ...] | None:
    """A cache key for a context of plain values only (the thank-yous); None otherwise."""
    if len(context) > 8 or not all(isinstance(v, _SCALARS) for v in context.values()):
        return None
    return (template, fmt, *sorted(context.items()))


@dataclass(frozen=True, slots=True)
class Claimed:
    """A part stored claimed by this process (see `Claims`): its delivery, made from the values
    stored, and those values, should the stored row be needed (a part that fails or waits)."""

    id: int
    delivery: Delivery
    values: Mapping[str, Any]

    def row(self) -> OutboxMessage:
        return OutboxMessage(id=self.id, **self.values)


@dataclass(frozen=True, slots=True)
class Queued:
    """A part just stored: its id and its destination, handed to delivery after the commit so
    that it can start the part's lane without looking for it (see bot/core/runtime.py)."""

    id: int
    platform: str
    chat: str
    topic: str
    kind: str
    ephemeral_to: str
    claimed: Claimed | None = None
    """The part as stored, when it was stored claimed by this process (see `Claims`)."""


def row_key(outgoing_key: str, place: _Place, part: int) -> str:
    where = f"{place.platform}:{place.chat}:{place.topic}:{place.thread_ref}"
    return f"{outgoing_key}|{where}|{part}"


def to_delivery(row: OutboxMessage) -> Delivery:
    return delivery_of({name: getattr(row, name) for name in DELIVERED})


DELIVERED = (
    "key",
    "platform",
    "chat",
    "text",
    "topic",
    "thread_ref",
    "ephemeral_to",
    "buttons",
    "kind",
    "part",
    "parts",
)
"""The columns of a stored part that its delivery is made of."""


def delivery_of(values: Mapping[str, Any]) -> Delivery:
    """The delivery of a stored part, from its columns' values (`DELIVERED`)."""
    buttons = tuple(Button(**b) for b in json.loads(values["buttons"]))
    return Delivery(
        key=values["key"],
        platform=values["platform"],
        chat=values["chat"],
        text=values["text"],
        topic=values["topic"] or None,
        thread_ref=values["thread_ref"] or None,
        ephemeral_to=values["ephemeral_to"] or None,
        buttons=buttons,
        kind=values["kind"],
        part=values["part"],
        parts=values["parts"],
    )


class Outbox:
    """Writes outgoing messages as stored parts, ready for the dispatcher."""

    def __init__(
        self,
        *,
        renderer: Renderer,
        platforms: Mapping[str, PlatformInfo],
        memo: Memo,
        claims: Claims | None = None,
    ) -> None:
        self._memo = memo
        self._claims = claims
        self._rendered: Bounded[tuple[object, ...], list[str]] = Bounded(1024)
        self._renderer = renderer
        self._platforms = platforms

    async def _places(self, session: AsyncSession, outgoing: Outgoing) -> list[_Place]:
        target = outgoing.to
        if isinstance(target, ToCircle):
            query = select(Room).where(
                Room.circle_id == target.circle_id,
                Room.active == True,  # noqa: E712
                Room.configured == True,  # noqa: E712
            )
            rooms = (await session.exec(query.order_by(Room.id))).all()  # type: ignore[arg-type]
            return [_Place(r.platform, r.chat, r.topic, "") for r in rooms]
        if isinstance(target, ToRoom):
            if (target.platform, target.chat) in self._memo.inactive_rooms:
                log.info("not writing to %s room %s: it is inactive", target.platform, target.chat)
                return []
            retired = (target.platform, target.chat, target.topic or "") in self._memo.retired_rooms
            if retired and outgoing.kind != "reply":
                # a room taken out of the configuration hears only answers to who speaks there
                log.info(
                    "not writing to %s room %s: it is no longer configured",
                    target.platform,
                    target.chat,
                )
                return []
            moved = self._memo.moved_to.get((target.platform, target.chat))
            if moved is not None:  # the room has a new address; its old messages stay behind
                return [_Place(target.platform, moved, target.topic or "", "")]
            return [
                _Place(target.platform, target.chat, target.topic or "", target.thread_ref or "")
            ]
        assert isinstance(target, ToPerson)
        identity = await private_address(session, target.person_id)
        if identity is None:
            log.info("person %s cannot be reached privately yet", target.person_id)
            return []
        return [_Place(identity.platform, identity.dm_chat, "", "", target.person_id)]

    def _parts(self, template: str, context: Mapping[str, Any], info: PlatformInfo) -> list[str]:
        """The rendered, split text; short answers with plain contexts are rendered once."""
        key = _plain_key(template, context, info.text_format)
        if key is not None and (cached := self._rendered.get(key)) is not None:
            return cached
        text = self._renderer.render(template, context, info.text_format)
        parts = split_message(text, info.limits, fmt=info.text_format) or [text]
        if key is not None:
            self._rendered.put(key, parts)
        return parts

    async def enqueue(
        self,
        session: AsyncSession,
        outgoing: Iterable[Outgoing],
        *,
        now: datetime,
        last: bool = False,
    ) -> list[Queued]:
        """Store every part of every message; returns the parts that were new.

        A part stored pending waits to go with the transaction's next write
        (bot/storage/sql.py `insert_later`): with `last`, the unit of work's other waiting
        writes and all its parts are one statement."""
        written: list[tuple[Later, tuple[str, str, str, str, str], _Claiming | None]] = []
        settled = 0
        try:
            await self._store(session, outgoing, now=now, written=written)
            await write_waiting(session, last=last)
            new_parts = []
            for later, where, claiming in written:
                claimed = None
                if claiming is not None and self._claims is not None:
                    claim, delivery = claiming
                    if later.passed and later.id is not None:
                        stored = {**later.values, **claim.gate.decided}
                        claimed = Claimed(later.id, delivery, stored)
                    await self._claims.settle(session, claim, taken=later.passed, part=claimed)
                    settled += 1
                if later.id is not None:  # else its key kept it out: it was stored before
                    new_parts.append(Queued(later.id, *where, claimed))
        except BaseException:
            # a claim not settled yet holds its room in this process: let it go
            unsettled = [c for _l, _w, c in written if c is not None][settled:]
            for claim, _delivery in unsettled:
                if self._claims is not None:
                    self._claims.abandon(claim)
            raise
        return new_parts

    async def _store(
        self,
        session: AsyncSession,
        outgoing: Iterable[Outgoing],
        *,
        now: datetime,
        written: list[tuple[Later, tuple[str, str, str, str, str], _Claiming | None]],
    ) -> None:
        """Each part of each message, stored or waiting to be (see `enqueue`), into `written`."""
        for message in outgoing:
            for place in await self._places(session, message):
                info = self._platforms.get(place.platform)
                if info is None:
                    log.warning(
                        "no adapter is running for %s, so a message to %s was not queued; "
                        "set that platform's tokens to reach it",
                        place.platform,
                        place.chat,
                    )
                    continue
                parts = self._parts(message.body.template, message.body.context, info)
                buttons = (
                    json.dumps(
                        [
                            {"action": b.action, "value": b.value, "label": b.label}
                            for b in message.buttons
                        ]
                    )
                    if message.buttons
                    else "[]"
                )
                for number, part in enumerate(parts, start=1):
                    values: dict[str, Any] = {
                        "key": row_key(message.key, place, number),
                        "kind": message.kind,
                        "platform": place.platform,
                        "chat": place.chat,
                        "topic": place.topic,
                        "thread_ref": place.thread_ref,
                        "ephemeral_to": message.ephemeral_to or "",
                        "text": part,
                        # buttons belong under the last part, where the reader ends up
                        "buttons": buttons if number == len(parts) else "[]",
                        "part": number,
                        "parts": len(parts),
                        "prompt_run_id": message.prompt_run_id,
                        "person_id": place.person_id,
                        "status": "pending",
                        "claimed_by": "",
                        "attempts": 0,
                        "not_before": now,
                        "created_at": now,
                        "sent_ref": "",
                        "error": "",
                    }
                    where = (
                        place.platform,
                        place.chat,
                        place.topic,
                        message.kind,
                        message.ephemeral_to or "",
                    )
                    claim = None
                    if number == 1 and self._claims is not None:
                        claim = self._claims.gate(
                            session,
                            platform=place.platform,
                            chat=place.chat,
                            topic=place.topic,
                            kind=message.kind,
                            ephemeral_to=message.ephemeral_to or "",
                        )
                    try:
                        later = await insert_later(
                            session,
                            OutboxMessage,
                            values,
                            skip_conflict=True,
                            gate=None if claim is None else claim.gate,
                        )
                    except BaseException:
                        if claim is not None and self._claims is not None:
                            self._claims.abandon(claim)
                        raise
                    if claim is None:
                        written.append((later, where, None))
                        continue
                    delivery = Delivery(
                        key=values["key"],
                        platform=place.platform,
                        chat=place.chat,
                        text=part,
                        topic=place.topic or None,
                        thread_ref=place.thread_ref or None,
                        ephemeral_to=message.ephemeral_to or None,
                        buttons=tuple(message.buttons) if number == len(parts) else (),
                        kind=message.kind,
                        part=number,
                        parts=len(parts),
                    )
                    written.append((later, where, (claim, delivery)))
