"""What every feature gets from the composition root, and what a feature must offer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.config.partnership import Config
from bot.core.clock import Clock
from bot.core.lookups import Memo
from bot.core.router import Router
from bot.core.runtime import Runtime
from bot.rituals.scheduler import JobScheduler, JobSpec
from bot.storage.database import SessionFactory
from bot.text.library import PromptLibrary


@dataclass(frozen=True, slots=True)
class Services:
    """What the composition root hands every feature."""

    config: Config
    runtime: Runtime
    """Every change and every message goes through one of its transactions."""
    sessions: SessionFactory
    """For reading only."""
    library: PromptLibrary
    clock: Clock
    scheduler: JobScheduler
    memo: Memo
    data_dir: Path
    """The settings' data folder: exports and the erasure log live under it."""


class Feature(Protocol):
    """Registers its verbs, buttons and entry hooks; offers its scheduled jobs."""

    def register(self, router: Router) -> None: ...

    def jobs(self) -> list[JobSpec]: ...
