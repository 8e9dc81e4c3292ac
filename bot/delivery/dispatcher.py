"""The dispatcher: sends stored outbox parts through each platform's adapter.

Each room is a lane (bot/delivery/lanes.py): its parts go out one at a time, in the order they
were stored, by one lane worker (bot/delivery/lane_work.py); lanes are independent, so a room
that is paced, failing or slow holds back nobody else. The dispatcher looks at lane heads only,
one row per lane, so no window of pending rows can fill with parts that must wait. Answers to
people (a thank-you, a private reply, an ephemeral message) get workers of their own; bulk work
(prompts and digests to many rooms) runs at most `bulk_per_platform` lanes at a time on each
platform, so an answer never queues behind a fan-out in an adapter's pacing.

Several processes may deliver from one PostgreSQL database. A lane is worked by one process at a
time, which holds its lease (bot/delivery/leases.py) while its worker runs; a lane another live
process holds is looked at again a moment later. A part is claimed, naming this process, before
its adapter is called and marked `sent` right after (bot/delivery/sending.py), so a crash never
sends a part twice: a part still `sending` once its process is dead is in doubt
(bot/delivery/crash_check.py), found at start and then every few seconds by each running bot.
A part that can never be sent is set aside as `failed` and its lane goes on. A sent part keeps no
text: what people said is held in the outbox only until it is delivered (failed and in-doubt parts
keep theirs a week; see bot/storage/retention.py).

An answer whose room has nothing waiting is stored already claimed, under the room's lease, in
the transaction that queues it (bot/delivery/direct.py): its lane worker starts with it in hand
once that transaction commits, and only records it sent.

A one-shot command's dispatcher is given `only`: the keys of the messages it queued itself. It
sends those and nothing else, and never marks another process's parts in doubt.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from bot.core.clock import Clock
from bot.core.outbox import Claimed, Queued
from bot.core.ports import Adapter
from bot.delivery.crash_check import IN_DOUBT, UNCHECKED, DoubtHandler, check_doubts, mark_in_doubt
from bot.delivery.direct import Direct
from bot.delivery.lane_work import ELSEWHERE, Keys, LaneWork, News, Tally, UndeliverableHandler
from bot.delivery.lanes import Head, Lane, is_answer, lane_heads
from bot.delivery.presence import Presence
from bot.delivery.sending import MAX_ATTEMPTS, Sender
from bot.storage.database import SessionFactory

__all__ = ["IN_DOUBT", "MAX_ATTEMPTS", "UNCHECKED", "Dispatcher"]

log = logging.getLogger(__name__)


IDLE_POLL = 2.0
"""With nothing due, look again this often: another process may have queued parts."""
MAX_WAIT = 60.0
DUE = datetime.min.replace(tzinfo=UTC)
"""When a part just queued is due: now (its lane's worker reads what is really due)."""


class Dispatcher:
    """Sends what the outbox holds: `run()` until stopped, or `drain()` what is due now."""

    def __init__(
        self,
        sessions: SessionFactory,
        adapters: Mapping[str, Adapter],
        *,
        clock: Clock,
        presence: Presence,
        on_undeliverable: UndeliverableHandler | None = None,
        on_left_in_doubt: DoubtHandler | None = None,
        concurrency: int = 64,
        bulk_per_platform: int = 3,
        only: Keys | None = None,
    ) -> None:
        self._sessions = sessions
        self._adapters = dict(adapters)
        self._clock = clock
        self.on_undeliverable = on_undeliverable
        self.on_left_in_doubt = on_left_in_doubt
        self._answer_slots = concurrency
        self._bulk_slots = bulk_per_platform
        self._only = only
        self._presence = presence
        self._sender = Sender(
            sessions, self._adapters, clock=clock, process=presence.id, live=lambda: presence.holds
        )
        self._tally = Tally()
        self._work = LaneWork(
            sessions,
            tally=self._tally,
            sender=self._sender,
            presence=presence,
            clock=clock,
            only=only,
            stopping=lambda: self._stopping,
            on_undeliverable=lambda: self.on_undeliverable,
        )
        self._next_reap = 0.0
        self._fresh: dict[Lane, Head] = {}
        """Lanes of parts just queued here, to start without reading the heads."""
        self._looked_at = -float("inf")
        """When (monotonic) the heads were last read."""
        self._lanes: dict[Lane, tuple[asyncio.Task[int], bool]] = {}
        self._wake = asyncio.Event()
        self._answering = 0
        """How many of the running lane workers are answers' (see `_has_slot`)."""
        self._heads: list[Head] = []
        """The heads found by the last look, not yet started: a freed slot takes the next."""
        self._stopping = False
        self._doubts = asyncio.Lock()
        self._crash: BaseException | None = None
        """What ended a lane worker beyond what it handles (the process is going down)."""
        self._doubts_due = only is None  # a one-shot command leaves them to the bots
        self.stopping = asyncio.Event()
        """Set once `stop()` was called."""
        self.direct: Direct | None = None
        """Answers stored claimed and sent straight after their commit (bot/core/outbox.py
        `Claims`); a one-shot command's dispatcher sends only what it reads."""
        if only is None:
            self.direct = Direct(
                presence=presence,
                platforms=self._adapters,
                busy=self._busy,
                news=self._tally.news_for,
                freed=self._freed,
                woken=self._wake.set,
            )

    @property
    def sent(self) -> int:
        """How many parts this dispatcher sent so far."""
        return self._tally.sent

    @property
    def failed(self) -> int:
        """How many parts this dispatcher set aside because they can never be sent."""
        return self._sender.failed

    def wake(self, parts: Sequence[Queued] = ()) -> None:
        """Tell a running dispatcher that there is something new to send: `parts`, just queued
        by this process (their lanes start without a look at every lane's head), or, when not
        said, anything."""
        tally = self._tally
        if not parts:
            tally.look = True
            tally.queued += 1
        direct = self.direct
        for part in parts:
            if part.platform not in self._adapters:
                continue
            lane = Lane(part.platform, part.chat, part.topic)
            if part.claimed is not None:
                continue  # handed over as its transaction committed (bot/delivery/direct.py)
            if lane in self._lanes or (
                direct is not None and (lane in direct.reserved or lane in direct.ready)
            ):
                tally.lane_news[lane] = tally.lane_news.get(lane, 0) + 1
            elif lane not in self._fresh:
                answer = is_answer(kind=part.kind, ephemeral_to=part.ephemeral_to)
                self._fresh[lane] = Head(lane=lane, id=part.id, answer=answer, not_before=DUE)
        self._wake.set()

    def stop(self) -> None:
        """Finish the parts being sent, claim no more, and let `run()` return.

        A part is never abandoned mid-send by a graceful stop, so nothing is left in doubt;
        what was not yet claimed stays pending for the next start.
        """
        self._stopping = True
        if self.direct is not None:
            self.direct.open = False
        self.stopping.set()
        self._wake.set()

    async def close(self) -> None:
        """Once delivery has stopped: answers claimed here and not sent go back to pending
        (bot/delivery/direct.py), for the next process to send."""
        if self.direct is not None:
            await self.direct.put_back(self._sessions)

    async def recover(self) -> int:
        """Parts caught mid-send by a process that died are marked in doubt, never resent; done
        at start and then every few seconds while running (see `run`)."""
        if self._only is not None:
            return 0
        self._next_reap = time.monotonic() + self._presence.ttl / 2
        found = await mark_in_doubt(self._sessions, fresh_since=self._presence.fresh_since())
        if found:
            self._doubts_due = True
        return found

    async def drain(self) -> int:
        """Send every part that is due now; returns how many were sent."""
        await self._check_doubts()
        tally = self._tally
        before = tally.sent
        tally.look = True
        while not self._stopping:
            await self._start_due()
            if not self._lanes and not tally.look and not self._has_ready():
                tally.look = True  # a last look: something may have come while sending
                await self._start_due()
            if not self._lanes and tally.elsewhere:
                # lanes another process holds: their parts are due too, so wait for them
                await asyncio.sleep(ELSEWHERE / 2)
                tally.look = True
                continue
            if not self._lanes:
                break
            tasks = [task for task, _answer in self._lanes.values()]
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            self._raise_crash()
        return tally.sent - before

    async def run(self) -> None:
        """Send until stopped: start every due lane, then sleep until woken or something is due."""
        while not self._stopping:
            self._wake.clear()
            timeout = IDLE_POLL
            self._raise_crash()
            try:
                if time.monotonic() >= self._next_reap:
                    await self.recover()
                await self._check_doubts()
                timeout = await self._start_due()
            except Exception:
                log.exception("the dispatcher hit an unexpected error; it will try again shortly")
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=timeout)
            except TimeoutError:
                pass
        self._start_ready()  # answers already claimed are sent, not left in doubt
        await asyncio.gather(*(task for task, _ in self._lanes.values()), return_exceptions=True)

    def _raise_crash(self) -> None:
        if self._crash is not None:
            crash, self._crash = self._crash, None
            raise crash

    async def _check_doubts(self) -> None:
        async with self._doubts:
            if not self._doubts_due:
                return
            self._doubts_due = False
            await check_doubts(
                self._sessions,
                self._adapters,
                clock=self._clock,
                mark=self._sender.mark,
                on_left=self.on_left_in_doubt,
                process=self._presence.id,
            )

    async def _start_due(self) -> float:
        """Start a worker for each due lane that has none and a free slot; returns how long
        until the next waiting lane is due (at most `IDLE_POLL`).

        The heads are read again only when something was queued without saying where, put off
        or left for later, or every `IDLE_POLL` seconds (for what other processes queue); a
        freed slot otherwise takes the next one read, and parts just queued here start their
        lanes without a look.
        """
        self._start_ready()
        moment = time.monotonic()
        tally = self._tally
        if tally.look or moment - self._looked_at >= IDLE_POLL:
            tally.look = False
            self._fresh.clear()  # the look finds them too: they were committed before the wake
            self._looked_at = moment
            only = None if self._only is None else self._only()
            async with self._sessions() as session:
                self._heads = await lane_heads(session, platforms=self._adapters, only=only)
        elif self._fresh:
            known = {head.lane for head in self._heads}
            fresh = [head for lane, head in self._fresh.items() if lane not in known]
            self._fresh.clear()
            self._heads = sorted(
                [*fresh, *self._heads], key=lambda head: (not head.answer, head.id)
            )
        now = self._clock.now()
        wait = IDLE_POLL
        waiting: list[Head] = []
        elsewhere = tally.elsewhere
        for lane, again in list(elsewhere.items()):
            if again <= moment:
                del elsewhere[lane]
        for head in self._heads:
            if head.not_before > now:
                wait = min(wait, (head.not_before - now).total_seconds())
            elif head.lane in elsewhere:
                wait = min(wait, elsewhere[head.lane] - moment)
            elif head.lane in self._lanes or self._reserved(head.lane):
                continue  # its worker sends it
            elif self._stopping or not self._has_slot(head):
                waiting.append(head)
                continue
            else:
                self._start(head)
                continue
            waiting.append(head)
        self._heads = waiting
        return max(0.05, min(wait, MAX_WAIT))

    def _has_ready(self) -> bool:
        return self.direct is not None and bool(self.direct.ready)

    def _reserved(self, lane: Lane) -> bool:
        direct = self.direct
        return direct is not None and (lane in direct.reserved or lane in direct.ready)

    def _busy(self, lane: Lane) -> bool:
        """Whether the lane has a worker here, or parts of it in hand (bot/delivery/direct.py)."""
        return lane in self._lanes or lane in self._fresh or lane in self._tally.elsewhere

    def _freed(self, lane: Lane) -> None:
        """A lane reserved for an answer was let go without it: parts queued for it meanwhile
        are found by the next look."""
        if self._tally.lane_news.pop(lane, None):
            self._tally.look = True
            self._wake.set()

    def _start_ready(self) -> None:
        """Start the lane worker of every committed answer (they are already claimed)."""
        direct = self.direct
        if direct is None or not direct.ready:
            return
        for lane in sorted(direct.ready, key=lambda lane: direct.ready[lane][0].id):
            if lane in self._lanes:
                continue  # cannot be: the lane was reserved since its claim
            if not self._stopping and not self._has_slot(Head(lane, 0, True, DUE)):
                break
            row, news = direct.ready.pop(lane)
            self._start(Head(lane, row.id, True, DUE), claimed=(row, news))

    def _has_slot(self, head: Head) -> bool:
        if head.answer:
            return self._answering < self._answer_slots
        busy = sum(
            1
            for lane, (_, answer) in self._lanes.items()
            if not answer and lane.platform == head.lane.platform
        )
        return busy < self._bulk_slots

    def _start(self, head: Head, *, claimed: tuple[Claimed, News] | None = None) -> None:
        work = self._work.work(head) if claimed is None else self._work.work_claimed(head, *claimed)
        task = asyncio.create_task(work, name=f"lane {head.lane.platform}")
        self._lanes[head.lane] = (task, head.answer)
        self._answering += head.answer

        def finished(done: asyncio.Task[int]) -> None:
            if self._lanes.get(head.lane, (None, False))[0] is done:
                del self._lanes[head.lane]
                self._answering -= head.answer
                tally = self._tally
                read = tally.read_at.pop(head.lane, None)
                if read is not None and read != tally.news_for(head.lane):
                    # queued while the worker was ending: the lane starts again
                    if read[0] != tally.queued:
                        tally.look = True
                    self._fresh.setdefault(head.lane, replace(head, not_before=DUE))
                tally.lane_news.pop(head.lane, None)
            if not done.cancelled() and done.exception() is not None:
                self._crash = done.exception()
            self._wake.set()  # a slot is free, and the lane may have more

        task.add_done_callback(finished)
