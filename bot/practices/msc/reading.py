"""Which stories a circle's panel may read, read again each time they are shown.

A story is read only as far as its teller shares it at that moment: a circle's panel reads the
stories shared with that circle; the stewards' panel reads those shared with the stewards (from
any circle but a learning set) and those of their own circle. A teller who narrows or withdraws
their story after a round began hides it from every later message, digest and export line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import CircleConfig, Config
from bot.practices.stories.models import StoryDetail
from bot.storage.models import Entry, Person

PREVIEW = 80
"""Characters of a story shown where a list names it rather than tells it."""


def _kinds(config: Config) -> dict[str, str]:
    return {c.id: c.kind for c in config.circles}


def stewards_may_read(entry: Entry | None, config: Config) -> bool:
    """Whether the stewards may read `entry` now: shared with them or with a circle that is not
    a learning set (a learning set's words stay in the set)."""
    if entry is None or entry.kind != "story":
        return False
    kind = _kinds(config).get(entry.circle_id, "learning_set")
    return entry.visibility in ("circle", "stewards") and kind != "learning_set"


def readable_by(entry: Entry | None, circle: CircleConfig, config: Config) -> bool:
    """Whether `circle`'s panel may read `entry` now, as its teller shares it."""
    if entry is None or entry.kind != "story":
        return False
    if circle.kind == "stewards":
        return stewards_may_read(entry, config)
    return entry.circle_id == circle.id and entry.visibility == "circle"


async def stories_to_read(
    session: AsyncSession, circle: CircleConfig, config: Config, *, start: datetime, end: datetime
) -> list[Entry]:
    """The stories of [start, end] that `circle`'s panel may read, oldest first."""
    query = select(Entry).where(
        Entry.kind == "story", col(Entry.created_at) >= start, col(Entry.created_at) <= end
    )
    if circle.kind == "stewards":
        query = query.where(
            col(Entry.visibility).in_(("circle", "stewards")),
            or_(Entry.circle_id == circle.id, Entry.visibility == "stewards"),
        )
    else:
        query = query.where(Entry.circle_id == circle.id, Entry.visibility == "circle")
    rows = (await session.exec(query.order_by(col(Entry.created_at), col(Entry.id)))).all()
    return [entry for entry in rows if readable_by(entry, circle, config)]


def preview(text: str) -> str:
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1].rstrip() + "…"


async def story_views(session: AsyncSession, entry_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each story as it may be shown: text, title, a preview, and the teller's name only where
    they chose to be named (and were not forgotten); also the entry itself, for checks."""
    if not entry_ids:
        return {}
    query = (
        select(Entry, Person, StoryDetail)
        .join(Person, col(Entry.person_id) == col(Person.id), isouter=True)
        .join(StoryDetail, col(StoryDetail.entry_id) == col(Entry.id), isouter=True)
        .where(col(Entry.id).in_(entry_ids))
    )
    views = {}
    for entry, person, detail in (await session.exec(query)).all():
        assert entry.id is not None
        named = person is not None and not entry.anonymous and person.erased_at is None
        views[entry.id] = {
            "entry": entry,
            "text": entry.text,
            "title": detail.title if detail else "",
            "preview": preview(entry.text),
            "author": person.display_name if named and person else None,
        }
    return views


def shown(view: dict[str, Any]) -> dict[str, Any]:
    """A view without the entry, for a template."""
    return {k: v for k, v in view.items() if k != "entry"}
