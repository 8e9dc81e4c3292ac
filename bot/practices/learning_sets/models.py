"""A learning set's tables: its rounds, who passed, and what was said.

What a learning set says stays in these tables (never in `entries`), so no digest, export or
search built on entries can carry it out of the set.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.storage.columns import time_column
from bot.storage.references import not_personal, person_ref


class LearningRound(SQLModel, table=True):
    """One round of an action learning set: a presenter, an issue, questions, an action."""

    __tablename__ = "learning_rounds"
    __table_args__ = (sa.UniqueConstraint("circle_id", "scheduled_for", name="uq_learning_round"),)

    id: int | None = Field(default=None, primary_key=True)
    circle_id: str = Field(foreign_key="circles.id", index=True)
    number: int = not_personal()
    scheduled_for: datetime = time_column(expires=True)
    """Past the retention period the round goes, with its notes and passes."""
    presenter_id: int | None = person_ref(None, foreign_key=True, words=("action",))
    """Erasing the presenter blanks the action they committed to; the round stays."""
    phase: str = Field(default="issue", max_length=16)
    """issue | questions | reflect | closed"""
    phase_ends_at: datetime = time_column()
    presented_at: datetime | None = time_column(nullable=True)
    """When the presenter described their issue: a round with one really met."""
    action: str = ""
    follow_up_of: int | None = Field(default=None, foreign_key="learning_rounds.id")
    """The previous round, whose presenter is asked how their action went."""
    followed_up: bool = False
    closed_at: datetime | None = time_column(nullable=True)


class LearningPass(SQLModel, table=True):
    """A member who passed on presenting in one round."""

    __tablename__ = "learning_passes"
    __table_args__ = (sa.UniqueConstraint("round_id", "person_id", name="uq_learning_pass"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="learning_rounds.id", index=True)
    person_id: int = person_ref(foreign_key=True)
    passed_at: datetime = time_column()


class LearningNote(SQLModel, table=True):
    """Something said in a round: an issue, a question, a reflection, an action, a follow-up."""

    __tablename__ = "learning_notes"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="learning_rounds.id", index=True)
    person_id: int = person_ref(foreign_key=True, index=True)
    """Not nullable, so erasing a person (`erasure = "erase"`) deletes their words here too."""
    kind: str = Field(max_length=16)
    """issue | question | answer | reflection | action | follow_up | note"""
    text: str
    advice: bool = False
    """A contribution to the questions phase that read as advice (kept, and nudged privately)."""
    platform: str = Field(default="", max_length=32)
    source_ref: str = Field(default="", max_length=256)
    created_at: datetime = time_column(index=True)
