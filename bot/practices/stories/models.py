"""What a teller adds to a story beyond the entry itself: a title and their own description.

The entry (`bot.storage.models.Entry`, kind "story") holds the text, who may see it and whether
it is named; each choice is a `bot.storage.models.Consent`. This side table holds the rest, one
row a story.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.storage.models import UTCDateTime
from bot.storage.references import entry_ref


def _when(*, nullable: bool = False) -> Any:
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable))


class StoryDetail(SQLModel, table=True):
    """A story's title, the maturity dimensions it touches and which way things went."""

    __tablename__ = "story_details"

    entry_id: int = entry_ref(foreign_key=True, primary_key=True)
    title: str = Field(default="", max_length=200)
    dimensions: str = ""
    """Comma-separated keys from `stories.practice.DIMENSIONS`, as the teller chose them."""
    direction: str = Field(default="", max_length=16)
    """better | worse | mixed, or empty until the teller says."""
    withdrawn_at: datetime | None = _when(nullable=True)
    changed_at: datetime = _when()
