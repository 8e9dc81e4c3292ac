"""Tables of the reflective practices: action learning sets, maturity rounds and pulse checks.

What a learning set says stays in these tables (never in `entries`), so no digest, export or
search built on entries can carry it out of the set.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.models import UTCDateTime


def _at(*, nullable: bool = False, index: bool = False, expires: bool = False) -> Any:
    """A time column; `expires` marks the time after which retention deletes the row."""
    info = {"expires": True} if expires else {}
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index, info=info))


class LearningRound(SQLModel, table=True):
    """One round of an action learning set: a presenter, an issue, questions, an action."""

    __tablename__ = "learning_rounds"
    __table_args__ = (sa.UniqueConstraint("circle_id", "scheduled_for", name="uq_learning_round"),)

    id: int | None = Field(default=None, primary_key=True)
    circle_id: str = Field(foreign_key="circles.id", index=True)
    number: int
    scheduled_for: datetime = _at(expires=True)
    """Past the retention period the round goes, with its notes and passes."""
    presenter_id: int | None = Field(
        default=None, foreign_key="people.id", sa_column_kwargs={"info": {"words": ("action",)}}
    )
    """`words`: the columns holding what this person wrote, blanked when they are erased."""
    phase: str = Field(default="issue", max_length=16)
    """issue | questions | reflect | closed"""
    phase_ends_at: datetime = _at()
    presented_at: datetime | None = _at(nullable=True)
    """When the presenter described their issue: a round with one really met."""
    action: str = ""
    follow_up_of: int | None = Field(default=None, foreign_key="learning_rounds.id")
    """The previous round, whose presenter is asked how their action went."""
    followed_up: bool = False
    closed_at: datetime | None = _at(nullable=True)


class LearningPass(SQLModel, table=True):
    """A member who passed on presenting in one round."""

    __tablename__ = "learning_passes"
    __table_args__ = (sa.UniqueConstraint("round_id", "person_id", name="uq_learning_pass"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="learning_rounds.id", index=True)
    person_id: int = Field(foreign_key="people.id")
    passed_at: datetime = _at()


class LearningNote(SQLModel, table=True):
    """Something said in a round: an issue, a question, a reflection, an action, a follow-up."""

    __tablename__ = "learning_notes"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="learning_rounds.id", index=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    """Not nullable, so erasing a person (`erasure = "erase"`) deletes their words here too."""
    kind: str = Field(max_length=16)
    """issue | question | answer | reflection | action | follow_up | note"""
    text: str
    advice: bool = False
    """A contribution to the questions phase that read as advice (kept, and nudged privately)."""
    platform: str = Field(default="", max_length=32)
    source_ref: str = Field(default="", max_length=256)
    created_at: datetime = _at(index=True)


class MaturityRound(SQLModel, table=True):
    """One System Maturity Model round of a circle: private scores, a reveal, agreed scores."""

    __tablename__ = "maturity_rounds"

    id: int | None = Field(default=None, primary_key=True)
    circle_id: str = Field(foreign_key="circles.id", index=True)
    opened_at: datetime = _at()
    closes_at: datetime = _at()
    closed_at: datetime | None = _at(nullable=True)
    threshold: int = 3
    """The fewest scorers whose spread may be shown for a dimension."""
    focus: str = ""
    """The dimensions the group chose to work on next, space separated."""


class MaturityScore(SQLModel, table=True):
    """One person's private score of one dimension in one round; scoring again updates it."""

    __tablename__ = "maturity_scores"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "person_id", "dimension", name="uq_maturity_score"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="maturity_rounds.id", index=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    dimension: str = Field(max_length=32)
    score: int
    reason: str = ""
    scored_at: datetime = _at(expires=True)


class MaturityAgreed(SQLModel, table=True):
    """The score a group agreed for one dimension in one round, and why."""

    __tablename__ = "maturity_agreed"
    __table_args__ = (sa.UniqueConstraint("round_id", "dimension", name="uq_maturity_agreed"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="maturity_rounds.id", index=True)
    dimension: str = Field(max_length=32)
    score: int
    reason: str = ""
    agreed_at: datetime = _at()


class PulseCheck(SQLModel, table=True):
    """One Goldilocks pulse asked of a circle."""

    __tablename__ = "pulse_checks"
    __table_args__ = (sa.UniqueConstraint("circle_id", "scheduled_for", name="uq_pulse_check"),)

    id: int | None = Field(default=None, primary_key=True)
    circle_id: str = Field(foreign_key="circles.id", index=True)
    scheduled_for: datetime = _at()
    closes_at: datetime = _at()
    threshold: int = 3
    reported: bool = False


class PulseAnswer(SQLModel, table=True):
    """One person's answer on one factor of one pulse; answering again updates it."""

    __tablename__ = "pulse_answers"
    __table_args__ = (
        sa.UniqueConstraint("pulse_id", "person_id", "factor", name="uq_pulse_answer"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pulse_id: int = Field(foreign_key="pulse_checks.id", index=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    factor: str = Field(max_length=16)
    answer: str = Field(max_length=16)
    """too_little | just_right | too_much"""
    answered_at: datetime = _at(expires=True)
