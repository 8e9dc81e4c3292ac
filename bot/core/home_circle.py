"""The circle something said outside any circle's room belongs to, remembered per person.

A private contribution goes to the sender's circle: the configured circle they joined first, or
the first configured circle when they have joined none (`circle_or_default`), which they then
join. Asking the database for every private message would cost a statement each time, so the
answer is kept in the memo once the transaction that read it (and made them a member of it)
has committed. It stays true: memberships are never removed except when their person is
forgotten, which drops the memo's entry (`Memo.forget_person`, here or, found out by the
event's record, in another process), and a membership joined later has a later time, so the
one joined first stays first. (Two transactions that store a person's very first memberships
at the same moment may commit in the other order than their times; the read then had the same
view as the memo keeps.)
"""

from __future__ import annotations

from functools import partial

from bot.config.partnership import CircleConfig
from bot.core.inbound import circle_or_default, join_once
from bot.core.people import circles_of
from bot.core.router import Context


async def join_home_circle(ctx: Context, *, wait: bool = False) -> CircleConfig:
    """The event's room's circle, else the sender's first configured circle, else the first one
    (the sender's from the memo when it knows it); the sender is recorded as one of its
    members. `wait`: nothing later in the unit of work reads memberships (a contribution no
    entry hook looks at), so that record may go with the unit of work's last write."""
    person_id = ctx.who.person_id
    circle = ctx.circle
    if circle is None:
        known = ctx.memo.first_circles.get(person_id)
        circle = next((c for c in ctx.config.circles if c.id == known), None)
        if circle is None:
            # a person created in this unit of work has joined nothing yet
            new = ctx.who.new_chat is not None
            joined = [] if new else await circles_of(ctx.session, person_id)
            circle = circle_or_default(ctx, joined)
            # theirs, or the default that they join now, having joined no configured circle
            ctx.after_commit(partial(ctx.memo.first_circles.put, person_id, circle.id))
    await join_once(ctx, person_id, circle.id, wait=wait)
    return circle
