"""The Goldilocks pulse: a one-tap check on pace, power, clarity and shape.

On each circle's `pulse` schedule the bot asks, under one message, whether each factor feels too
little, just right or too much (buttons, or typed: `pulse pace just_right`). Answers are private;
results are shown only in aggregate, and only for a factor that at least `anonymity_threshold`
people answered. `pulse_trend` gives the digests the trend across pulses.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from apscheduler.triggers.date import DateTrigger
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import CircleConfig
from bot.config.practice_settings import circle_schedules
from bot.core import checks
from bot.core.events import ButtonPress, Command, InboundEvent
from bot.core.inbound import answer_here, is_steward
from bot.core.messages import Body, Button, Outgoing, ToCircle
from bot.core.people import circles_of
from bot.core.router import Context, Router
from bot.core.runtime import Transaction
from bot.errors import InputError
from bot.practices.contributions import privately
from bot.practices.pulse.digest import PulseInDigests
from bot.practices.pulse.models import PulseAnswer, PulseCheck
from bot.practices.pulse.trend import ANSWERS, FACTORS, answers_to, tally_of
from bot.practices.pulse.web import pulse_pages
from bot.practices.services import Services
from bot.rituals.scheduler import JobFunc, JobSpec
from bot.rituals.timers import DueTimer, Timers, configured
from bot.rituals.timing import cron, latest_fire, local
from bot.storage.sql import insert_ignore
from bot.web.pages import Page

log = logging.getLogger(__name__)

DEFAULT_WINDOW_HOURS = 48.0
"""How long a pulse gathers answers in a circle without a `[circles.pulse]` schedule."""

CLOSE = "pulse.close"
"""The timer that reports a pulse when it closes; its subject is the pulse's number."""

SECTION = "pulse"
"""The circle table that schedules the pulse: `[circles.pulse]` with `cron` and `window_hours`."""

_ANSWER_WORDS = {
    "too_little": "too_little",
    "little": "too_little",
    "low": "too_little",
    "just_right": "just_right",
    "right": "just_right",
    "ok": "just_right",
    "too_much": "too_much",
    "much": "too_much",
    "high": "too_much",
}
_FACTOR_WORDS = {**{f: f for f in FACTORS}, "certainty": "clarity"}


def _word(text: str) -> str:
    return text.strip().lower().replace("-", "_").replace(" ", "_")


def parse_answer(args: str) -> tuple[str, str]:
    """(factor, answer) from typed text like "pace just right"; InputError when unclear."""
    words = args.split()
    if not words:
        raise InputError("pulse/how", factors=list(FACTORS), answers=list(ANSWERS))
    factor = _FACTOR_WORDS.get(_word(words[0]))
    if factor is None:
        raise InputError(
            "pulse/unknown_factor", factor=words[0], factors=list(FACTORS), answers=list(ANSWERS)
        )
    answer = _ANSWER_WORDS.get(_word("_".join(words[1:])))
    if answer is None:
        raise InputError(
            "pulse/unknown_answer",
            factor=FACTORS[factor],
            answer=" ".join(words[1:]),
            answers=list(ANSWERS),
        )
    return factor, answer


