"""Questions the bot asks before doing something that cannot be undone, and their answers.

`ask` records that a person was just asked to confirm an action; `take` accepts their "yes" only
while that question is pending and not expired, and uses it up, so a "yes" typed out of the
blue, twice, or long after the question does nothing. The question is a row in the database,
so it is answered the same way in any process or session, and two answers racing each other
find one question between them: only one of them takes it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import col

from bot.core.router import Context
from bot.storage.models import Confirmation
from bot.storage.sql import insert_ignore

ANSWER_WITHIN = timedelta(minutes=30)
"""How long a question waits for its answer."""


async def ask(ctx: Context, action: str, *, within: timedelta = ANSWER_WITHIN) -> None:
    """Record that the sender has just been asked to confirm `action` (again: a fresh expiry)."""
    expires_at = ctx.now + within
    await ctx.session.exec(
        delete(Confirmation).where(
            col(Confirmation.person_id) == ctx.who.person_id,
            col(Confirmation.action) == action,
        )
    )
    await insert_ignore(
        ctx.session,
        Confirmation,
        {
            "person_id": ctx.who.person_id,
            "action": action,
            "asked_at": ctx.now,
            "expires_at": expires_at,
        },
    )


async def take(ctx: Context, action: str) -> bool:
    """Whether the sender was asked to confirm `action` and the question is still open; the
    question is used up either way."""
    result = await ctx.session.exec(
        delete(Confirmation).where(
            col(Confirmation.person_id) == ctx.who.person_id,
            col(Confirmation.action) == action,
            col(Confirmation.expires_at) > ctx.now,
        )
    )
    taken = bool(result.rowcount)
    if not taken:  # an expired question is gone too
        await ctx.session.exec(
            delete(Confirmation).where(
                col(Confirmation.person_id) == ctx.who.person_id,
                col(Confirmation.action) == action,
            )
        )
    return taken
