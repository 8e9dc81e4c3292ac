"""The experiments ledger: PDSA cycles, their leads and each stage's update.

Entries and people are referred to by id without foreign keys, so erasing a person or an entry
(data rights) never trips over the ledger; what is shown always joins back to what still exists.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.storage.models import UTCDateTime
from bot.storage.references import entry_ref, not_personal, person_ref

STAGES = ("plan", "do", "study", "act")
DECISIONS = ("adopt", "adapt", "abandon")


def _when(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


class Experiment(SQLModel, table=True):
    """One PDSA cycle, jointly owned by its leads; `previous_id` links it to the cycle before."""

    __tablename__ = "experiments"

    id: int | None = Field(default=None, primary_key=True)
    circle_id: str = Field(foreign_key="circles.id", index=True)
    title: str = Field(max_length=200)
    prediction: str
    stage: str = Field(default="plan", max_length=16)
    result: str = ""
    decision: str = Field(default="", max_length=16)
    review_date: date = Field(sa_column=sa.Column(sa.Date(), nullable=False, index=True))
    previous_id: int | None = not_personal(None, index=True)
    created_by: int | None = person_ref(None)
    created_at: datetime = _when()
    updated_at: datetime = _when()
    nudged_at: datetime | None = _when(nullable=True)
    """When the leads were last reminded of the review date."""


class ExperimentLead(SQLModel, table=True):
    __tablename__ = "experiment_leads"
    __table_args__ = (sa.UniqueConstraint("experiment_id", "person_id", name="uq_experiment_lead"),)

    id: int | None = Field(default=None, primary_key=True)
    experiment_id: int = Field(foreign_key="experiments.id", index=True)
    person_id: int = person_ref(index=True)


class ExperimentUpdate(SQLModel, table=True):
    """What a lead said at one stage; `entry_id` is the matching `experiment_update` entry."""

    __tablename__ = "experiment_updates"

    id: int | None = Field(default=None, primary_key=True)
    experiment_id: int = Field(foreign_key="experiments.id", index=True)
    stage: str = Field(max_length=16)
    text: str
    person_id: int | None = person_ref(None)
    entry_id: int | None = entry_ref(None, index=True)
    created_at: datetime = _when(index=True)
