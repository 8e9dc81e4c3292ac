"""System Maturity Model rounds: private scores, an anonymous reveal, and the group's agreement.

A steward starts a round in a circle's room (`maturity start`). Each member is asked privately to
score the nine dimensions from 1 to 5 (buttons, or typed: `score vision 3 because ...`). Scores
stay private until the round closes, at its deadline or once everyone has scored. The reveal shows
per dimension how many scored and the spread, without names, and nothing for a dimension fewer
than `anonymity_threshold` people scored. The group then records agreed scores
(`maturity agree vision 3 because ...`) and chooses what to work on (`maturity focus vision`).
Every round is kept; `maturity history` shows the change between rounds.

The dimensions and how scores are read live in
`bot.practices.maturity.dimensions`; what the group agrees
afterwards, and the history, in `bot.practices.maturity.agreement`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import CircleConfig
from bot.config.practice_settings import partnership_number
from bot.core import checks
from bot.core.events import ButtonPress, Command, InboundEvent
from bot.core.inbound import answer_here, is_steward
from bot.core.messages import Body, Button, Outgoing, ToCircle, ToPerson
from bot.core.people import circles_of, members
from bot.core.router import Context, Router
from bot.core.runtime import Transaction
from bot.errors import InputError
from bot.practices.maturity.agreement import agree, focus, history, open_round
from bot.practices.maturity.dimensions import (
    DIMENSIONS,
    MAX_REASON,
    dimension_context,
    dimension_of,
    parse_score,
    spread,
)
from bot.practices.maturity.models import MaturityRound, MaturityScore
from bot.practices.maturity.web import maturity_pages
from bot.practices.services import Services
from bot.rituals.scheduler import JobSpec
from bot.rituals.timers import DueTimer, Timers, configured
from bot.rituals.timing import local
from bot.storage.sql import insert_row
from bot.web.pages import Page

__all__ = [
    "DIMENSIONS",
    "MAX_REASON",
    "Maturity",
    "dimension_of",
    "is_steward",
    "parse_score",
    "spread",
]

log = logging.getLogger(__name__)

CLOSE = "maturity.close"
"""The timer that closes a round at its deadline; its subject is the round's number."""


def _score_buttons(round_id: int, key: str) -> tuple[Button, ...]:
    return tuple(Button("maturity", f"{round_id}:{key}:{n}", str(n)) for n in range(1, 6))


