"""The circle something said outside any circle's room belongs to, remembered per person.

A private contribution goes to the sender's circle: the configured circle they joined first, or
the first configured circle when they have joined none (`circle_or_default`). Asking the database
for every private message would cost a statement each time, so the answer is kept in the memo
once it comes from a membership that is stored: memberships are never removed except when their
person is forgotten, which drops the memo's entry (`Memo.forget_person`, here or, found out by
the event's record, in another process), and a membership joined later has a later time, so the
one joined first stays first. (Two transactions that store a person's very first memberships at
the same moment may commit in the other order than their times; the read then had the same view
as the memo keeps.) When the person has no configured circle yet the default is not remembered:
the membership the caller records for it is read, and kept, the next time.
"""

from __future__ import annotations

from functools import partial

from bot.config.partnership import CircleConfig
from bot.core.inbound import circle_or_default
from bot.core.people import circles_of
from bot.core.router import Context


async def home_circle(ctx: Context) -> CircleConfig:
    """The event's room's circle, else the sender's first configured circle, else the first one;
    the sender's from the memo when it knows it."""
    if ctx.circle is not None:
        return ctx.circle
    person_id = ctx.who.person_id
    known = ctx.memo.first_circles.get(person_id)
    if known is not None:
        for circle in ctx.config.circles:
            if circle.id == known:
                return circle
    circles = await circles_of(ctx.session, person_id)
    circle = circle_or_default(ctx, circles)
    if circle.id in circles:  # one of their memberships, not the default
        ctx.after_commit(partial(ctx.memo.first_circles.put, person_id, circle.id))
    return circle
