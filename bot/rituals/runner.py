"""The huddle: rituals, reminders and digests for every circle, on schedule or on request."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from bot.config.partnership import CircleConfig, Config, RitualConfig
from bot.core.clock import Clock
from bot.core.events import Command
from bot.core.inbound import answer_here
from bot.core.messages import Body, Outgoing
from bot.core.ports import TextFormat
from bot.core.router import Context, Router
from bot.core.runtime import Runtime, Transaction
from bot.digests.contributions import Contributors
from bot.digests.huddle_digest import digest_context, post_digest
from bot.digests.posting import Posting
from bot.digests.steward_digest import post_steward_digest, steward_context
from bot.errors import InputError
from bot.rituals.housekeeping import housekeeping_job
from bot.rituals.prompt_runs import open_run, remind
from bot.rituals.scheduler import JobFunc, JobScheduler, JobSpec
from bot.rituals.timers import DueTimer, Timers, configured
from bot.rituals.timing import cron, latest_fire, local
from bot.storage.database import SessionFactory
from bot.storage.models import PromptRun
from bot.text.library import PromptLibrary

log = logging.getLogger(__name__)

REMINDER = "reminder"
"""The timer of a prompt's one reminder; its subject is the prompt run's number."""


class Huddle:
    """Schedules and runs each circle's rituals and digests through the outbox."""

    def __init__(
        self,
        *,
        config: Config,
        runtime: Runtime,
        sessions: SessionFactory,
        library: PromptLibrary,
        clock: Clock,
        scheduler: JobScheduler,
        timers: Timers,
    ) -> None:
        self._config = config
        self._runtime = runtime
        self._sessions = sessions
        """For reading only; every change goes through `runtime`."""
        self._library = library
        self._clock = clock
        self._scheduler = scheduler
        self.timers = timers
        """One-off moments in the database: reminders here, rounds' closes in the practices."""
        timers.handle(REMINDER, self._on_reminder)
        self.extra_jobs: list[JobSpec] = []
        """Jobs of the features built on the core, added with the huddle's own at start."""
        self.contributors = Contributors()
        """The practices that add parts to the digests (set by the composition root)."""

    # -- schedule -------------------------------------------------------------------------------

    def jobs(self) -> list[JobSpec]:
        """One job per ritual and per digest, and the daily housekeeping, with ids stable across
        restarts."""
        specs = []
        for circle in self._config.circles:
            for ritual in circle.rituals:
                specs.append(
                    JobSpec(
                        f"ritual:{circle.id}:{ritual.id}",
                        cron(ritual.cron, circle.timezone),
                        self._ritual_job(circle, ritual),
                    )
                )
            if circle.digest is not None:
                specs.append(
                    JobSpec(
                        f"digest:{circle.id}",
                        cron(circle.digest.cron, circle.timezone),
                        self._digest_job(circle),
                    )
                )
        specs.append(
            housekeeping_job(
                self._runtime, clock=self._clock, timezone=self._config.partnership.timezone
            )
        )
        steward = self._config.partnership.steward_digest
        if steward is not None:
            specs.append(
                JobSpec(
                    "steward_digest",
                    cron(steward.cron, self._config.partnership.timezone),
                    self._steward_digest_job(),
                )
            )
        return specs

    async def start(self) -> None:
        """Add every job, catch up on prompts missed while the bot was down, then fire the timers
        that fell due meanwhile and hold wake-ups for the others (bot/rituals/timers.py)."""
        for job in [*self.jobs(), *self.extra_jobs]:
            self._scheduler.add(job)
        now = self._clock.now()
        for circle in self._config.circles:
            for ritual in circle.rituals:
                trigger = cron(ritual.cron, circle.timezone)
                due = latest_fire(trigger, now, lookback=timedelta(hours=ritual.window_hours))
                if due is not None:
                    await self.fire_ritual(circle, ritual, scheduled_for=due)
        await self.timers.start()

    async def watch_timers(self) -> None:
        """Pick up timers other processes set (another bot, `huddlebot prompt`), while the bot
        runs."""
        await self.timers.watch()

    def _ritual_job(self, circle: CircleConfig, ritual: RitualConfig) -> JobFunc:
        trigger = cron(ritual.cron, circle.timezone)

        async def job() -> None:
            now = self._clock.now()
            due = latest_fire(trigger, now, lookback=timedelta(hours=ritual.window_hours))
            if due is not None:
                await self.fire_ritual(circle, ritual, scheduled_for=due)

        return job

    def _digest_job(self, circle: CircleConfig) -> JobFunc:
        assert circle.digest is not None
        trigger = cron(circle.digest.cron, circle.timezone)

        async def job() -> None:
            due = latest_fire(trigger, self._clock.now(), lookback=timedelta(days=1))
            if due is not None:
                await self.post_digest(circle.id, end=due)

        return job

    def _steward_digest_job(self) -> JobFunc:
        assert self._config.partnership.steward_digest is not None
        trigger = cron(
            self._config.partnership.steward_digest.cron, self._config.partnership.timezone
        )

        async def job() -> None:
            due = latest_fire(trigger, self._clock.now(), lookback=timedelta(days=1))
            if due is not None:
                await self.post_steward_digest(end=due)

        return job

    async def _set_reminder(self, tx: Transaction, run: PromptRun) -> None:
        """Keep the run's reminder as a timer, so whichever bot runs at its time sends it."""
        if run.remind_at is not None and run.id is not None:
            await self.timers.set(tx, REMINDER, str(run.id), due=run.remind_at)

    async def _on_reminder(self, tx: Transaction, timer: DueTimer) -> list[Outgoing]:
        run = await tx.session.get(PromptRun, int(timer.subject))
        circle = configured(self._config, run.circle_id) if run else None
        if run is None or run.id is None or circle is None:
            return []  # the run was purged, or its circle is no longer configured
        return await remind(
            tx.session, run_id=run.id, circle=circle, now=tx.now, library=self._library
        )

    # -- actions --------------------------------------------------------------------------------

    async def fire_ritual(
        self, circle: CircleConfig, ritual: RitualConfig, *, scheduled_for: datetime
    ) -> PromptRun | None:
        async with self._runtime.transaction() as tx:
            run, outgoing = await open_run(
                tx.session,
                circle=circle,
                ritual=ritual,
                scheduled_for=scheduled_for,
                now=tx.now,
                library=self._library,
            )
            tx.send(outgoing)
            if run is not None:
                await self._set_reminder(tx, run)
        return run

    async def send_prompt_now(self, circle_id: str, prompt_id: str) -> PromptRun | None:
        """Ask a circle a prompt now, outside its schedule (`huddlebot prompt`)."""
        circle = self._config.circle(circle_id)
        self._library.prompt(prompt_id)  # an unknown prompt id is reported before anything is sent
        ritual = ritual_for(circle, prompt_id)
        now = self._clock.now().replace(microsecond=0)
        return await self.fire_ritual(circle, ritual, scheduled_for=now)

    async def post_digest(
        self, circle_id: str, *, end: datetime | None = None, start: datetime | None = None
    ) -> int:
        """Archive and queue a circle's digest; returns how many parts were queued."""
        return (await self.request_digest(circle_id, end=end, start=start)).queued

    async def post_steward_digest(
        self, *, end: datetime | None = None, start: datetime | None = None
    ) -> int:
        """Archive and queue the steward digest (once per period); returns the parts queued."""
        return (await self.request_digest(None, end=end, start=start)).queued

    async def request_digest(
        self,
        circle_id: str | None,
        *,
        end: datetime | None = None,
        start: datetime | None = None,
        news_only: bool = False,
    ) -> Posting:
        """Archive and queue a circle's digest, or the stewards' (`circle_id` None), once per
        period; with `news_only`, only when something new happened since `start`."""
        circle = self._config.circle(circle_id) if circle_id is not None else None
        async with self._runtime.transaction() as tx:
            if circle is None:
                posting = await post_steward_digest(
                    tx.session,
                    config=self._config,
                    end=end or tx.now,
                    start=start,
                    now=tx.now,
                    library=self._library,
                    contributors=self.contributors,
                    news_only=news_only,
                )
            else:
                posting = await post_digest(
                    tx.session,
                    circle=circle,
                    end=end or tx.now,
                    start=start,
                    now=tx.now,
                    library=self._library,
                    contributors=self.contributors,
                    news_only=news_only,
                )
            tx.send(list(posting.outgoing))
        return replace(posting, queued=tx.queued)

    async def preview_steward_digest(
        self, *, start: datetime, end: datetime, fmt: TextFormat = "plain"
    ) -> str:
        async with self._sessions() as session:
            context = await steward_context(
                session,
                config=self._config,
                start=start,
                end=end,
                library=self._library,
                contributors=self.contributors,
            )
        return self._library.render("steward_digest", context, fmt)

    async def preview_digest(
        self, circle_id: str, *, start: datetime, end: datetime, fmt: TextFormat = "plain"
    ) -> str:
        circle = self._config.circle(circle_id)
        async with self._sessions() as session:
            context = await digest_context(
                session,
                circle=circle,
                start=start,
                end=end,
                library=self._library,
                contributors=self.contributors,
            )
        return self._library.render("huddle_digest", context, fmt)

    # -- chat verbs for stewards ----------------------------------------------------------------

    def register(self, router: Router) -> None:
        router.command("prompt", self._on_prompt, description="ask a prompt now", operator=True)
        router.command(
            "digest",
            self._on_digest,
            description="post this circle's digest now (the stewards' digest in their room)",
            operator=True,
        )

    def _circle_for(self, ctx: Context) -> CircleConfig:
        if ctx.circle is None:
            raise InputError("replies/use_in_room")
        return ctx.circle

    async def _on_prompt(self, ctx: Context, event: Command) -> list[Outgoing]:
        circle = self._circle_for(ctx)
        prompt_id = event.args.strip() or "learned"
        ids = [p.id for p in self._library.prompts()]
        if prompt_id not in ids:
            raise InputError("replies/unknown_prompt", prompt=prompt_id, prompts=ids)
        ritual = ritual_for(circle, prompt_id)
        run, outgoing = await open_run(
            ctx.session,
            circle=circle,
            ritual=ritual,
            scheduled_for=ctx.now.replace(microsecond=0),
            now=ctx.now,
            library=self._library,
        )
        if run is not None:
            await self._set_reminder(ctx.tx, run)
        return outgoing

    async def _on_digest(self, ctx: Context, event: Command) -> list[Outgoing]:
        """A circle's huddle digest now; in a stewards' room, the stewards' weekly digest."""
        circle = self._circle_for(ctx)
        if circle.kind == "stewards":
            posting = await post_steward_digest(
                ctx.session,
                config=self._config,
                end=ctx.now,
                now=ctx.now,
                library=self._library,
                contributors=self.contributors,
                news_only=True,
            )
        else:
            posting = await post_digest(
                ctx.session,
                circle=circle,
                end=ctx.now,
                now=ctx.now,
                library=self._library,
                contributors=self.contributors,
                news_only=True,
            )
        if posting.skipped is not None:
            body = Body(
                "replies/digest_already",
                {
                    "nothing_new": posting.skipped == "nothing_new",
                    "since": local(posting.start, circle.timezone),
                },
            )
            return [answer_here(event, body, key=f"digest:{event.platform}:{event.dedup_key}")]
        return list(posting.outgoing)


def ritual_for(circle: CircleConfig, prompt_id: str) -> RitualConfig:
    """The circle's own ritual for a prompt asked now, or one with the default window and
    reminder when the circle has no ritual for it."""
    return next(
        (r for r in circle.rituals if r.prompt == prompt_id),
        RitualConfig(id=f"now-{prompt_id}", prompt=prompt_id, cron="0 9 * * MON"),
    )
