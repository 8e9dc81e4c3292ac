"""The schedule of a learning set's rounds: a round begins on the set's `learning_set` schedule
with an invitation to the member who presented least recently, and each phase moves on when its
window ends: a timer in the database (bot/rituals/timers.py), fired by whichever bot runs then,
or at start when no bot ran at the time."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from apscheduler.triggers.date import DateTrigger
from sqlmodel import col, func, select

from bot.config.partnership import CircleConfig
from bot.config.practice_settings import circle_schedules
from bot.core.messages import Body, Outgoing, ToCircle
from bot.core.people import members
from bot.core.runtime import Transaction
from bot.practices.learning_sets.models import LearningNote, LearningRound
from bot.practices.learning_sets.rounds import (
    active_round,
    choose_presenter,
    invite,
    name_of,
    round_context,
)
from bot.practices.services import Services
from bot.rituals.scheduler import JobFunc, JobSpec
from bot.rituals.timers import DueTimer, configured
from bot.rituals.timing import cron, latest_fire
from bot.storage.sql import insert_ignore

log = logging.getLogger(__name__)


PHASE_END = "learning_set.phase"
"""The timer at which a round's phase ends; its subject is the round's number. A phase a person
moved on earlier leaves its timer with nothing to do."""

SECTION = "learning_set"
"""The circle table that schedules a set's rounds: `cron` and `window_hours` for each phase."""


