"""A lane's worker: one room's parts sent in order, under the room's lease, by one process.

The worker holds the lane's lease (bot/delivery/leases.py) while it runs; a lane another live
process holds is looked at again a moment later. The lease, the lane's first parts and the claim
of the first of them are one transaction; each part is claimed before its adapter is called and
marked `sent` right after (bot/delivery/sending.py), so a crash never sends a part twice. The
lease goes back with the last part's outcome when nothing more was queued for the lane
meanwhile, else in a transaction of its own once the lane is done. An answer stored claimed
(bot/delivery/direct.py) starts its worker with it in hand: no lease to take, nothing to read.

The `Tally` is what the dispatcher and its workers share: what was queued for each lane since
its worker read it (so a worker looks again before it stops), which lanes another process holds,
whether the heads must be read again, and how many parts were sent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy import update
from sqlmodel import col

from bot.core.clock import Clock
from bot.core.outbox import Claimed
from bot.delivery.lanes import Head, Lane, give_lane, lane_parts, take_lane
from bot.delivery.presence import Presence
from bot.delivery.sending import Outcome, Sender, claim_in
from bot.delivery.statements import engine_of
from bot.errors import Undeliverable
from bot.storage.database import SessionFactory
from bot.storage.models import OutboxMessage

log = logging.getLogger(__name__)

UndeliverableHandler = Callable[[OutboxMessage, Undeliverable], Awaitable[object]]
Keys = Callable[[], Sequence[str]]
"""The keys of the messages a one-shot command queued (see bot/delivery/own_parts.py)."""
News = tuple[int, int]
"""What was queued so far, for a lane: parts queued without saying where, and parts for it."""

ELSEWHERE = 1.0
"""A lane another live process is working is looked at again after this many seconds."""
BATCH = 50
"""A lane worker reads this many of its lane's parts at a time."""


class Tally:
    """What the dispatcher and its lane workers share (see the module's notes)."""

    __slots__ = ("elsewhere", "lane_news", "look", "queued", "read_at", "sent")

    def __init__(self) -> None:
        self.queued = 0
        """How many times parts were queued without saying where: every lane worker that read
        its lane before the last time looks again before it stops."""
        self.lane_news: dict[Lane, int] = {}
        """Parts queued here for a lane whose worker runs (or is reserved for an answer)."""
        self.read_at: dict[Lane, News] = {}
        """What was queued when each running worker last read its lane."""
        self.elsewhere: dict[Lane, float] = {}
        """Lanes another live process holds, and when (monotonic) to look at them again."""
        self.look = True
        """Something was queued without saying where, put off or left for later since the last
        look at the lanes' heads."""
        self.sent = 0

    def news_for(self, lane: Lane) -> News:
        return self.queued, self.lane_news.get(lane, 0)

    def read(self, lane: Lane) -> None:
        """The lane's worker reads its lane now."""
        self.read_at[lane] = self.news_for(lane)

    def unchanged(self, lane: Lane) -> bool:
        """Nothing was queued for the lane since its worker last read it."""
        return self.read_at.get(lane) == self.news_for(lane)

    def elsewhere_for(self, lane: Lane) -> None:
        """Another process holds the lane (or this one may not take it yet): try again soon."""
        self.elsewhere[lane] = time.monotonic() + ELSEWHERE
        self.look = True


class _Given:
    """Whether a lane worker gave its lane back already (with its last part's outcome)."""

    __slots__ = ("back",)

    def __init__(self) -> None:
        self.back = False


