"""The dispatcher: sends stored outbox parts through each platform's adapter.

Parts for the same place go out one at a time, in the order they were stored; different places
go out side by side. A part is claimed (status `sending`) in its own committed transaction before
the adapter is called and marked `sent` right after, so a crash never sends a part twice: a part
found still `sending` at start-up is marked `in_doubt`, while parts never claimed are sent as
usual. Before its first drain the dispatcher asks each in-doubt part's adapter, when it can
(`ConfirmsDelivery`: Slack looks for the part in the channel's history), whether the part was
posted: if so it is marked `sent`, if surely not it is sent again, once; when the platform cannot
tell (Telegram, a private message) it stays in doubt, never resent, and `on_left_in_doubt` hears
of it (the stewards are told: bot/doubts.py).

A sent part keeps no text: what people said is held in the outbox only until it is delivered
(failed and in-doubt parts keep theirs a week; see bot/retention.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select

from bot.core.clock import Clock
from bot.core.outbox import to_delivery
from bot.core.ports import Adapter, ConfirmsDelivery
from bot.errors import DeliveryError, RateLimited, TransientError, Undeliverable
from bot.storage.database import SessionFactory
from bot.storage.models import OutboxMessage

log = logging.getLogger(__name__)

UndeliverableHandler = Callable[[OutboxMessage, Undeliverable], Awaitable[object]]
DoubtHandler = Callable[[Sequence[OutboxMessage]], Awaitable[object]]

MAX_ATTEMPTS = 8
BATCH = 1000
IN_DOUBT = "the bot stopped while sending this part"
"""How the note of every part left in doubt by a crash begins."""
UNCHECKED = f"{IN_DOUBT} (to be checked with the platform)"
"""The note of a part marked in doubt at start-up and not yet checked with its platform (parts
left in doubt by earlier versions, posted without anything to find them by, are never checked)."""


class Dispatcher:
    """Sends what the outbox holds; `drain()` sends everything due now."""

    def __init__(
        self,
        sessions: SessionFactory,
        adapters: Mapping[str, Adapter],
        *,
        clock: Clock,
        on_undeliverable: UndeliverableHandler | None = None,
        on_left_in_doubt: DoubtHandler | None = None,
        concurrency: int = 64,
    ) -> None:
        self._sessions = sessions
        self._adapters = adapters
        self._clock = clock
        self.on_undeliverable = on_undeliverable
        self.on_left_in_doubt = on_left_in_doubt
        self._limit = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._draining = asyncio.Lock()
        self._stopping = False
        self._doubts_checked = False
        self.stopping = asyncio.Event()
        """Set once `stop()` was called."""

    def wake(self) -> None:
        """Tell a running dispatcher that there is something new to send."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the parts being sent, claim no more, and let `run()` return.

        A part is never abandoned mid-send by a graceful stop, so nothing is left in doubt;
        what was not yet claimed stays pending for the next start.
        """
        self._stopping = True
        self.stopping.set()
        self._wake.set()

    async def recover(self) -> int:
        """At start-up: parts caught mid-send by a crash are marked in doubt, never resent."""
        async with self._sessions.begin() as session:
            result = await session.exec(  # type: ignore[call-overload]
                update(OutboxMessage)
                .where(col(OutboxMessage.status) == "sending")
                .values(status="in_doubt", error=UNCHECKED)
            )
        count = int(result.rowcount or 0)
        if count:
            log.warning(
                "%d outgoing part(s) were being sent when the bot stopped; they are marked "
                "in_doubt and are resent only where the platform confirms they never arrived",
                count,
            )
        return count

    async def drain(self) -> int:
        """Send every part that is due now; returns how many were sent."""
        async with self._draining:  # one drain at a time keeps each place's parts in order
            if not self._doubts_checked:
                self._doubts_checked = True
                await self._check_doubts()
            return await self._drain()

    async def _check_doubts(self) -> None:
        """Ask the platforms about the parts left in doubt by a crash (see the module doc)."""
        async with self._sessions() as session:
            query = select(OutboxMessage).where(
                OutboxMessage.status == "in_doubt", OutboxMessage.error == UNCHECKED
            )
            rows = (await session.exec(query.order_by(col(OutboxMessage.id)))).all()
        left: list[OutboxMessage] = []
        for row in rows:
            adapter = self._adapters.get(row.platform)
            if adapter is None or row.id is None:
                continue  # not connected this time: asked once it is
            if not isinstance(adapter, ConfirmsDelivery):
                note = f"{IN_DOUBT}; {row.platform} cannot say whether it arrived, so not resent"
                await self._mark(row.id, error=note)
                left.append(row)
                continue
            try:
                ref = await adapter.find_sent(to_delivery(row), since=row.created_at)
            except Exception as exc:
                log.warning("could not tell whether %s was posted: %s", row.key, exc)
                await self._mark(row.id, error=f"{IN_DOUBT}; could not check ({exc}), not resent")
                left.append(row)
                continue
            if ref is None and not row.text:  # kept past its week (bot/retention.py)
                await self._mark(row.id, error=f"{IN_DOUBT}; not on {row.platform}, text gone")
                left.append(row)
            elif ref is None:
                log.info(
                    "%s never reached %s before the stop; it is sent again", row.key, row.platform
                )
                await self._mark(
                    row.id, status="pending", error=f"not on {row.platform} after a restart"
                )
            else:
                log.info("%s had reached %s before the stop; marked sent", row.key, row.platform)
                await self._mark(
                    row.id,
                    status="sent",
                    sent_ref=ref,
                    sent_at=self._clock.now(),
                    text="",
                    buttons="[]",
                    error="",
                )
        if left and self.on_left_in_doubt is not None:
            await self.on_left_in_doubt(left)

    async def _drain(self) -> int:
        sent_total = 0
        # Each round settles every due part (sent, failed, or deferred to later); a round can
        # queue new parts (a notice to stewards), so go on until a round finds nothing due.
        for _round in range(100):
            if self._stopping:
                break
            lanes = await self._due_lanes()
            if not lanes:
                break
            results = await asyncio.gather(*(self._run_lane(ids) for ids in lanes.values()))
            sent_total += sum(results)
        return sent_total

    async def run(self) -> None:
        """Send until stopped: after each drain, sleep until woken or the next part is due."""
        while not self._stopping:
            self._wake.clear()
            try:
                await self.drain()
            except Exception:
                log.exception("the dispatcher hit an unexpected error; it will try again shortly")
            timeout = await self._seconds_until_next_due()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=timeout)
            except TimeoutError:
                pass

    async def _seconds_until_next_due(self) -> float:
        async with self._sessions() as session:
            query = select(OutboxMessage.not_before).where(OutboxMessage.status == "pending")
            query = query.order_by(col(OutboxMessage.not_before)).limit(1)
            first = (await session.exec(query)).first()
        if first is None:
            return 60.0
        return max(0.05, min(60.0, (first - self._clock.now()).total_seconds()))

    async def _due_lanes(self) -> dict[tuple[str, str, str], list[int]]:
        now = self._clock.now()
        async with self._sessions() as session:
            query = (
                select(OutboxMessage)
                .where(OutboxMessage.status == "pending")
                .order_by(col(OutboxMessage.id))
                .limit(BATCH)
            )
            rows = (await session.exec(query)).all()
        lanes: dict[tuple[str, str, str], list[int]] = {}
        blocked: set[tuple[str, str, str]] = set()
        for row in rows:
            lane = (row.platform, row.chat, row.topic)
            if lane in blocked:
                continue
            if row.not_before > now or row.platform not in self._adapters:
                blocked.add(lane)  # keep order: nothing after a waiting part goes first
                continue
            assert row.id is not None
            lanes.setdefault(lane, []).append(row.id)
        return lanes

    async def _run_lane(self, ids: list[int]) -> int:
        """Send a place's due parts in order, stopping at the first that must wait."""
        sent = 0
        async with self._limit:
            for row_id in ids:
                if self._stopping:
                    break
                outcome = await self._send_one(row_id)
                if outcome is None:
                    continue
                if not outcome:
                    break
                sent += 1
        return sent

    async def _send_one(self, row_id: int) -> bool | None:
        """True when sent, False when the lane must stop, None when the part was not ours."""
        async with self._sessions.begin() as session:
            # claim and read in one statement: only one sender can move a part out of pending
            claimed = await session.exec(  # type: ignore[call-overload]
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row_id, col(OutboxMessage.status) == "pending")
                .values(status="sending", attempts=OutboxMessage.attempts + 1)
                .returning(*OutboxMessage.__table__.columns)  # type: ignore[attr-defined]
            )
            found = claimed.mappings().first()
            if found is None:
                return None
            row = OutboxMessage.model_validate(dict(found))
        adapter = self._adapters[row.platform]
        try:
            ref = await adapter.send(to_delivery(row))
        except RateLimited as exc:
            await self._defer(row_id, seconds=max(exc.retry_after, 1.0), error=str(exc))
            return False
        except Undeliverable as exc:
            await self._give_up(row, exc)
            return False
        except TransientError as exc:
            if row.attempts >= MAX_ATTEMPTS:
                await self._mark(row_id, status="failed", error=str(exc))
                log.error("gave up on %s after %d tries: %s", row.key, row.attempts, exc)
                return False
            await self._defer(row_id, seconds=min(2.0**row.attempts, 300.0), error=str(exc))
            return False
        except DeliveryError as exc:
            # the platform refused this part for good (a malformed message, a revoked token)
            log.error("the platform refused %s: %s; it is marked failed", row.key, exc)
            await self._mark(row_id, status="failed", error=str(exc))
            return False
        except Exception as exc:
            # An adapter bug must not take the dispatcher down or resend in a loop.
            log.exception("sending %s failed unexpectedly; it is marked failed", row.key)
            await self._mark(row_id, status="failed", error=f"unexpected: {exc!r}")
            return False
        await self._mark(
            row_id, status="sent", sent_ref=ref, sent_at=self._clock.now(), text="", buttons="[]"
        )
        return True

    async def _defer(self, row_id: int, *, seconds: float, error: str) -> None:
        later = self._clock.now() + timedelta(seconds=seconds)
        await self._mark(row_id, status="pending", not_before=later, error=error)

    async def _mark(self, row_id: int, **values: object) -> None:
        async with self._sessions.begin() as session:
            await session.exec(  # type: ignore[call-overload]
                update(OutboxMessage).where(col(OutboxMessage.id) == row_id).values(**values)
            )

    async def _give_up(self, row: OutboxMessage, exc: Undeliverable) -> None:
        log.warning(
            "cannot deliver to %s %s: %s%s",
            row.platform,
            row.chat,
            exc.reason,
            f" ({exc.hint})" if exc.hint else "",
        )
        await self._mark(row.id or 0, status="failed", error=str(exc))
        async with self._sessions.begin() as session:
            await session.exec(  # type: ignore[call-overload]
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.status) == "pending",
                    col(OutboxMessage.platform) == row.platform,
                    col(OutboxMessage.chat) == row.chat,
                )
                .values(status="skipped", error=f"destination unreachable: {exc.reason}")
            )
        if self.on_undeliverable is not None:
            await self.on_undeliverable(row, exc)
