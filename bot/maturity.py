"""System Maturity Model rounds: private scores, an anonymous reveal, and the group's agreement.

A steward starts a round in a circle's room (`maturity start`). Each member is asked privately to
score the nine dimensions from 1 to 5 (buttons, or typed: `score vision 3 because ...`). Scores
stay private until the round closes, at its deadline or once everyone has scored. The reveal shows
per dimension how many scored and the spread, without names, and nothing for a dimension fewer
than `anonymity_threshold` people scored. The group then records agreed scores
(`maturity agree vision 3 because ...`) and chooses what to work on (`maturity focus vision`).
Every round is kept; `maturity history` shows the change between rounds.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from apscheduler.triggers.date import DateTrigger
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import CircleConfig
from bot.core import answer_here
from bot.errors import InputError
from bot.events import ButtonPress, Command, InboundEvent
from bot.features import Services
from bot.messages import Body, Button, Outgoing, ToCircle, ToPerson
from bot.models_practices import MaturityAgreed, MaturityRound, MaturityScore
from bot.people import circles_of, members
from bot.router import Context, Router
from bot.scheduling import JobFunc, JobSpec
from bot.sql import insert_row
from bot.timing import local

log = logging.getLogger(__name__)

DIMENSIONS = {
    "vision": "Vision",
    "collaboration": "Collaboration",
    "accountability": "Accountability",
    "involvement": "Involvement",
    "planning": "Planning and strategy",
    "finance": "Finance",
    "service_delivery": "Service delivery",
    "workforce": "Workforce development",
    "learning": "Learning and improvement",
}
_ALIASES = {
    "planning_strategy": "planning",
    "planning_and_strategy": "planning",
    "strategy": "planning",
    "service": "service_delivery",
    "delivery": "service_delivery",
    "services": "service_delivery",
    "workforce_development": "workforce",
    "learning_and_improvement": "learning",
    "learning_improvement": "learning",
    "improvement": "learning",
}
MAX_REASON = 500


def dimension_of(words: str) -> str | None:
    """The dimension key for typed words ("service delivery", "Planning/Strategy"), or None."""
    key = "_".join(words.lower().replace("/", " ").replace("-", " ").replace("&", "and").split())
    return key if key in DIMENSIONS else _ALIASES.get(key)


def parse_score(text: str) -> tuple[str, int, str]:
    """(dimension, score, reason) from "service delivery 3 because ..."; InputError if unclear."""
    words = text.split()
    at = next((i for i, w in enumerate(words) if w.strip(".,:;").lstrip("-").isdigit()), None)
    if not words:
        raise InputError("maturity/how", dimensions=list(DIMENSIONS.values()))
    named = " ".join(words[:at] if at is not None else words[:1])
    dimension = dimension_of(named) if named else None
    if dimension is None:
        raise InputError(
            "maturity/unknown_dimension",
            dimension=named or text.strip(),
            dimensions=list(DIMENSIONS.values()),
        )
    if at is None:
        raise InputError(
            "maturity/bad_score", dimension=DIMENSIONS[dimension], score=" ".join(words[1:2])
        )
    score = int(words[at].strip(".,:;"))
    if not 1 <= score <= 5:
        raise InputError("maturity/bad_score", dimension=DIMENSIONS[dimension], score=words[at])
    rest = words[at + 1 :]
    if rest and rest[0].lower() in {"because", "as", "-", ":"}:
        rest = rest[1:]
    reason = " ".join(rest).strip()
    if len(reason) > MAX_REASON:
        raise InputError("replies/too_long", limit=MAX_REASON, length=len(reason), text=reason)
    return dimension, score, reason


def _middle(scores: list[int]) -> str:
    value = statistics.median(scores)
    return f"{value:g}"


def spread(scores: list[int], threshold: int) -> dict[str, Any]:
    """How many scored and the lowest, middle and highest score, hidden below `threshold`."""
    shown = len(scores) >= threshold
    return {
        "count": len(scores),
        "shown": shown,
        "lowest": min(scores) if shown else None,
        "middle": _middle(scores) if shown else None,
        "highest": max(scores) if shown else None,
    }


def _dimension_context(key: str) -> dict[str, str]:
    return {"key": key, "label": DIMENSIONS[key]}


def _score_buttons(round_id: int, key: str) -> tuple[Button, ...]:
    return tuple(Button("maturity", f"{round_id}:{key}:{n}", str(n)) for n in range(1, 6))


async def is_steward(ctx: Context, event: InboundEvent) -> bool:
    """Stewards are the people seen in a stewards' circle; whoever runs the console is one too."""
    if event.platform == "console":
        return True
    stewards = {c.id for c in ctx.config.circles if c.kind == "stewards"}
    return bool(stewards.intersection(await circles_of(ctx.session, ctx.who.person_id)))


