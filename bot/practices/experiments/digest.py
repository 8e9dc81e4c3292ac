"""What the experiments practice adds to the digests: progress by stage, and overdue reviews."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.digests.contributions import (
    ExperimentLine,
    HuddlePart,
    OverdueExperiment,
    SharedByKind,
    StewardPart,
)
from bot.digests.sections import FEW
from bot.practices.experiments.ledger import experiment_digest, experiments_overdue
from bot.practices.experiments.models import Experiment, ExperimentUpdate
from bot.practices.protocols import EntryDetail


@dataclass(slots=True)
class _Progress:
    """One experiment's updates gathered so far, while a period's stage updates are read."""

    name: str
    number: int
    prediction: str | None = None
    result: str | None = None
    decision: str | None = None
    stages: list[str] = field(default_factory=list)
    updates: list[str] = field(default_factory=list)

    def add(self, record: dict[str, Any]) -> None:
        self.prediction = record["prediction"] or None
        self.result = record["result"] or None
        self.decision = record["decision"] or None
        stage, label, text = record["stage"], record["stage_label"], record["update"]
        if label and label not in self.stages:
            self.stages.append(label)
        # the plan's update restates the prediction, and the act's the decision
        restated = stage == "plan" or (stage == "act" and self.decision)
        said = (self.prediction, self.result)
        if text and not restated and text not in said and len(self.updates) < FEW:
            self.updates.append(str(text))

    def line(self) -> ExperimentLine:
        return ExperimentLine(
            name=self.name,
            number=self.number,
            stages=tuple(self.stages),
            prediction=self.prediction,
            result=self.result,
            decision=self.decision,
            updates=tuple(self.updates),
        )


def progress(records: list[dict[str, Any]]) -> tuple[ExperimentLine, ...]:
    """Stage updates grouped by experiment: the stages each went through, beside its plan."""
    found: dict[int, _Progress] = {}
    for record in records:
        shown = found.setdefault(record["id"], _Progress(name=record["title"], number=record["id"]))
        shown.add(record)
    return tuple(p.line() for p in found.values())


class ExperimentsInDigests:
    """The experiments practice's digest and export capabilities."""

    async def describe_entries(
        self, session: AsyncSession, entry_ids: Sequence[int]
    ) -> Mapping[int, EntryDetail]:
        """For `huddlebot export`: which experiment each update is about, by its number."""
        if not entry_ids:
            return {}
        query = (
            select(ExperimentUpdate.entry_id, Experiment.id, Experiment.title)
            .join(Experiment, col(Experiment.id) == col(ExperimentUpdate.experiment_id))
            .where(col(ExperimentUpdate.entry_id).in_(list(entry_ids)))
        )
        return {
            entry_id: EntryDetail(title=f"{title} (experiment #{number})")
            for entry_id, number, title in (await session.exec(query)).all()
            if entry_id is not None
        }

    async def huddle_part(
        self,
        session: AsyncSession,
        *,
        circle_id: str,
        start: datetime,
        end: datetime,
        shared: SharedByKind,
    ) -> HuddlePart:
        """How the circle's experiments moved in the period."""
        found = await experiment_digest(session, circle_id=circle_id, start=start, end=end)
        return HuddlePart(experiments=progress(found))

    async def steward_part(
        self, session: AsyncSession, *, start: datetime, end: datetime
    ) -> StewardPart:
        """Experiments past their review date and not yet acted on."""
        return StewardPart(
            overdue=tuple(
                OverdueExperiment(
                    name=r["title"],
                    circle_id=r["circle_id"],
                    number=r["id"],
                    stage=r["stage_label"],
                    days_overdue=r["days_overdue"],
                )
                for r in await experiments_overdue(session, now=end)
            )
        )
