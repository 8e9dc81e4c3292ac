"""Most Significant Change rounds: a circle reads the stories of a period, each member chooses
the change they find most significant and says why, the panel agrees a selection, and the choice
and its reasons go back to the tellers, and up to the stewards.

    msc start [weeks]          a steward opens a round in a circle's room (stories of the last
                               weeks, or since the last round); `[circles.msc]` schedules them
    msc choose N because ...   a member's private choice (or the story's button, then `msc because`)
    msc because ...            the reason for a choice made by button
    msc close                  a steward closes the round early and reveals the choices
    msc select N because ...   the panel's agreed selection, with feedback to every teller
    msc pass-up [N]            the selection becomes a candidate in the stewards' next round
    msc                        where the circle's rounds stand

A round closes at its deadline, once every member has chosen and said why, or on `msc close`.
Who chose what is never shown; numbers and reasons are shown only from `anonymity_threshold`
people up. The stories read are only those their tellers share with the panel, read again each
time (`bot.practices.msc.reading`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from apscheduler.triggers.date import DateTrigger
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import CircleConfig
from bot.config.practice_settings import circle_schedules
from bot.core import checks
from bot.core.events import ButtonPress, Command
from bot.core.inbound import answer_here, is_steward
from bot.core.messages import Body, Outgoing
from bot.core.people import circles_of
from bot.core.router import Context, Router
from bot.core.runtime import Transaction
from bot.errors import InputError
from bot.practices.msc.choices import check_member, choose, give_reason
from bot.practices.msc.digest import MscInDigests
from bot.practices.msc.models import MscRound
from bot.practices.msc.rounds import (
    Opening,
    circle_context,
    close_round,
    latest_round,
    open_round,
    open_round_of,
)
from bot.practices.msc.selection import pass_up, select_story
from bot.practices.msc.status import status
from bot.practices.msc.web import msc_pages
from bot.practices.msc.withdrawals import on_story_choice
from bot.practices.msc.words import parse_pick, parse_weeks, reason_of
from bot.practices.protocols import EntryDetail
from bot.practices.services import Services
from bot.rituals.scheduler import JobFunc, JobSpec
from bot.rituals.timers import DueTimer, Timers, configured
from bot.rituals.timing import cron, latest_fire
from bot.web.pages import Page

log = logging.getLogger(__name__)

SECTION = "msc"
"""The circle table that schedules rounds: `[circles.msc]` with `cron` and `window_hours`."""
CLOSE = "msc.close"
"""The timer that closes a round at its deadline; its subject is the round's number."""
DEFAULT_WEEKS = 4
"""How far back a circle's first round reads, when a steward names no number of weeks."""
DEFAULT_OPEN = timedelta(days=7)
"""How long a round started by hand takes choices, in a circle with no `[circles.msc]`."""


