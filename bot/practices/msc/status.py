"""`msc` alone: where a circle's rounds stand, and how to take the next step."""

from __future__ import annotations

from sqlmodel import col, select

from bot.config.partnership import CircleConfig
from bot.core.events import Command
from bot.core.inbound import answer_here
from bot.core.messages import Body, Outgoing
from bot.core.router import Context
from bot.practices.msc.models import MscCandidate, MscRound, MscSelection
from bot.practices.msc.reading import readable_by, shown, story_views
from bot.practices.msc.rounds import candidate_views, candidates_of, circle_context, latest_round
from bot.rituals.timing import local


async def status(ctx: Context, event: Command, circle: CircleConfig) -> list[Outgoing]:
    row = await latest_round(ctx.session, circle.id)
    context: dict[str, object] = {
        "circle": circle_context(circle),
        "open": None,
        "to_select": False,
        "selected": None,
    }
    if row is not None and row.id is not None:
        stories = await candidate_views(
            ctx.session, ctx.config, circle, await candidates_of(ctx.session, row.id)
        )
        if row.closed_at is None:
            context["open"] = {
                "count": len(stories),
                "closes_at": local(row.closes_at, circle.timezone),
            }
        else:
            made = select(MscSelection).where(MscSelection.round_id == row.id)
            context["to_select"] = bool(stories) and (await ctx.session.exec(made)).first() is None
    query = (
        select(MscSelection, MscCandidate)
        .join(MscRound, col(MscRound.id) == col(MscSelection.round_id))
        .join(MscCandidate, col(MscCandidate.id) == col(MscSelection.candidate_id))
        .where(MscRound.circle_id == circle.id)
        .order_by(col(MscSelection.selected_at).desc(), col(MscSelection.id).desc())
    )
    found = (await ctx.session.exec(query)).first()
    if found is not None:
        selection, candidate = found
        view = (await story_views(ctx.session, [selection.entry_id])).get(selection.entry_id)
        if view is not None and readable_by(view["entry"], circle, ctx.config):
            context["selected"] = {
                "story": {"number": candidate.number, **shown(view)},
                "reason": selection.reason,
                "on": local(selection.selected_at, circle.timezone),
                "passed_up": selection.passed_up_at is not None,
            }
    body = Body("msc/status", context)
    return [answer_here(event, body, key=f"msc:{event.platform}:{event.dedup_key}")]
