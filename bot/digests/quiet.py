"""Circles gone quiet: nobody has shared or taken part in a circle for `quiet_weeks`.

A circle is heard from when someone makes an entry in it or takes part in a practice that keeps
no entries (answering a pulse). A circle never heard from counts from when it first appeared in
the configuration, so a circle added minutes ago is not quiet.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import CircleConfig
from bot.digests.contributions import Contributors, last_activity
from bot.digests.sections import last_entry_by_circle
from bot.storage.models import CircleStart


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