class LaneWork:
    """Runs lane workers for a dispatcher: `work` from a lane's head, `work_claimed` from an
    answer already claimed."""

    def __init__(
        self,
        sessions: SessionFactory,
        *,
        tally: Tally,
        sender: Sender,
        presence: Presence,
        clock: Clock,
        only: Keys | None,
        stopping: Callable[[], bool],
        on_undeliverable: Callable[[], UndeliverableHandler | None],
    ) -> None:
        self._sessions = sessions
        self._engine = engine_of(sessions)
        self._tally = tally
        self._sender = sender
        self._presence = presence
        self._clock = clock
        self._only = only
        self._stopping = stopping
        self._on_undeliverable = on_undeliverable

    async def work(self, first: Head) -> int:
        """Hold the lane's lease and send its due parts; another live process's lane waits.

        The lease, the lane's first parts and the claim of the first of them are one
        transaction; the lease goes back with the last part's outcome when nothing more was
        queued meanwhile, else in a transaction of its own once the lane is done.
        """
        lane = first.lane
        holder = self._presence.id
        if not self._presence.holds:
            self._tally.elsewhere_for(lane)  # until a heartbeat is renewed
            return 0
        only = None if self._only is None else self._only()
        heads: list[Head] = []
        claimed: OutboxMessage | Claimed | None = None
        self._tally.read(lane)
        try:
            async with self._sessions.begin() as session:
                taken = await take_lane(
                    session,
                    lane,
                    holder=holder,
                    now=self._presence.wall_now(),
                    fresh_since=self._presence.fresh_since(),
                )
                if taken:
                    heads = await lane_parts(session, lane, only=only, limit=BATCH, written=True)
                    if heads and self._may_send(first, heads[0]):
                        claimed = await claim_in(
                            await session.connection(), heads[0].id, process=holder
                        )
        except Exception as problem:  # the database is away for a moment: try again shortly
            log.warning("could not take the lane of %s: %s", lane.platform, problem)
            taken = False
        if not taken:
            self._tally.elsewhere_for(lane)  # the next look sees when to try again
            return 0
        given = _Given()
        try:
            return await self._send_lane(first, heads, only=only, claimed=claimed, given=given)
        finally:
            if not given.back:
                await self._give_back(lane)

    async def work_claimed(self, first: Head, row: Claimed, news: News) -> int:
        """Send an answer stored claimed under its lane's lease (bot/delivery/direct.py), then
        whatever was queued in its lane since, as `_work` does."""
        lane = first.lane
        self._tally.read_at[lane] = news
        given = _Given()
        try:
            return await self._send_lane(first, [first], only=None, claimed=row, given=given)
        finally:
            if not given.back:
                await self._give_back(lane)

    async def _give_back(self, lane: Lane) -> None:
        try:
            async with self._sessions.begin() as session:
                await give_lane(session, lane, holder=self._presence.id)
        except Exception as problem:  # it passes on once this process is gone
            log.warning("could not give back the lane of %s: %s", lane.platform, problem)

    def _may_send(self, first: Head, head: Head) -> bool:
        """Whether the lane worker started for `first` sends `head` now."""
        if self._stopping() or head.not_before > self._clock.now() or not self._presence.holds:
            return False
        return not (first.answer and not head.answer)  # bulk work waits for a bulk slot

    async def _send_lane(
        self,
        first: Head,
        heads: list[Head],
        *,
        only: Sequence[str] | None,
        claimed: OutboxMessage | Claimed | None,
        given: _Given,
    ) -> int:
        """Send a lane's due parts in order, from `heads` (its first batch, the first of them
        maybe `claimed` already) on; an answer worker stops where bulk work begins. Parts queued
        meanwhile wake the dispatcher, which looks again, so a short batch is the lane's last."""
        sent = 0
        lane = first.lane
        giving = [False]

        def give_back() -> Lane | None:
            """The lease goes back with the last part's sent mark when nothing more came."""
            giving[0] = len(heads) < BATCH and self._tally.unchanged(lane)
            return lane if giving[0] else None

        try:
            while heads:
                for index, head in enumerate(heads):
                    mine = claimed if claimed is not None and claimed.id == head.id else None
                    if mine is None and not self._may_send(first, head):
                        self._tally.look = True  # left for later: the next look sees it again
                        return sent
                    last = index == len(heads) - 1
                    outcome, row, problem = await self._sender.send(
                        head.id, claimed=mine, give_back=give_back if last else None
                    )
                    if outcome is Outcome.SENT:
                        sent += 1
                        self._tally.sent += 1
                        given.back = giving[0]
                    elif outcome is Outcome.UNREACHABLE:
                        assert row is not None and isinstance(problem, Undeliverable)
                        await self._give_up(row, problem)
                        return sent
                    elif outcome is Outcome.WAIT:
                        self._tally.look = True  # put off: the next look sees when it is due
                        return sent
                unchanged = self._tally.unchanged(lane)
                if given.back or (len(heads) < BATCH and unchanged):
                    break  # nothing queued since the lane was read: that was all of it
                if self._stopping() or not self._presence.holds:
                    break
                self._tally.read(lane)
                heads = await lane_parts(self._engine, lane, only=only, limit=BATCH)
        except Exception:
            log.exception(
                "delivery to %s %s stopped on an unexpected error", lane.platform, lane.chat
            )
        return sent

    async def _give_up(self, row: OutboxMessage, exc: Undeliverable) -> None:
        log.warning(
            "cannot deliver to %s %s: %s%s",
            row.platform,
            row.chat,
            exc.reason,
            f" ({exc.hint})" if exc.hint else "",
        )
        await self._sender.mark(row.id or 0, status="failed", error=str(exc))
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
        handler = self._on_undeliverable()
        if handler is not None:
            await handler(row, exc)
