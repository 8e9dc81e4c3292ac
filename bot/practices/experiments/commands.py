"""The `experiment` verb and its buttons: new, list, show, stage updates, decisions, next cycles."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.config.partnership import CircleConfig
from bot.config.practice_settings import partnership_number
from bot.core.events import ButtonPress, Command, InboundEvent
from bot.core.inbound import answer_here, circle_or_default, is_steward, join_once
from bot.core.messages import Body, Button, Outgoing, ToPerson
from bot.core.people import circles_of, private_address
from bot.core.router import Context, Router
from bot.core.subcommands import number_of
from bot.errors import InputError
from bot.practices.contributions import checked_text
from bot.practices.experiments.ledger import (
    STAGE_LABELS,
    create_experiment,
    display_names,
    experiment_dict,
    experiment_view,
    experiments_in,
    lead_ids,
    record_stage,
    resolve_leads,
    set_leads,
)
from bot.practices.experiments.models import DECISIONS, STAGES, Experiment
from bot.practices.experiments.parsing import (
    SUBCOMMANDS,
    handles,
    looks_like_a_date,
    review_date,
    without_we_expect,
)
from bot.practices.services import Services

TITLE_LIMIT = 200
REVIEW_SETTING = "experiment_review_days"
"""[partnership] key: days to a review when none is given, and for each next cycle."""


class ExperimentCommands:
    """The `experiment` verb: new, list, show, stage updates, decisions and next cycles."""

    def __init__(self, services: Services) -> None:
        self._config = services.config
        days = partnership_number(services.config, REVIEW_SETTING, default=28, minimum=1)
        self.review_after = timedelta(days=days)
        """How far ahead a review date falls when none is given, and for a next cycle."""

    def register(self, router: Router) -> None:
        router.command(
            "experiment",
            self._on_experiment,
            description="run an experiment together: experiment new, experiment list, "
            "experiment ID do|study|act ...",
        )
        router.button("experiment_decide", self._on_decide)
        router.button("experiment_next", self._on_next_button)

    # -- routing --------------------------------------------------------------------------------

    async def _on_experiment(self, ctx: Context, event: Command) -> list[Outgoing]:
        args = event.args.strip()
        reading = SUBCOMMANDS.read(args) if args else None
        if reading is None or reading.word == "help":
            return [self._answer(event, "experiments/help", {})]
        if reading.word == "new":
            return await self._new(ctx, event, reading.rest)
        if reading.word == "list":
            return await self._list(ctx, event)
        experiment = await self._find(ctx, reading.number)
        if not reading.rest:
            view = await experiment_view(ctx.session, experiment)
            return [self._answer(event, "experiments/show", {"experiment": view})]
        action, _, text = reading.rest.partition(" ")
        action = action.lower()
        text = text.strip()
        if action == "lead":
            return await self._leads(ctx, event, experiment, text)
        if action == "next":
            await self._need_lead(ctx, experiment)
            return await self._next(ctx, event, experiment, prediction=text)
        if action not in STAGES:
            raise InputError("experiments/usage", text=args)
        await self._need_lead(ctx, experiment)
        if experiment.stage == "act" and experiment.decision:
            raise InputError(
                "experiments/finished",
                id=experiment.id,
                title=experiment.title,
                decision=experiment.decision,
            )
        if action == "act":
            return await self._act(ctx, event, experiment, text)
        if action == "study":
            return await self._study(ctx, event, experiment, text)
        text = checked_text(ctx, text, verb="experiment")
        await record_stage(ctx, event, experiment, action, text)
        body = {"experiment": experiment_dict(experiment), "stage_label": STAGE_LABELS[action]}
        return [self._answer(event, "experiments/updated", body)]

    def _answer(self, event: InboundEvent, template: str, context: dict[str, Any]) -> Outgoing:
        return answer_here(
            event, Body(template, context), key=f"experiment:{event.platform}:{event.dedup_key}"
        )

    async def _find(self, ctx: Context, experiment_id: int | None) -> Experiment:
        experiment = (
            await ctx.session.get(Experiment, experiment_id) if experiment_id is not None else None
        )
        if experiment is None:
            raise InputError("experiments/unknown", id=experiment_id or "")
        return experiment

    async def _need_lead(self, ctx: Context, experiment: Experiment) -> list[int]:
        assert experiment.id is not None
        leads = await lead_ids(ctx.session, experiment.id)
        if ctx.who.person_id not in leads:
            names = await display_names(ctx.session, leads)
            raise InputError(
                "experiments/not_a_lead",
                id=experiment.id,
                title=experiment.title,
                leads=[names.get(p, "someone") for p in leads],
            )
        return leads

    # -- creating -------------------------------------------------------------------------------

    async def _new(self, ctx: Context, event: Command, rest: str) -> list[Outgoing]:
        parts = [p.strip() for p in rest.split("|")]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise InputError("experiments/new_usage", text=rest)
        title, prediction = parts[0], parts[1]
        if len(title) > TITLE_LIMIT:
            raise InputError("replies/too_long", limit=TITLE_LIMIT, length=len(title), text=title)
        prediction = checked_text(ctx, without_we_expect(prediction), verb="experiment")
        review: date | None = None
        named: list[str] = []
        for part in parts[2:]:
            if looks_like_a_date(part):
                review = review_date(part, text=rest)
            elif part:
                named.extend(handles(part))
        today = self._today(ctx.now)
        if review is None:
            review = today + self.review_after
        elif review < today:
            raise InputError("experiments/past_date", date=review.isoformat(), text=rest)
        circle = circle_or_default(ctx, await circles_of(ctx.session, ctx.who.person_id))
        await join_once(ctx, ctx.who.person_id, circle.id)
        leads = await self._resolve(ctx, circle, named, text=rest) if named else []
        leads = leads or [ctx.who.person_id]
        experiment = await create_experiment(
            ctx,
            event,
            circle_id=circle.id,
            title=title,
            prediction=prediction,
            leads=leads,
            review=review,
            previous_id=None,
        )
        view = await experiment_view(ctx.session, experiment)
        return [self._answer(event, "experiments/created", {"experiment": view})]

    async def _resolve(
        self, ctx: Context, circle: CircleConfig, named: list[str], *, text: str
    ) -> list[int]:
        """The people `named` (@handles or names) among those the bot knows, as members of
        `circle`; an InputError naming anyone not found."""
        leads, unknown = await resolve_leads(ctx.session, circle.id, named)
        if unknown:
            raise InputError(
                "experiments/unknown_lead", names=unknown, circle=circle.name, text=text
            )
        for person_id in leads:
            await join_once(ctx, person_id, circle.id)
        return leads

    async def _leads(
        self, ctx: Context, event: Command, experiment: Experiment, text: str
    ) -> list[Outgoing]:
        """`experiment 3 lead @ana @ben`: its leads, or a steward, hand it to new leads (the
        only way on for an experiment whose leads were all forgotten)."""
        assert experiment.id is not None
        named = handles(text)
        if not named:
            raise InputError("experiments/lead_usage", id=experiment.id)
        if not await is_steward(ctx, event):
            await self._need_lead(ctx, experiment)
        circle = ctx.config.circle(experiment.circle_id)
        leads = await self._resolve(ctx, circle, named, text=f"lead {text}")
        await set_leads(ctx.session, experiment.id, leads)
        experiment.updated_at = ctx.now
        ctx.session.add(experiment)
        view = await experiment_view(ctx.session, experiment)
        return [self._answer(event, "experiments/leads_changed", {"experiment": view})]

    # -- study and act --------------------------------------------------------------------------

    async def _study(
        self, ctx: Context, event: Command, experiment: Experiment, text: str
    ) -> list[Outgoing]:
        if text:
            text = checked_text(ctx, text, verb="experiment")
            experiment.result = text
            await record_stage(ctx, event, experiment, "study", text)
        else:
            experiment.stage = "study"
            experiment.updated_at = ctx.now
            ctx.session.add(experiment)
        assert experiment.id is not None
        leads = await lead_ids(ctx.session, experiment.id)
        shown = experiment_dict(experiment)
        buttons = self._decision_buttons(experiment) if experiment.result else ()
        asks: list[Outgoing] = []
        unreachable: list[int] = []
        for person_id in leads:
            if person_id == ctx.who.person_id and text:
                continue  # they have just set the result beside the prediction themselves
            if await private_address(ctx.session, person_id) is None:
                unreachable.append(person_id)
                continue
            asks.append(
                Outgoing(
                    to=ToPerson(person_id),
                    body=Body("experiments/study_ask", {"experiment": shown, "names": []}),
                    key=f"experiment:study:{experiment.id}:{person_id}:{event.platform}:"
                    f"{event.dedup_key}",
                    buttons=buttons,
                )
            )
        if unreachable:
            # not reachable privately (yet): ask them where the update was given
            names = await display_names(ctx.session, unreachable)
            body = Body(
                "experiments/study_ask",
                {"experiment": shown, "names": [names.get(p, "someone") for p in unreachable]},
            )
            room = answer_here(
                event,
                body,
                key=f"experiment:study_room:{event.platform}:{event.dedup_key}",
                private=False,
            )
            asks.append(replace(room, buttons=buttons))
        answer = self._answer(event, "experiments/studied", {"experiment": shown})
        if experiment.result:
            answer = replace(answer, buttons=self._decision_buttons(experiment))
        return [answer, *asks]

    @staticmethod
    def _decision_buttons(experiment: Experiment) -> tuple[Button, ...]:
        return tuple(
            Button("experiment_decide", f"{experiment.id}:{d}", d.capitalize()) for d in DECISIONS
        )

    async def _act(
        self, ctx: Context, event: InboundEvent, experiment: Experiment, text: str
    ) -> list[Outgoing]:
        word, _, note = text.partition(" ")
        decision = word.lower().strip(".,:;")
        if decision not in DECISIONS:
            raise InputError("experiments/need_decision", id=experiment.id, text=text)
        note = note.strip()
        if note:
            note = checked_text(ctx, note, verb="experiment")
        experiment.decision = decision
        summary = f"We {decision} it: {note}" if note else f"We {decision} it."
        await record_stage(ctx, event, experiment, "act", summary)
        shown = experiment_dict(experiment)
        answer = self._answer(event, "experiments/decided", {"experiment": shown})
        label = "Start the next cycle"
        return [replace(answer, buttons=(Button("experiment_next", str(experiment.id), label),))]

    async def _on_decide(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        number, _, decision = event.value.partition(":")
        experiment = await self._find(ctx, number_of(number))
        await self._need_lead(ctx, experiment)
        if experiment.decision:
            raise InputError(
                "experiments/finished",
                id=experiment.id,
                title=experiment.title,
                decision=experiment.decision,
            )
        return await self._act(ctx, event, experiment, decision)

    async def _on_next_button(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        experiment = await self._find(ctx, number_of(event.value))
        await self._need_lead(ctx, experiment)
        return await self._next(ctx, event, experiment, prediction="")

    async def _next(
        self, ctx: Context, event: InboundEvent, experiment: Experiment, *, prediction: str
    ) -> list[Outgoing]:
        assert experiment.id is not None
        following = (
            await ctx.session.exec(
                select(Experiment.id).where(Experiment.previous_id == experiment.id)
            )
        ).first()
        if following is not None:
            raise InputError("experiments/next_exists", id=experiment.id, next_id=following)
        prediction = (
            checked_text(ctx, prediction, verb="experiment")
            if prediction
            else experiment.prediction
        )
        created = await create_experiment(
            ctx,
            event,
            circle_id=experiment.circle_id,
            title=experiment.title,
            prediction=prediction,
            leads=await lead_ids(ctx.session, experiment.id),
            review=self._today(ctx.now) + self.review_after,
            previous_id=experiment.id,
        )
        view = await experiment_view(ctx.session, created)
        return [self._answer(event, "experiments/created", {"experiment": view})]

    # -- lists ----------------------------------------------------------------------------------

    async def _list(self, ctx: Context, event: Command) -> list[Outgoing]:
        if ctx.circle is not None:
            circles = [ctx.circle.id]
        else:
            circles = await circles_of(ctx.session, ctx.who.person_id)
        listed = await experiments_in(ctx.session, circles)
        return [self._answer(event, "experiments/list", {"experiments": listed})]

    # -- dates ----------------------------------------------------------------------------------

    def _today(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self._config.partnership.timezone)).date()
