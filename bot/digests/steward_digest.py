"""The weekly learning digest for stewards, across every circle.

It shows themes and the circles where they recur, system blockers waiting for a steward (the
oldest `WAITING_SHOWN`, with the number to act on, and how many more), blockers resolved and those
parked this week and whether the report-back went out, experiments past their review date, circles
gone quiet, each circle's pulse of the week, stories shared with stewards and questions rising
from practice.
Action learning sets stay private: the digest says only that a set met and how many took part.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import distinct, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import CircleConfig, Config
from bot.core.messages import Body, Outgoing, ToCircle, ToPerson
from bot.digests.contributions import (
    WAITING_SHOWN,
    CirclePulse,
    ClosedBlocker,
    Contributors,
    OverdueExperiment,
    SetMeeting,
    StewardStory,
    WaitingBlocker,
    steward_parts,
)
from bot.digests.posting import Posting
from bot.digests.quiet import nothing_to_show, quiet_circles, quiet_week
from bot.digests.sections import (
    FEW,
    THEME_INPUT,
    Shared,
    capped,
    participation,
    plain,
    shared_sample,
)
from bot.digests.themes.grouping import find_themes
from bot.rituals.timing import local
from bot.storage.models import Digest, Entry, Membership
from bot.storage.sql import insert_ignore
from bot.text.library import PromptLibrary

log = logging.getLogger(__name__)

KIND = "steward"
TEMPLATE = "steward_digest"
THEMED_KINDS = ("learning", "reflection", "blocker")
PULSES_SHOWN = 10
"""Circles whose pulse the digest shows, one line each; the rest are counted (each circle's own
digest and the web view's Pulse page show every one)."""


def open_circles(config: Config) -> list[CircleConfig]:
    """The circles whose shared content the stewards may see: all but the learning sets."""
    return [c for c in config.circles if c.kind != "learning_set"]


def _names(config: Config) -> dict[str, str]:
    return {c.id: c.name for c in config.circles}


def _themes(
    rows: list[Shared], totals: dict[str, int], names: dict[str, str]
) -> list[dict[str, Any]]:
    """Themes across circles, each with the circles where it recurs (most entries first).

    `rows` may be an even sample of each kind; a theme's size is then scaled up to the whole."""
    if len(rows) < 4:
        return []
    sampled = Counter(r.kind for r in rows)
    weight = {kind: totals.get(kind, n) / n for kind, n in sampled.items()}
    by_id = {r.id: r for r in rows}
    found = []
    for theme in find_themes([(r.id, r.text) for r in rows], max_themes=6, min_size=2):
        members = [by_id[m] for m in theme.members if m in by_id]
        where = Counter(r.circle_id for r in members)
        size = sum(weight[m.kind] for m in members)
        found.append(
            {
                "label": theme.label,
                "count": round(size),
                "approx": any(weight[m.kind] > 1 for m in members),
                "circles": [
                    names.get(c, c) for c, _n in sorted(where.items(), key=lambda x: (-x[1], x[0]))
                ],
                "examples": [m.text for m in members[:2]],
            }
        )
    return found


async def _learning_sets(
    session: AsyncSession,
    *,
    found: tuple[SetMeeting, ...] | None,
    sets: list[CircleConfig],
    start: datetime,
    end: datetime,
) -> list[dict[str, Any]]:
    """Each learning set that met: its name and how many took part, never what was said.

    Without a practice that keeps learning rounds, a set met when someone in it spoke."""
    if found is not None:
        return plain(found)
    if not sets:
        return []
    names = {c.id: c.name for c in sets}
    query = (
        select(Entry.circle_id, func.count(distinct(col(Entry.person_id))))
        .where(
            col(Entry.circle_id).in_(list(names)),
            col(Entry.created_at) >= start,
            col(Entry.created_at) < end,
        )
        .group_by(col(Entry.circle_id))
    )
    rows = (await session.exec(query)).all()
    return [
        {"name": names[circle_id], "participants": int(people)}
        for circle_id, people in sorted(rows, key=lambda r: names[r[0]])
        if people
    ]


def _waiting(
    found: tuple[WaitingBlocker, ...], *, names: dict[str, str], hidden: set[str]
) -> list[dict[str, Any]]:
    oldest_first = sorted(found, key=lambda b: -(b.age_days or 0))
    return [
        {
            "number": b.number,
            "text": b.text,
            "circle": names.get(b.circle_id, b.circle_id),
            "age_days": b.age_days,
        }
        for b in oldest_first
        if b.circle_id not in hidden
    ]


def _closed(
    found: tuple[ClosedBlocker, ...], *, names: dict[str, str], hidden: set[str], parked: bool
) -> list[dict[str, Any]]:
    """The blockers resolved in the period, or (`parked`) those put aside for now."""
    return [
        {
            "number": b.number,
            "text": b.text,
            "circle": names.get(b.circle_id, b.circle_id),
            "status": b.status,
            "outcome": b.outcome,
            "reported_back": b.reported_back,
        }
        for b in found
        if b.circle_id not in hidden and b.parked == parked
    ]


def _overdue(
    found: tuple[OverdueExperiment, ...], *, names: dict[str, str], hidden: set[str]
) -> list[dict[str, Any]]:
    return [
        {
            "number": e.number,
            "name": e.name,
            "circle": names.get(e.circle_id, e.circle_id),
            "stage": e.stage,
            "days_overdue": e.days_overdue,
        }
        for e in found
        if e.circle_id not in hidden
    ]


def _stories(
    found: tuple[StewardStory, ...] | None,
    *,
    rows: list[Shared],
    names: dict[str, str],
    hidden: set[str],
) -> list[dict[str, Any]]:
    """Stories shared with a circle or the stewards; without a stories practice, the entries."""
    if found is None:
        return [
            {"text": r.text, "author": r.author, "circle": names.get(r.circle_id, r.circle_id)}
            for r in rows
            if r.kind == "story"
        ]
    return [
        {"text": s.text, "author": s.author, "circle": names.get(s.circle_id, s.circle_id)}
        for s in found
        if s.circle_id not in hidden
    ]


def _pulses(found: tuple[CirclePulse, ...], *, hidden: set[str]) -> list[dict[str, Any]]:
    """Each circle's pulse asked this week, in aggregate, never a learning set's: first the
    circles where a factor leaned away from "just right", then the rest, each by name."""
    shown = [p for p in found if p.circle_id not in hidden and p.factors]
    shown.sort(key=lambda p: (all(f.steady for f in p.factors), p.circle_name))
    return [
        {"circle": p.circle_name, "people": p.people, "factors": plain(p.factors)} for p in shown
    ]


async def steward_context(
    session: AsyncSession,
    *,
    config: Config,
    start: datetime,
    end: datetime,
    library: PromptLibrary,
    contributors: Contributors,
) -> dict[str, Any]:
    """Everything the steward digest shows for (start, end]; no learning set's words."""
    names = _names(config)
    seen = open_circles(config)
    sets = [c for c in config.circles if c.kind == "learning_set"]
    open_ids = [c.id for c in seen]
    each = THEME_INPUT // len(THEMED_KINDS)
    rows, totals = await shared_sample(
        session,
        circle_ids=open_ids,
        start=start,
        end=end,
        limits={**dict.fromkeys(THEMED_KINDS, each), "question": FEW * 3, "story": FEW * 2},
        audience="stewards",
        spread=THEMED_KINDS,
    )
    hidden = {c.id for c in sets}
    added = await steward_parts(contributors, session, start=start, end=end)
    partnership_circles = [c for c in seen if c.kind == "partnership"]
    questions = [
        {"text": r.text, "author": r.author, "circle": names.get(r.circle_id, r.circle_id)}
        for r in rows
        if r.kind == "question"
    ]
    more_questions = totals.get("question", 0) - len(questions)
    stories, more_stories = capped(
        _stories(added.stories, rows=rows, names=names, hidden=hidden), limit=FEW * 2
    )
    counts = await participation(
        session, circle_ids=open_ids, start=start, end=end, audience="stewards"
    )
    waiting = _waiting(added.waiting or (), names=names, hidden=hidden)[:WAITING_SHOWN]
    zone = config.partnership.timezone
    context: dict[str, Any] = {
        "partnership": {"name": config.partnership.name},
        "period": {"start": local(start, zone), "end": local(end, zone)},
        "themes": _themes([r for r in rows if r.kind in THEMED_KINDS], totals, names),
        "waiting": waiting,
        "more_waiting": max(0, (added.waiting_total or 0) - len(added.waiting or ())),
        "resolved": _closed(added.closed or (), names=names, hidden=hidden, parked=False),
        "parked": _closed(added.closed or (), names=names, hidden=hidden, parked=True),
        "overdue": _overdue(added.overdue or (), names=names, hidden=hidden),
        "quiet_circles": await quiet_circles(
            session,
            partnership_circles,
            contributors=contributors,
            weeks=config.partnership.quiet_weeks,
            end=end,
        ),
        "stories": stories,
        "more_stories": more_stories,
        "questions": questions,
        "more_questions": more_questions,
        "learning_sets": await _learning_sets(
            session, found=added.learning_sets, sets=sets, start=start, end=end
        ),
        "participation": counts,
        "selections": plain(added.selections or ()),
    }
    context["pulses"], context["more_pulses"] = capped(
        _pulses(added.pulses or (), hidden=hidden), limit=PULSES_SHOWN
    )
    context["quiet"] = quiet_week(context)
    context["nothing_to_show"] = nothing_to_show(context)
    happened = ("themes", "resolved", "parked", "stories", "questions", "learning_sets")
    context["news"] = counts["entries"] > 0 or any(context[k] for k in (*happened, "selections"))
    return context


async def previous_steward_end(session: AsyncSession, before: datetime) -> datetime | None:
    query = (
        select(Digest.period_end)
        .where(Digest.kind == KIND, col(Digest.period_end) < before)
        .order_by(col(Digest.period_end).desc())
        .limit(1)
    )
    return (await session.exec(query)).first()


async def steward_recipients(session: AsyncSession, config: Config) -> list[int]:
    """The stewards: the people who belong to a stewards' circle."""
    ids = [c.id for c in config.stewards_circles()]
    if not ids:
        return []
    query = (
        select(Membership.person_id)
        .where(col(Membership.circle_id).in_(ids))
        .distinct()
        .order_by(col(Membership.person_id))
    )
    return list((await session.exec(query)).all())


async def post_steward_digest(
    session: AsyncSession,
    *,
    config: Config,
    end: datetime,
    now: datetime,
    library: PromptLibrary,
    contributors: Contributors,
    start: datetime | None = None,
    news_only: bool = False,
) -> Posting:
    """Archive the week's steward digest and queue it once: to the stewards' rooms, or to each
    steward privately when `steward_digest_private` is set. With `news_only`, a period from the
    last digest in which nothing happened (blockers still waiting are not news) is neither
    archived nor posted."""
    homes = config.stewards_circles()
    if not homes:
        log.warning('no circle has kind = "stewards", so the steward digest has nowhere to go')
        return Posting(start=start or end - timedelta(days=7), end=end)
    previous = await previous_steward_end(session, end) if start is None else None
    if start is None:
        start = previous or end - timedelta(days=7)
    context = await steward_context(
        session,
        config=config,
        start=start,
        end=end,
        library=library,
        contributors=contributors,
    )
    if news_only and previous is not None and not context["news"]:
        return Posting(start=start, end=end, skipped="nothing_new")
    digest_id = await insert_ignore(
        session,
        Digest,
        {
            "circle_id": homes[0].id,
            "kind": KIND,
            "period_start": start,
            "period_end": end,
            "created_at": now,
            "markdown": library.render(TEMPLATE, context, "markdown"),
            "people": context["participation"]["people"],
            "entries": context["participation"]["entries"],
        },
    )
    if digest_id is None:
        log.info("the steward digest up to %s was already posted", end.isoformat())
        return Posting(start=start, end=end, skipped="already")
    body = Body(TEMPLATE, context)
    key = f"steward_digest:{end.isoformat()}"
    if config.partnership.steward_digest_private:
        outgoing = [
            Outgoing(to=ToPerson(person), body=body, key=f"{key}:{person}", kind="digest")
            for person in await steward_recipients(session, config)
        ]
    else:
        outgoing = [
            Outgoing(to=ToCircle(circle.id), body=body, key=f"{key}:{circle.id}", kind="digest")
            for circle in homes
        ]
    return Posting(start=start, end=end, outgoing=tuple(outgoing))
