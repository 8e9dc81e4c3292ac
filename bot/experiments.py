"""Experiments: a PDSA ledger. Plan with a prediction, Do, Study against it, Act on it.

An experiment is jointly owned by its leads. Each stage carries an update, stored both in the
ledger and as an `experiment_update` entry so that it reaches the huddle digest. A daily job
nudges the leads on the review date, then at most weekly while the review is overdue.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models_experiments import Experiment, ExperimentUpdate

log = logging.getLogger(__name__)

STAGE_LABELS = {"plan": "Plan", "do": "Do", "study": "Study", "act": "Act"}


def experiment_dict(experiment: Experiment) -> dict[str, Any]:
    return {
        "id": experiment.id,
        "title": experiment.title,
        "circle_id": experiment.circle_id,
        "stage": experiment.stage,
        "stage_label": STAGE_LABELS[experiment.stage],
        "prediction": experiment.prediction,
        "result": experiment.result,
        "decision": experiment.decision,
        "review_date": experiment.review_date.isoformat(),
        "previous_id": experiment.previous_id,
    }


def days_overdue(experiment: Experiment, today: date) -> int:
    return (today - experiment.review_date).days


async def experiment_digest(
    session: AsyncSession, *, circle_id: str, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Each stage update of a circle's experiments in [start, end), oldest first."""
    query = (
        select(ExperimentUpdate, Experiment)
        .join(Experiment, col(Experiment.id) == col(ExperimentUpdate.experiment_id))
        .where(
            Experiment.circle_id == circle_id,
            col(ExperimentUpdate.created_at) >= start,
            col(ExperimentUpdate.created_at) < end,
        )
        .order_by(col(ExperimentUpdate.created_at), col(ExperimentUpdate.id))
    )
    rows = (await session.exec(query)).all()
    return [
        {
            **experiment_dict(experiment),
            "stage": update.stage,
            "stage_label": STAGE_LABELS[update.stage],
            "update": update.text,
            "at": update.created_at,
        }
        for update, experiment in rows
    ]


async def experiments_overdue(session: AsyncSession, *, now: datetime) -> list[dict[str, Any]]:
    """Experiments past their review date and not yet acted on, most overdue first."""
    today = now.date()
    query = (
        select(Experiment)
        .where(col(Experiment.review_date) < today, Experiment.stage != "act")
        .order_by(col(Experiment.review_date), col(Experiment.id))
    )
    return [
        {**experiment_dict(e), "days_overdue": days_overdue(e, today)}
        for e in (await session.exec(query)).all()
    ]
