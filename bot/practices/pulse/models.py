"""Pulse tables: each check a circle was asked, and each person's answer to it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.storage.columns import time_column
from bot.storage.references import not_personal, person_ref


class PulseCheck(SQLModel, table=True):
    """One Goldilocks pulse asked of a circle."""

    __tablename__ = "pulse_checks"
    __table_args__ = (sa.UniqueConstraint("circle_id", "scheduled_for", name="uq_pulse_check"),)

    id: int | None = Field(default=None, primary_key=True)
    circle_id: str = Field(foreign_key="circles.id", index=True)
    scheduled_for: datetime = time_column()
    closes_at: datetime = time_column()
    threshold: int = not_personal(3)
    reported: bool = False


class PulseAnswer(SQLModel, table=True):
    """One person's answer on one factor of one pulse; answering again updates it."""

    __tablename__ = "pulse_answers"
    __table_args__ = (
        sa.UniqueConstraint("pulse_id", "person_id", "factor", name="uq_pulse_answer"),
        sa.Index("ix_pulse_answers_pulse_answered", "pulse_id", "answered_at"),
    )
    """A pulse's answers by time: when a circle last took part is one step per pulse."""

    id: int | None = Field(default=None, primary_key=True)
    pulse_id: int = Field(foreign_key="pulse_checks.id", index=True)
    person_id: int = person_ref(foreign_key=True, index=True)
    factor: str = Field(max_length=16)
    answer: str = Field(max_length=16)
    """too_little | just_right | too_much"""
    answered_at: datetime = time_column(expires=True)
