"""Answers sent straight after the transaction that stores them commits.

A reply's thank-you would otherwise cost three transactions: the reply's, then the lane worker's
(take the room's lease, read its parts, claim the first) and the one that records it sent. When
the answer's room has nothing waiting, it is stored already claimed by this process (`sending`,
one attempt, `claimed_by` this process) in the reply's own transaction, behind a gate
(bot/storage/sql.py `Gate`) that takes the room's lease (bot/delivery/leases.py) in the same
statement that makes sure no part of the room is pending; on PostgreSQL the gate, the part and
the rest of the reply are one statement. After the commit, delivery hands the answer to its
adapter at once and records it sent (and gives the lease back) in one transaction.

Nothing the outbox promises changes. The part is claimed before its adapter is called, as
bot/delivery/sending.py claims any part, so a crash after the commit leaves it `sending` under a
dead process: in doubt, checked with the platform, never resent blindly
(bot/delivery/crash_check.py). No other process sends it (it is not pending), nor anything
queued after it in its room before it (the lease is held until it is sent). In this process,
the lane is reserved from the gate until its worker starts: no other worker of the room starts
meanwhile, and parts queued for it meanwhile are sent by that worker after it. A transaction
that rolls back takes the lease and the part with it, and its reservation is let go; so does
one whose gate found the room busy (the part is then pending, for the lane's worker).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache, partial
from typing import Any, cast

from sqlalchemy import BindParameter, String, bindparam, event, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.selectable import FromClause
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.outbox import Claim, Claimed
from bot.delivery.lane_work import News
from bot.delivery.lanes import Lane, give_lane_on, is_answer, lease_name
from bot.delivery.leases import live_processes
from bot.delivery.presence import Presence
from bot.storage.database import SessionFactory
from bot.storage.models import Lease, OutboxMessage, Process
from bot.storage.sql import Gate, Later


@lru_cache(maxsize=64)
def take_if_clear(dialect: str, prefix: str = "", source: FromClause | None = None) -> Insert:
    """Take a lane's lease, as bot/delivery/leases.py `take_statement` does, only when none of
    the lane's parts is pending: one conditional upsert, built once per dialect (a
    bot/storage/sql.py `Gate`: its parameters named with `prefix`, its row taken from
    `source`, the lead of the statement it goes in, when there is one)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    leases = Lease.__table__  # type: ignore[attr-defined]
    outbox = OutboxMessage.__table__  # type: ignore[attr-defined]

    def value(name: str, type_: Any = String) -> BindParameter[Any]:
        return bindparam(prefix + name, type_=type_)

    fresh = value("fresh_since", Process.__table__.c.heartbeat_at.type)  # type: ignore[attr-defined]
    waiting = exists().where(
        outbox.c.status == value("pending"),
        outbox.c.platform == value("platform"),
        outbox.c.chat == value("chat"),
        outbox.c.topic == value("topic"),
    )
    row = select(value("name"), value("holder"), value("taken_at", leases.c.taken_at.type))
    if source is not None:
        row = row.select_from(source)
    statement = insert(leases).from_select(["name", "holder", "taken_at"], row.where(~waiting))
    return statement.on_conflict_do_update(
        index_elements=[leases.c.name],
        set_={"holder": statement.excluded.holder, "taken_at": statement.excluded.taken_at},
        where=(leases.c.holder == statement.excluded.holder)
        | leases.c.holder.not_in(live_processes(fresh)),
    ).returning(leases.c.name)


class _Reservation:
    """A lane claimed in a transaction not yet ended: what was queued for it when claimed, the
    part once stored, and whether its transaction committed."""

    __slots__ = ("committed", "news", "part")

    def __init__(self, news: News) -> None:
        self.news = news
        self.part: Claimed | None = None
        self.committed = False


_HELD = "huddlebot.direct"
"""The key, in a session's `info`, of the claims that hold in its transaction, each with its
`Direct`: told when the transaction commits and when it ends (`_committed`, `_ended`)."""


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for direct, lane, token in session.info.get(_HELD, ()):
        direct.committed(lane, token)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    for direct, lane, token in session.info.pop(_HELD, ()):
        if not token.committed:
            direct.release(lane, token)


