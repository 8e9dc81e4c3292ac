"""The experiments' page of the web view: each chain of PDSA cycles as a timeline, the
prediction beside the result, the leads and the review dates, for the circles the person may
see. Read in four queries whatever the number of experiments."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from bot.practices.experiments.ledger import (
    DECISION_LABELS,
    STAGE_LABELS,
    days_overdue,
    display_names,
    experiment_dict,
)
from bot.practices.experiments.models import Experiment, ExperimentLead, ExperimentUpdate
from bot.web.pages import Page, Reading

SHOWN = 30
"""Chains shown, those with a running cycle first."""
DUE_DAYS = 7


async def read(reading: Reading) -> dict[str, Any]:
    session = reading.session
    circles = [c.id for c in reading.circles()]
    query = select(Experiment).where(col(Experiment.circle_id).in_(circles))
    experiments = list((await session.exec(query.order_by(col(Experiment.id)))).all())
    ids = [e.id for e in experiments]
    leads: dict[int, list[int]] = defaultdict(list)
    updates: dict[int, list[ExperimentUpdate]] = defaultdict(list)
    if ids:
        found = select(ExperimentLead).where(col(ExperimentLead.experiment_id).in_(ids))
        for lead in (await session.exec(found)).all():
            leads[lead.experiment_id].append(lead.person_id)
        told = (
            select(ExperimentUpdate)
            .where(col(ExperimentUpdate.experiment_id).in_(ids))
            .order_by(col(ExperimentUpdate.created_at), col(ExperimentUpdate.id))
        )
        for update in (await session.exec(told)).all():
            updates[update.experiment_id].append(update)
    people = {p for found in leads.values() for p in found}
    names = await display_names(session, sorted(people))
    today = reading.now.date()
    by_id = {e.id: e for e in experiments}
    chains: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for experiment in experiments:
        first = experiment
        while first.previous_id in by_id and first.previous_id != first.id:
            first = by_id[first.previous_id]
        late = days_overdue(experiment, today)
        chains[first.id].append(
            {
                **experiment_dict(experiment),
                "decision_label": DECISION_LABELS.get(experiment.decision, ""),
                "circle_name": reading.circle_name(experiment.circle_id),
                "leads": [names.get(p, "someone") for p in leads[experiment.id or 0]],
                "review": experiment.review_date,
                "overdue": late > 0 and experiment.stage != "act",
                "due": -DUE_DAYS <= late <= 0 and experiment.stage != "act",
                "history": [
                    {"stage_label": STAGE_LABELS[u.stage], "text": u.text, "on": u.created_at}
                    for u in updates[experiment.id or 0]
                ],
            }
        )
    listed = sorted(
        chains.values(),
        key=lambda chain: (chain[-1]["stage"] == "act", -(chain[-1]["id"] or 0)),
    )
    due = [c for chain in listed for c in chain if c["due"] or c["overdue"]]
    return {
        "chains": listed[:SHOWN],
        "more": max(0, len(listed) - SHOWN),
        "due": due,
        "due_until": today + timedelta(days=DUE_DAYS),
    }


def experiment_pages() -> tuple[Page, ...]:
    return (Page("experiments", "Experiments", read, order=40),)
