"""The erasure log: which people asked to be forgotten, by id only, so it can be applied again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.storage.models import UTCDateTime
from bot.storage.references import person_ref


def _when() -> Any:
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=False))


class Erasure(SQLModel, table=True):
    """One application of a person's erasure (again after a restore: another row)."""

    __tablename__ = "erasures"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = person_ref(index=True)
    """Deliberately not a foreign key: the log outlives what it points at. Retention and erasure
    leave this table alone (`bot.storage.retention.NEVER_TOUCHED`)."""
    mode: str = Field(max_length=16)
    """anonymise | erase, as the partnership's policy said at the time."""
    applied_at: datetime = _when()
