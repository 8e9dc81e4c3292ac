"""The features built on the core, each registered here explicitly, one line each.

A feature is an object with `register(router)` (its verbs, buttons and entry hooks) and `jobs()`
(its scheduled jobs, with stable ids). It gets what it needs through `Services`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


class Feature(Protocol):
    def register(self, router: Router) -> None: ...

    def jobs(self) -> list[JobSpec]: ...


def build_features(services: Services) -> list[Feature]:
    """Every feature, in the order their verbs should appear in help."""
    from bot.nominations import Nominations

    features: list[Feature] = [
        Nominations(services),
    ]
    return features
