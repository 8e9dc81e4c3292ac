"""What digests gather: shared entries in one query, themes, participation in numbers.

Everything here reads; nothing writes. Each helper is one query, so a digest costs the same few
round trips whatever the number of circles or entries. What the practices add comes through
`bot.digests.contributions`, as typed values that `plain` turns into the templates' context.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import distinct, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.visibility import Audience, seen_by
from bot.digests.themes.grouping import find_themes
from bot.storage.models import Circle, Entry, Person, PromptRun

log = logging.getLogger(__name__)

FULL = 100
"""A section shows every item up to this many; past it, each group shows its first few."""
FEW = 5
THEME_INPUT = 1_500
"""At most this many entries (the latest) are grouped into themes; the rest are counted."""


class Shared(NamedTuple):
    """One entry as a digest may show it: its author's name only when they chose to give it."""

    id: int
    circle_id: str
    kind: str
    text: str
    author: str | None
    prompt_id: str | None = None
    """The prompt it answered, if it was an answer to one."""


async def shared_sample(
    session: AsyncSession,
    *,
    circle_ids: Sequence[str],
    start: datetime,
    end: datetime,
    limits: Mapping[str, int],
    audience: Audience = "circle",
    spread: Collection[str] = (),
) -> tuple[list[Shared], dict[str, int]]:
    """At most `limits[kind]` entries of each kind, oldest first, and how many each kind has.

    Only what `audience` may see (`bot.core.visibility`). One query: the database numbers each
    kind's entries (newest first) and keeps the newest `limit` of each, or for kinds in `spread`
    an even sample across the period, so the rows read stay bounded however many entries there
    are.
    """
    if not circle_ids or not limits:
        return [], {}
    newest = func.row_number().over(
        partition_by=col(Entry.kind), order_by=(col(Entry.created_at).desc(), col(Entry.id).desc())
    )
    inner = (
        sa.select(
            col(Entry.id).label("id"),
            col(Entry.circle_id).label("circle_id"),
            col(Entry.kind).label("kind"),
            col(Entry.text).label("text"),
            col(Entry.anonymous).label("anonymous"),
            col(Entry.person_id).label("person_id"),
            col(Entry.prompt_run_id).label("prompt_run_id"),
            col(Entry.created_at).label("created_at"),
            newest.label("rn"),
            func.count().over(partition_by=col(Entry.kind)).label("total"),
        )
        .where(
            col(Entry.circle_id).in_(list(circle_ids)),
            col(Entry.kind).in_(list(limits)),
            seen_by(audience),
            col(Entry.created_at) >= start,
            col(Entry.created_at) < end,
        )
        .subquery()
    )
    kept = []
    for kind, limit in limits.items():
        if kind in spread:
            step = (inner.c.total + (limit - 1)) // limit  # whole numbers on both databases
            kept.append(sa.and_(inner.c.kind == kind, inner.c.rn % step == 0))
        else:
            kept.append(sa.and_(inner.c.kind == kind, inner.c.rn <= limit))
    query = (
        sa.select(
            inner.c.id,
            inner.c.circle_id,
            inner.c.kind,
            inner.c.text,
            inner.c.anonymous,
            col(Person.display_name),
            col(Person.erased_at).is_not(None),
            inner.c.total,
            col(PromptRun.prompt_id),
        )
        .join(Person, inner.c.person_id == col(Person.id), isouter=True)
        .join(PromptRun, inner.c.prompt_run_id == col(PromptRun.id), isouter=True)
        .where(sa.or_(*kept))
        .order_by(inner.c.created_at, inner.c.id)
    )
    rows = (await session.exec(query)).all()  # type: ignore[call-overload]
    totals: dict[str, int] = {}
    found = []
    for entry_id, circle_id, kind, text, anonymous, name, erased, total, prompt_id in rows:
        totals[kind] = int(total)
        author = None if anonymous or erased or not name else name
        found.append(Shared(entry_id, circle_id, kind, text, author, prompt_id))
    return found, totals


