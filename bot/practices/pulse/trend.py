"""Pulse results in aggregate: the tally of one pulse, and the trend across recent pulses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import distinct, func
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
    counts: dict[str, dict[str, int]] = {}
    for a in answers:
        mine = counts.setdefault(a.factor, {})
        mine[a.answer] = mine.get(a.answer, 0) + 1
    return tally_from(counts, people=len({a.person_id for a in answers}), threshold=threshold)


def tally_from(
    counts: Mapping[str, Mapping[str, int]], *, people: int, threshold: int
) -> dict[str, Any]:
    """The tally of one pulse from its answers counted per factor and answer (`counts`), and
    how many people answered it."""
    factors = []
    for factor, label in FACTORS.items():
        found = counts.get(factor, {})
        answered = sum(found.values())
        tallied = {answer: found.get(answer, 0) for answer in ANSWERS}
        shown = answered >= threshold
        lean = max(ANSWERS, key=lambda a: (tallied[a], a == "just_right")) if shown else None
        factors.append(
            {
                "factor": factor,
                "label": label,
                "answered": answered,
                "shown": shown,
                "counts": tallied if shown else None,
                "lean": lean,
                "lean_label": ANSWERS[lean] if lean else None,
            }
        )
    return {"people": people, "threshold": threshold, "factors": factors}


async def tallies(session: AsyncSession, pulses: Sequence[PulseCheck]) -> dict[int, dict[str, Any]]:
    """Each pulse's tally, counted by the database in one query whatever their number: the
    answers per factor and answer, and (in rows with no factor) the people who answered."""
    ids = [p.id for p in pulses if p.id is not None]
    if not ids:
        return {}
    mine = col(PulseAnswer.pulse_id).in_(ids)
    counted = (
        sa.select(
            col(PulseAnswer.pulse_id),
            col(PulseAnswer.factor),
            col(PulseAnswer.answer),
            func.count(),
        )
        .where(mine)
        .group_by(col(PulseAnswer.pulse_id), col(PulseAnswer.factor), col(PulseAnswer.answer))
    )
    nobody = sa.literal("", sa.String())
    people = (
        sa.select(
            col(PulseAnswer.pulse_id),
            nobody,
            nobody,
            func.count(distinct(col(PulseAnswer.person_id))),
        )
        .where(mine)
        .group_by(col(PulseAnswer.pulse_id))
    )
    counts: dict[int, dict[str, dict[str, int]]] = {}
    answered: dict[int, int] = {}
    both = sa.union_all(counted, people)
    for pulse_id, factor, answer, number in await session.exec(both):  # type: ignore[call-overload]
        if factor:
            counts.setdefault(pulse_id, {}).setdefault(factor, {})[answer] = int(number)
        else:
            answered[pulse_id] = int(number)
    return {
        p.id: tally_from(counts.get(p.id, {}), people=answered.get(p.id, 0), threshold=p.threshold)
        for p in pulses
        if p.id is not None
    }


async def answers_to(session: AsyncSession, pulse_id: int) -> list[PulseAnswer]:
    query = select(PulseAnswer).where(PulseAnswer.pulse_id == pulse_id)
    return list((await session.exec(query)).all())


async def latest_of_each_circle(
    session: AsyncSession, *, since: datetime, now: datetime
) -> list[dict[str, Any]]:
    """Each circle's latest pulse asked from `since` and closed by `now`, in aggregate, by
    circle id: one pulse a circle, however many circles there are (two queries). A circle whose
    latest pulse has no factor answered by enough people to show is left out."""
    newest = func.row_number().over(
        partition_by=col(PulseCheck.circle_id),
        order_by=(col(PulseCheck.scheduled_for).desc(), col(PulseCheck.id).desc()),
    )
    ranked = (
        select(col(PulseCheck.id).label("id"), newest.label("rn"))
        .where(col(PulseCheck.scheduled_for) >= since, col(PulseCheck.closes_at) <= now)
        .subquery()
    )
    query = (
        select(PulseCheck, Circle.name)
        .join(ranked, ranked.c.id == col(PulseCheck.id))
        .join(Circle, col(Circle.id) == col(PulseCheck.circle_id))
        .where(ranked.c.rn == 1)
        .order_by(col(PulseCheck.circle_id))
    )
    rows = list((await session.exec(query)).all())
    tallied = await tallies(session, [pulse for pulse, _name in rows])
    found = []
    for pulse, name in rows:
        assert pulse.id is not None
        tally = tallied[pulse.id]
        if any(f["shown"] for f in tally["factors"]):
            found.append(
                {
                    "circle_id": pulse.circle_id,
                    "circle_name": name,
                    "asked_at": pulse.scheduled_for,
                    **tally,
                }
            )
    return found


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
    tallied = await tallies(session, [pulse for pulse, _name in rows])
    pulses = []
    for pulse, name in reversed(rows):
        assert pulse.id is not None
        tally = tallied[pulse.id]
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