class Direct:
    """The lanes this process reserved for an answer stored claimed, and the answers committed.

    `busy(lane)`: whether the dispatcher has a worker on the lane or parts of it in hand;
    `news(lane)`: what was queued so far for it; `freed(lane)`: a reservation was let go without
    its answer (its transaction rolled back), so the lane is looked at again; `ready()`: an
    answer was committed, to send now. Both are called as the transaction ends, so nothing
    depends on what the code that opened it does afterwards.
    """

    def __init__(
        self,
        *,
        presence: Presence,
        platforms: Mapping[str, object],
        busy: Callable[[Lane], bool],
        news: Callable[[Lane], News],
        freed: Callable[[Lane], None],
        woken: Callable[[], None],
    ) -> None:
        self._presence = presence
        self._platforms = platforms
        self._busy = busy
        self._news = news
        self._freed = freed
        self._woken = woken
        self.reserved: dict[Lane, _Reservation] = {}
        """Lanes claimed in a transaction not yet ended."""
        self.ready: dict[Lane, tuple[Claimed, News]] = {}
        """Answers committed, claimed, to send now, with what was queued when claimed."""
        self.open = True
        """False once delivery is stopping: nothing more is claimed."""

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
        """bot/core/outbox.py `Claims.gate`: a claim on the lane for an answer, reserved in this
        process from now until its transaction ends."""
        if not (self.open and is_answer(kind=kind, ephemeral_to=ephemeral_to)):
            return None
        lane = Lane(platform, chat, topic)
        if (
            platform not in self._platforms
            or lane in self.reserved
            or lane in self.ready
            or self._busy(lane)
            or not self._presence.holds
        ):
            return None
        token = _Reservation(self._news(lane))
        self.reserved[lane] = token  # before the statement: it may wait
        values: dict[str, Any] = {
            "name": lease_name(lane),
            "holder": self._presence.id,
            "taken_at": self._presence.wall_now(),
            "fresh_since": self._presence.fresh_since(),
            "platform": platform,
            "chat": chat,
            "topic": topic,
            "pending": "pending",
        }
        decided = {"status": "sending", "claimed_by": self._presence.id, "attempts": 1}
        gate = Gate(take_if_clear, values, decided, sees=partial(_in_lane, lane))
        return Claim(gate, (lane, token))

    async def settle(
        self, session: AsyncSession, claim: Claim, *, taken: bool, part: Claimed | None
    ) -> None:
        """bot/core/outbox.py `Claims.settle`: the answer is sent once its transaction commits;
        a lane not taken, or taken for a part stored before, is let go."""
        lane, token = cast(tuple[Lane, _Reservation], claim.ticket)
        if taken and part is not None:
            token.part = part
            self._until_done(session, lane, token)
            return
        if taken:  # the part was there already: the lease goes back in the same transaction
            await give_lane_on(await session.connection(), lane, holder=self._presence.id)
        self.release(lane, token)

    def abandon(self, claim: Claim) -> None:
        """bot/core/outbox.py `Claims.abandon`: the unit of work failed before its claim was
        settled; the lane is let go (nothing of it was stored)."""
        lane, token = cast(tuple[Lane, _Reservation], claim.ticket)
        self.release(lane, token)

    def _until_done(self, session: AsyncSession, lane: Lane, token: _Reservation) -> None:
        """Hand the answer over once the transaction commits; let the lane go if it does not.
        (Through the session's `info`, which two listeners registered once for every session
        read: registering listeners for each unit of work costs more than the rest of it.)"""
        session.info.setdefault(_HELD, []).append((self, lane, token))

    def committed(self, lane: Lane, token: _Reservation) -> None:
        """The transaction that stored the answer committed: send it now."""
        token.committed = True
        if self.reserved.get(lane) is token and token.part is not None:
            del self.reserved[lane]
            self.ready[lane] = (token.part, token.news)
            self._woken()

    async def put_back(self, sessions: SessionFactory) -> int:
        """Delivery has stopped: the answers committed and not yet sent are pending again and
        their rooms' leases go back, so whichever process delivers next sends them (rather than
        find them in doubt). Returns how many."""
        self.open = False
        ready, self.ready = self.ready, {}
        if not ready:
            return 0
        table = OutboxMessage.__table__  # type: ignore[attr-defined]
        holder = self._presence.id
        async with sessions.begin() as session:
            connection = await session.connection()
            for lane, (part, _news) in ready.items():
                await connection.execute(
                    update(table)
                    .where(
                        table.c.id == part.id,
                        table.c.status == "sending",
                        table.c.claimed_by == holder,
                    )
                    .values(status="pending", attempts=table.c.attempts - 1)
                )
                await give_lane_on(connection, lane, holder=holder)
        return len(ready)

    def release(self, lane: Lane, token: _Reservation) -> None:
        """Let the lane go, if `token` still holds it."""
        entry = self.reserved.get(lane)
        if entry is token:
            del self.reserved[lane]
            self._freed(lane)


def _in_lane(lane: Lane, row: Later) -> bool:
    """Whether a waiting row is a part of `lane`: the gate must see it (written before)."""
    values = row.values
    return (
        row.table is OutboxMessage.__table__  # type: ignore[attr-defined]
        and values.get("platform") == lane.platform
        and values.get("chat") == lane.chat
        and values.get("topic") == lane.topic
    )
