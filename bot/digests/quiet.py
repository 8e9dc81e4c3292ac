"""Quiet: circles nobody has shared in or taken part in for `quiet_weeks`, and a quiet week.

A quiet week means nothing happened at all: no entry shared with the stewards or a circle, no
pulse, no learning set meeting, nothing for a steward to see (`quiet_week`). A week when people
shared a little that forms no theme yet is not quiet; the digest says so rather than calling it
quiet.

A circle is heard from when someone makes an entry in it or takes part in a practice that keeps
no entries (answering a pulse). A circle never heard from counts from when it first appeared in
the configuration, so a circle added minutes ago is not quiet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import CircleConfig
from bot.digests.contributions import Contributors, last_activity
from bot.digests.sections import last_entry_by_circle
from bot.storage.models import CircleStart

SHOWN = (
    "themes",
    "waiting",
    "resolved",
    "parked",
    "overdue",
    "quiet_circles",
    "stories",
    "questions",
    "selections",
    "learning_sets",
    "pulses",
)
"""The parts of a steward digest's context that each show something when not empty."""


def quiet_week(context: Mapping[str, Any]) -> bool:
    """Whether the steward digest's week was quiet: nothing shown and nobody shared anything."""
    shown = any(context.get(part) for part in SHOWN)
    return not shown and not context["participation"]["entries"]


def nothing_to_show(context: Mapping[str, Any]) -> bool:
    """A week that was not quiet, yet holds nothing a steward digest lists: a few entries that
    form no theme and ask nothing of a steward (each circle's huddle digest has them)."""
    return not quiet_week(context) and not any(context.get(part) for part in SHOWN)


async def quiet_circles(
    session: AsyncSession,
    circles: Sequence[CircleConfig],
    *,
    contributors: Contributors,
    weeks: int,
    end: datetime,
) -> list[dict[str, Any]]:
    """The `circles` not heard from in the `weeks` before `end`: name, weeks, and whether
    anyone ever spoke there."""
    ids = [c.id for c in circles]
    latest = await heard_from(session, contributors, ids)
    began = await _began(session, ids)
    since = end - timedelta(weeks=weeks)
    quiet = []
    for circle in circles:
        last = latest.get(circle.id)
        heard_or_began = last or began.get(circle.id)
        if heard_or_began is not None and heard_or_began < since:
            quiet.append({"name": circle.name, "weeks": weeks, "ever": last is not None})
    return quiet


async def heard_from(
    session: AsyncSession, contributors: Contributors, circle_ids: list[str]
) -> dict[str, datetime]:
    """When each circle last heard from anyone: an entry, or taking part in a practice."""
    latest = await last_entry_by_circle(session, circle_ids)
    for circle_id, when in (await last_activity(contributors, session, circle_ids)).items():
        if circle_id not in latest or when > latest[circle_id]:
            latest[circle_id] = when
    return latest


async def _began(session: AsyncSession, circle_ids: list[str]) -> dict[str, datetime]:
    """When each circle first appeared in the configuration."""
    if not circle_ids:
        return {}
    query = select(CircleStart.circle_id, CircleStart.started_at).where(
        col(CircleStart.circle_id).in_(circle_ids)
    )
    return dict((await session.exec(query)).all())
