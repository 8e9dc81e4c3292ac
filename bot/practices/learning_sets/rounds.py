"""A learning set's rounds as kept: who presents next, the round now open, what is said to the
set about a round, and what the stewards' digest may know (whether a set met, and how many took
part; never what was said)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import CircleConfig
from bot.core.events import Command, DirectMessage, InboundEvent
from bot.core.messages import Body, Button, Outgoing, ToCircle
from bot.core.router import Context
from bot.practices.learning_sets.models import LearningNote, LearningPass, LearningRound
from bot.rituals.timing import local
from bot.storage.models import Circle, Person

_NEVER = datetime(1970, 1, 1, tzinfo=UTC)
OPEN_PHASES = ("issue", "questions", "reflect")


async def set_activity(
    session: AsyncSession, *, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """For the stewards' digest: per learning set, whether it met in [start, end) (someone
    presented) and how many took part (spoke or passed). Nothing the set said, and no names."""
    circles = (
        await session.exec(
            select(Circle).where(Circle.kind == "learning_set").order_by(col(Circle.name))
        )
    ).all()
    found = []
    for circle in circles:
        met = (
            await session.exec(
                select(func.count())
                .select_from(LearningRound)
                .where(
                    LearningRound.circle_id == circle.id,
                    col(LearningRound.presented_at) >= start,
                    col(LearningRound.presented_at) < end,
                )
            )
        ).one()
        spoke = await session.exec(
            select(LearningNote.person_id)
            .join(LearningRound, col(LearningRound.id) == LearningNote.round_id)
            .where(
                LearningRound.circle_id == circle.id,
                col(LearningNote.created_at) >= start,
                col(LearningNote.created_at) < end,
            )
        )
        passed = await session.exec(
            select(LearningPass.person_id)
            .join(LearningRound, col(LearningRound.id) == LearningPass.round_id)
            .where(
                LearningRound.circle_id == circle.id,
                col(LearningPass.passed_at) >= start,
                col(LearningPass.passed_at) < end,
            )
        )
        people = len(set(spoke.all()) | set(passed.all()))
        found.append(
            {"circle_id": circle.id, "name": circle.name, "met": bool(met), "participants": people}
        )
    return found


async def choose_presenter(
    session: AsyncSession, circle_id: str, candidates: list[int], *, skip: set[int]
) -> int | None:
    """Who presented least recently (never first); ties go to the lowest person id."""
    query = (
        select(LearningRound.presenter_id, func.max(LearningRound.presented_at))
        .where(LearningRound.circle_id == circle_id, col(LearningRound.presented_at).is_not(None))
        .group_by(col(LearningRound.presenter_id))
    )
    last = {person: when for person, when in (await session.exec(query)).all() if when is not None}
    pool = [person for person in candidates if person not in skip]
    if not pool:
        return None
    return min(pool, key=lambda person: (last.get(person) or _NEVER, person))


async def name_of(session: AsyncSession, person_id: int | None) -> str:
    """A member's display name, or "someone"."""
    person = await session.get(Person, person_id) if person_id is not None else None
    return person.display_name if person is not None else "someone"


async def active_round(session: AsyncSession, circle_id: str) -> LearningRound | None:
    """The set's round still open, if any."""
    query = (
        select(LearningRound)
        .where(LearningRound.circle_id == circle_id, col(LearningRound.phase).in_(OPEN_PHASES))
        .order_by(col(LearningRound.id).desc())
    )
    return (await session.exec(query)).first()


def invite(
    circle: CircleConfig,
    row: LearningRound,
    template: str,
    context: dict[str, Any],
    *,
    key: str,
) -> Outgoing:
    """A notice to the set asking the presenter in, with a button to pass."""
    return Outgoing(
        to=ToCircle(circle.id),
        body=Body(template, context),
        key=f"learning_set:{row.id}:{key}",
        kind="notice",
        buttons=(Button("set_pass", str(row.id), "Pass this time"),),
    )


async def round_context(
    session: AsyncSession, circle: CircleConfig, row: LearningRound
) -> dict[str, Any]:
    """What every message about a round can say: the set, the round, who presents, until when."""
    return {
        "circle": {"id": circle.id, "name": circle.name},
        "number": row.number,
        "presenter": await name_of(session, row.presenter_id),
        "until": local(row.phase_ends_at, circle.timezone),
    }


async def asked_about(session: AsyncSession, row: LearningRound) -> int | None:
    """Who this round asks how their action went (the earlier presenter), if anyone."""
    if row.follow_up_of is None:
        return None
    earlier = await session.get(LearningRound, row.follow_up_of)
    return earlier.presenter_id if earlier is not None else None


async def round_for(ctx: Context, event: InboundEvent) -> LearningRound | None:
    """The round `event` speaks to: its set's room's round, or, privately, the round where
    the sender presents (or is asked how their action went)."""
    if ctx.circle is not None:
        if ctx.circle.kind != "learning_set":
            return None
        return await active_round(ctx.session, ctx.circle.id)
    if not isinstance(event, DirectMessage | Command):
        return None
    me = ctx.who.person_id
    presenting = await ctx.session.exec(
        select(LearningRound)
        .where(
            LearningRound.presenter_id == me,
            col(LearningRound.phase).in_(OPEN_PHASES),
        )
        .order_by(col(LearningRound.id).desc())
    )
    found = presenting.first()
    if found is not None:
        return found
    waiting = await ctx.session.exec(
        select(LearningRound).where(
            LearningRound.phase == "issue",
            LearningRound.followed_up == False,  # noqa: E712
            col(LearningRound.follow_up_of).is_not(None),
        )
    )
    for row in waiting.all():
        if await asked_about(ctx.session, row) == me:
            return row
    return None
