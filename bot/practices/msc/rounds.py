"""A round's life: opened with the stories its panel may read, closed with an anonymous reveal.

Opening numbers the candidates (stories passed up from below first, then the period's stories,
oldest first) and sends them privately to each member of the circle; with no candidates the round
says so in the room and ends at once. Closing shows the room how many chose each story and the
reasons given, never who chose or gave them, and only when at least `threshold` people chose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import CircleConfig, Config
from bot.core.messages import Body, Button, Outgoing, ToCircle, ToPerson
from bot.core.people import members
from bot.practices.msc.models import MscCandidate, MscChoice, MscRound, MscSelection
from bot.practices.msc.reading import readable_by, shown, stories_to_read, story_views
from bot.rituals.timing import local
from bot.storage.sql import insert_ignore, insert_row


@dataclass(frozen=True, slots=True)
class Opening:
    """When a round opens and what it reads."""

    scheduled_for: datetime
    period_start: datetime
    closes_at: datetime
    threshold: int


def circle_context(circle: CircleConfig) -> dict[str, str]:
    return {"id": circle.id, "name": circle.name}


def choose_buttons(round_id: int, numbers: list[int]) -> tuple[Button, ...]:
    return tuple(Button("msc", f"{round_id}:{n}", f"Story {n}") for n in numbers)


async def open_round_of(session: AsyncSession, circle_id: str) -> MscRound | None:
    """The circle's round still taking choices, if any."""
    query = select(MscRound).where(
        MscRound.circle_id == circle_id, col(MscRound.closed_at).is_(None)
    )
    return (await session.exec(query.order_by(col(MscRound.id).desc()))).first()


async def latest_round(session: AsyncSession, circle_id: str) -> MscRound | None:
    query = select(MscRound).where(MscRound.circle_id == circle_id)
    query = query.order_by(col(MscRound.opened_at).desc(), col(MscRound.id).desc())
    return (await session.exec(query)).first()


async def candidates_of(session: AsyncSession, round_id: int) -> list[MscCandidate]:
    query = select(MscCandidate).where(MscCandidate.round_id == round_id)
    return list((await session.exec(query.order_by(col(MscCandidate.number)))).all())


async def _passed_up(session: AsyncSession, circle: CircleConfig) -> list[tuple[MscSelection, str]]:
    """Selections passed up and not yet read by a stewards' round, with the circle below."""
    taken = select(MscCandidate.from_selection_id).where(
        col(MscCandidate.from_selection_id).is_not(None)
    )
    query = (
        select(MscSelection, MscRound.circle_id)
        .join(MscRound, col(MscRound.id) == col(MscSelection.round_id))
        .where(
            col(MscSelection.passed_up_at).is_not(None),
            col(MscSelection.id).not_in(taken),
            MscRound.circle_id != circle.id,
        )
        .order_by(col(MscSelection.passed_up_at), col(MscSelection.id))
    )
    return [(selection, below) for selection, below in (await session.exec(query)).all()]


async def candidate_views(
    session: AsyncSession,
    config: Config,
    circle: CircleConfig,
    candidates: list[MscCandidate],
) -> list[dict[str, Any]]:
    """The candidates the panel may still read, as a template shows them."""
    views = await story_views(session, [c.entry_id for c in candidates])
    found = []
    for candidate in candidates:
        view = views.get(candidate.entry_id)
        if view is None or not readable_by(view["entry"], circle, config):
            continue
        below = None
        if candidate.below_circle_id:
            below = {
                "circle": _circle_name(config, candidate.below_circle_id),
                "reason": candidate.below_reason,
            }
        found.append({"number": candidate.number, **shown(view), "below": below})
    return found


def _circle_name(config: Config, circle_id: str) -> str:
    return next((c.name for c in config.circles if c.id == circle_id), circle_id)


