"""What every feature gets from the composition root, and what a feature must offer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.clock import Clock
from bot.config import Config
from bot.database import SessionFactory
from bot.memo import Memo
from bot.outbox import Outbox
from bot.prompts import PromptLibrary
from bot.router import Router
from bot.scheduling import JobScheduler, JobSpec


@dataclass(frozen=True, slots=True)
class Services:
    """What the composition root hands every feature."""

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


class Feature(Protocol):
    """Registers its verbs, buttons and entry hooks; offers its scheduled jobs."""

    def register(self, router: Router) -> None: ...

    def jobs(self) -> list[JobSpec]: ...
