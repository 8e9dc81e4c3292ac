"""What a circle keeps from its System Maturity Model rounds: the scores it agrees after a reveal,
the dimensions it chooses to work on, and the history across rounds."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import CircleConfig
from bot.core.events import Command
from bot.core.inbound import answer_here
from bot.core.messages import Body, Outgoing
from bot.core.router import Context
from bot.errors import InputError
from bot.practices.maturity.dimensions import (
    DIMENSIONS,
    dimension_context,
    dimension_of,
    parse_score,
)
from bot.practices.maturity.models import MaturityAgreed, MaturityRound
from bot.rituals.timing import local


async def open_round(ctx: Context, circle: CircleConfig) -> MaturityRound | None:
    """The circle's round still taking scores, if any."""
    query = select(MaturityRound).where(
        MaturityRound.circle_id == circle.id, col(MaturityRound.closed_at).is_(None)
    )
    return (await ctx.session.exec(query)).first()


async def _closed_rounds(session: AsyncSession, circle_id: str) -> list[MaturityRound]:
    query = (
        select(MaturityRound)
        .where(MaturityRound.circle_id == circle_id, col(MaturityRound.closed_at).is_not(None))
        .order_by(col(MaturityRound.opened_at).desc(), col(MaturityRound.id).desc())
    )
    return list((await session.exec(query)).all())


async def _agreed(session: AsyncSession, round_id: int) -> dict[str, MaturityAgreed]:
    query = select(MaturityAgreed).where(MaturityAgreed.round_id == round_id)
    return {a.dimension: a for a in (await session.exec(query)).all()}


async def _latest_closed(ctx: Context, circle: CircleConfig) -> list[MaturityRound]:
    rounds = await _closed_rounds(ctx.session, circle.id)
    if not rounds:
        raise InputError("maturity/nothing_to_agree", circle=circle.name)
    return rounds


async def agree(ctx: Context, event: Command, circle: CircleConfig, text: str) -> list[Outgoing]:
    """`maturity agree vision 3 because ...`: the group's score for the latest closed round."""
    dimension, score, reason = parse_score(text)
    rounds = await _latest_closed(ctx, circle)
    latest = rounds[0]
    assert latest.id is not None
    agreed = await _agreed(ctx.session, latest.id)
    row = agreed.get(dimension) or MaturityAgreed(
        round_id=latest.id, dimension=dimension, score=score, agreed_at=ctx.now
    )
    row.score, row.agreed_at = score, ctx.now
    row.reason = reason or row.reason
    ctx.session.add(row)
    agreed[dimension] = row
    before = await _previous_agreed(ctx.session, rounds[1:])
    changes = [_change(key, agreed.get(key), before.get(key)) for key in DIMENSIONS]
    body = Body(
        "maturity/agreed",
        {
            "circle": {"id": circle.id, "name": circle.name},
            "dimension": dimension_context(dimension),
            "score": score,
            "reason": row.reason,
            "change": _change(dimension, row, before.get(dimension)),
            "left": [DIMENSIONS[k] for k in DIMENSIONS if k not in agreed],
            "changes": changes,
            "has_previous": bool(before),
        },
    )
    return [
        answer_here(event, body, key=f"maturity:{event.platform}:{event.dedup_key}", private=False)
    ]


async def _previous_agreed(
    session: AsyncSession, older: list[MaturityRound]
) -> dict[str, MaturityAgreed]:
    """The newest agreed score of each dimension from earlier rounds."""
    found: dict[str, MaturityAgreed] = {}
    for row in older:
        assert row.id is not None
        for key, agreed in (await _agreed(session, row.id)).items():
            found.setdefault(key, agreed)
    return found


def _change(key: str, now: MaturityAgreed | None, before: MaturityAgreed | None) -> dict[str, Any]:
    return {
        **dimension_context(key),
        "score": now.score if now else None,
        "before": before.score if before else None,
        "delta": now.score - before.score if now and before else None,
    }


async def focus(ctx: Context, event: Command, circle: CircleConfig, text: str) -> list[Outgoing]:
    """`maturity focus vision`: the one or two dimensions the group chooses to work on."""
    chosen: list[str] = []
    words = text.replace(",", " ").split()
    i = 0
    while i < len(words):  # two-word names first: "service delivery"
        pair = dimension_of(" ".join(words[i : i + 2])) if i + 1 < len(words) else None
        one = dimension_of(words[i])
        if pair is not None and pair != one:
            key, i = pair, i + 2
        elif one is not None:
            key, i = one, i + 1
        elif words[i].lower() in {"and", "&"}:
            i += 1
            continue
        else:
            raise InputError(
                "maturity/unknown_dimension",
                dimension=words[i],
                dimensions=list(DIMENSIONS.values()),
            )
        if key not in chosen:
            chosen.append(key)
    if not 1 <= len(chosen) <= 2:
        raise InputError("maturity/focus_count", chosen=len(chosen))
    rounds = await _latest_closed(ctx, circle)
    rounds[0].focus = " ".join(chosen)
    ctx.session.add(rounds[0])
    body = Body(
        "maturity/focus",
        {
            "circle": {"id": circle.id, "name": circle.name},
            "focus": [DIMENSIONS[k] for k in chosen],
        },
    )
    return [
        answer_here(event, body, key=f"maturity:{event.platform}:{event.dedup_key}", private=False)
    ]


async def history(ctx: Context, event: Command, circle: CircleConfig) -> list[Outgoing]:
    """The agreed scores and focus of the latest rounds, and whether one is open now."""
    rounds = []
    for row in (await _closed_rounds(ctx.session, circle.id))[:4]:
        assert row.id is not None
        agreed = await _agreed(ctx.session, row.id)
        rounds.append(
            {
                "opened": local(row.opened_at, circle.timezone),
                "agreed": [
                    {**dimension_context(k), "score": agreed[k].score}
                    for k in DIMENSIONS
                    if k in agreed
                ],
                "focus": [DIMENSIONS[k] for k in row.focus.split() if k in DIMENSIONS],
            }
        )
    current = await open_round(ctx, circle)
    body = Body(
        "maturity/history",
        {
            "circle": {"id": circle.id, "name": circle.name},
            "rounds": rounds,
            "open_until": local(current.closes_at, circle.timezone) if current else None,
        },
    )
    return [answer_here(event, body, key=f"maturity:{event.platform}:{event.dedup_key}")]
