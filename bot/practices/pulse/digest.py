"""What the pulse practice adds to the digests: how the Goldilocks factors leaned, in aggregate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.digests.contributions import (
    CirclePulse,
    FactorLean,
    FactorShift,
    HuddlePart,
    PulseReading,
    SharedByKind,
    StewardPart,
)
from bot.practices.pulse.models import PulseAnswer, PulseCheck
from bot.practices.pulse.trend import latest_of_each_circle, pulse_trend

RECENT = timedelta(days=2)
"""A pulse asked this long before a digest's period still counts as news in it."""


def _leans(pulse: dict[str, Any]) -> tuple[FactorLean, ...]:
    return tuple(
        FactorLean(label=f["label"], lean=f["lean_label"], steady=f["lean"] == "just_right")
        for f in pulse["factors"]
        if f["shown"]
    )


def _is_new(pulse: dict[str, Any], start: datetime) -> bool:
    asked = pulse.get("asked_at")
    return not (isinstance(asked, datetime) and asked < start - RECENT)


class PulseInDigests:
    """The pulse practice's digest capabilities."""

    async def last_activity(
        self, session: AsyncSession, circle_ids: Sequence[str]
    ) -> Mapping[str, datetime]:
        """When someone in each circle last answered a pulse: taking part, without an entry."""
        if not circle_ids:
            return {}
        # each pulse's latest answer is one step in the (pulse, time) index
        last_answer = (
            select(func.max(PulseAnswer.answered_at))
            .where(col(PulseAnswer.pulse_id) == col(PulseCheck.id))
            .correlate(PulseCheck)
            .scalar_subquery()
        )
        query = (
            select(PulseCheck.circle_id, func.max(last_answer))
            .where(col(PulseCheck.circle_id).in_(list(circle_ids)))
            .group_by(col(PulseCheck.circle_id))
        )
        found: dict[str, datetime] = {}
        for circle_id, latest in (await session.exec(query)).all():
            if latest is None:
                continue
            if isinstance(latest, str):  # SQLite hands MAX() back as text, untyped
                latest = datetime.fromisoformat(latest)
            found[circle_id] = latest if latest.tzinfo else latest.replace(tzinfo=UTC)
        return found

    async def huddle_part(
        self,
        session: AsyncSession,
        *,
        circle_id: str,
        start: datetime,
        end: datetime,
        shared: SharedByKind,
    ) -> HuddlePart:
        """The circle's latest pulse, when one closed in the period, and where factors moved."""
        found = await pulse_trend(session, circle_id=circle_id, now=end)
        if not found or not found["pulses"]:
            return HuddlePart()
        latest = found["pulses"][-1]
        if not _is_new(latest, start):
            return HuddlePart()  # nothing new since the last digest
        several = len(found["pulses"]) > 1
        return HuddlePart(
            pulse=PulseReading(
                people=latest.get("people", 0),
                factors=_leans(latest),
                direction=tuple(
                    FactorShift(label=d["label"], first=d["first"], last=d["last"])
                    for d in found["direction"]
                    if several and d["first"] != d["last"]
                ),
            )
        )

    async def steward_part(
        self, session: AsyncSession, *, start: datetime, end: datetime
    ) -> StewardPart:
        """Each circle's latest pulse asked in the period (or just before it), in aggregate."""
        found = await latest_of_each_circle(session, since=start - RECENT, now=end)
        return StewardPart(
            pulses=tuple(
                CirclePulse(
                    circle_id=p["circle_id"],
                    circle_name=p["circle_name"],
                    people=p.get("people", 0),
                    factors=_leans(p),
                )
                for p in found
            )
        )