async def open_round(
    session: AsyncSession, config: Config, circle: CircleConfig, opening: Opening, now: datetime
) -> tuple[int | None, list[Outgoing]]:
    """Open the round due at `opening.scheduled_for` once; (its id or None, what to send)."""
    round_id = await insert_ignore(
        session,
        MscRound,
        {
            "circle_id": circle.id,
            "scheduled_for": opening.scheduled_for,
            "period_start": opening.period_start,
            "opened_at": now,
            "closes_at": opening.closes_at,
            "closed_at": None,
            "threshold": opening.threshold,
        },
    )
    if round_id is None:
        return None, []
    chosen: list[dict[str, Any]] = []
    if circle.kind == "stewards":
        for selection, below in await _passed_up(session, circle):
            chosen.append(
                {
                    "entry_id": selection.entry_id,
                    "from_selection_id": selection.id,
                    "below_circle_id": below,
                    "below_reason": selection.reason,
                }
            )
    period = await stories_to_read(session, circle, config, start=opening.period_start, end=now)
    for entry in period:
        chosen.append({"entry_id": entry.id})
    seen: set[int] = set()
    number = 0
    for values in chosen:
        if values["entry_id"] in seen:
            continue
        seen.add(values["entry_id"])
        number += 1
        full = {"from_selection_id": None, "below_circle_id": "", "below_reason": ""}
        values = {**full, **values, "round_id": round_id, "number": number}
        await insert_row(session, MscCandidate, values)
    row = await session.get_one(MscRound, round_id)
    context = {
        "circle": circle_context(circle),
        "since": local(opening.period_start, circle.timezone),
        "closes_at": local(opening.closes_at, circle.timezone),
    }
    candidates = await candidate_views(
        session, config, circle, await candidates_of(session, round_id)
    )
    if not candidates:
        row.closed_at = now
        session.add(row)
        body = Body("msc/no_candidates", context)
        return round_id, [Outgoing(to=ToCircle(circle.id), body=body, key=f"msc:{round_id}:empty")]
    announce = Outgoing(
        to=ToCircle(circle.id),
        body=Body("msc/started", {**context, "count": len(candidates)}),
        key=f"msc:{round_id}:started",
        kind="notice",
    )
    buttons = choose_buttons(round_id, [c["number"] for c in candidates])
    asks = [
        Outgoing(
            to=ToPerson(person_id),
            body=Body("msc/ask", {**context, "stories": candidates}),
            key=f"msc:{round_id}:ask:{person_id}",
            kind="prompt",
            buttons=buttons,
        )
        for person_id in sorted(await members(session, circle.id))
    ]
    return round_id, [announce, *asks]


async def counted_choices(
    session: AsyncSession, config: Config, circle: CircleConfig, row: MscRound
) -> tuple[list[MscChoice], dict[int, MscCandidate]]:
    """The round's choices whose story the panel may still read, and its candidates by id."""
    assert row.id is not None
    candidates = {c.id: c for c in await candidates_of(session, row.id) if c.id is not None}
    views = await story_views(session, [c.entry_id for c in candidates.values()])
    readable = {
        cid
        for cid, c in candidates.items()
        if c.entry_id in views and readable_by(views[c.entry_id]["entry"], circle, config)
    }
    query = select(MscChoice).where(MscChoice.round_id == row.id)
    choices = [c for c in (await session.exec(query)).all() if c.candidate_id in readable]
    return choices, {cid: candidates[cid] for cid in readable}


async def everyone_chose(
    session: AsyncSession, config: Config, circle: CircleConfig, row: MscRound
) -> bool:
    """Whether every member has chosen a story still shared, and said why."""
    await session.flush()
    choices, _ = await counted_choices(session, config, circle, row)
    done = {c.person_id for c in choices if c.reason}
    people = set(await members(session, circle.id))
    return bool(people) and people <= done


async def close_round(
    session: AsyncSession, config: Config, circle: CircleConfig, row: MscRound, now: datetime
) -> list[Outgoing]:
    """Close the round and reveal its choices in aggregate, to the circle's rooms."""
    assert row.id is not None
    row.closed_at = now
    session.add(row)
    choices, candidates = await counted_choices(session, config, circle, row)
    views = await candidate_views(session, config, circle, list(candidates.values()))
    people = len({c.person_id for c in choices})
    shown_at_all = people >= row.threshold
    stories = []
    for view in sorted(views, key=lambda v: v["number"]):
        mine = [c for c in choices if candidates[c.candidate_id].number == view["number"]]
        stories.append(
            {
                "number": view["number"],
                "title": view["title"],
                "preview": view["preview"],
                "count": len(mine) if shown_at_all else None,
                # sorted, so the order says nothing of who chose first
                "reasons": sorted(c.reason for c in mine if c.reason) if shown_at_all else [],
            }
        )
    body = Body(
        "msc/reveal",
        {
            "circle": circle_context(circle),
            "people": people,
            "threshold": row.threshold,
            "shown": shown_at_all,
            "stories": stories,
        },
    )
    return [Outgoing(to=ToCircle(circle.id), body=body, key=f"msc:{row.id}:reveal")]
