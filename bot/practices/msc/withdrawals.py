"""A story someone chose in a round, taken back by its teller: the choosers are told, kindly.

When a teller withdraws a story, or narrows it so that a panel that read it may no longer, each
person who chose it in one of that panel's rounds hears privately that it was taken back, with
its number in the round and never its words or title. While the round is open they may choose
another; after it, they hear that it will not be shown or chosen. Every step of a round reads the
stories again (`bot.practices.msc.reading.readable_by`), so a withdrawn story is never revealed,
counted, selected or passed up.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot.core.messages import Body, Outgoing, ToPerson
from bot.core.router import Chosen, Context
from bot.practices.msc.models import MscCandidate, MscChoice, MscRound, MscSelection
from bot.practices.msc.reading import readable_by
from bot.practices.msc.rounds import circle_context
from bot.rituals.timing import local
from bot.storage.models import Entry


async def on_story_choice(ctx: Context, event: Any, chosen: Chosen) -> list[Outgoing]:
    """Tell everyone who chose the story in a round whose panel can no longer read it."""
    entry = await ctx.session.get(Entry, chosen.entry_id)
    if entry is None:
        return []
    was = Entry(
        id=entry.id,
        kind=entry.kind,
        circle_id=entry.circle_id,
        visibility=chosen.before,
        text="",
        created_at=entry.created_at,
    )
    query = (
        select(MscChoice, MscRound, MscCandidate)
        .join(MscRound, col(MscRound.id) == col(MscChoice.round_id))
        .join(MscCandidate, col(MscCandidate.id) == col(MscChoice.candidate_id))
        .where(MscChoice.entry_id == chosen.entry_id)
        .order_by(col(MscChoice.round_id), col(MscChoice.person_id))
    )
    circles = {c.id: c for c in ctx.config.circles}
    told: list[Outgoing] = []
    for choice, row, candidate in (await ctx.session.exec(query)).all():
        circle = circles.get(row.circle_id)
        if circle is None or choice.person_id == entry.person_id:
            continue  # a circle no longer configured; the teller knows already
        if not readable_by(was, circle, ctx.config) or readable_by(entry, circle, ctx.config):
            continue  # this panel could not read it before, or still can
        still_open = row.closed_at is None and ctx.now < row.closes_at
        selected = select(MscSelection.id).where(
            MscSelection.round_id == row.id, MscSelection.entry_id == entry.id
        )
        body = Body(
            "msc/withdrawn",
            {
                "circle": circle_context(circle),
                "number": candidate.number,
                "open": still_open,
                "closes_at": local(row.closes_at, circle.timezone) if still_open else None,
                "was_selected": (await ctx.session.exec(selected)).first() is not None,
            },
        )
        key = f"msc:{row.id}:withdrawn:{candidate.number}:{choice.person_id}:{event.dedup_key}"
        told.append(Outgoing(to=ToPerson(choice.person_id), body=body, key=key, kind="notice"))
    return told
