"""The pulse page of the web view: for one circle, each Goldilocks factor's answers over the
last 12 or 52 weeks as a chart, only for the pulses where enough people answered that factor.
Stewards may choose any circle the steward digest shows pulses of; members their own."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from bot.practices.pulse.models import PulseAnswer, PulseCheck
from bot.practices.pulse.trend import ANSWERS, FACTORS
from bot.web.charts import stacked_bars
from bot.web.pages import Page, Reading

SPANS = (12, 52)


async def read(reading: Reading) -> dict[str, Any]:
    session = reading.session
    circles = reading.circles()
    weeks = 52 if reading.query.get("weeks") == "52" else 12
    if not circles:
        return {"circles": [], "circle": None, "factors": [], "weeks": weeks, "spans": SPANS}
    chosen = next((c for c in circles if c.id == reading.query.get("circle")), circles[0])
    query = (
        select(PulseCheck)
        .where(
            PulseCheck.circle_id == chosen.id,
            col(PulseCheck.closes_at) <= reading.now,
            col(PulseCheck.scheduled_for) > reading.now - timedelta(weeks=weeks),
        )
        .order_by(col(PulseCheck.scheduled_for), col(PulseCheck.id))
    )
    pulses = list((await session.exec(query)).all())
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    if pulses:
        tally = (
            select(PulseAnswer.pulse_id, PulseAnswer.factor, PulseAnswer.answer, func.count())
            .where(col(PulseAnswer.pulse_id).in_([p.id for p in pulses]))
            .group_by(col(PulseAnswer.pulse_id), col(PulseAnswer.factor), col(PulseAnswer.answer))
        )
        for pulse_id, factor, answer, number in (await session.exec(tally)).all():
            counts[(pulse_id, factor)][answer] = int(number)
    labels = [p.scheduled_for.date().isoformat() for p in pulses]
    factors = []
    for factor, label in FACTORS.items():
        parts: dict[str, list[int | None]] = {name: [] for name in ANSWERS.values()}
        shown = 0
        for pulse in pulses:
            assert pulse.id is not None
            found = counts.get((pulse.id, factor), {})
            enough = sum(found.values()) >= max(pulse.threshold, reading.threshold)
            shown += enough
            for answer, name in ANSWERS.items():
                parts[name].append(found.get(answer, 0) if enough else None)
        if not shown:
            continue
        summary = (
            f"{label}: {shown} of {len(pulses)} pulses in the last {weeks} weeks had enough "
            "answers to show. Each bar counts the answers too little, just right and too much."
        )
        chart = stacked_bars(
            f"{label}, last {weeks} weeks", labels=labels, parts=parts, summary=summary
        )
        factors.append({"factor": factor, "label": label, "chart": chart})
    return {
        "circles": [{"id": c.id, "name": c.name} for c in circles],
        "circle": {"id": chosen.id, "name": chosen.name},
        "factors": factors,
        "pulses": len(pulses),
        "weeks": weeks,
        "spans": SPANS,
        "threshold": reading.threshold,
    }


def pulse_pages() -> tuple[Page, ...]:
    return (Page("pulse", "Pulse", read, order=70),)
