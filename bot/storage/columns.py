"""Column helpers shared by every practice's tables."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from bot.storage.models import UTCDateTime


def time_column(*, nullable: bool = False, index: bool = False, expires: bool = False) -> Any:
    """A time column; `expires` marks the time after which retention deletes the row."""
    info = {"expires": True} if expires else {}
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index, info=info))
