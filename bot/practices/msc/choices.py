"""Each member's private choice: a story and why, by button or typed, kept private until close.

A button chooses without a reason, so the answer asks for one (`msc because ...`); a choice only
counts towards closing early once it has a reason. Answers go to the chooser alone: in their
private chat where the bot can write there, otherwise where they wrote, without saying what they
chose when that place is a room everyone reads.
"""

from __future__ import annotations

from sqlmodel import select

from bot.config.partnership import CircleConfig
from bot.core.events import InboundEvent
from bot.core.inbound import answer_here
from bot.core.messages import Body, Outgoing
from bot.core.people import members
from bot.core.router import Context
from bot.errors import InputError
from bot.practices.contributions import privately
from bot.practices.msc.models import MscCandidate, MscChoice, MscRound
from bot.practices.msc.reading import readable_by, story_views
from bot.practices.msc.rounds import circle_context, close_round, everyone_chose
from bot.rituals.timing import local


def check_open(ctx: Context, row: MscRound) -> None:
    if row.closed_at is not None or ctx.now >= row.closes_at:
        raise InputError("msc/closed")


async def check_member(ctx: Context, circle_id: str) -> None:
    if ctx.who.person_id not in await members(ctx.session, circle_id):
        raise InputError("msc/not_member")


async def _mine(ctx: Context, row: MscRound) -> MscChoice | None:
    query = select(MscChoice).where(
        MscChoice.round_id == row.id, MscChoice.person_id == ctx.who.person_id
    )
    return (await ctx.session.exec(query)).first()


async def _reply(ctx: Context, event: InboundEvent, body: Body) -> list[Outgoing]:
    key = f"msc:{event.platform}:{event.dedup_key}"
    thanks = await privately(ctx, event, body, key=key)
    if thanks is None:  # a room everyone reads must not learn what was chosen
        return [answer_here(event, Body("msc/noted", {}), key=key)]
    return [thanks]


async def _maybe_close(ctx: Context, circle: CircleConfig, row: MscRound) -> list[Outgoing]:
    if await everyone_chose(ctx.session, ctx.config, circle, row):
        return await close_round(ctx.session, ctx.config, circle, row, ctx.now)
    return []


async def choose(
    ctx: Context, event: InboundEvent, row: MscRound, number: int, reason: str
) -> list[Outgoing]:
    """Record (or replace) the sender's choice of story `number` in `row`."""
    check_open(ctx, row)
    assert row.id is not None
    await check_member(ctx, row.circle_id)
    circle = ctx.config.circle(row.circle_id)
    query = select(MscCandidate).where(
        MscCandidate.round_id == row.id, MscCandidate.number == number
    )
    candidate = (await ctx.session.exec(query)).first()
    if candidate is None or candidate.id is None:
        raise InputError("msc/no_such_story", number=number)
    views = await story_views(ctx.session, [candidate.entry_id])
    view = views.get(candidate.entry_id)
    if view is None or not readable_by(view["entry"], circle, ctx.config):
        raise InputError("msc/story_gone", number=number)
    mine = await _mine(ctx, row)
    changed = mine is not None and mine.candidate_id != candidate.id
    if mine is None:
        mine = MscChoice(
            round_id=row.id,
            candidate_id=candidate.id,
            entry_id=candidate.entry_id,
            person_id=ctx.who.person_id,
            reason=reason,
            chosen_at=ctx.now,
        )
    else:
        if changed:
            mine.reason = ""
        mine.candidate_id, mine.entry_id, mine.chosen_at = (
            candidate.id,
            candidate.entry_id,
            ctx.now,
        )
        mine.reason = reason or mine.reason
    ctx.session.add(mine)
    body = Body(
        "msc/chosen",
        {
            "circle": circle_context(circle),
            "number": number,
            "title": view["title"],
            "preview": view["preview"],
            "reason": mine.reason,
            "changed": changed,
            "closes_at": _closes(row, circle),
        },
    )
    return [*await _reply(ctx, event, body), *await _maybe_close(ctx, circle, row)]


async def give_reason(
    ctx: Context, event: InboundEvent, row: MscRound, reason: str
) -> list[Outgoing]:
    """`msc because ...`: the reason for the sender's choice in `row`."""
    check_open(ctx, row)
    if not reason:
        raise InputError("msc/reason_how")
    mine = await _mine(ctx, row)
    if mine is None:
        raise InputError("msc/nothing_chosen")
    circle = ctx.config.circle(row.circle_id)
    candidate = await ctx.session.get_one(MscCandidate, mine.candidate_id)
    views = await story_views(ctx.session, [candidate.entry_id])
    view = views.get(candidate.entry_id)
    if view is None or not readable_by(view["entry"], circle, ctx.config):
        raise InputError("msc/story_gone", number=candidate.number)
    mine.reason, mine.chosen_at = reason, ctx.now
    ctx.session.add(mine)
    body = Body(
        "msc/chosen",
        {
            "circle": circle_context(circle),
            "number": candidate.number,
            "title": view["title"],
            "preview": view["preview"],
            "reason": reason,
            "changed": False,
            "closes_at": _closes(row, circle),
        },
    )
    return [*await _reply(ctx, event, body), *await _maybe_close(ctx, circle, row)]


def _closes(row: MscRound, circle: CircleConfig) -> str:
    return local(row.closes_at, circle.timezone)
