"""What posting a digest did: the messages it queued, or why it queued none."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.core.messages import Outgoing

Skipped = Literal["already", "nothing_new"]
"""already: this period's digest was posted before; nothing_new: nothing new to tell."""


@dataclass(frozen=True, slots=True)
class Posting:
    """A digest for (start, end]: queued as `outgoing`, or `skipped` and why."""

    start: datetime
    end: datetime
    outgoing: tuple[Outgoing, ...] = ()
    skipped: Skipped | None = None
    queued: int = 0
    """How many message parts the outbox queued (set once the unit of work is left)."""
