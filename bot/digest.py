"""The huddle digest: what a circle said over a period, posted back to every room once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import CircleConfig
from bot.messages import Body, Outgoing, ToCircle
from bot.models import Digest, Entry, Person
from bot.prompts import KINDS, PromptLibrary
from bot.sql import insert_ignore
from bot.timing import local

log = logging.getLogger(__name__)


async def digest_context(
    session: AsyncSession,
    *,
    circle: CircleConfig,
    start: datetime,
    end: datetime,
    library: PromptLibrary,
) -> dict[str, Any]:
    """What the digest template needs; only what each author chose to share with the circle."""
    query = (
        select(Entry, Person)
        .join(Person, col(Entry.person_id) == col(Person.id), isouter=True)
        .where(
            Entry.circle_id == circle.id,
            col(Entry.created_at) >= start,
            col(Entry.created_at) < end,
        )
        .order_by(col(Entry.created_at), col(Entry.id))
    )
    rows = (await session.exec(query)).all()
    by_kind: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    people: set[int] = set()
    count = 0
    for entry, person in rows:
        count += 1
        if entry.person_id is not None:
            people.add(entry.person_id)
        if entry.visibility != "circle":
            continue
        named = person is not None and not entry.anonymous and person.erased_at is None
        by_kind.setdefault(entry.kind, []).append(
            {
                "text": entry.text,
                "author": person.display_name if named and person else None,
                "at": local(entry.created_at, circle.timezone),
            }
        )
    sections = [
        {"kind": kind, "heading": library.kind_heading(kind), "entries": entries}
        for kind, entries in by_kind.items()
        if entries
    ]
    return {
        "circle": {"id": circle.id, "name": circle.name},
        "period": {
            "start": local(start, circle.timezone),
            "end": local(end, circle.timezone),
        },
        "sections": sections,
        "participation": {"people": len(people), "entries": count},
        "quiet": not sections,
    }


async def previous_end(session: AsyncSession, circle_id: str, before: datetime) -> datetime | None:
    query = (
        select(Digest.period_end)
        .where(
            Digest.circle_id == circle_id, Digest.kind == "huddle", col(Digest.period_end) < before
        )
        .order_by(col(Digest.period_end).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()


async def post_digest(
    session: AsyncSession,
    *,
    circle: CircleConfig,
    end: datetime,
    now: datetime,
    library: PromptLibrary,
    start: datetime | None = None,
) -> list[Outgoing]:
    """Archive the digest for (start, end] and queue it for every room, once per period."""
    if start is None:
        start = await previous_end(session, circle.id, end) or end - timedelta(days=7)
    context = await digest_context(session, circle=circle, start=start, end=end, library=library)
    digest_id = await insert_ignore(
        session,
        Digest,
        {
            "circle_id": circle.id,
            "kind": "huddle",
            "period_start": start,
            "period_end": end,
            "created_at": now,
            "markdown": library.render("huddle_digest", context, "markdown"),
            "people": context["participation"]["people"],
            "entries": context["participation"]["entries"],
        },
    )
    if digest_id is None:
        log.info("the digest for %s up to %s was already posted", circle.id, end.isoformat())
        return []
    return [
        Outgoing(
            to=ToCircle(circle.id),
            body=Body("huddle_digest", context),
            key=f"digest:{circle.id}:{end.isoformat()}",
            kind="digest",
        )
    ]
