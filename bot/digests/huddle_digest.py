"""The huddle digest: what a circle said over a period, posted back to every room once.

Sections, each left out when empty: what we learned (in themes), what is getting in the way (new,
still open, resolved or parked since last time), celebrations, stories shared with the circle,
experiments, questions for the huddle, other reflections, and participation in numbers only.
When blockers outnumber everything else, the digest leads with what is working and shows only
the first few blockers, with a count of the rest.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import CircleConfig
from bot.core.messages import Body, Outgoing, ToCircle
from bot.digests.sections import (
    FEW,
    FULL,
    THEME_INPUT,
    age_days,
    capped,
    feature,
    item,
    participation,
    pick,
    shared_sample,
    shown_entries,
    themed,
)
from bot.rituals.timing import local
from bot.storage.models import Digest
from bot.storage.sql import insert_ignore
from bot.text.library import PromptLibrary

log = logging.getLogger(__name__)

PLAIN_KINDS = (
    "learning",
    "blocker",
    "celebration",
    "story",
    "experiment_update",
    "question",
    "reflection",
)


def _blocker(record: Any, *, now: datetime) -> dict[str, Any]:
    return {
        "text": str(pick(record, "text", "summary", default="")),
        "age_days": age_days(pick(record, "age_days", "raised_at", "created_at"), now=now),
        "status": pick(record, "status_label", "status", "state"),
        "outcome": pick(record, "outcome", "resolution", "what_happened", "report", "note"),
    }


def _story(record: Any) -> dict[str, Any]:
    anonymous = bool(pick(record, "anonymous", default=False))
    return {
        "title": pick(record, "title"),
        "text": str(pick(record, "text", default="")),
        "author": None if anonymous else pick(record, "author", "teller", "display_name"),
    }


def _experiments_from(updates: list[Any]) -> list[dict[str, Any]]:
    """Stage updates grouped by experiment: the stages it went through, beside its prediction."""
    found: dict[Any, dict[str, Any]] = {}
    for record in updates:
        key = pick(record, "id", "experiment_id", "title", "name")
        stage = pick(record, "stage_label", "stage")
        shown = found.get(key)
        if shown is None:
            shown = found[key] = {
                "name": str(pick(record, "title", "name", default="")),
                "stages": [],
                "updates": [],
            }
        shown.update(
            prediction=pick(record, "prediction"),
            result=pick(record, "result"),
            decision=pick(record, "decision"),
        )
        if stage and stage not in shown["stages"]:
            shown["stages"].append(stage)
        text = pick(record, "update", "text")
        said = (shown["prediction"], shown["result"])
        # the plan's update restates the prediction, and the act's the decision
        restated = pick(record, "stage") == "plan" or (
            pick(record, "stage") == "act" and shown["decision"]
        )
        if text and not restated and text not in said and len(shown["updates"]) < FEW:
            shown["updates"].append(str(text))
    return list(found.values())


async def _blockers(
    session: AsyncSession,
    *,
    circle: CircleConfig,
    start: datetime,
    end: datetime,
    raised: list[Any],
) -> dict[str, list[dict[str, Any]]]:
    find = feature("blockers", "blocker_digest")
    if find is None:
        return {"new": [item(e) for e in raised], "open": [], "closed": []}
    found = await find(session, circle_id=circle.id, start=start, end=end)
    shown = {
        part: [_blocker(r, now=end) for r in found.get(part, ())]
        for part in ("new", "open", "closed")
    }
    # blockers named before the blockers feature kept its own record of them still count as new
    shown["new"].extend(item(e) for e in await _untracked(session, raised))
    return shown


async def _untracked(session: AsyncSession, raised: list[Any]) -> list[Any]:
    """Blocker entries the blockers feature holds no record of (one query, whatever the count)."""
    if not raised:
        return []
    try:
        from bot.practices.blockers.models import Blocker
    except ModuleNotFoundError:
        return raised
    first, last = raised[0].id, raised[-1].id
    query = select(Blocker.entry_id).where(
        col(Blocker.entry_id) >= min(first, last), col(Blocker.entry_id) <= max(first, last)
    )
    tracked = set((await session.exec(query)).all())
    return [e for e in raised if e.id not in tracked]


async def pulse_section(
    session: AsyncSession, *, circle_id: str | None, start: datetime, end: datetime
) -> dict[str, Any] | None:
    """How the Goldilocks factors leaned, when a pulse closed in the period (in aggregate only)."""
    trend = feature("pulse", "pulse_trend")
    if trend is None:
        return None
    found = await trend(session, circle_id=circle_id, now=end)
    if not found or not found.get("pulses"):
        return None
    latest = found["pulses"][-1]
    asked = latest.get("asked_at")
    if isinstance(asked, datetime) and asked < start - timedelta(days=2):
        return None  # nothing new since the last digest
    return {
        "people": latest.get("people", 0),
        "factors": [
            {"label": f["label"], "lean": f["lean_label"]}
            for f in latest.get("factors", ())
            if f.get("shown")
        ],
        "direction": [
            {"label": d["label"], "first": d["first"], "last": d["last"]}
            for d in found.get("direction", ())
            if len(found["pulses"]) > 1 and d["first"] != d["last"]
        ],
    }


async def _stories(
    session: AsyncSession,
    *,
    circle: CircleConfig,
    start: datetime,
    end: datetime,
    shared: list[Any],
) -> list[dict[str, Any]]:
    find = feature("stories", "stories_for_circle")
    if find is None:
        return [item(e) for e in shared]
    return [_story(r) for r in await find(session, circle_id=circle.id, start=start, end=end)]


async def _experiments(
    session: AsyncSession,
    *,
    circle: CircleConfig,
    start: datetime,
    end: datetime,
    updates: list[Any],
) -> dict[str, Any]:
    find = feature("experiments", "experiment_digest")
    if find is None:
        shown, more = shown_entries(updates)
        return {"experiments": [], "entries": shown, "more": more}
    found = await find(session, circle_id=circle.id, start=start, end=end)
    return {"experiments": _experiments_from(found)[:FULL], "entries": [], "more": 0}


async def digest_context(
    session: AsyncSession,
    *,
    circle: CircleConfig,
    start: datetime,
    end: datetime,
    library: PromptLibrary,
) -> dict[str, Any]:
    """What the digest template needs; only what each author chose to share with the circle."""
    limits = {kind: THEME_INPUT if kind == "learning" else FULL for kind in PLAIN_KINDS}
    rows, totals = await shared_sample(
        session, circle_ids=[circle.id], start=start, end=end, limits=limits
    )
    by_kind: dict[str, list[Any]] = {kind: [] for kind in PLAIN_KINDS}
    for row in rows:
        by_kind[row.kind].append(row)
    learned = themed(by_kind["learning"], total=totals.get("learning", 0))
    blockers = await _blockers(
        session, circle=circle, start=start, end=end, raised=by_kind["blocker"]
    )
    stories = await _stories(session, circle=circle, start=start, end=end, shared=by_kind["story"])
    experiments = await _experiments(
        session, circle=circle, start=start, end=end, updates=by_kind["experiment_update"]
    )
    celebrations, more_celebrations = shown_entries(by_kind["celebration"])
    more_celebrations = totals.get("celebration", 0) - len(celebrations)
    working = learned["count"] + totals.get("celebration", 0)
    troubles = len(blockers["new"]) + len(blockers["open"])
    heavy = troubles >= 3 and troubles > working
    blocker_section = _blocker_section(blockers, heavy=heavy)

    def section(kind: str, **content: Any) -> dict[str, Any]:
        return {"kind": kind, "heading": library.kind_heading(kind), **content}

    sections = []
    if learned["count"]:
        sections.append(section("learning", **learned))
    if blocker_section and not heavy:
        sections.append(section("blocker", **blocker_section))
    if celebrations:
        sections.append(section("celebration", entries=celebrations, more=more_celebrations))
    if stories:
        shown, more = capped(stories)
        sections.append(section("story", entries=shown, more=more))
    if experiments["experiments"] or experiments["entries"]:
        sections.append(section("experiment_update", **experiments))
    if blocker_section and heavy:
        sections.append(section("blocker", **blocker_section))  # after what is working
    for kind in ("question", "reflection"):
        if by_kind[kind]:
            shown, _more = shown_entries(by_kind[kind])
            sections.append(section(kind, entries=shown, more=totals[kind] - len(shown)))
    pulse = await pulse_section(session, circle_id=circle.id, start=start, end=end)
    if pulse is not None:
        sections.append({"kind": "pulse", "heading": None, **pulse})
    counts = await participation(session, circle_ids=[circle.id], start=start, end=end)
    return {
        "circle": {"id": circle.id, "name": circle.name},
        "period": {
            "start": local(start, circle.timezone),
            "end": local(end, circle.timezone),
        },
        "sections": sections,
        "participation": counts,
        "balance": heavy,
        "working": working,
        "quiet": not sections,
    }


def _blocker_section(
    blockers: dict[str, list[dict[str, Any]]], *, heavy: bool
) -> dict[str, Any] | None:
    if not any(blockers.values()):
        return None
    limit = 3 if heavy else FULL
    shown: dict[str, Any] = {"heavy": heavy, "more": 0}
    for part in ("new", "open", "closed"):
        records = blockers[part]
        kept = records[:FULL] if part == "closed" else records[:limit]
        shown[part] = kept
        shown["more"] += len(records) - len(kept)
    return shown


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


async def archived(
    session: AsyncSession,
    *,
    circle_id: str | None = None,
    digest_id: int | None = None,
    latest: bool = False,
    limit: int = 50,
) -> list[Digest]:
    """Archived digests, newest first: one by id, the latest, or a list (of one circle)."""
    query = select(Digest)
    if digest_id is not None:
        query = query.where(Digest.id == digest_id)
    if circle_id is not None:
        query = query.where(Digest.circle_id == circle_id)
    query = query.order_by(col(Digest.period_end).desc(), col(Digest.id).desc())
    query = query.limit(1 if latest else limit)
    return list((await session.exec(query)).all())
