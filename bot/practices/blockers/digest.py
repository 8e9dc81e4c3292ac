"""What the blockers practice adds to the digests: a circle's blockers, and the stewards' queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.digests.contributions import (
    WAITING_SHOWN,
    BlockerLine,
    BlockerReport,
    ClosedBlocker,
    HuddlePart,
    SharedByKind,
    StewardPart,
    WaitingBlocker,
)
from bot.digests.sections import Shared
from bot.practices.blockers.models import Blocker
from bot.practices.blockers.records import (
    blocker_digest,
    blockers_awaiting_stewards,
    blockers_closed_between,
)


def _line(record: dict[str, Any]) -> BlockerLine:
    return BlockerLine(
        text=record["text"],
        number=record["number"],
        status=record["status_label"],
        age_days=record["age_days"],
        outcome=record["note"] or None,
    )


async def _untracked(session: AsyncSession, raised: list[Shared]) -> list[Shared]:
    """Blocker entries with no blocker record (named before blockers were kept), in one query."""
    if not raised:
        return []
    first, last = raised[0].id, raised[-1].id
    query = select(Blocker.entry_id).where(
        col(Blocker.entry_id) >= min(first, last), col(Blocker.entry_id) <= max(first, last)
    )
    tracked = set((await session.exec(query)).all())
    return [e for e in raised if e.id not in tracked]


class BlockersInDigests:
    """The blockers practice's digest capabilities."""

    async def huddle_part(
        self,
        session: AsyncSession,
        *,
        circle_id: str,
        start: datetime,
        end: datetime,
        shared: SharedByKind,
    ) -> HuddlePart:
        """New, still open and closed blockers; blocker entries without a record count as new."""
        found = await blocker_digest(session, circle_id=circle_id, start=start, end=end)
        untracked = await _untracked(session, list(shared.get("blocker", ())))
        return HuddlePart(
            blockers=BlockerReport(
                new=(
                    *(_line(r) for r in found["new"]),
                    *(BlockerLine(text=e.text, number=e.id) for e in untracked),
                ),
                open=tuple(_line(r) for r in found["open"]),
                closed=tuple(_line(r) for r in found["closed"]),
            )
        )

    async def steward_part(
        self, session: AsyncSession, *, start: datetime, end: datetime
    ) -> StewardPart:
        """System blockers waiting for a steward, and those closed in the period."""
        waiting, waiting_total = await blockers_awaiting_stewards(
            session, now=end, limit=WAITING_SHOWN
        )
        closed = await blockers_closed_between(session, start=start, end=end)
        return StewardPart(
            waiting=tuple(
                WaitingBlocker(
                    text=r["text"],
                    circle_id=r["circle_id"],
                    number=r["number"],
                    age_days=r["age_days"],
                )
                for r in waiting
            ),
            waiting_total=waiting_total,
            closed=tuple(
                ClosedBlocker(
                    text=r["text"],
                    circle_id=r["circle_id"],
                    number=r["number"],
                    status=r["status_label"],
                    outcome=r["note"] or None,
                    reported_back=r["reported_back"],
                    parked=r["status"] == "parked",
                )
                for r in closed
            ),
        )
