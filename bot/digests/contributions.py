"""What a practice may add to the digests: typed values, and the two capabilities that give them.

The digests ask every practice the bot was built with; a practice that offers
`ContributesToHuddleDigest` or `ContributesToStewardDigest` fills one or more parts of a digest
with the values below. A part no practice fills is left to the digest's own fallback (the plain
entries of that kind, or nothing). The digests never import a practice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Protocol, TypeVar, runtime_checkable

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.digests.sections import Shared

# -- the huddle digest ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BlockerLine:
    """A blocker as a circle's digest shows it: never who raised it. `number` is the one
    people act on (`blocker take N`)."""

    text: str
    number: int | None = None
    status: str | None = None
    age_days: int | None = None
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class BlockerReport:
    """A circle's blockers over a period: raised in it (and not closed in it), still open from
    before, and closed in it. Each blocker is in one of the three at most."""

    new: tuple[BlockerLine, ...] = ()
    open: tuple[BlockerLine, ...] = ()
    closed: tuple[BlockerLine, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryLine:
    """A story as far as its teller shared it; `author` only when they chose to be named."""

    text: str
    title: str | None = None
    author: str | None = None


@dataclass(frozen=True, slots=True)
class ExperimentLine:
    """One experiment's progress over a period: the stages it went through, beside its plan."""

    name: str
    number: int | None = None
    stages: tuple[str, ...] = ()
    prediction: str | None = None
    result: str | None = None
    decision: str | None = None
    updates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FactorLean:
    """How a factor leaned in a pulse, in words (for example Pace: Too much)."""

    label: str
    lean: str
    steady: bool = True
    """Whether it leaned "just right": the digests show first the circles where one did not."""


@dataclass(frozen=True, slots=True)
class FactorShift:
    """How a factor's leaning answer moved between the first and last pulse shown."""

    label: str
    first: str
    last: str


@dataclass(frozen=True, slots=True)
class PulseReading:
    """A circle's latest pulse in aggregate, and where factors moved since earlier pulses."""

    people: int
    factors: tuple[FactorLean, ...] = ()
    direction: tuple[FactorShift, ...] = ()


@dataclass(frozen=True, slots=True)
class SelectionLine:
    """A story a panel selected as the most significant change, and the reason it agreed."""

    text: str
    reason: str
    circle_name: str
    """The circle whose panel chose it."""
    title: str | None = None
    author: str | None = None
    below_circle: str | None = None
    """Where it was chosen first, when it was passed up."""
    below_reason: str | None = None


@dataclass(frozen=True, slots=True)
class HuddlePart:
    """What one practice fills in a circle's digest; None leaves a part to someone else."""

    blockers: BlockerReport | None = None
    stories: tuple[StoryLine, ...] | None = None
    experiments: tuple[ExperimentLine, ...] | None = None
    pulse: PulseReading | None = None
    selections: tuple[SelectionLine, ...] | None = None


SharedByKind = Mapping[str, Sequence[Shared]]
"""The entries a digest already read, by kind (at most the digest's sample of each)."""


@runtime_checkable
class ContributesToHuddleDigest(Protocol):
    """A practice that adds to a circle's huddle digest."""

    async def huddle_part(
        self,
        session: AsyncSession,
        *,
        circle_id: str,
        start: datetime,
        end: datetime,
        shared: SharedByKind,
    ) -> HuddlePart: ...


# -- the steward digest -----------------------------------------------------------------------


WAITING_SHOWN = 25
"""The most blockers waiting for a steward a digest lists (the oldest); the rest are counted."""


@dataclass(frozen=True, slots=True)
class WaitingBlocker:
    """A system blocker no steward has taken up yet."""

    text: str
    circle_id: str
    number: int | None = None
    age_days: int | None = None


@dataclass(frozen=True, slots=True)
class ClosedBlocker:
    """A blocker resolved or parked in the period, and whether its circle heard back."""

    text: str
    circle_id: str
    number: int | None = None
    status: str | None = None
    outcome: str | None = None
    reported_back: bool = False
    parked: bool = False
    """Put aside for now rather than resolved."""


@dataclass(frozen=True, slots=True)
class OverdueExperiment:
    """An experiment past its review date and not yet acted on."""

    name: str
    circle_id: str
    number: int | None = None
    stage: str | None = None
    days_overdue: int | None = None


