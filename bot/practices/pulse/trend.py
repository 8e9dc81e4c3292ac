"""Pulse results in aggregate: the tally of one pulse, and the trend across recent pulses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.practices.pulse.models import PulseAnswer, PulseCheck
from bot.storage.models import Circle

FACTORS = {"pace": "Pace", "power": "Power", "clarity": "Clarity", "shape": "Shape"}
ANSWERS = {"too_little": "Too little", "just_right": "Just right", "too_much": "Too much"}
TREND_PULSES = 6
"""How many recent pulses a trend covers."""


def tally_of(answers: list[PulseAnswer], threshold: int) -> dict[str, Any]:
    """Counts per factor and answer, hidden for a factor with fewer than `threshold` answers."""
    people = {a.person_id for a in answers}
    factors = []
    for factor, label in FACTORS.items():
        mine = [a.answer for a in answers if a.factor == factor]
        counts = {answer: mine.count(answer) for answer in ANSWERS}
        shown = len(mine) >= threshold
        lean = max(ANSWERS, key=lambda a: (counts[a], a == "just_right")) if shown else None
        factors.append(
            {
                "factor": factor,
                "label": label,
                "answered": len(mine),
                "shown": shown,
                "counts": counts if shown else None,
                "lean": lean,
                "lean_label": ANSWERS[lean] if lean else None,
            }
        )
    return {"people": len(people), "threshold": threshold, "factors": factors}


async def answers_to(session: AsyncSession, pulse_id: int) -> list[PulseAnswer]:
    query = select(PulseAnswer).where(PulseAnswer.pulse_id == pulse_id)
    return list((await session.exec(query)).all())


async def pulse_trend(
    session: AsyncSession, *, circle_id: str | None, now: datetime
) -> dict[str, Any] | None:
    """The recent closed pulses of one circle (or of every circle), in aggregate, oldest first.

    None when no closed pulse has a factor answered by enough people to show. Each pulse gives
    `factors` (label, answered, shown, counts per answer or None, lean); `direction` says per
    factor how its leaning answer moved between the first and last pulse shown.
    """
    query = select(PulseCheck, Circle.name).join(Circle, col(Circle.id) == PulseCheck.circle_id)
    query = query.where(col(PulseCheck.closes_at) <= now)
    if circle_id is not None:
        query = query.where(PulseCheck.circle_id == circle_id)
    query = query.order_by(col(PulseCheck.scheduled_for).desc(), col(PulseCheck.id).desc())
    rows = list((await session.exec(query.limit(TREND_PULSES))).all())
    pulses = []
    for pulse, name in reversed(rows):
        assert pulse.id is not None
        tally = tally_of(await answers_to(session, pulse.id), pulse.threshold)
        if not any(f["shown"] for f in tally["factors"]):
            continue
        pulses.append(
            {
                "circle_id": pulse.circle_id,
                "circle_name": name,
                "asked_at": pulse.scheduled_for,
                **tally,
            }
        )
    if not pulses:
        return None
    direction = []
    for factor, label in FACTORS.items():
        leans = [
            f["lean"] for p in pulses for f in p["factors"] if f["factor"] == factor and f["lean"]
        ]
        if leans:
            direction.append(
                {
                    "factor": factor,
                    "label": label,
                    "first": ANSWERS[leans[0]],
                    "last": ANSWERS[leans[-1]],
                    "leans": [ANSWERS[lean] for lean in leans],
                }
            )
    return {"circle_id": circle_id, "pulses": pulses, "direction": direction}
