"""The experiment ledger: reading experiments, their leads and history, and recording stages.

Each stage update is stored both in the ledger and as an `experiment_update` entry, so that it
reaches the huddle digest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.entries import NewEntry, store_entry
from bot.core.events import InboundEvent
from bot.core.router import Context
from bot.practices.experiments.models import Experiment, ExperimentLead, ExperimentUpdate
from bot.storage.models import Identity, Membership, Person

STAGE_LABELS = {"plan": "Plan", "do": "Do", "study": "Study", "act": "Act"}
DECISION_LABELS = {"adopt": "adopt", "adapt": "adapt", "abandon": "abandon"}


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


# -- people --------------------------------------------------------------------------------------


def _handle(token: str) -> str:
    """`@ana`, `<@U123|ana>` or `ana,` as the bare name or id it stands for."""
    token = token.strip().strip(",;").removeprefix("<").removesuffix(">").lstrip("@")
    return token.split("|", 1)[0].strip().lower()


async def resolve_leads(
    session: AsyncSession, circle_id: str, handles: list[str]
) -> tuple[list[int], list[str]]:
    """People named by display name, first name or platform user id (`@ana`, a Slack
    mention); and the names that match nobody, or more than one person. A name is looked for
    among the circle's members first, then among everyone the bot knows (who can join the
    circle as a lead)."""
    query = (
        select(Person, Identity)
        .join(Identity, col(Identity.person_id) == col(Person.id))
        .where(col(Person.erased_at).is_(None))
    )
    everyone = (await session.exec(query)).all()
    members = set(
        (
            await session.exec(
                select(Membership.person_id).where(Membership.circle_id == circle_id)
            )
        ).all()
    )
    in_circle = [(p, i) for p, i in everyone if p.id in members]
    found: list[int] = []
    unknown: list[str] = []
    for raw in handles:
        person_id = _match(in_circle, raw) or _match(everyone, raw)
        if person_id is None:
            unknown.append(raw.strip())
        elif person_id not in found:
            found.append(person_id)
    return [p for p in found if p], unknown


def _match(rows: Sequence[tuple[Person, Identity]], raw: str) -> int | None:
    """The one person of `rows` that `raw` names, if exactly one."""
    wanted = _handle(raw)
    if not wanted:
        return None
    exact = {
        person.id
        for person, identity in rows
        if wanted
        in {
            person.display_name.lower(),
            identity.display_name.lower(),
            identity.user_id.lower(),
        }
    }
    if not exact:
        exact = {
            person.id
            for person, _ in rows
            if person.display_name.lower().split(" ", 1)[0] == wanted
        }
    return exact.pop() if len(exact) == 1 else None


async def set_leads(session: AsyncSession, experiment_id: int, leads: list[int]) -> None:
    """Hand an experiment to `leads`, in that order, in place of its leads so far."""
    await session.exec(
        delete(ExperimentLead).where(col(ExperimentLead.experiment_id) == experiment_id)
    )
    for person_id in leads:
        session.add(ExperimentLead(experiment_id=experiment_id, person_id=person_id))
    await session.flush()


async def lead_ids(session: AsyncSession, experiment_id: int) -> list[int]:
    query = (
        select(ExperimentLead.person_id)
        .where(ExperimentLead.experiment_id == experiment_id)
        .order_by(col(ExperimentLead.id))
    )
    return list((await session.exec(query)).all())


async def display_names(session: AsyncSession, person_ids: list[int]) -> dict[int, str]:
    if not person_ids:
        return {}
    query = select(Person).where(col(Person.id).in_(person_ids))
    return {
        p.id: (p.display_name if p.erased_at is None else "someone")
        for p in (await session.exec(query)).all()
        if p.id is not None
    }


async def experiment_view(session: AsyncSession, experiment: Experiment) -> dict[str, Any]:
    """An experiment with its leads, its history and its linked cycles, for show and the CLI."""
    assert experiment.id is not None
    leads = await lead_ids(session, experiment.id)
    updates = (
        await session.exec(
            select(ExperimentUpdate)
            .where(ExperimentUpdate.experiment_id == experiment.id)
            .order_by(col(ExperimentUpdate.created_at), col(ExperimentUpdate.id))
        )
    ).all()
    names = await display_names(session, [*leads, *(u.person_id for u in updates if u.person_id)])
    following = (
        await session.exec(select(Experiment.id).where(Experiment.previous_id == experiment.id))
    ).first()
    return {
        **experiment_dict(experiment),
        "decision_label": DECISION_LABELS.get(experiment.decision, ""),
        "leads": [names.get(p, "someone") for p in leads],
        "next_id": following,
        "history": [
            {
                "stage_label": STAGE_LABELS[u.stage],
                "text": u.text,
                "by": names.get(u.person_id, "") if u.person_id else "",
                "on": u.created_at.date().isoformat(),
            }
            for u in updates
        ],
    }


async def experiments_in(
    session: AsyncSession, circle_ids: list[str] | None
) -> list[dict[str, Any]]:
    """Experiments of some circles (None: all), those still running first, newest first."""
    query = select(Experiment)
    if circle_ids is not None:
        query = query.where(col(Experiment.circle_id).in_(circle_ids))
    query = query.order_by(col(Experiment.id).desc())
    found = list((await session.exec(query)).all())
    found.sort(key=lambda e: e.stage == "act")
    listed = []
    for experiment in found:
        assert experiment.id is not None
        leads = await lead_ids(session, experiment.id)
        names = await display_names(session, leads)
        listed.append(
            {
                **experiment_dict(experiment),
                "decision_label": DECISION_LABELS.get(experiment.decision, ""),
                "leads": [names.get(p, "someone") for p in leads],
            }
        )
    return listed


# -- recording -----------------------------------------------------------------------------------


async def create_experiment(
    ctx: Context,
    event: InboundEvent,
    *,
    circle_id: str,
    title: str,
    prediction: str,
    leads: list[int],
    review: date,
    previous_id: int | None,
) -> Experiment:
    experiment = Experiment(
        circle_id=circle_id,
        title=title,
        prediction=prediction,
        stage="plan",
        review_date=review,
        previous_id=previous_id,
        created_by=ctx.who.person_id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(experiment)
    await ctx.session.flush()
    assert experiment.id is not None
    for person_id in leads:
        ctx.session.add(ExperimentLead(experiment_id=experiment.id, person_id=person_id))
    await record_stage(ctx, event, experiment, "plan", f"We expect: {prediction}")
    return experiment


async def record_stage(
    ctx: Context, event: InboundEvent, experiment: Experiment, stage: str, text: str
) -> None:
    """One stage update: in the ledger, and as an entry for the circle's digest."""
    stored = await store_entry(
        ctx,
        event,
        NewEntry(
            circle_id=experiment.circle_id,
            person_id=ctx.who.person_id,
            kind="experiment_update",
            text=f"{experiment.title} ({STAGE_LABELS[stage]}): {text}",
        ),
    )
    # what the entry hooks have to say goes out with whatever the verb answers
    ctx.tx.send(stored.messages)
    entry_id = stored.saved.entry_id
    ctx.session.add(
        ExperimentUpdate(
            experiment_id=experiment.id or 0,
            stage=stage,
            text=text,
            person_id=ctx.who.person_id,
            entry_id=entry_id,
            created_at=ctx.now,
        )
    )
    experiment.stage = stage
    experiment.updated_at = ctx.now
    ctx.session.add(experiment)
