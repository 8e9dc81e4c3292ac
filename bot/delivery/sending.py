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

A failure is logged once, when the part is set aside, with its key and never its text.
"""

from __future__ import annotations

import enum
import logging
from datetime import timedelta

from pydantic import ValidationError
from sqlalchemy import update
from sqlmodel import col

from bot.core.clock import Clock
from bot.core.messages import Delivery
from bot.core.outbox import to_delivery
from bot.core.ports import Adapter
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


class Sender:
    """Sends single parts through the adapters and records each outcome in the outbox."""

    def __init__(
        self,
        sessions: SessionFactory,
        adapters: dict[str, Adapter],
        *,
        clock: Clock,
        process: str,
    ) -> None:
        self._sessions = sessions
        self._process = process
        self._adapters = adapters
        self._clock = clock
        self.failed = 0
        """How many parts this process set aside as failed."""

    async def claim(self, row_id: int) -> OutboxMessage | None:
        """Move the part from pending to sending, for this sender alone; None if not ours."""
        async with self._sessions.begin() as session:
            claimed = await session.exec(  # type: ignore[call-overload]
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row_id, col(OutboxMessage.status) == "pending")
                .values(
                    status="sending", attempts=OutboxMessage.attempts + 1, claimed_by=self._process
                )
                .returning(*OutboxMessage.__table__.columns)  # type: ignore[attr-defined]
            )
            found = claimed.mappings().first()
        # built as stored, unchecked: `unfit` says what is wrong with it, after the claim
        return None if found is None else OutboxMessage(**dict(found))

    async def send(self, row_id: int) -> tuple[Outcome, OutboxMessage | None, Exception | None]:
        """Claim and send one part; the outcome, the part, and the platform's error if any."""
        row = await self.claim(row_id)
        if row is None:
            return Outcome.NOT_OURS, None, None
        problem = unfit(row)
        if problem:
            await self.fail(row, reason=problem)
            return Outcome.FAILED, row, None
        delivery: Delivery = to_delivery(row)
        try:
            ref = await self._adapters[row.platform].send(delivery)
        except RateLimited as exc:
            await self._defer(row, seconds=max(exc.retry_after, 1.0), error=str(exc))
            return Outcome.WAIT, row, exc
        except Undeliverable as exc:
            return Outcome.UNREACHABLE, row, exc
        except TransientError as exc:
            if row.attempts >= MAX_ATTEMPTS:
                await self.fail(row, reason=f"{exc} (after {row.attempts} tries)")
                return Outcome.FAILED, row, exc
            backoff = min(2.0**row.attempts, MAX_BACKOFF)
            await self._defer(row, seconds=backoff, error=str(exc))
            return Outcome.WAIT, row, exc
        except DeliveryError as exc:
            await self.fail(row, reason=f"refused: {exc}")
            return Outcome.FAILED, row, exc
        except Exception as exc:
            # an adapter bug: its message may quote the part, so only its type is kept
            await self.fail(row, reason=f"adapter error: {type(exc).__name__}")
            return Outcome.FAILED, row, exc
        await self.mark(
            row_id, status="sent", sent_ref=ref, sent_at=self._clock.now(), text="", buttons="[]"
        )
        return Outcome.SENT, row, None

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
        async with self._sessions.begin() as session:
            await session.exec(  # type: ignore[call-overload]
                update(OutboxMessage).where(col(OutboxMessage.id) == row_id).values(**values)
            )
