"""The maturity page of the web view: for one of the person's circles, each System Maturity Model
dimension over the rounds: how many scored and the range (only from the anonymity threshold
up), the score the group agreed, and the focus it chose. Scores stay private: no single score is
ever shown, only a range from enough people."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import distinct, func
from sqlmodel import col, select

from bot.practices.maturity.dimensions import DIMENSIONS
from bot.practices.maturity.models import MaturityAgreed, MaturityRound, MaturityScore
from bot.web.charts import line_chart
from bot.web.pages import Page, Reading

ROUNDS = 24
"""The latest rounds shown."""


async def read(reading: Reading) -> dict[str, Any]:
    session = reading.session
    # maturity rounds are not in the steward digest: a person sees only their own circles'
    circles = [c for c in reading.config.circles if c.id in reading.viewer.circles]
    if not circles:
        return {"circles": [], "circle": None, "rounds": [], "dimensions": []}
    chosen = next((c for c in circles if c.id == reading.query.get("circle")), circles[0])
    query = (
        select(MaturityRound)
        .where(MaturityRound.circle_id == chosen.id, col(MaturityRound.closed_at).is_not(None))
        .order_by(col(MaturityRound.opened_at).desc(), col(MaturityRound.id).desc())
        .limit(ROUNDS)
    )
    rounds = list(reversed((await session.exec(query)).all()))
    ids = [r.id for r in rounds]
    spreads: dict[tuple[int, str], tuple[int, int, int]] = {}
    agreed: dict[tuple[int, str], int] = {}
    if ids:
        scored = (
            sa.select(
                col(MaturityScore.round_id),
                col(MaturityScore.dimension),
                func.count(distinct(col(MaturityScore.person_id))),
                func.min(col(MaturityScore.score)),
                func.max(col(MaturityScore.score)),
            )
            .where(col(MaturityScore.round_id).in_(ids))
            .group_by(col(MaturityScore.round_id), col(MaturityScore.dimension))
        )
        rows = (await session.exec(scored)).all()  # type: ignore[call-overload]
        for round_id, dimension, people, low, high in rows:
            spreads[(round_id, dimension)] = (int(people), int(low), int(high))
        found = select(MaturityAgreed).where(col(MaturityAgreed.round_id).in_(ids))
        for row in (await session.exec(found)).all():
            agreed[(row.round_id, row.dimension)] = row.score
    labels = [r.opened_at.date().isoformat() for r in rounds]
    dimensions = []
    for key, label in DIMENSIONS.items():
        cells: list[dict[str, Any]] = []
        for round_ in rounds:
            assert round_.id is not None
            people, low, high = spreads.get((round_.id, key), (0, 0, 0))
            enough = people >= max(round_.threshold, reading.threshold)
            cells.append(
                {
                    "count": people if enough else None,
                    "range": f"{low} to {high}" if enough else None,
                    "agreed": agreed.get((round_.id, key)),
                }
            )
        if not any(c["agreed"] is not None or c["count"] for c in cells):
            continue
        scores: list[float | None] = [c["agreed"] for c in cells]
        shown = [s for s in scores if s is not None]
        summary = (
            f"{label}: the agreed score went from {shown[0]} to {shown[-1]} over "
            f"{len(shown)} rounds."
            if shown
            else f"{label}: no agreed score yet."
        )
        chart = line_chart(
            f"{label}: agreed score by round",
            labels=labels,
            series={"Agreed score": scores},
            low=1,
            high=5,
            summary=summary,
        )
        dimensions.append({"key": key, "label": label, "cells": cells, "chart": chart})
    focus = [
        {"on": r.opened_at, "focus": [DIMENSIONS.get(k, k) for k in r.focus.split()]}
        for r in rounds
        if r.focus
    ]
    return {
        "circles": [{"id": c.id, "name": c.name} for c in circles],
        "circle": {"id": chosen.id, "name": chosen.name},
        "rounds": [{"on": r.opened_at} for r in rounds],
        "dimensions": dimensions,
        "focus": focus,
        "threshold": reading.threshold,
    }


def maturity_pages() -> tuple[Page, ...]:
    return (Page("maturity", "Maturity", read, order=60),)
