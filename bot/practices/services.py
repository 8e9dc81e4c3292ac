"""What every practice gets from the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.config.partnership import Config
from bot.core.clock import Clock
from bot.core.lookups import Memo
from bot.core.runtime import Runtime
from bot.rituals.scheduler import JobScheduler
from bot.rituals.timers import Timers
from bot.storage.database import SessionFactory
from bot.text.library import PromptLibrary


@dataclass(frozen=True, slots=True)
class Services:
    """What the composition root hands every practice."""

    config: Config
    runtime: Runtime
    """Every change and every message goes through one of its transactions."""
    sessions: SessionFactory
    """For reading only."""
    library: PromptLibrary
    clock: Clock
    scheduler: JobScheduler
    timers: Timers
    """One-off moments kept in the database (a round's close); a practice sets them in the unit
    of work that needs them and says what they do with `HasTimers`."""
    memo: Memo
    data_dir: Path
    """The settings' data folder: exports and the erasure log live under it."""