class Maturity:
    """System Maturity Model rounds for any circle."""

    def __init__(self, services: Services) -> None:
        self._s = services

    def register(self, router: Router) -> None:
        router.command(
            "maturity",
            self.on_maturity,
            description="System Maturity Model: maturity start | agree | focus | history",
        )
        router.command(
            "score", self.on_score, description="score a maturity dimension: score vision 3"
        )
        router.button("maturity", self.on_button)

    def jobs(self) -> list[JobSpec]:
        # at start: close any round whose deadline passed while the bot was down
        now = self._s.clock.now()
        return [
            JobSpec(f"maturity:{c.id}:close", DateTrigger(now), self._close_job(c.id))
            for c in self._s.config.circles
        ]

    # -- schedule -------------------------------------------------------------------------------

    def _close_job(self, circle_id: str) -> JobFunc:
        async def job() -> None:
            await self.close_due(circle_id)

        return job

    def _schedule_close(self, circle_id: str, when: datetime) -> None:
        when = max(when, self._s.clock.now())
        self._s.scheduler.add(
            JobSpec(f"maturity:{circle_id}:close", DateTrigger(when), self._close_job(circle_id))
        )

    async def close_due(self, circle_id: str) -> None:
        now = self._s.clock.now()
        circle = self._s.config.circle(circle_id)
        async with self._s.sessions.begin() as session:
            query = select(MaturityRound).where(
                MaturityRound.circle_id == circle_id,
                col(MaturityRound.closed_at).is_(None),
            )
            outgoing = []
            for row in (await session.exec(query)).all():
                if row.closes_at <= now:
                    outgoing.extend(await self._close(session, circle, row, now))
                else:
                    self._schedule_close(circle_id, row.closes_at)
            await self._s.outbox.enqueue(session, outgoing, now=now)
        self._s.wake()

    # -- the round ------------------------------------------------------------------------------

    async def _open_round(self, ctx: Context, circle: CircleConfig) -> MaturityRound | None:
        query = select(MaturityRound).where(
            MaturityRound.circle_id == circle.id, col(MaturityRound.closed_at).is_(None)
        )
        return (await ctx.session.exec(query)).first()

    async def _start(self, ctx: Context, event: Command, circle: CircleConfig) -> list[Outgoing]:
        if not await is_steward(ctx, event):
            raise InputError("replies/stewards_only", verb="maturity start")
        if await self._open_round(ctx, circle) is not None:
            raise InputError("maturity/already_open", circle=circle.name)
        closes_at = ctx.now + timedelta(days=ctx.config.partnership.maturity_days)
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
        self._schedule_close(circle.id, closes_at)
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
                        "dimension": _dimension_context(first),
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
                **_dimension_context(key),
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
        row = await ctx.session.get(MaturityRound, int(round_id)) if round_id.isdigit() else None
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
        row = (await ctx.session.exec(query)).first()
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
                "dimension": _dimension_context(key),
                "score": score,
                "changed": changed,
                "next": _dimension_context(left[0]) if left else None,
                "left": len(left),
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
        if sub == "agree":
            return await self._agree(ctx, event, circle, rest)
        if sub == "focus":
            return await self._focus(ctx, event, circle, rest)
        if sub in {"", "history", "status"}:
            return await self._history(ctx, event, circle)
        raise InputError("maturity/how", dimensions=list(DIMENSIONS.values()))

    async def _closed_rounds(self, session: AsyncSession, circle_id: str) -> list[MaturityRound]:
        query = (
            select(MaturityRound)
            .where(MaturityRound.circle_id == circle_id, col(MaturityRound.closed_at).is_not(None))
            .order_by(col(MaturityRound.opened_at).desc(), col(MaturityRound.id).desc())
        )
        return list((await session.exec(query)).all())

    async def _agreed(self, session: AsyncSession, round_id: int) -> dict[str, MaturityAgreed]:
        query = select(MaturityAgreed).where(MaturityAgreed.round_id == round_id)
        return {a.dimension: a for a in (await session.exec(query)).all()}

    async def _latest_closed(self, ctx: Context, circle: CircleConfig) -> list[MaturityRound]:
        rounds = await self._closed_rounds(ctx.session, circle.id)
        if not rounds:
            raise InputError("maturity/nothing_to_agree", circle=circle.name)
        return rounds

    async def _agree(
        self, ctx: Context, event: Command, circle: CircleConfig, text: str
    ) -> list[Outgoing]:
        dimension, score, reason = parse_score(text)
        rounds = await self._latest_closed(ctx, circle)
        latest = rounds[0]
        assert latest.id is not None
        agreed = await self._agreed(ctx.session, latest.id)
        row = agreed.get(dimension) or MaturityAgreed(
            round_id=latest.id, dimension=dimension, score=score, agreed_at=ctx.now
        )
        row.score, row.agreed_at = score, ctx.now
        row.reason = reason or row.reason
        ctx.session.add(row)
        agreed[dimension] = row
        before = await self._previous_agreed(ctx.session, rounds[1:])
        changes = [self._change(key, agreed.get(key), before.get(key)) for key in DIMENSIONS]
        body = Body(
            "maturity/agreed",
            {
                "circle": {"id": circle.id, "name": circle.name},
                "dimension": _dimension_context(dimension),
                "score": score,
                "reason": row.reason,
                "change": self._change(dimension, row, before.get(dimension)),
                "left": [DIMENSIONS[k] for k in DIMENSIONS if k not in agreed],
                "changes": changes,
                "has_previous": bool(before),
            },
        )
        return [
            answer_here(
                event, body, key=f"maturity:{event.platform}:{event.dedup_key}", private=False
            )
        ]

    async def _previous_agreed(
        self, session: AsyncSession, older: list[MaturityRound]
    ) -> dict[str, MaturityAgreed]:
        """The newest agreed score of each dimension from earlier rounds."""
        found: dict[str, MaturityAgreed] = {}
        for row in older:
            assert row.id is not None
            for key, agreed in (await self._agreed(session, row.id)).items():
                found.setdefault(key, agreed)
        return found

    @staticmethod
    def _change(
        key: str, now: MaturityAgreed | None, before: MaturityAgreed | None
    ) -> dict[str, Any]:
        return {
            **_dimension_context(key),
            "score": now.score if now else None,
            "before": before.score if before else None,
            "delta": now.score - before.score if now and before else None,
        }

    async def _focus(
        self, ctx: Context, event: Command, circle: CircleConfig, text: str
    ) -> list[Outgoing]:
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
        rounds = await self._latest_closed(ctx, circle)
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
            answer_here(
                event, body, key=f"maturity:{event.platform}:{event.dedup_key}", private=False
            )
        ]

    async def _history(self, ctx: Context, event: Command, circle: CircleConfig) -> list[Outgoing]:
        rounds = []
        for row in (await self._closed_rounds(ctx.session, circle.id))[:4]:
            assert row.id is not None
            agreed = await self._agreed(ctx.session, row.id)
            rounds.append(
                {
                    "opened": local(row.opened_at, circle.timezone),
                    "agreed": [
                        {**_dimension_context(k), "score": agreed[k].score}
                        for k in DIMENSIONS
                        if k in agreed
                    ],
                    "focus": [DIMENSIONS[k] for k in row.focus.split() if k in DIMENSIONS],
                }
            )
        open_round = await self._open_round(ctx, circle)
        body = Body(
            "maturity/history",
            {
                "circle": {"id": circle.id, "name": circle.name},
                "rounds": rounds,
                "open_until": local(open_round.closes_at, circle.timezone) if open_round else None,
            },
        )
        return [answer_here(event, body, key=f"maturity:{event.platform}:{event.dedup_key}")]