async def participation(
    session: AsyncSession,
    *,
    circle_ids: Sequence[str],
    start: datetime,
    end: datetime,
    audience: Audience = "circle",
) -> dict[str, int]:
    """How many people took part and how many entries they made: numbers only, never names.

    Counted by the same rule as the lists (`bot.core.visibility`), so the numbers never take in
    what `audience` may not see: nothing kept for stewards, held for its author, or withdrawn."""
    query = select(func.count(), func.count(distinct(col(Entry.person_id)))).where(
        col(Entry.circle_id).in_(list(circle_ids)),
        seen_by(audience),
        col(Entry.created_at) >= start,
        col(Entry.created_at) < end,
    )
    entries, people = (await session.exec(query)).one()
    return {"people": int(people or 0), "entries": int(entries or 0)}


async def last_entry_by_circle(
    session: AsyncSession, circle_ids: Sequence[str]
) -> dict[str, datetime]:
    """When each circle last heard from anyone (circles never heard from are absent).

    One lookup in the (circle, time) index per circle, rather than a pass over every entry of
    every circle: a circle's latest entry is the last of its run in that index."""
    if not circle_ids:
        return {}
    last_entry = (
        select(func.max(Entry.created_at))
        .where(col(Entry.circle_id) == col(Circle.id))
        .correlate(Circle)
        .scalar_subquery()
    )
    query = select(Circle.id, last_entry).where(col(Circle.id).in_(list(circle_ids)))
    found: dict[str, datetime] = {}
    for circle_id, latest in (await session.exec(query)).all():
        if latest is None:
            continue
        if isinstance(latest, str):  # SQLite hands MAX() back as text, untyped
            latest = datetime.fromisoformat(latest)
        if latest.tzinfo is None:
            latest = latest.replace(tzinfo=UTC)
        found[circle_id] = latest
    return found


def item(entry: Shared) -> dict[str, Any]:
    return {"text": entry.text, "author": entry.author}


def capped(
    items: Sequence[dict[str, Any]], *, limit: int = FULL
) -> tuple[list[dict[str, Any]], int]:
    """The items to show and how many more there are."""
    shown = list(items[:limit])
    return shown, len(items) - len(shown)


def shown_entries(
    entries: Sequence[Shared], *, limit: int = FULL
) -> tuple[list[dict[str, Any]], int]:
    """The first `limit` entries as a digest shows them, and how many more there are."""
    return [item(e) for e in entries[:limit]], max(0, len(entries) - limit)


def themed(
    entries: Sequence[Shared], *, total: int | None = None, max_themes: int = 5
) -> dict[str, Any]:
    """Learnings grouped into themes (when there are enough to group), then the rest.

    Up to `FULL` entries all appear; past that each theme shows its first `FEW`, with a count.
    """
    total = len(entries) if total is None else max(total, len(entries))
    if total < 4:
        return {"themes": [], "entries": [item(e) for e in entries], "more": 0, "count": total}
    recent = entries[-THEME_INPUT:]
    themes = find_themes([(e.id, e.text) for e in recent], max_themes=max_themes, min_size=2)
    by_id = {e.id: e for e in recent}
    placed: set[int] = set()
    per_group = None if total <= FULL else FEW
    groups: list[dict[str, Any]] = []
    in_groups = 0
    for theme in themes:
        members = [by_id[m] for m in theme.members if m in by_id]
        placed.update(e.id for e in members)
        shown = members if per_group is None else members[:per_group]
        in_groups += len(members)
        groups.append(
            {
                "label": theme.label,
                "count": len(members),
                "entries": [item(e) for e in shown],
                "more": len(members) - len(shown),
            }
        )
    rest = [e for e in entries if e.id not in placed]
    shown_rest = rest if per_group is None else rest[:per_group]
    return {
        "themes": groups,
        "entries": [item(e) for e in shown_rest],
        "more": total - in_groups - len(shown_rest),
        "count": total,
    }


def plain(value: Any) -> Any:
    """A digest's typed value as the templates take it: dataclasses as dicts, tuples as lists."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value