@dataclass(frozen=True, slots=True)
class StewardStory:
    """A story shared with a circle or with the stewards."""

    text: str
    circle_id: str
    author: str | None = None


@dataclass(frozen=True, slots=True)
class SetMeeting:
    """A learning set that met: its name and how many took part, never what was said."""

    name: str
    participants: int


@dataclass(frozen=True, slots=True)
class CirclePulse:
    """A circle's pulse asked in the period, in aggregate."""

    circle_id: str
    circle_name: str
    people: int
    factors: tuple[FactorLean, ...] = ()


@dataclass(frozen=True, slots=True)
class StewardPart:
    """What one practice fills in the steward digest; None leaves a part to someone else.

    Items of circles the stewards may not see (learning sets) are left out by the digest."""

    waiting: tuple[WaitingBlocker, ...] | None = None
    """The oldest waiting blockers, up to `WAITING_SHOWN`."""
    waiting_total: int | None = None
    """How many blockers are waiting in all."""
    closed: tuple[ClosedBlocker, ...] | None = None
    overdue: tuple[OverdueExperiment, ...] | None = None
    stories: tuple[StewardStory, ...] | None = None
    learning_sets: tuple[SetMeeting, ...] | None = None
    pulses: tuple[CirclePulse, ...] | None = None
    selections: tuple[SelectionLine, ...] | None = None


@runtime_checkable
class ContributesToStewardDigest(Protocol):
    """A practice that adds to the stewards' weekly digest."""

    async def steward_part(
        self, session: AsyncSession, *, start: datetime, end: datetime
    ) -> StewardPart: ...


@runtime_checkable
class KnowsActivity(Protocol):
    """A practice in which people take part without making entries (answering a pulse): when
    each circle last did, so the steward digest does not call an active circle quiet."""

    async def last_activity(
        self, session: AsyncSession, circle_ids: Sequence[str]
    ) -> Mapping[str, datetime]: ...


@dataclass(frozen=True, slots=True)
class Contributors:
    """The practices a digest asks, in the order of the practices' list."""

    huddle: tuple[ContributesToHuddleDigest, ...] = field(default=())
    steward: tuple[ContributesToStewardDigest, ...] = field(default=())
    activity: tuple[KnowsActivity, ...] = field(default=())

    @classmethod
    def of(cls, practices: Sequence[object]) -> Contributors:
        """The contributors among `practices`: those offering any of the capabilities."""
        return cls(
            huddle=tuple(p for p in practices if isinstance(p, ContributesToHuddleDigest)),
            steward=tuple(p for p in practices if isinstance(p, ContributesToStewardDigest)),
            activity=tuple(p for p in practices if isinstance(p, KnowsActivity)),
        )


Part = TypeVar("Part", HuddlePart, StewardPart)


def first_given(kind: type[Part], parts: Iterable[Part]) -> Part:
    """One part from many: each field as the first practice (in the list's order) gave it."""
    found: dict[str, object] = {}
    for part in parts:
        for item in fields(part):
            value = getattr(part, item.name)
            if value is not None:
                found.setdefault(item.name, value)
    return kind(**found)  # type: ignore[arg-type]


async def huddle_parts(
    contributors: Contributors,
    session: AsyncSession,
    *,
    circle_id: str,
    start: datetime,
    end: datetime,
    shared: SharedByKind,
) -> HuddlePart:
    """What the practices add to one circle's digest, asked one after the other."""
    parts = [
        await practice.huddle_part(
            session, circle_id=circle_id, start=start, end=end, shared=shared
        )
        for practice in contributors.huddle
    ]
    return first_given(HuddlePart, parts)


async def steward_parts(
    contributors: Contributors, session: AsyncSession, *, start: datetime, end: datetime
) -> StewardPart:
    """What the practices add to the steward digest, asked one after the other."""
    parts = [
        await practice.steward_part(session, start=start, end=end)
        for practice in contributors.steward
    ]
    return first_given(StewardPart, parts)


async def last_activity(
    contributors: Contributors, session: AsyncSession, circle_ids: Sequence[str]
) -> dict[str, datetime]:
    """When each circle last took part in a practice that keeps no entries (latest of all)."""
    found: dict[str, datetime] = {}
    for practice in contributors.activity:
        for circle_id, when in (await practice.last_activity(session, circle_ids)).items():
            if circle_id not in found or when > found[circle_id]:
                found[circle_id] = when
    return found
