"""Sending one part: claim it, check it, hand it to its adapter, and record what happened.

A part is claimed (status `sending`, one more attempt, and the id of the claiming process, see
bot/delivery/presence.py) in its own committed transaction before anything else, so whatever goes
wrong afterwards is recorded against it and it cannot roll back to `pending` and be claimed again
forever. What happens next is one `Outcome`:

- `SENT`: the platform took it;
- `WAIT`: the platform asked us to slow down or failed for a while; the part is pending again,
  not before a later time, and its lane waits with it (its order is kept);
- `FAILED`: it can never be sent as it is (a value its column does not allow, a platform's
  refusal, an adapter bug), or a passing failure came back `MAX_ATTEMPTS` times; it is set aside
  and its lane goes on;
- `UNREACHABLE`: the room or person cannot be reached; the lane's other parts are skipped;
- `NOT_OURS`: someone else had claimed it.

A claim stands for as long as the claiming process's heartbeat is renewed (every `beat` seconds,
in the background, however long a send takes): a part whose send stalls for minutes is still this
process's and never in doubt while the process lives. A claim that may have lapsed before the
adapter was called (no heartbeat written for nearly the time-to-live) is put back, not sent.

A failure is logged once, when the part is set aside, with its key and never its text.

Every statement here is a plain SQL statement built once (no ORM object is loaded or flushed), run
on the transaction's connection: a claim is one `UPDATE ... RETURNING` of the columns a delivery
needs, and recording the outcome one `UPDATE` by id. A caller that already has a transaction open
(the lane worker, taking its lane's lease) claims the lane's first part inside it (`claim_in`), and
the last part's sent mark gives the lane's lease back with it (`give_back`), so a lane of one part
costs two transactions. On PostgreSQL a sent mark is one statement that is its own transaction
(with the lease given back in the same statement): one round trip, no BEGIN and COMMIT; so is a
claim on its own.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from datetime import timedelta
from functools import lru_cache
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Integer, String, Table, TextClause, bindparam, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.dml import Update

from bot.core.clock import Clock
from bot.core.messages import Delivery
from bot.core.outbox import Claimed, delivery_of, to_delivery
from bot.core.ports import Adapter
from bot.delivery.lanes import Lane, lease_given, lease_name
from bot.delivery.statements import engine_of, run, run_alone, run_pooled
from bot.errors import DeliveryError, RateLimited, TransientError, Undeliverable
from bot.storage.database import SessionFactory
from bot.storage.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF = 300.0


class Outcome(enum.Enum):
    SENT = "sent"
    WAIT = "wait"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    NOT_OURS = "not_ours"


def unfit(row: OutboxMessage) -> str:
    """Why a stored part cannot be sent as it is (names its fields, never its values); or ''."""
    values = row.model_dump()
    try:
        OutboxMessage.model_validate(values)
        to_delivery(row)
    except ValidationError as problem:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in problem.errors()})
        return f"invalid {', '.join(fields)}"
    except (ValueError, TypeError) as problem:
        return f"unreadable: {type(problem).__name__}"
    return ""


def _table() -> Table:
    return OutboxMessage.__table__  # type: ignore[attr-defined,no-any-return]


@lru_cache(maxsize=1)
def _claim() -> Update:
    table = _table()
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.status == "pending")
        .values(status="sending", attempts=table.c.attempts + 1, claimed_by=bindparam("process"))
        .returning(*table.c)
    )


@lru_cache(maxsize=1)
def _sent() -> Update:
    table = _table()
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(
            status="sent",
            sent_ref=bindparam("ref"),
            sent_at=bindparam("at", type_=table.c.sent_at.type),
            text="",
            buttons="[]",
        )
    )


GiveBack = Callable[[], Lane | None]
"""Asked as a sent part is recorded: the lane whose lease goes back with it, if any."""


@lru_cache(maxsize=1)
def _sent_giving_back() -> TextClause:
    """PostgreSQL: the sent mark and the lease given back in one statement, its own transaction."""
    table = _table()
    return text(
        "WITH sent AS (UPDATE outbox SET status = 'sent', sent_ref = :ref, sent_at = :at, "
        "text = '', buttons = '[]' WHERE id = :row_id) "
        "DELETE FROM leases WHERE name = :name AND holder = :holder"
    ).bindparams(
        bindparam("ref", type_=String),
        bindparam("at", type_=table.c.sent_at.type),
        bindparam("row_id", type_=Integer),
        bindparam("name", type_=String),
        bindparam("holder", type_=String),
    )


async def claim_in(
    connection: AsyncConnection | AsyncEngine, row_id: int, *, process: str
) -> OutboxMessage | Claimed | None:
    """Claim the part in the caller's transaction, for `process` alone; None if not pending.
    Given the engine (PostgreSQL), the claim is its own transaction on a pooled connection.

    A part whose values are of their own types and make a delivery comes back as `Claimed`, its
    row built only if something goes wrong; any other as its row as stored, unchecked, for
    `unfit` to say what is wrong with it, after the claim."""
    statement = _claim()
    values = {"row_id": row_id, "process": process}
    if isinstance(connection, AsyncEngine):
        rows = await run_pooled(connection, statement, values)
    else:
        rows = await run(connection, statement, values)
    if not rows:
        return None
    names = [str(column.key) for column in statement.exported_columns]
    stored = dict(zip(names, rows[0], strict=True))
    if all(type(stored[name]) is kind for name, kind in _TYPES.items()):
        try:
            delivery = delivery_of(stored)
        except (ValueError, TypeError):
            pass
        else:
            return Claimed(stored.pop("id"), delivery, stored)
    return OutboxMessage(**stored)


class Sender:
    """Sends single parts through the adapters and records each outcome in the outbox."""

    def __init__(
        self,
        sessions: SessionFactory,
        adapters: dict[str, Adapter],
        *,
        clock: Clock,
        process: str,
        live: Callable[[], bool] = lambda: True,
    ) -> None:
        self._sessions = sessions
        self._engine = engine_of(sessions)
        self._process = process
        self._live = live
        """Whether this process's claims surely still stand (bot/delivery/presence.py `holds`)."""
        self._adapters = adapters
        self._clock = clock
        self.failed = 0
        """How many parts this process set aside as failed."""

    async def claim(self, row_id: int) -> OutboxMessage | Claimed | None:
        """Move the part from pending to sending, for this sender alone; None if not ours. On
        PostgreSQL the claim is one statement that is its own transaction."""
        if self._engine.dialect.name == "postgresql":
            return await claim_in(self._engine, row_id, process=self._process)
        async with self._sessions.begin() as session:
            return await claim_in(await session.connection(), row_id, process=self._process)

    async def send(
        self,
        row_id: int,
        *,
        claimed: OutboxMessage | Claimed | None = None,
        give_back: GiveBack | None = None,
    ) -> tuple[Outcome, OutboxMessage | None, Exception | None]:
        """Claim and send one part; the outcome, the part unless it was sent, and the platform's
        error if any.

        `claimed`: the part, already claimed by the caller: read back, or as this process stored
        it (bot/delivery/direct.py; its row is built only if something goes wrong). `give_back` is
        asked as a sent part is recorded (only then: whatever else happened, the caller goes on)
        for the lane whose lease goes back with the record.
        """
        if claimed is None:
            claimed = await self.claim(row_id)
            if claimed is None:
                return Outcome.NOT_OURS, None, None
        if isinstance(claimed, Claimed):
            return await self._deliver(
                claimed.id, claimed.delivery, claimed.row, give_back=give_back
            )
        row = claimed
        problem = "" if _plain(row) else unfit(row)
        if not problem:
            try:
                delivery: Delivery = to_delivery(row)
            except (ValueError, TypeError):
                problem = unfit(row)
        if problem:
            await self.fail(row, reason=problem)
            return Outcome.FAILED, row, None
        stored = row
        return await self._deliver(row_id, delivery, lambda: stored, give_back=give_back)

    async def _deliver(
        self,
        row_id: int,
        delivery: Delivery,
        stored: Callable[[], OutboxMessage],
        *,
        give_back: GiveBack | None,
    ) -> tuple[Outcome, OutboxMessage | None, Exception | None]:
        """Hand a claimed part to its adapter and record the outcome; `stored` gives its row."""
        if not self._live():
            # the claim may have lapsed while it was made (no heartbeat for a while): another
            # process may take the part for in doubt, so it is put back rather than sent
            row = stored()
            table = _table()
            async with self._sessions.begin() as session:
                await (await session.connection()).execute(
                    update(table)
                    .where(
                        table.c.id == row_id,
                        table.c.status == "sending",
                        table.c.claimed_by == self._process,
                    )
                    .values(status="pending", attempts=row.attempts - 1)
                )
            return Outcome.WAIT, row, None
        try:
            ref = await self._adapters[delivery.platform].send(delivery)
        except RateLimited as exc:
            row = stored()
            await self._defer(row, seconds=max(exc.retry_after, 1.0), error=str(exc))
            return Outcome.WAIT, row, exc
        except Undeliverable as exc:
            return Outcome.UNREACHABLE, stored(), exc
        except TransientError as exc:
            row = stored()
            if row.attempts >= MAX_ATTEMPTS:
                await self.fail(row, reason=f"{exc} (after {row.attempts} tries)")
                return Outcome.FAILED, row, exc
            backoff = min(2.0**row.attempts, MAX_BACKOFF)
            await self._defer(row, seconds=backoff, error=str(exc))
            return Outcome.WAIT, row, exc
        except DeliveryError as exc:
            row = stored()
            await self.fail(row, reason=f"refused: {exc}")
            return Outcome.FAILED, row, exc
        except Exception as exc:
            # an adapter bug: its message may quote the part, so only its type is kept
            row = stored()
            await self.fail(row, reason=f"adapter error: {type(exc).__name__}")
            return Outcome.FAILED, row, exc
        await self._record_sent(row_id, ref, None if give_back is None else give_back())
        return Outcome.SENT, None, None

    async def _record_sent(self, row_id: int, ref: str, lane: Lane | None) -> None:
        values: dict[str, Any] = {"row_id": row_id, "ref": ref, "at": self._clock.now()}
        if self._engine.dialect.name == "postgresql":
            statement: Any = _sent()
            if lane is not None:
                statement = _sent_giving_back()
                values.update(name=lease_name(lane), holder=self._process)
            await run_pooled(self._engine, statement, values)
            return
        steps: list[tuple[Any, dict[str, Any]]] = [(_sent(), values)]
        if lane is not None:
            steps.append((lease_given(), {"name": lease_name(lane), "holder": self._process}))
        async with self._engine.connect() as connection:
            await run_alone(connection, steps)

    async def fail(self, row: OutboxMessage, *, reason: str) -> None:
        """Set the part aside for good, logged once with its key."""
        self.failed += 1
        log.error("%s cannot be sent (%s); it is marked failed", row.key, reason)
        await self.mark(row.id or 0, status="failed", error=reason)

    async def _defer(self, row: OutboxMessage, *, seconds: float, error: str) -> None:
        later = self._clock.now() + timedelta(seconds=seconds)
        log.info("%s waits %.1fs: %s", row.key, seconds, error)
        await self.mark(row.id or 0, status="pending", not_before=later, error=error)

    async def mark(self, row_id: int, **values: object) -> None:
        table = _table()
        async with self._sessions.begin() as session:
            connection = await session.connection()
            await connection.execute(update(table).where(table.c.id == row_id).values(**values))


_TYPES: dict[str, Any] = {
    "key": str,
    "kind": str,
    "platform": str,
    "chat": str,
    "topic": str,
    "thread_ref": str,
    "ephemeral_to": str,
    "text": str,
    "buttons": str,
    "part": int,
    "parts": int,
}


def _plain(row: OutboxMessage) -> bool:
    """Whether the fields a delivery is made of hold values of their own types (a database that
    does not enforce its column types can hand back anything); the full check is `unfit`."""
    return all(type(getattr(row, name)) is kind for name, kind in _TYPES.items())
