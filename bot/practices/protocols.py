"""What a practice is to the bot: a small base, and capabilities it may offer besides.

The base is `Practice`: a name, `register(router)` for its verbs, buttons and entry hooks, and
`jobs()` for its scheduled jobs. A `PracticeKind` builds one from `Services`; the kinds, one a
line, make the list in `bot.practices.registry`. Everything else is optional and asked with
`isinstance` on the runtime-checkable protocols below (as the core asks adapters about
`ConfirmsDelivery`):

    ContributesToHuddleDigest    adds typed parts to a circle's digest   (bot.digests.contributions)
    ContributesToStewardDigest   adds typed parts to the steward digest  (bot.digests.contributions)
    UsesDigests                  renders digests itself, so it is told who contributes to them
    HasCommands                  (on the kind) adds `huddlebot` sub-commands
    HasConfigSection             (on the kind) reads and checks its own tables of circles
    HasPartnershipSettings       (on the kind) reads and checks its own keys of [partnership]
    DescribesEntries             adds what it knows of entries of its kind to `huddlebot export`
    HasTimers                    says what its kinds of timer do            (bot.rituals.timers)
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.router import Router
from bot.digests.contributions import (
    ContributesToHuddleDigest,
    ContributesToStewardDigest,
    Contributors,
)
from bot.practices.services import Services
from bot.rituals.scheduler import JobSpec
from bot.rituals.timers import Timers

__all__ = [
    "CliCommand",
    "ContributesToHuddleDigest",
    "ContributesToStewardDigest",
    "DescribesEntries",
    "EntryDetail",
    "HasCommands",
    "HasConfigSection",
    "HasPartnershipSettings",
    "HasTimers",
    "Practice",
    "PracticeKind",
    "UsesDigests",
]

CommandRunner = Callable[[argparse.Namespace], Coroutine[Any, Any, int]]
"""A `huddlebot` sub-command: takes the parsed arguments, returns the exit status."""


class Practice(Protocol):
    """A practice as the running bot holds it."""

    @property
    def name(self) -> str: ...

    def register(self, router: Router) -> None:
        """Register the practice's verbs, buttons and entry hooks on the router."""
        ...

    def jobs(self) -> list[JobSpec]:
        """The practice's scheduled jobs, with ids stable across restarts."""
        ...


class PracticeKind(Protocol):
    """What the practices' list holds: a practice's class, named, built from the services."""

    @property
    def name(self) -> str: ...

    def __call__(self, services: Services) -> Practice: ...


@runtime_checkable
class UsesDigests(Protocol):
    """A practice that renders digests itself (data rights renders archived ones again)."""

    def use_digests(self, contributors: Contributors) -> None: ...


@dataclass(frozen=True, slots=True)
class CliCommand:
    """One `huddlebot` sub-command a practice adds: its parser and what runs it."""

    name: str
    add_parser: Callable[[Any], None]
    """Adds the command's parser to the `huddlebot` sub-parsers (argparse's action object)."""
    run: CommandRunner


@runtime_checkable
class HasCommands(Protocol):
    """A practice kind that adds `huddlebot` sub-commands."""

    @property
    def commands(self) -> tuple[CliCommand, ...]: ...


@runtime_checkable
class HasPartnershipSettings(Protocol):
    """A practice kind with settings of its own among the keys of `[partnership]`.

    The practice reads them when it is built (`bot.config.practice_settings.partnership_number`); a
    key of `[partnership]` that neither the core nor a practice in the list reads is refused."""

    @property
    def partnership_settings(self) -> tuple[str, ...]: ...


@runtime_checkable
class HasConfigSection(Protocol):
    """A practice kind that reads its own `[circles.<name>]` tables of the configuration file.

    The practice reads and checks them when it is built (raising `ConfigError` with the file,
    the key and the fix); a circle table that no practice in the list claims is refused."""

    @property
    def config_sections(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class EntryDetail:
    """What a practice adds to one of its entries in a circle's export."""

    title: str = ""
    dimensions: tuple[str, ...] = ()
    """Labels, in the words people chose them by."""
    direction: str = ""
    selections: tuple[str, ...] = ()
    """Where a panel chose it as the most significant change, and the reason agreed."""

    def merged(self, other: EntryDetail) -> EntryDetail:
        """What two practices say of one entry, together: each field as the first gave it."""
        return EntryDetail(
            title=self.title or other.title,
            dimensions=self.dimensions or other.dimensions,
            direction=self.direction or other.direction,
            selections=(*self.selections, *other.selections),
        )


@runtime_checkable
class DescribesEntries(Protocol):
    """A practice that keeps more about some entries than the entry itself (a story's title)."""

    async def describe_entries(
        self, session: AsyncSession, entry_ids: Sequence[int]
    ) -> Mapping[int, EntryDetail]:
        """Details of those of `entry_ids` it knows, by entry id; withdrawn ones are left out."""
        ...


@runtime_checkable
class HasTimers(Protocol):
    """A practice with one-off moments (a round's close) kept as timers in the database.

    It registers what each of its kinds of timer does (`timers.handle(kind, handler)`), once, as
    it registers its verbs; it sets them with `Services.timers.set` in a unit of work."""

    def register_timers(self, timers: Timers) -> None: ...