class Pulse(PulseInDigests):
    """Asks each circle's pulse on schedule, takes answers, and reports them in aggregate."""

    name = "pulse"
    config_sections = (SECTION,)

    def __init__(self, services: Services) -> None:
        self._s = services
        self._schedules = circle_schedules(services.config, SECTION, example="0 12 1 * *")
        """Each circle's `[circles.pulse]`: when the pulse is asked, how long answers gather."""

    def web_pages(self) -> tuple[Page, ...]:
        """Its page of the web view."""
        return pulse_pages()

    def register(self, router: Router) -> None:
        router.command(
            "pulse",
            self.on_typed,
            description="answer the pulse check, e.g. pulse pace just_right "
            "(stewards: pulse start)",
        )
        router.button("pulse", self.on_button)

    def register_timers(self, timers: Timers) -> None:
        timers.handle(CLOSE, self.on_close)

    def jobs(self) -> list[JobSpec]:
        specs = []
        now = DateTrigger(self._s.clock.now())
        for circle in self._s.config.circles:
            schedule = self._schedules.get(circle.id)
            if schedule is not None:
                trigger = cron(schedule.cron, circle.timezone)
                specs.append(JobSpec(f"pulse:{circle.id}", trigger, self._ask_job(circle)))
                # at start: ask a pulse missed while no bot ran (inside its window); one that
                # closed meanwhile is reported by its timer
                ask = self._ask_job(circle)
                specs.append(JobSpec(f"pulse:{circle.id}:catch_up", now, ask))
        return specs

    # -- schedule -------------------------------------------------------------------------------

    def _ask_job(self, circle: CircleConfig) -> JobFunc:
        schedule = self._schedules[circle.id]
        trigger = cron(schedule.cron, circle.timezone)
        window = timedelta(hours=schedule.window_hours)

        async def job() -> None:
            now = self._s.clock.now()
            due = latest_fire(trigger, now, lookback=window)
            if due is not None:
                await self.ask(circle, scheduled_for=due)

        return job

    def _window(self, circle: CircleConfig) -> timedelta:
        """How long the circle's pulse gathers answers: its schedule's window, else the default."""
        schedule = self._schedules.get(circle.id)
        return timedelta(hours=schedule.window_hours if schedule else DEFAULT_WINDOW_HOURS)

    async def ask(self, circle: CircleConfig, *, scheduled_for: datetime) -> int | None:
        """Open the pulse due at `scheduled_for` once, and ask it in the circle's rooms."""
        async with self._s.runtime.transaction() as tx:
            outgoing = await self._report_due(tx.session, circle, tx.now)
            pulse_id, asked = await self._open(tx, circle, scheduled_for)
            outgoing.extend(asked)
            tx.send(outgoing)
        return pulse_id

    async def _open(
        self, tx: Transaction, circle: CircleConfig, scheduled_for: datetime
    ) -> tuple[int | None, list[Outgoing]]:
        """Open the pulse due at `scheduled_for` (once), with the timer that closes it: its id
        (None when it was open already), and the question for the circle's rooms."""
        closes_at = scheduled_for + self._window(circle)
        outgoing: list[Outgoing] = []
        pulse_id = await insert_ignore(
            tx.session,
            PulseCheck,
            {
                "circle_id": circle.id,
                "scheduled_for": scheduled_for,
                "closes_at": closes_at,
                "threshold": self._s.config.partnership.anonymity_threshold,
                "reported": False,
            },
        )
        if pulse_id is not None:
            await self._s.timers.set(tx, CLOSE, str(pulse_id), due=closes_at)
            buttons = tuple(
                Button("pulse", f"{pulse_id}:{factor}:{answer}", f"{label}: {wording}")
                for factor, label in FACTORS.items()
                for answer, wording in ANSWERS.items()
            )
            body = Body(
                "pulse/ask",
                {
                    "circle": {"id": circle.id, "name": circle.name},
                    "closes_at": local(closes_at, circle.timezone),
                    "threshold": self._s.config.partnership.anonymity_threshold,
                },
            )
            outgoing.append(
                Outgoing(
                    to=ToCircle(circle.id),
                    body=body,
                    key=f"pulse:{pulse_id}",
                    kind="notice",
                    buttons=buttons,
                )
            )
        return pulse_id, outgoing

    async def _start(self, ctx: Context, event: Command) -> list[Outgoing]:
        """`pulse start`, by a steward in a circle's room: ask the circle's pulse now."""
        if ctx.circle is None:
            raise InputError("replies/use_in_room")
        if not await is_steward(ctx, event):
            raise InputError("replies/stewards_only", verb="pulse start")
        circle = ctx.circle
        query = select(PulseCheck).where(
            PulseCheck.circle_id == circle.id, col(PulseCheck.closes_at) > ctx.now
        )
        running = (await ctx.session.exec(query)).first()
        if running is not None:
            raise InputError(
                "pulse/already_open",
                circle=circle.name,
                closes_at=local(running.closes_at, circle.timezone),
            )
        _, outgoing = await self._open(ctx.tx, circle, ctx.now.replace(microsecond=0))
        return outgoing

    async def on_close(self, tx: Transaction, timer: DueTimer) -> list[Outgoing]:
        """A pulse's timer: report it, unless it was reported already (with a later ask)."""
        number = checks.whole_number(timer.subject)
        claimed = await _claim(tx.session, PulseCheck.id == number) if number is not None else []
        outgoing = []
        for pulse in claimed:
            circle = configured(self._s.config, pulse.circle_id)
            if circle is not None:
                outgoing.extend(await self._report(tx.session, circle, pulse))
        return outgoing

    async def _report_due(
        self, session: AsyncSession, circle: CircleConfig, now: datetime
    ) -> list[Outgoing]:
        """The results of every closed, unreported pulse of `circle`; marks them reported."""
        claimed = await _claim(
            session, PulseCheck.circle_id == circle.id, col(PulseCheck.closes_at) <= now
        )
        outgoing = []
        for pulse in claimed:
            outgoing.extend(await self._report(session, circle, pulse))
        return outgoing

    async def _report(
        self, session: AsyncSession, circle: CircleConfig, pulse: PulseCheck
    ) -> list[Outgoing]:
        """A closed pulse's results, in aggregate; the caller has claimed its report."""
        assert pulse.id is not None
        tally = tally_of(await answers_to(session, pulse.id), pulse.threshold)
        body = Body(
            "pulse/results",
            {
                "circle": {"id": circle.id, "name": circle.name},
                "asked_at": local(pulse.scheduled_for, circle.timezone),
                **tally,
            },
        )
        key = f"pulse:{pulse.id}:results"
        return [Outgoing(to=ToCircle(circle.id), body=body, key=key, kind="notice")]

    # -- answers --------------------------------------------------------------------------------

    async def on_button(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        pulse_id, _, rest = event.value.partition(":")
        factor, _, answer = rest.partition(":")
        number = checks.whole_number(pulse_id)
        pulse = await ctx.session.get(PulseCheck, number) if number is not None else None
        if pulse is None or factor not in FACTORS or answer not in ANSWERS:
            raise InputError("pulse/none_open")
        return await self._answer(ctx, event, pulse, factor, answer)

    async def on_typed(self, ctx: Context, event: Command) -> list[Outgoing]:
        if event.args.strip().lower() == "start":
            return await self._start(ctx, event)
        factor, answer = parse_answer(event.args)
        circles = (
            [ctx.circle.id] if ctx.circle else await circles_of(ctx.session, ctx.who.person_id)
        )
        query = (
            select(PulseCheck)
            .where(col(PulseCheck.circle_id).in_(circles), col(PulseCheck.closes_at) > ctx.now)
            .order_by(col(PulseCheck.scheduled_for).desc())
        )
        pulse = (await ctx.session.exec(query)).first()
        if pulse is None:
            raise InputError("pulse/none_open")
        return await self._answer(ctx, event, pulse, factor, answer)

    async def _answer(
        self, ctx: Context, event: InboundEvent, pulse: PulseCheck, factor: str, answer: str
    ) -> list[Outgoing]:
        if ctx.now >= pulse.closes_at:
            raise InputError("pulse/closed")
        if pulse.circle_id not in await circles_of(ctx.session, ctx.who.person_id):
            raise InputError("pulse/not_member")  # only the circle's own voices make its totals
        assert pulse.id is not None
        query = select(PulseAnswer).where(
            PulseAnswer.pulse_id == pulse.id, PulseAnswer.person_id == ctx.who.person_id
        )
        mine = {a.factor: a for a in (await ctx.session.exec(query)).all()}
        changed = factor in mine and mine[factor].answer != answer
        row = mine.get(factor) or PulseAnswer(
            pulse_id=pulse.id,
            person_id=ctx.who.person_id,
            factor=factor,
            answer=answer,
            answered_at=ctx.now,
        )
        row.answer, row.answered_at = answer, ctx.now
        ctx.session.add(row)
        left = [FACTORS[f] for f in FACTORS if f != factor and f not in mine]
        body = Body(
            "pulse/thanks",
            {
                "factor": FACTORS[factor],
                "answer": ANSWERS[answer],
                "changed": changed,
                "left": left,
                "circle": next(
                    (c.name for c in self._s.config.circles if c.id == pulse.circle_id), ""
                ),
            },
        )
        key = f"pulse:{event.platform}:{event.dedup_key}"
        thanks = await privately(ctx, event, body, key=key)
        if thanks is None:  # an answer for the whole room to see must not say what was chosen
            return [answer_here(event, Body("pulse/noted", {}), key=key)]
        return [thanks]


async def _claim(session: AsyncSession, *where: Any) -> list[PulseCheck]:
    """Mark the unreported pulses matching `where` reported, and return them in order.

    One conditional update: of two closers at once (a pulse's timer and a later scheduled ask,
    perhaps in two processes), the second finds nothing left to claim and reports nothing.
    """
    claim = (
        update(PulseCheck)
        .where(*where, col(PulseCheck.reported).is_(False))
        .values(reported=True)
        .returning(*PulseCheck.__table__.columns)  # type: ignore[attr-defined]
    )
    rows = (await session.exec(claim)).all()  # type: ignore[call-overload]
    return sorted((PulseCheck.model_validate(dict(row._mapping)) for row in rows), key=_order)


def _order(pulse: PulseCheck) -> int:
    return pulse.id or 0
