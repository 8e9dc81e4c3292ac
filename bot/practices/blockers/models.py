"""Blockers: one record per blocker entry, its kind, its status and each change with its note.

The text lives in the entry (`entry_id`, no foreign key so that erasing an entry is never held
up); a blocker whose entry is gone is no longer shown anywhere.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.storage.models import UTCDateTime
from bot.storage.references import entry_ref, person_ref

TASK = "task"
SYSTEM_KINDS = ("rules", "funding", "power", "relationships", "capacity", "information")
KINDS = (TASK, *SYSTEM_KINDS)
STATUSES = ("open", "taken", "resolved", "parked")
CLOSED = ("resolved", "parked")


def _when(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


class Blocker(SQLModel, table=True):
    __tablename__ = "blockers"
    __table_args__ = (sa.Index("ix_blockers_status_raised", "status", "raised_at"),)
    """The blockers of one status, oldest first: those waiting for a steward, without reading
    every blocker ever raised."""

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref(unique=True)
    circle_id: str = Field(foreign_key="circles.id", index=True)
    kind: str = Field(default="", max_length=16)
    """One of KINDS, or empty until someone says which kind it is."""
    status: str = Field(default="open", max_length=16, index=True)
    note: str = ""
    raised_by: int | None = person_ref(None)
    taken_by: int | None = person_ref(None)
    raised_at: datetime = _when(index=True)
    changed_at: datetime = _when()
    closed_at: datetime | None = _when(nullable=True, index=True)
    flagged_at: datetime | None = _when(nullable=True)
    reported_at: datetime | None = _when(nullable=True)
    """When the report back to the circle where it was raised was queued."""


class BlockerChange(SQLModel, table=True):
    __tablename__ = "blocker_changes"

    id: int | None = Field(default=None, primary_key=True)
    blocker_id: int = Field(foreign_key="blockers.id", index=True)
    status: str = Field(max_length=16)
    note: str = ""
    person_id: int | None = person_ref(None)
    at: datetime = _when()