class SetPhases:
    """Begins each learning set's rounds and moves their phases on, on schedule."""

    def __init__(self, services: Services) -> None:
        self._s = services
        self.schedules = circle_schedules(services.config, SECTION, example="0 9 * * TUE")
        """Each set's `[circles.learning_set]`: when rounds begin, how long each phase lasts."""

    def window(self, circle: CircleConfig) -> timedelta:
        """How long each phase of the set's rounds stays open."""
        schedule = self.schedules.get(circle.id)
        return timedelta(hours=schedule.window_hours if schedule else 48.0)

    def jobs(self) -> list[JobSpec]:
        specs = []
        now = self._s.clock.now()
        for circle in self._sets():
            trigger = cron(self.schedules[circle.id].cron, circle.timezone)
            specs.append(JobSpec(f"learning_set:{circle.id}", trigger, self._round_job(circle)))
            # at start: begin a round missed while no bot ran (inside its first window); a phase
            # whose window ended meanwhile is moved on by its timer
            catch_up = self._round_job(circle)
            specs.append(JobSpec(f"learning_set:{circle.id}:catch_up", DateTrigger(now), catch_up))
        return specs

    def _sets(self) -> list[CircleConfig]:
        return [
            c for c in self._s.config.circles if c.kind == "learning_set" and c.id in self.schedules
        ]

    def _round_job(self, circle: CircleConfig) -> JobFunc:
        trigger = cron(self.schedules[circle.id].cron, circle.timezone)

        async def job() -> None:
            due = latest_fire(trigger, self._s.clock.now(), lookback=self.window(circle))
            if due is not None:
                await self.start_round(circle, scheduled_for=due)

        return job

    async def set_phase_end(self, tx: Transaction, row: LearningRound) -> None:
        """Keep the end of the round's current phase as a timer, in the open unit of work."""
        assert row.id is not None
        await self._s.timers.set(tx, PHASE_END, str(row.id), due=row.phase_ends_at)

    async def start_round(self, circle: CircleConfig, *, scheduled_for: datetime) -> None:
        """Begin the round due at `scheduled_for`, once."""
        async with self._s.runtime.transaction() as tx:
            tx.send(await self._start(tx, circle, scheduled_for))

    async def begin(self, tx: Transaction, circle: CircleConfig) -> list[Outgoing]:
        """Begin a round now, in an open transaction (a steward's `round start`)."""
        return await self._start(tx, circle, tx.now.replace(microsecond=0))

    async def _start(
        self, tx: Transaction, circle: CircleConfig, scheduled_for: datetime
    ) -> list[Outgoing]:
        session, now = tx.session, tx.now
        known = await session.exec(
            select(LearningRound.id).where(
                LearningRound.circle_id == circle.id, LearningRound.scheduled_for == scheduled_for
            )
        )
        if known.first() is not None:
            return []  # this round has begun already: a job fired twice
        old = await active_round(session, circle.id)
        if old is not None:
            old.phase, old.closed_at = "closed", now
            session.add(old)
        people = sorted(await members(session, circle.id))
        if not 4 <= len(people) <= 8:
            log.info(
                "learning set %s has %s members; sets work best with 4 to 8", circle.id, len(people)
            )
        presenter = await choose_presenter(session, circle.id, people, skip=set())
        if len(people) < 2 or presenter is None:
            body = Body("learning_sets/too_few", {"circle": {"id": circle.id, "name": circle.name}})
            key = f"learning_set:{circle.id}:{scheduled_for.isoformat()}:too_few"
            return [Outgoing(to=ToCircle(circle.id), body=body, key=key, kind="notice")]
        previous = (
            await session.exec(
                select(LearningRound)
                .where(
                    LearningRound.circle_id == circle.id,
                    col(LearningRound.presented_at).is_not(None),
                )
                .order_by(col(LearningRound.presented_at).desc())
            )
        ).first()
        follow_up = previous if previous is not None and previous.action else None
        if follow_up is not None:
            answered = await session.exec(
                select(LearningRound.id).where(
                    LearningRound.follow_up_of == follow_up.id,
                    LearningRound.followed_up == True,  # noqa: E712
                )
            )
            if answered.first() is not None:
                follow_up = None  # they already told the set how it went
        count = await session.exec(
            select(func.count())
            .select_from(LearningRound)
            .where(LearningRound.circle_id == circle.id)
        )
        round_id = await insert_ignore(
            session,
            LearningRound,
            {
                "circle_id": circle.id,
                "number": count.one() + 1,
                "scheduled_for": scheduled_for,
                "presenter_id": presenter,
                "phase": "issue",
                "phase_ends_at": now + self.window(circle),
                "presented_at": None,
                "action": "",
                "follow_up_of": follow_up.id if follow_up else None,
                "followed_up": False,
                "closed_at": None,
            },
        )
        if round_id is None:
            return []
        row = await session.get_one(LearningRound, round_id)
        await self.set_phase_end(tx, row)
        context: dict[str, Any] = {
            **await round_context(session, circle, row),
            "follow_up": {
                "name": await name_of(session, follow_up.presenter_id),
                "action": follow_up.action,
            }
            if follow_up
            else None,
        }
        return [invite(circle, row, "learning_sets/round_start", context, key="start")]

    async def on_phase_end(self, tx: Transaction, timer: DueTimer) -> list[Outgoing]:
        """A phase's timer: move the round on, unless it moved on or closed since it was set."""
        row = await tx.session.get(LearningRound, int(timer.subject))
        circle = configured(self._s.config, row.circle_id) if row else None
        if row is None or circle is None or row.phase == "closed" or row.phase_ends_at > tx.now:
            return []
        return await self._next_phase(tx, circle, row)

    async def _next_phase(
        self, tx: Transaction, circle: CircleConfig, row: LearningRound
    ) -> list[Outgoing]:
        assert row.id is not None
        session, now = tx.session, tx.now
        if row.phase == "questions":
            row.phase, row.phase_ends_at = "reflect", now + self.window(circle)
            session.add(row)
            await self.set_phase_end(tx, row)
            asked = await session.exec(
                select(func.count())
                .select_from(LearningNote)
                .where(LearningNote.round_id == row.id, LearningNote.kind == "question")
            )
            template, extra = "learning_sets/reflect", {"questions": asked.one()}
        else:
            template = (
                "learning_sets/no_issue" if row.phase == "issue" else "learning_sets/no_action"
            )
            row.phase, row.closed_at, extra = "closed", now, {}
            session.add(row)
        body = Body(template, {**await round_context(session, circle, row), **extra})
        key = f"learning_set:{row.id}:{template.rsplit('/', 1)[1]}"
        return [Outgoing(to=ToCircle(circle.id), body=body, key=key, kind="notice")]