class Msc(MscInDigests):
    """Most Significant Change rounds for any circle."""

    name = "msc"
    config_sections = (SECTION,)

    def __init__(self, services: Services) -> None:
        self._s = services
        self._schedules = circle_schedules(services.config, SECTION, example="0 10 1 */3 *")

    def web_pages(self) -> tuple[Page, ...]:
        """Its page of the web view: the selections, read as the digests read them."""
        return msc_pages(self.huddle_part, self.steward_part)

    def register(self, router: Router) -> None:
        router.command(
            "msc",
            self.on_msc,
            description="Most Significant Change: msc start | choose | select | pass-up",
        )
        router.button("msc", self.on_button)
        router.on_choice(("story",), on_story_choice)

    def register_timers(self, timers: Timers) -> None:
        timers.handle(CLOSE, self.on_close)

    def jobs(self) -> list[JobSpec]:
        now = self._s.clock.now()
        specs = []
        for circle in self._s.config.circles:
            schedule = self._schedules.get(circle.id)
            if schedule is not None:
                trigger = cron(schedule.cron, circle.timezone)
                specs.append(JobSpec(f"msc:{circle.id}", trigger, self._open_job(circle)))
                # at start: open a round missed while no bot ran; one whose deadline passed
                # meanwhile is closed by its timer
                catch_up = self._open_job(circle)
                specs.append(JobSpec(f"msc:{circle.id}:catch_up", DateTrigger(now), catch_up))
        return specs

    async def describe_entries(
        self, session: AsyncSession, entry_ids: Sequence[int]
    ) -> Mapping[int, EntryDetail]:
        """Each story's selections and their reasons, for `huddlebot export`."""
        return await self.selections_of(session, self._s.config, entry_ids)

    # -- schedule -------------------------------------------------------------------------------

    def _window(self, circle: CircleConfig) -> timedelta:
        schedule = self._schedules.get(circle.id)
        return timedelta(hours=schedule.window_hours) if schedule else DEFAULT_OPEN

    def _open_job(self, circle: CircleConfig) -> JobFunc:
        async def job() -> None:
            schedule = self._schedules[circle.id]
            trigger = cron(schedule.cron, circle.timezone)
            now = self._s.clock.now()
            due = latest_fire(trigger, now, lookback=self._window(circle))
            if due is not None:
                await self.open_scheduled(circle, due)

        return job

    async def _period_start(
        self, session: AsyncSession, circle: CircleConfig, now: datetime, weeks: int | None
    ) -> datetime:
        if weeks is not None:
            return now - timedelta(weeks=weeks)
        previous = await latest_round(session, circle.id)
        return previous.opened_at if previous else now - timedelta(weeks=DEFAULT_WEEKS)

    async def open_scheduled(self, circle: CircleConfig, due: datetime) -> int | None:
        """Open the round due at `due` once (a schedule's firing, or its catch-up at start)."""
        async with self._s.runtime.transaction() as tx:
            if await open_round_of(tx.session, circle.id) is not None:
                return None  # the round before is still open: this firing is skipped
            opening = Opening(
                scheduled_for=due,
                period_start=await self._period_start(tx.session, circle, tx.now, None),
                closes_at=due + self._window(circle),
                threshold=self._s.config.partnership.anonymity_threshold,
            )
            round_id, outgoing = await open_round(
                tx.session, self._s.config, circle, opening, tx.now
            )
            tx.send(outgoing)
            if round_id is not None:
                await self._s.timers.set(tx, CLOSE, str(round_id), due=opening.closes_at)
        return round_id

    async def on_close(self, tx: Transaction, timer: DueTimer) -> list[Outgoing]:
        """A round's deadline: close it, unless it closed already (everyone chose and said why,
        or a steward's `msc close`)."""
        row = await tx.session.get(MscRound, int(timer.subject))
        circle = configured(self._s.config, row.circle_id) if row else None
        if row is None or circle is None or row.closed_at is not None:
            return []
        return await close_round(tx.session, self._s.config, circle, row, tx.now)

    # -- verbs ----------------------------------------------------------------------------------

    async def on_msc(self, ctx: Context, event: Command) -> list[Outgoing]:
        sub, _, rest = event.args.strip().partition(" ")
        sub, rest = sub.lower(), rest.strip()
        if sub == "choose":
            number, reason = parse_pick(rest, verb="choose")
            return await choose(ctx, event, await self._round_for(ctx), number, reason)
        if sub in ("because", "why", "reason"):
            reason = reason_of(rest.split())
            return await give_reason(ctx, event, await self._round_for(ctx), reason)
        if sub not in ("start", "close", "select", "pass-up", "passup", "", "status"):
            raise InputError("msc/how")
        if ctx.circle is None:
            raise InputError("replies/use_in_room")
        circle = ctx.circle
        if sub == "start":
            return await self._start(ctx, event, circle, rest)
        if sub == "close":
            return await self._close_now(ctx, event, circle)
        if sub == "select":
            await self._check_panel(ctx, event, circle)
            return await select_story(ctx, event, circle, rest)
        if sub in ("pass-up", "passup"):
            await self._check_panel(ctx, event, circle)
            return await pass_up(ctx, event, circle, rest)
        return await status(ctx, event, circle)

    async def on_button(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        round_id, _, number = event.value.partition(":")
        found = checks.whole_number(round_id)
        row = await ctx.session.get(MscRound, found) if found is not None else None
        chosen = checks.whole_number(number)
        if row is None or chosen is None:
            raise InputError("msc/none_open")
        return await choose(ctx, event, row, chosen, "")

    async def _round_for(self, ctx: Context) -> MscRound:
        """The open round a typed choice is for: the room's circle's, else the sender's newest."""
        circles = (
            [ctx.circle.id] if ctx.circle else await circles_of(ctx.session, ctx.who.person_id)
        )
        query = (
            select(MscRound)
            .where(col(MscRound.circle_id).in_(circles), col(MscRound.closed_at).is_(None))
            .order_by(col(MscRound.opened_at).desc(), col(MscRound.id).desc())
        )
        row = (await ctx.session.exec(query)).first()
        if row is None:
            raise InputError("msc/none_open")
        return row

    async def _check_panel(self, ctx: Context, event: Command, circle: CircleConfig) -> None:
        if not await is_steward(ctx, event):
            await check_member(ctx, circle.id)

    async def _start(
        self, ctx: Context, event: Command, circle: CircleConfig, rest: str
    ) -> list[Outgoing]:
        if not await is_steward(ctx, event):
            raise InputError("replies/stewards_only", verb="msc start")
        weeks = parse_weeks(rest)
        if await open_round_of(ctx.session, circle.id) is not None:
            raise InputError("msc/already_open", circle=circle.name)
        opening = Opening(
            scheduled_for=ctx.now,
            period_start=await self._period_start(ctx.session, circle, ctx.now, weeks),
            closes_at=ctx.now + self._window(circle),
            threshold=ctx.config.partnership.anonymity_threshold,
        )
        round_id, outgoing = await open_round(ctx.session, ctx.config, circle, opening, ctx.now)
        if round_id is None:
            raise InputError("msc/already_open", circle=circle.name)
        await self._s.timers.set(ctx.tx, CLOSE, str(round_id), due=opening.closes_at)
        return outgoing

    async def _close_now(
        self, ctx: Context, event: Command, circle: CircleConfig
    ) -> list[Outgoing]:
        if not await is_steward(ctx, event):
            raise InputError("replies/stewards_only", verb="msc close")
        row = await open_round_of(ctx.session, circle.id)
        if row is None:
            raise InputError("msc/none_open")
        outgoing = await close_round(ctx.session, ctx.config, circle, row, ctx.now)
        body = Body("msc/closed_early", {"circle": circle_context(circle)})
        key = f"msc:{event.platform}:{event.dedup_key}"
        return [answer_here(event, body, key=key), *outgoing]
