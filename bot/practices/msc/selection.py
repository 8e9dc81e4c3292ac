"""After the reveal: the panel's agreed selection, feedback to every teller, and passing it up.

`msc select N because ...` records the story the panel agreed on and why. Feedback always
follows, in the same unit of work: the teller of the chosen story hears privately that it was
chosen and why; the tellers of the other stories read are thanked privately; a circle the chosen
story was shared with hears which story and why. `msc pass-up` makes the selection a candidate in
the stewards' next round, with its reason from below.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot.config.partnership import CircleConfig
from bot.core.events import Command
from bot.core.inbound import answer_here
from bot.core.messages import Body, Outgoing, ToCircle, ToPerson
from bot.core.router import Context
from bot.errors import InputError
from bot.practices.msc.models import MscCandidate, MscRound, MscSelection
from bot.practices.msc.reading import readable_by, shown, story_views
from bot.practices.msc.rounds import candidate_views, candidates_of, circle_context
from bot.practices.msc.words import parse_pick
from bot.storage.models import Person


async def _latest_closed(ctx: Context, circle: CircleConfig) -> MscRound:
    query = (
        select(MscRound)
        .where(MscRound.circle_id == circle.id, col(MscRound.closed_at).is_not(None))
        .order_by(col(MscRound.opened_at).desc(), col(MscRound.id).desc())
    )
    row = (await ctx.session.exec(query)).first()
    if row is None:
        raise InputError("msc/nothing_to_select", circle=circle.name)
    return row


async def _selection_of(ctx: Context, round_id: int) -> MscSelection | None:
    query = select(MscSelection).where(MscSelection.round_id == round_id)
    return (await ctx.session.exec(query)).first()


async def select_story(
    ctx: Context, event: Command, circle: CircleConfig, text: str
) -> list[Outgoing]:
    """`msc select N because ...` in the circle's room, after its latest round closed."""
    number, reason = parse_pick(text, verb="select")
    row = await _latest_closed(ctx, circle)
    assert row.id is not None
    earlier = await _selection_of(ctx, row.id)
    if earlier is not None:
        taken = await ctx.session.get_one(MscCandidate, earlier.candidate_id)
        raise InputError("msc/already_selected", number=taken.number)
    candidates = await candidates_of(ctx.session, row.id)
    views = await candidate_views(ctx.session, ctx.config, circle, candidates)
    view = next((v for v in views if v["number"] == number), None)
    if view is None:
        if any(c.number == number for c in candidates):
            raise InputError("msc/story_gone", number=number)
        raise InputError("msc/no_such_story", number=number)
    if not reason:
        raise InputError("msc/select_needs_reason", number=number)
    chosen = next(c for c in candidates if c.number == number)
    assert chosen.id is not None
    ctx.session.add(
        MscSelection(
            round_id=row.id,
            candidate_id=chosen.id,
            entry_id=chosen.entry_id,
            reason=reason,
            selected_at=ctx.now,
        )
    )
    story = {k: view[k] for k in ("number", "title", "text", "preview", "author", "below")}
    context = {"circle": circle_context(circle), "story": story, "reason": reason}
    announce = Outgoing(
        to=ToCircle(circle.id),
        body=Body("msc/selected", {**context, "can_pass_up": _can_pass_up(ctx, circle)}),
        key=f"msc:{row.id}:selected",
    )
    return [announce, *await _feedback(ctx, circle, row.id, candidates, chosen, context)]


async def _feedback(
    ctx: Context,
    circle: CircleConfig,
    round_id: int,
    candidates: list[MscCandidate],
    chosen: MscCandidate,
    context: dict[str, Any],
) -> list[Outgoing]:
    """Every teller of a story read hears back privately; the circle it came from hears too."""
    views = await story_views(ctx.session, [c.entry_id for c in candidates])
    sent: list[Outgoing] = []
    for candidate in candidates:
        view = views.get(candidate.entry_id)
        if view is None or not readable_by(view["entry"], circle, ctx.config):
            continue  # withdrawn or narrowed since: its teller is not written to about it
        teller = view["entry"].person_id
        person = await ctx.session.get(Person, teller) if teller is not None else None
        if person is None or person.erased_at is not None:
            continue
        yours = {"number": candidate.number, **shown(view)}
        if candidate is chosen:
            body = Body("msc/teller_chosen", {**context, "yours": yours})
        else:  # never the chosen story: its teller may have shared it with fewer people
            body = Body("msc/teller_thanks", {"circle": context["circle"], "yours": yours})
        sent.append(
            Outgoing(
                to=ToPerson(teller),
                body=body,
                key=f"msc:{round_id}:teller:{candidate.number}",
            )
        )
    entry = views[chosen.entry_id]["entry"]
    if entry.visibility == "circle" and entry.circle_id != circle.id:
        sent.append(
            Outgoing(
                to=ToCircle(entry.circle_id),
                body=Body("msc/chosen_above", context),
                key=f"msc:{round_id}:below:{entry.circle_id}",
            )
        )
    return sent


def _can_pass_up(ctx: Context, circle: CircleConfig) -> bool:
    return circle.kind == "partnership" and bool(ctx.config.stewards_circles())


async def pass_up(ctx: Context, event: Command, circle: CircleConfig, text: str) -> list[Outgoing]:
    """`msc pass-up [N]`: the circle's latest selection becomes a candidate for the stewards."""
    if circle.kind == "stewards":
        raise InputError("msc/pass_up_top")
    if circle.kind != "partnership" or not ctx.config.stewards_circles():
        raise InputError("msc/pass_up_not_here", circle=circle.name)
    query = (
        select(MscSelection, MscCandidate)
        .join(MscRound, col(MscRound.id) == col(MscSelection.round_id))
        .join(MscCandidate, col(MscCandidate.id) == col(MscSelection.candidate_id))
        .where(MscRound.circle_id == circle.id)
        .order_by(col(MscSelection.selected_at).desc(), col(MscSelection.id).desc())
    )
    found = (await ctx.session.exec(query)).first()
    if found is None:
        raise InputError("msc/nothing_to_pass_up", circle=circle.name)
    selection, candidate = found
    typed = text.strip().lstrip("#")
    if typed and typed != str(candidate.number):
        raise InputError("msc/pass_up_which", number=candidate.number, typed=typed)
    views = await story_views(ctx.session, [selection.entry_id])
    view = views.get(selection.entry_id)
    stewards = ctx.config.stewards_circles()[0]
    if view is None or not readable_by(view["entry"], stewards, ctx.config):
        raise InputError("msc/story_gone", number=candidate.number)
    if selection.passed_up_at is not None:
        raise InputError("msc/already_passed_up", number=candidate.number)
    selection.passed_up_at = ctx.now
    ctx.session.add(selection)
    context = {
        "circle": circle_context(circle),
        "stewards": circle_context(stewards),
        "story": {"number": candidate.number, **shown(view)},
        "reason": selection.reason,
    }
    key = f"msc:passed:{selection.id}"
    return [
        answer_here(event, Body("msc/passed_up", context), key=key, private=False),
        Outgoing(
            to=ToCircle(stewards.id),
            body=Body("msc/passed_up_to_stewards", context),
            key=f"{key}:stewards",
            kind="notice",
        ),
    ]