class Maturity:
    """System Maturity Model rounds for any circle."""

    name = "maturity"
    partnership_settings = ("maturity_days",)

    def __init__(self, services: Services) -> None:
        self._s = services
        self._days = partnership_number(services.config, "maturity_days", default=7, minimum=1)
        """How long a round stays open for scores."""

    def web_pages(self) -> tuple[Page, ...]:
        """Its page of the web view."""
        return maturity_pages()

    def register(self, router: Router) -> None:
        router.command(
            "maturity",
            self.on_maturity,
            description="System Maturity Model: maturity start | close (stewards), "
            "agree | focus | history",
        )
        router.command(
            "score", self.on_score, description="score a maturity dimension: score vision 3"
        )
        router.button("maturity", self.on_button)

    def register_timers(self, timers: Timers) -> None:
        timers.handle(CLOSE, self.on_close)

    def jobs(self) -> list[JobSpec]:
        return []  # a round's deadline is a timer, set when the round starts

    async def on_close(self, tx: Transaction, timer: DueTimer) -> list[Outgoing]:
        """A round's deadline: reveal it, unless it closed already (everyone scored, or a
        steward's `maturity close`)."""
        row = await tx.session.get(MaturityRound, int(timer.subject))
        circle = configured(self._s.config, row.circle_id) if row else None
        if row is None or circle is None or row.closed_at is not None:
            return []
        return await self._close(tx.session, circle, row, tx.now)

    # -- the round ------------------------------------------------------------------------------

    async def _start(self, ctx: Context, event: Command, circle: CircleConfig) -> list[Outgoing]:
        if not await is_steward(ctx, event):
            raise InputError("replies/stewards_only", verb="maturity start")
        if await open_round(ctx, circle) is not None:
            raise InputError("maturity/already_open", circle=circle.name)
        closes_at = ctx.now + timedelta(days=self._days)
        round_id = await insert_row(
            ctx.session,
            MaturityRound,
            {
                "circle_id": circle.id,
                "opened_at": ctx.now,
                "closes_at": closes_at,
                "closed_at": None,
                "threshold": ctx.config.partnership.anonymity_threshold,
                "focus": "",
            },
        )
        await self._s.timers.set(ctx.tx, CLOSE, str(round_id), due=closes_at)
        closes = local(closes_at, circle.timezone)
        announce = Outgoing(
            to=ToCircle(circle.id),
            body=Body(
                "maturity/started",
                {"circle": {"id": circle.id, "name": circle.name}, "closes_at": closes},
            ),
            key=f"maturity:{round_id}:started",
            kind="notice",
        )
        first = next(iter(DIMENSIONS))
        asks = [
            Outgoing(
                to=ToPerson(person_id),
                body=Body(
                    "maturity/ask",
                    {
                        "circle": {"id": circle.id, "name": circle.name},
                        "closes_at": closes,
                        "dimension": dimension_context(first),
                        "count": len(DIMENSIONS),
                    },
                ),
                key=f"maturity:{round_id}:ask:{person_id}",
                kind="prompt",
                buttons=_score_buttons(round_id, first),
            )
            for person_id in sorted(await members(ctx.session, circle.id))
        ]
        return [announce, *asks]

    async def _close_now(
        self, ctx: Context, event: Command, circle: CircleConfig
    ) -> list[Outgoing]:
        """`maturity close`, by a steward: reveal the open round now, before its deadline."""
        if not await is_steward(ctx, event):
            raise InputError("replies/stewards_only", verb="maturity close")
        row = await open_round(ctx, circle)
        if row is None:
            raise InputError("maturity/none_to_close", circle=circle.name)
        return await self._close(ctx.session, circle, row, ctx.now)

    async def _close(
        self, session: AsyncSession, circle: CircleConfig, row: MaturityRound, now: datetime
    ) -> list[Outgoing]:
        """Close a round and reveal its scores in aggregate."""
        assert row.id is not None
        row.closed_at = now
        session.add(row)
        scores = (
            await session.exec(select(MaturityScore).where(MaturityScore.round_id == row.id))
        ).all()
        people = {s.person_id for s in scores}
        dimensions = [
            {
                **dimension_context(key),
                **spread([s.score for s in scores if s.dimension == key], row.threshold),
            }
            for key in DIMENSIONS
        ]
        body = Body(
            "maturity/reveal",
            {
                "circle": {"id": circle.id, "name": circle.name},
                "people": len(people),
                "threshold": row.threshold,
                "dimensions": dimensions,
            },
        )
        return [Outgoing(to=ToCircle(circle.id), body=body, key=f"maturity:{row.id}:reveal")]

    # -- scoring --------------------------------------------------------------------------------

    async def on_button(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        round_id, key, score = [*event.value.split(":"), "", ""][:3]
        number = checks.whole_number(round_id)
        row = await ctx.session.get(MaturityRound, number) if number is not None else None
        if row is None or key not in DIMENSIONS or score not in {"1", "2", "3", "4", "5"}:
            raise InputError("maturity/none_open")
        return await self._score(ctx, event, row, key, int(score), "")

    async def on_score(self, ctx: Context, event: Command) -> list[Outgoing]:
        dimension, score, reason = parse_score(event.args)
        circles = (
            [ctx.circle.id] if ctx.circle else await circles_of(ctx.session, ctx.who.person_id)
        )
        query = (
            select(MaturityRound)
            .where(col(MaturityRound.circle_id).in_(circles))
            .order_by(col(MaturityRound.opened_at).desc(), col(MaturityRound.id).desc())
        )
        still_open = query.where(
            col(MaturityRound.closed_at).is_(None), col(MaturityRound.closes_at) > ctx.now
        )
        # a round still open first: one closed since in another of their circles is not it
        row = (await ctx.session.exec(still_open)).first()
        row = row or (await ctx.session.exec(query)).first()
        if row is None:
            raise InputError("maturity/none_open")
        return await self._score(ctx, event, row, dimension, score, reason)

    async def _score(
        self,
        ctx: Context,
        event: InboundEvent,
        row: MaturityRound,
        key: str,
        score: int,
        reason: str,
    ) -> list[Outgoing]:
        if row.closed_at is not None or ctx.now >= row.closes_at:
            raise InputError("maturity/closed")
        assert row.id is not None
        if ctx.who.person_id not in await members(ctx.session, row.circle_id):
            raise InputError("maturity/not_member")
        query = select(MaturityScore).where(
            MaturityScore.round_id == row.id, MaturityScore.person_id == ctx.who.person_id
        )
        mine = {s.dimension: s for s in (await ctx.session.exec(query)).all()}
        earlier = mine.get(key)
        if earlier is None:
            earlier = MaturityScore(
                round_id=row.id,
                person_id=ctx.who.person_id,
                dimension=key,
                score=score,
                reason=reason,
                scored_at=ctx.now,
            )
            changed = False
        else:
            changed = earlier.score != score
            earlier.score, earlier.scored_at = score, ctx.now
            earlier.reason = reason or earlier.reason
        ctx.session.add(earlier)
        mine[key] = earlier
        left = [k for k in DIMENSIONS if k not in mine]
        body = Body(
            "maturity/scored",
            {
                "dimension": dimension_context(key),
                "score": score,
                "changed": changed,
                "next": dimension_context(left[0]) if left else None,
                "left": len(left),
                "circle": next((c.name for c in ctx.config.circles if c.id == row.circle_id), ""),
            },
        )
        reply = answer_here(event, body, key=f"maturity:{event.platform}:{event.dedup_key}")
        if left:
            reply = replace(reply, buttons=_score_buttons(row.id, left[0]))
        outgoing = [reply]
        if not left and await self._everyone_scored(ctx.session, row):
            circle = ctx.config.circle(row.circle_id)
            outgoing.extend(await self._close(ctx.session, circle, row, ctx.now))
        return outgoing

    async def _everyone_scored(self, session: AsyncSession, row: MaturityRound) -> bool:
        await session.flush()
        scores = (
            await session.exec(select(MaturityScore).where(MaturityScore.round_id == row.id))
        ).all()
        done = {
            person
            for person in {s.person_id for s in scores}
            if sum(1 for s in scores if s.person_id == person) == len(DIMENSIONS)
        }
        return set(await members(session, row.circle_id)) <= done

    # -- the group's verbs ----------------------------------------------------------------------

    async def on_maturity(self, ctx: Context, event: Command) -> list[Outgoing]:
        if ctx.circle is None:
            raise InputError("replies/use_in_room")
        circle = ctx.circle
        sub, _, rest = event.args.strip().partition(" ")
        sub = sub.lower()
        if sub == "start":
            return await self._start(ctx, event, circle)
        if sub == "close":
            return await self._close_now(ctx, event, circle)
        if sub == "agree":
            return await agree(ctx, event, circle, rest)
        if sub == "focus":
            return await focus(ctx, event, circle, rest)
        if sub in {"", "history", "status"}:
            return await history(ctx, event, circle)
        raise InputError("maturity/how", dimensions=list(DIMENSIONS.values()))
