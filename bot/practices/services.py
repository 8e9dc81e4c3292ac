"""What every practice gets from the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.config.partnership import Config
from bot.core.clock import Clock
from bot.core.lookups import Memo
from bot.core.outbox import Outbox
from bot.rituals.scheduler import JobScheduler
from bot.storage.database import SessionFactory
from bot.text.library import PromptLibrary


@dataclass(frozen=True, slots=True)
class Services:
    """What the composition root hands every practice."""

    config: Config
    sessions: SessionFactory
    outbox: Outbox
    library: PromptLibrary
    clock: Clock
    scheduler: JobScheduler
    memo: Memo
    wake: Callable[[], None]
    data_dir: Path
    """The settings' data folder: exports and the erasure log live under it."""
