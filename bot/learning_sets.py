"""Action learning sets: asynchronous rounds of one presenter, open questions, and an action.

A round starts on the set's `learning_set` schedule. The bot invites the member who presented
least recently (ties go to the longest-standing member id) and anyone invited can `pass`, so the
next is asked. Each phase has a window of `window_hours`:

    issue       the presenter describes an issue (in the set's room, or privately to the bot);
                the previous presenter is asked how their action went
    questions   the others ask open questions; advice gets a private nudge (and is kept)
    reflect     the presenter reflects and commits to one action (`commit ...`)

Nothing a set says leaves it: what is said is kept in the set's own tables, never as entries,
so digests and exports built on entries cannot carry it. `set_activity` tells the stewards'
digest only whether each set met and how many took part.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.triggers.date import DateTrigger
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.advice import reads_as_advice
from bot.config import CircleConfig
from bot.contributions import checked_text
from bot.core import answer_here
from bot.errors import InputError
from bot.events import ButtonPress, Command, DirectMessage, InboundEvent, Message, Reply
from bot.features import Services
from bot.messages import Body, Button, Outgoing, ToCircle, ToPerson
from bot.models import Circle, Person
from bot.models_practices import LearningNote, LearningPass, LearningRound
from bot.people import members, private_address
from bot.router import Context, Handler, Router
from bot.scheduling import JobFunc, JobSpec
from bot.sql import insert_ignore, insert_row
from bot.timing import cron, latest_fire, local

log = logging.getLogger(__name__)

_NEVER = datetime(1970, 1, 1, tzinfo=UTC)
OPEN_PHASES = ("issue", "questions", "reflect")


async def set_activity(
    session: AsyncSession, *, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """For the stewards' digest: per learning set, whether it met in [start, end) (someone
    presented) and how many took part (spoke or passed). Nothing the set said, and no names."""
    circles = (
        await session.exec(
            select(Circle).where(Circle.kind == "learning_set").order_by(col(Circle.name))
        )
    ).all()
    found = []
    for circle in circles:
        met = (
            await session.exec(
                select(func.count())
                .select_from(LearningRound)
                .where(
                    LearningRound.circle_id == circle.id,
                    col(LearningRound.presented_at) >= start,
                    col(LearningRound.presented_at) < end,
                )
            )
        ).one()
        spoke = await session.exec(
            select(LearningNote.person_id)
            .join(LearningRound, col(LearningRound.id) == LearningNote.round_id)
            .where(
                LearningRound.circle_id == circle.id,
                col(LearningNote.created_at) >= start,
                col(LearningNote.created_at) < end,
            )
        )
        passed = await session.exec(
            select(LearningPass.person_id)
            .join(LearningRound, col(LearningRound.id) == LearningPass.round_id)
            .where(
                LearningRound.circle_id == circle.id,
                col(LearningPass.passed_at) >= start,
                col(LearningPass.passed_at) < end,
            )
        )
        people = len(set(spoke.all()) | set(passed.all()))
        found.append(
            {"circle_id": circle.id, "name": circle.name, "met": bool(met), "participants": people}
        )
    return found


async def choose_presenter(
    session: AsyncSession, circle_id: str, candidates: list[int], *, skip: set[int]
) -> int | None:
    """Who presented least recently (never first); ties go to the lowest person id."""
    query = (
        select(LearningRound.presenter_id, func.max(LearningRound.presented_at))
        .where(LearningRound.circle_id == circle_id, col(LearningRound.presented_at).is_not(None))
        .group_by(col(LearningRound.presenter_id))
    )
    last = {person: when for person, when in (await session.exec(query)).all() if when is not None}
    pool = [person for person in candidates if person not in skip]
    if not pool:
        return None
    return min(pool, key=lambda person: (last.get(person) or _NEVER, person))


async def privately(ctx: Context, event: InboundEvent, body: Body, *, key: str) -> Outgoing | None:
    """A message for the sender's eyes only: in their private chat when the bot can write there,
    or where `event` itself was private; None when neither can be promised (a platform may show
    an "only you" answer to the whole room when it has no such thing)."""
    if await private_address(ctx.session, ctx.who.person_id) is not None:
        return Outgoing(to=ToPerson(ctx.who.person_id), body=body, key=key)
    if isinstance(event, DirectMessage) or getattr(event, "private", False):
        return answer_here(event, body, key=key)
    return None


async def _name(session: AsyncSession, person_id: int | None) -> str:
    person = await session.get(Person, person_id) if person_id is not None else None
    return person.display_name if person is not None else "someone"


class LearningSets:
    """Runs the rounds of every learning set with a schedule."""

    def __init__(self, services: Services) -> None:
        self._s = services

    # -- wiring ---------------------------------------------------------------------------------

    def register(self, router: Router) -> None:
        router.command(
            "pass", self.on_pass, description="pass on presenting in your learning set this round"
        )
        router.command(
            "commit", self.on_commit, description="learning set presenters: commit to one action"
        )
        router.button("set_pass", self.on_pass_button)
        for kind in (Message, Reply, DirectMessage):
            router.on(kind, self._wrapped(kind, router.kinds.get(kind)))

    def _wrapped(self, kind: type[Any], previous: Handler | None) -> Handler:
        """Words in a set's round come here; everything else goes on to the earlier handler."""

        async def handle(ctx: Context, event: Any) -> list[Outgoing]:
            if kind is Reply and previous is not None:
                answered = await previous(ctx, event)  # a reply to a prompt stays an entry
                if answered:
                    return answered
            mine = await self.on_words(ctx, event)
            if mine is not None:
                return mine
            if kind is not Reply and previous is not None:
                return await previous(ctx, event)
            return []

        return handle

    def jobs(self) -> list[JobSpec]:
        specs = []
        now = self._s.clock.now()
        for circle in self._sets():
            assert circle.learning_set is not None
            trigger = cron(circle.learning_set.cron, circle.timezone)
            specs.append(JobSpec(f"learning_set:{circle.id}", trigger, self._round_job(circle)))
            # at start: begin a round missed while the bot was down (inside its first window),
            # and move on any phase whose window ended meanwhile
            specs.append(
                JobSpec(
                    f"learning_set:{circle.id}:phase", DateTrigger(now), self._catch_up_job(circle)
                )
            )
        return specs

    def _sets(self) -> list[CircleConfig]:
        return [
            c
            for c in self._s.config.circles
            if c.kind == "learning_set" and c.learning_set is not None
        ]

    def _window(self, circle: CircleConfig) -> timedelta:
        hours = circle.learning_set.window_hours if circle.learning_set else 48.0
        return timedelta(hours=hours)

    def _round_job(self, circle: CircleConfig) -> JobFunc:
        assert circle.learning_set is not None
        trigger = cron(circle.learning_set.cron, circle.timezone)

        async def job() -> None:
            due = latest_fire(trigger, self._s.clock.now(), lookback=self._window(circle))
            if due is not None:
                await self.start_round(circle, scheduled_for=due)

        return job

    def _catch_up_job(self, circle: CircleConfig) -> JobFunc:
        start, advance = self._round_job(circle), self._phase_job(circle)

        async def job() -> None:
            await start()
            await advance()

        return job

    def _phase_job(self, circle: CircleConfig) -> JobFunc:
        async def job() -> None:
            await self.advance(circle)

        return job

    def _schedule_phase_end(self, circle: CircleConfig, when: datetime) -> None:
        when = max(when, self._s.clock.now())
        self._s.scheduler.add(
            JobSpec(f"learning_set:{circle.id}:phase", DateTrigger(when), self._phase_job(circle))
        )

    async def _transaction(self, work: Any) -> None:
        now = self._s.clock.now()
        async with self._s.sessions.begin() as session:
            outgoing = await work(session, now)
            await self._s.outbox.enqueue(session, outgoing, now=now)
        self._s.wake()

    # -- rounds and phases ----------------------------------------------------------------------

    async def _active(self, session: AsyncSession, circle_id: str) -> LearningRound | None:
        query = (
            select(LearningRound)
            .where(LearningRound.circle_id == circle_id, col(LearningRound.phase).in_(OPEN_PHASES))
            .order_by(col(LearningRound.id).desc())
        )
        return (await session.exec(query)).first()

    async def start_round(self, circle: CircleConfig, *, scheduled_for: datetime) -> None:
        """Begin the round due at `scheduled_for`, once."""

        async def work(session: AsyncSession, now: datetime) -> list[Outgoing]:
            return await self._start(session, circle, scheduled_for, now)

        await self._transaction(work)

    async def _start(
        self, session: AsyncSession, circle: CircleConfig, scheduled_for: datetime, now: datetime
    ) -> list[Outgoing]:
        known = await session.exec(
            select(LearningRound.id).where(
                LearningRound.circle_id == circle.id, LearningRound.scheduled_for == scheduled_for
            )
        )
        if known.first() is not None:
            return []  # this round has begun already: a job fired twice
        old = await self._active(session, circle.id)
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
                "phase_ends_at": now + self._window(circle),
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
        self._schedule_phase_end(circle, row.phase_ends_at)
        context: dict[str, Any] = {
            **await self._round_context(session, circle, row),
            "follow_up": {
                "name": await _name(session, follow_up.presenter_id),
                "action": follow_up.action,
            }
            if follow_up
            else None,
        }
        return [self._invite(circle, row, "learning_sets/round_start", context, key="start")]

    def _invite(
        self,
        circle: CircleConfig,
        row: LearningRound,
        template: str,
        context: dict[str, Any],
        *,
        key: str,
    ) -> Outgoing:
        return Outgoing(
            to=ToCircle(circle.id),
            body=Body(template, context),
            key=f"learning_set:{row.id}:{key}",
            kind="notice",
            buttons=(Button("set_pass", str(row.id), "Pass this time"),),
        )

    async def _round_context(
        self, session: AsyncSession, circle: CircleConfig, row: LearningRound
    ) -> dict[str, Any]:
        return {
            "circle": {"id": circle.id, "name": circle.name},
            "number": row.number,
            "presenter": await _name(session, row.presenter_id),
            "until": local(row.phase_ends_at, circle.timezone),
        }

    async def advance(self, circle: CircleConfig) -> None:
        """Move the set's round on when its phase's window has ended."""

        async def work(session: AsyncSession, now: datetime) -> list[Outgoing]:
            row = await self._active(session, circle.id)
            if row is None:
                return []
            if row.phase_ends_at > now:
                self._schedule_phase_end(circle, row.phase_ends_at)
                return []
            return await self._next_phase(session, circle, row, now)

        await self._transaction(work)

    async def _next_phase(
        self, session: AsyncSession, circle: CircleConfig, row: LearningRound, now: datetime
    ) -> list[Outgoing]:
        assert row.id is not None
        if row.phase == "questions":
            row.phase, row.phase_ends_at = "reflect", now + self._window(circle)
            session.add(row)
            self._schedule_phase_end(circle, row.phase_ends_at)
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
        body = Body(template, {**await self._round_context(session, circle, row), **extra})
        key = f"learning_set:{row.id}:{template.rsplit('/', 1)[1]}"
        return [Outgoing(to=ToCircle(circle.id), body=body, key=key, kind="notice")]

    # -- what people say ------------------------------------------------------------------------

    async def _round_for(self, ctx: Context, event: InboundEvent) -> LearningRound | None:
        """The round `event` speaks to: its set's room's round, or, privately, the round where
        the sender presents (or is asked how their action went)."""
        if ctx.circle is not None:
            if ctx.circle.kind != "learning_set":
                return None
            return await self._active(ctx.session, ctx.circle.id)
        if not isinstance(event, DirectMessage | Command):
            return None
        me = ctx.who.person_id
        presenting = await ctx.session.exec(
            select(LearningRound)
            .where(
                LearningRound.presenter_id == me,
                col(LearningRound.phase).in_(OPEN_PHASES),
            )
            .order_by(col(LearningRound.id).desc())
        )
        found = presenting.first()
        if found is not None:
            return found
        waiting = await ctx.session.exec(
            select(LearningRound).where(
                LearningRound.phase == "issue",
                LearningRound.followed_up == False,  # noqa: E712
                col(LearningRound.follow_up_of).is_not(None),
            )
        )
        for row in waiting.all():
            if await self._asked_about(ctx.session, row) == me:
                return row
        return None

    async def _asked_about(self, session: AsyncSession, row: LearningRound) -> int | None:
        if row.follow_up_of is None:
            return None
        earlier = await session.get(LearningRound, row.follow_up_of)
        return earlier.presenter_id if earlier is not None else None

    async def _note(
        self,
        ctx: Context,
        event: InboundEvent,
        row: LearningRound,
        kind: str,
        text: str,
        *,
        advice: bool = False,
    ) -> None:
        assert row.id is not None
        await insert_row(
            ctx.session,
            LearningNote,
            {
                "round_id": row.id,
                "person_id": ctx.who.person_id,
                "kind": kind,
                "text": text,
                "advice": advice,
                "platform": event.platform,
                "source_ref": event.dedup_key,
                "created_at": ctx.now,
            },
        )

    def _private(self, event: InboundEvent, template: str, context: dict[str, Any]) -> Outgoing:
        key = f"learning_set:{event.platform}:{event.dedup_key}"
        return answer_here(event, Body(template, context), key=key)

    async def on_words(self, ctx: Context, event: Any) -> list[Outgoing] | None:
        """What a member says during a round; None when it is not for a round."""
        row = await self._round_for(ctx, event)
        if row is None:
            return None
        text = checked_text(ctx, event.text, verb="reflect")
        circle = ctx.config.circle(row.circle_id)
        me = ctx.who.person_id
        private = isinstance(event, DirectMessage)
        context = await self._round_context(ctx.session, circle, row)
        if (
            row.phase == "issue"
            and not row.followed_up
            and me != row.presenter_id
            and await self._asked_about(ctx.session, row) == me
        ):
            row.followed_up = True
            ctx.session.add(row)
            await self._note(ctx, event, row, "follow_up", text)
            out = [self._private(event, "learning_sets/follow_up_thanks", context)]
            if private:
                out.append(
                    self._to_set(
                        row,
                        event,
                        "learning_sets/relayed",
                        {
                            **context,
                            "name": ctx.who.display_name,
                            "what": "follow_up",
                            "text": text,
                        },
                    )
                )
            return out
        presenting = me == row.presenter_id
        if row.phase == "issue" and presenting:
            await self._note(ctx, event, row, "issue", text)
            row.phase, row.presented_at = "questions", ctx.now
            row.phase_ends_at = ctx.now + self._window(circle)
            ctx.session.add(row)
            self._schedule_phase_end(circle, row.phase_ends_at)
            context["until"] = local(row.phase_ends_at, circle.timezone)
            return [
                self._to_set(row, event, "learning_sets/questions_open", {**context, "issue": text})
            ]
        if row.phase == "questions" and not presenting:
            advice = reads_as_advice(text)
            await self._note(ctx, event, row, "question", text, advice=advice)
            if not advice:
                return []
            body = Body("learning_sets/nudge", {**context, "text": text})
            nudge = await privately(ctx, event, body, key=f"learning_set:nudge:{event.dedup_key}")
            if nudge is None:
                log.info("an advice nudge was not sent: no private way to reach the person")
            return [nudge] if nudge else []
        if row.phase == "questions":  # the presenter answering, in the room or privately
            await self._note(ctx, event, row, "answer", text)
            if not private:
                return []
            relayed = {**context, "name": ctx.who.display_name, "what": "answer", "text": text}
            return [self._to_set(row, event, "learning_sets/relayed", relayed)]
        if row.phase == "reflect" and presenting:
            await self._note(ctx, event, row, "reflection", text)
            out = [self._private(event, "learning_sets/reflection_kept", context)]
            if private:
                out.append(
                    self._to_set(
                        row,
                        event,
                        "learning_sets/relayed",
                        {
                            **context,
                            "name": ctx.who.display_name,
                            "what": "reflection",
                            "text": text,
                        },
                    )
                )
            return out
        await self._note(ctx, event, row, "note", text)
        template = (
            "learning_sets/wait_for_issue"
            if row.phase == "issue"
            else "learning_sets/presenter_time"
        )
        return [self._private(event, template, context)]

    def _to_set(
        self, row: LearningRound, event: InboundEvent, template: str, context: dict[str, Any]
    ) -> Outgoing:
        return Outgoing(
            to=ToCircle(row.circle_id),
            body=Body(template, context),
            key=f"learning_set:{row.id}:{event.platform}:{event.dedup_key}",
            kind="notice",
        )

    # -- verbs ----------------------------------------------------------------------------------

    async def on_pass(self, ctx: Context, event: Command) -> list[Outgoing]:
        row = await self._round_for(ctx, event)
        return await self._pass(ctx, event, row)

    async def on_pass_button(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        row = (
            await ctx.session.get(LearningRound, int(event.value))
            if event.value.isdigit()
            else None
        )
        return await self._pass(ctx, event, row)

    async def _pass(
        self, ctx: Context, event: InboundEvent, row: LearningRound | None
    ) -> list[Outgoing]:
        if row is None or row.phase == "closed":
            raise InputError("learning_sets/no_round")
        circle = ctx.config.circle(row.circle_id)
        presenter = await _name(ctx.session, row.presenter_id)
        if row.presenter_id != ctx.who.person_id:
            raise InputError("learning_sets/not_presenter", presenter=presenter)
        if row.phase != "issue":
            raise InputError("learning_sets/too_late_to_pass")
        assert row.id is not None
        await insert_ignore(
            ctx.session,
            LearningPass,
            {"round_id": row.id, "person_id": ctx.who.person_id, "passed_at": ctx.now},
        )
        passed = set(
            (
                await ctx.session.exec(
                    select(LearningPass.person_id).where(LearningPass.round_id == row.id)
                )
            ).all()
        )
        people = sorted(await members(ctx.session, circle.id))
        following = await choose_presenter(ctx.session, circle.id, people, skip=passed)
        # only the person who passed hears about it; the room hears only who is asked next
        body = Body("learning_sets/pass_ok", {"next": following is not None})
        ack = await privately(ctx, event, body, key=f"learning_set:pass:{event.dedup_key}")
        acks = [ack] if ack is not None else []
        if following is None:
            row.phase, row.closed_at = "closed", ctx.now
            ctx.session.add(row)
            body = Body(
                "learning_sets/no_presenter", await self._round_context(ctx.session, circle, row)
            )
            key = f"learning_set:{row.id}:no_presenter"
            return [*acks, Outgoing(to=ToCircle(circle.id), body=body, key=key, kind="notice")]
        row.presenter_id = following
        row.phase_ends_at = ctx.now + self._window(circle)
        ctx.session.add(row)
        self._schedule_phase_end(circle, row.phase_ends_at)
        context = await self._round_context(ctx.session, circle, row)
        invite = self._invite(
            circle, row, "learning_sets/invite", context, key=f"invite:{following}"
        )
        return [*acks, invite]

    async def on_commit(self, ctx: Context, event: Command) -> list[Outgoing]:
        row = await self._round_for(ctx, event)
        if row is None:
            raise InputError("learning_sets/no_round")
        circle = ctx.config.circle(row.circle_id)
        context = await self._round_context(ctx.session, circle, row)
        if row.presenter_id != ctx.who.person_id:
            raise InputError("learning_sets/not_presenter", presenter=context["presenter"])
        if row.phase != "reflect":
            raise InputError("learning_sets/commit_later", phase=row.phase, until=context["until"])
        action = event.args.strip()
        if not action:
            raise InputError("learning_sets/commit_empty")
        action = checked_text(ctx, action, verb="commit")
        await self._note(ctx, event, row, "action", action)
        row.action, row.phase, row.closed_at = action, "closed", ctx.now
        ctx.session.add(row)
        done = self._to_set(row, event, "learning_sets/committed", {**context, "action": action})
        return [replace(done, key=f"learning_set:{row.id}:committed")]
