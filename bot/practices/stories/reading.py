"""Reading stories as far as their tellers shared them: for a circle, and for the stewards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.visibility import Audience, seen_by
from bot.practices.protocols import EntryDetail
from bot.practices.stories.labels import DIMENSIONS, DIRECTIONS
from bot.practices.stories.models import StoryDetail
from bot.storage.models import Circle, Consent, Entry, Person


def dimension_labels(detail: StoryDetail | None) -> list[str]:
    if detail is None or not detail.dimensions:
        return []
    return [DIMENSIONS[key] for key in detail.dimensions.split(",") if key in DIMENSIONS]


def _story_row(entry: Entry, person: Person | None, detail: StoryDetail | None) -> dict[str, Any]:
    named = person is not None and not entry.anonymous and person.erased_at is None
    return {
        "id": entry.id,
        "circle_id": entry.circle_id,
        "text": entry.text,
        "title": detail.title if detail else "",
        "author": person.display_name if named and person else None,
        "at": entry.created_at,
        "dimensions": dimension_labels(detail),
        "direction": DIRECTIONS.get(detail.direction, "") if detail else "",
        "visibility": entry.visibility,
    }


def _shared_with_circle_at() -> Any:
    """When a story first became the circle's to read: its teller's first choice to share it
    with the circle (a story is told for the stewards only), else when it was told."""
    first = (
        select(func.min(Consent.chosen_at))
        .where(col(Consent.entry_id) == col(Entry.id), Consent.visibility == "circle")
        .correlate(Entry)
        .scalar_subquery()
    )
    return func.coalesce(first, col(Entry.created_at))


def _stories_query(start: datetime, end: datetime, audience: Audience) -> Any:
    """Stories `audience` may read that reached it in [start, end): for the stewards, those told
    then (every story is theirs to read from its telling, until its teller narrows it); for a
    circle, those first shared with it then, so a story told before one digest and shared after
    it is in the next."""
    when = _shared_with_circle_at() if audience == "circle" else col(Entry.created_at)
    return (
        select(Entry, Person, StoryDetail)
        .join(Person, col(Entry.person_id) == col(Person.id), isouter=True)
        .join(StoryDetail, col(StoryDetail.entry_id) == col(Entry.id), isouter=True)
        .where(Entry.kind == "story", seen_by(audience), when >= start, when < end)
        .order_by(col(Entry.created_at), col(Entry.id))
    )


def _newest(query: Any, newest: int | None) -> Any:
    """Only the `newest` stories (still oldest first), when a reader shows no more."""
    if newest is None:
        return query
    latest = query.order_by(None).order_by(col(Entry.created_at).desc(), col(Entry.id).desc())
    return latest.limit(newest)


def _in_order(rows: Any, newest: int | None) -> list[Any]:
    found = list(rows)
    return found[::-1] if newest is not None else found


async def stories_for_circle(
    session: AsyncSession,
    *,
    circle_id: str,
    start: datetime,
    end: datetime,
    newest: int | None = None,
) -> list[dict[str, Any]]:
    """Stories their tellers shared with `circle_id`, first shared with it in [start, end) (only
    the `newest` of them when given).

    Each: id, circle_id, text, title ("" for none), author (None unless named), at (UTC),
    dimensions (labels), direction (label or ""), visibility.
    """
    query = _stories_query(start, end, "circle").where(Entry.circle_id == circle_id)
    rows = _in_order((await session.exec(_newest(query, newest))).all(), newest)
    return [
        _story_row(entry, person, detail)
        for entry, person, detail in rows
        if detail is None or detail.withdrawn_at is None
    ]


async def stories_for_stewards(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    exclude_circle_kinds: tuple[str, ...] = ("learning_set",),
    newest: int | None = None,
) -> list[dict[str, Any]]:
    """Stories shared with a circle or with the stewards, across circles, told in [start, end)
    (only the `newest` of them when given).

    The keys of `stories_for_circle`; the author only where the teller chose to be named. No
    learning set's story is among them (`bot.core.visibility`).
    """
    query = _stories_query(start, end, "stewards").join(
        Circle, col(Circle.id) == col(Entry.circle_id)
    )
    if exclude_circle_kinds:
        query = query.where(col(Circle.kind).not_in(exclude_circle_kinds))
    rows = _in_order((await session.exec(_newest(query, newest))).all(), newest)
    return [
        _story_row(entry, person, detail)
        for entry, person, detail in rows
        if detail is None or detail.withdrawn_at is None
    ]


async def story_details(session: AsyncSession, entry_ids: Sequence[int]) -> dict[int, EntryDetail]:
    """Each story's title and how its teller described it, by entry id; withdrawn ones are left
    out."""
    if not entry_ids:
        return {}
    query = select(StoryDetail).where(
        col(StoryDetail.entry_id).in_(entry_ids), col(StoryDetail.withdrawn_at).is_(None)
    )
    return {
        detail.entry_id: EntryDetail(
            title=detail.title,
            dimensions=tuple(dimension_labels(detail)),
            direction=DIRECTIONS.get(detail.direction, ""),
        )
        for detail in (await session.exec(query)).all()
    }
