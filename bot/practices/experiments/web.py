"""The experiments' page of the web view: each chain of PDSA cycles as a timeline, the
prediction beside the result, the leads and the review dates, for the circles the person may
see, a page of chains at a time. Read in four queries whatever the number of experiments: which
chains there are from the ids and stages alone, then everything about the page's chains (and
the experiments due for review) only."""

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
from bot.web.paging import PAGE, Paging

SHOWN = 10
"""Chains to a page, those with a running cycle first."""
DUE_DAYS = 7


def _chains(rows: list[tuple[int, int | None, str]]) -> list[list[int]]:
    """The experiments' ids as chains of cycles (each in id order), running chains first and
    then the newest: from (id, previous id, stage) in id order."""
    previous = {number: before for number, before, _stage in rows}
    stage = {number: now for number, _before, now in rows}
    chains: dict[int, list[int]] = {}
    for number, _before, _stage in rows:
        first, seen = number, {number}
        while (before := previous.get(first)) in previous and before not in seen:
            assert before is not None
            first = before
            seen.add(first)
        chains.setdefault(first, []).append(number)
    return sorted(chains.values(), key=lambda chain: (stage[chain[-1]] == "act", -chain[-1]))


async def read(reading: Reading) -> dict[str, Any]:
    session = reading.session
    circles = [c.id for c in reading.circles()]
    today = reading.now.date()
    light = (
        select(
            col(Experiment.id),
            col(Experiment.previous_id),
            col(Experiment.stage),
            col(Experiment.review_date),
        )
        .where(col(Experiment.circle_id).in_(circles))
        .order_by(col(Experiment.id))
    )
    rows = [(n, before, stage, review) for n, before, stage, review in (await session.exec(light))]
    listed = _chains([(n, before, stage) for n, before, stage, _review in rows if n is not None])
    paging = Paging.of(reading.query.get(PAGE), size=SHOWN, total=len(listed))
    shown = listed[paging.offset : paging.offset + paging.size]
    on_page = [n for chain in shown for n in chain]
    due_ids = [
        n
        for n, _before, stage, review in rows
        if stage != "act" and (today - review).days >= -DUE_DAYS and n is not None
    ]
    wanted = sorted(set(on_page) | set(due_ids))
    experiments: dict[int, Experiment] = {}
    leads: dict[int, list[int]] = defaultdict(list)
    updates: dict[int, list[ExperimentUpdate]] = defaultdict(list)
    if wanted:
        found = select(Experiment).where(col(Experiment.id).in_(wanted))
        experiments = {e.id: e for e in (await session.exec(found)).all() if e.id is not None}
    if on_page:
        named = select(ExperimentLead).where(col(ExperimentLead.experiment_id).in_(on_page))
        for lead in (await session.exec(named)).all():
            leads[lead.experiment_id].append(lead.person_id)
        told = (
            select(ExperimentUpdate)
            .where(col(ExperimentUpdate.experiment_id).in_(on_page))
            .order_by(col(ExperimentUpdate.created_at), col(ExperimentUpdate.id))
        )
        for update in (await session.exec(told)).all():
            updates[update.experiment_id].append(update)
    names = await display_names(session, sorted({p for found in leads.values() for p in found}))

    def cycle(number: int) -> dict[str, Any]:
        experiment = experiments[number]
        late = days_overdue(experiment, today)
        return {
            **experiment_dict(experiment),
            "decision_label": DECISION_LABELS.get(experiment.decision, ""),
            "circle_name": reading.circle_name(experiment.circle_id),
            "leads": [names.get(p, "someone") for p in leads[number]],
            "review": experiment.review_date,
            "overdue": late > 0 and experiment.stage != "act",
            "due": -DUE_DAYS <= late <= 0 and experiment.stage != "act",
            "history": [
                {"stage_label": STAGE_LABELS[u.stage], "text": u.text, "on": u.created_at}
                for u in updates[number]
            ],
        }

    order = {n: i for i, n in enumerate(n for chain in listed for n in chain)}
    return {
        "chains": [[cycle(n) for n in chain] for chain in shown],
        "paging": paging.links("/app/experiments", reading.query),
        "due": [cycle(n) for n in sorted(due_ids, key=order.__getitem__)],
        "due_until": today + timedelta(days=DUE_DAYS),
    }


def experiment_pages() -> tuple[Page, ...]:
    return (Page("experiments", "Experiments", read, order=40),)
