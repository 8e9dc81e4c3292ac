"""System Maturity Model tables: rounds, private scores, and the scores a circle agreed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.storage.columns import time_column
from bot.storage.references import not_personal, person_ref


class MaturityRound(SQLModel, table=True):
    """One System Maturity Model round of a circle: private scores, a reveal, agreed scores."""

    __tablename__ = "maturity_rounds"

    id: int | None = Field(default=None, primary_key=True)
    circle_id: str = Field(foreign_key="circles.id", index=True)
    opened_at: datetime = time_column()
    closes_at: datetime = time_column()
    closed_at: datetime | None = time_column(nullable=True)
    threshold: int = not_personal(3)
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
    person_id: int = person_ref(foreign_key=True, index=True)
    dimension: str = Field(max_length=32)
    score: int = not_personal()
    reason: str = ""
    scored_at: datetime = time_column(expires=True)


class MaturityAgreed(SQLModel, table=True):
    """The score a group agreed for one dimension in one round, and why."""

    __tablename__ = "maturity_agreed"
    __table_args__ = (sa.UniqueConstraint("round_id", "dimension", name="uq_maturity_agreed"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="maturity_rounds.id", index=True)
    dimension: str = Field(max_length=32)
    score: int = not_personal()
    reason: str = ""
    agreed_at: datetime = time_column()
