"""Experiments: a PDSA ledger. Plan with a prediction, Do, Study against it, Act on it.

An experiment is jointly owned by its leads. Each stage carries an update, stored both in the
ledger and as an `experiment_update` entry so that it reaches the huddle digest. A daily job
nudges the leads on the review date, then at most weekly while the review is overdue.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.contributions import checked_text, save_entry
from bot.core import answer_here, circle_or_default, join_once
from bot.errors import InputError
from bot.events import ButtonPress, Command, InboundEvent
from bot.messages import Body, Button, Outgoing, ToPerson
from bot.models import Entry, Identity, Membership, Person
from bot.models_experiments import DECISIONS, STAGES, Experiment, ExperimentLead, ExperimentUpdate
from bot.people import circles_of, private_address
from bot.router import Context, Router
from bot.scheduling import JobSpec
from bot.services import Services
from bot.sql import insert_row
from bot.timing import cron

log = logging.getLogger(__name__)

STAGE_LABELS = {"plan": "Plan", "do": "Do", "study": "Study", "act": "Act"}


def experiment_dict(experiment: Experiment) -> dict[str, Any]:
    return {
        "id": experiment.id,
        "title": experiment.title,
        "circle_id": experiment.circle_id,
        "stage": experiment.stage,
        "stage_label": STAGE_LABELS[experiment.stage],
        "prediction": experiment.prediction,
        "result": experiment.result,
        "decision": experiment.decision,
        "review_date": experiment.review_date.isoformat(),
        "previous_id": experiment.previous_id,
    }


def days_overdue(experiment: Experiment, today: date) -> int:
    return (today - experiment.review_date).days


async def experiment_digest(
    session: AsyncSession, *, circle_id: str, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Each stage update of a circle's experiments in [start, end), oldest first."""
    query = (
        select(ExperimentUpdate, Experiment)
        .join(Experiment, col(Experiment.id) == col(ExperimentUpdate.experiment_id))
        .where(
            Experiment.circle_id == circle_id,
            col(ExperimentUpdate.created_at) >= start,
            col(ExperimentUpdate.created_at) < end,
        )
        .order_by(col(ExperimentUpdate.created_at), col(ExperimentUpdate.id))
    )
    rows = (await session.exec(query)).all()
    return [
        {
            **experiment_dict(experiment),
            "stage": update.stage,
            "stage_label": STAGE_LABELS[update.stage],
            "update": update.text,
            "at": update.created_at,
        }
        for update, experiment in rows
    ]


async def experiments_overdue(session: AsyncSession, *, now: datetime) -> list[dict[str, Any]]:
    """Experiments past their review date and not yet acted on, most overdue first."""
    today = now.date()
    query = (
        select(Experiment)
        .where(col(Experiment.review_date) < today, Experiment.stage != "act")
        .order_by(col(Experiment.review_date), col(Experiment.id))
    )
    return [
        {**experiment_dict(e), "days_overdue": days_overdue(e, today)}
        for e in (await session.exec(query)).all()
    ]


# -- people --------------------------------------------------------------------------------------


def _handle(token: str) -> str:
    """`@ana`, `<@U123|ana>` or `ana,` as the bare name or id it stands for."""
    token = token.strip().strip(",;").removeprefix("<").removesuffix(">").lstrip("@")
    return token.split("|", 1)[0].strip().lower()


async def resolve_leads(
    session: AsyncSession, circle_id: str, handles: list[str]
) -> tuple[list[int], list[str]]:
    """People of a circle named by display name, first name or platform user id; and misses."""
    query = (
        select(Person, Identity)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .join(Identity, col(Identity.person_id) == col(Person.id))
        .where(Membership.circle_id == circle_id, col(Person.erased_at).is_(None))
    )
    rows = (await session.exec(query)).all()
    found: list[int] = []
    unknown: list[str] = []
    for raw in handles:
        wanted = _handle(raw)
        if not wanted:
            continue
        exact = {
            person.id
            for person, identity in rows
            if wanted
            in {
                person.display_name.lower(),
                identity.display_name.lower(),
                identity.user_id.lower(),
            }
        }
        if not exact:
            exact = {
                person.id
                for person, _ in rows
                if person.display_name.lower().split(" ", 1)[0] == wanted
            }
        if len(exact) == 1:
            person_id = exact.pop()
            if person_id is not None and person_id not in found:
                found.append(person_id)
        else:
            unknown.append(raw.strip())
    return found, unknown


async def lead_ids(session: AsyncSession, experiment_id: int) -> list[int]:
    query = (
        select(ExperimentLead.person_id)
        .where(ExperimentLead.experiment_id == experiment_id)
        .order_by(col(ExperimentLead.id))
    )
    return list((await session.exec(query)).all())


async def _names(session: AsyncSession, person_ids: list[int]) -> dict[int, str]:
    if not person_ids:
        return {}
    query = select(Person).where(col(Person.id).in_(person_ids))
    return {
        p.id: (p.display_name if p.erased_at is None else "someone")
        for p in (await session.exec(query)).all()
        if p.id is not None
    }


async def experiment_view(session: AsyncSession, experiment: Experiment) -> dict[str, Any]:
    """An experiment with its leads, its history and its linked cycles, for show and the CLI."""
    assert experiment.id is not None
    leads = await lead_ids(session, experiment.id)
    updates = (
        await session.exec(
            select(ExperimentUpdate)
            .where(ExperimentUpdate.experiment_id == experiment.id)
            .order_by(col(ExperimentUpdate.created_at), col(ExperimentUpdate.id))
        )
    ).all()
    names = await _names(session, [*leads, *(u.person_id for u in updates if u.person_id)])
    following = (
        await session.exec(select(Experiment.id).where(Experiment.previous_id == experiment.id))
    ).first()
    return {
        **experiment_dict(experiment),
        "decision_label": DECISION_LABELS.get(experiment.decision, ""),
        "leads": [names.get(p, "someone") for p in leads],
        "next_id": following,
        "history": [
            {
                "stage_label": STAGE_LABELS[u.stage],
                "text": u.text,
                "by": names.get(u.person_id, "") if u.person_id else "",
                "on": u.created_at.date().isoformat(),
            }
            for u in updates
        ],
    }


async def experiments_in(
    session: AsyncSession, circle_ids: list[str] | None
) -> list[dict[str, Any]]:
    """Experiments of some circles (None: all), those still running first, newest first."""
    query = select(Experiment)
    if circle_ids is not None:
        query = query.where(col(Experiment.circle_id).in_(circle_ids))
    query = query.order_by(col(Experiment.id).desc())
    found = list((await session.exec(query)).all())
    found.sort(key=lambda e: e.stage == "act")
    listed = []
    for experiment in found:
        assert experiment.id is not None
        leads = await lead_ids(session, experiment.id)
        names = await _names(session, leads)
        listed.append(
            {
                **experiment_dict(experiment),
                "decision_label": DECISION_LABELS.get(experiment.decision, ""),
                "leads": [names.get(p, "someone") for p in leads],
            }
        )
    return listed


# -- the feature ---------------------------------------------------------------------------------

DECISION_LABELS = {"adopt": "adopt", "adapt": "adapt", "abandon": "abandon"}
TITLE_LIMIT = 200
DEFAULT_REVIEW = timedelta(weeks=4)


def _parse_id(text: str) -> int | None:
    text = text.strip().lstrip("#")
    return int(text) if text.isdigit() else None


def _handles(part: str) -> list[str]:
    """`@ana @ben`, `ana, ben` or `Ana Lopez, @ben`: a name with spaces stays whole."""
    found: list[str] = []
    for chunk in part.split(","):
        tokens = chunk.split()
        if len(tokens) == 1 or all(t.startswith(("@", "<@")) for t in tokens):
            found.extend(tokens)
        elif tokens:
            found.append(" ".join(tokens))
    return found


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


class Experiments:
    """The `experiment` verb: new, list, show, stage updates, decisions, next cycles, nudges."""

    def __init__(self, services: Services) -> None:
        self._config = services.config
        self._sessions = services.sessions
        self._outbox = services.outbox
        self._clock = services.clock
        self._wake = services.wake

    def register(self, router: Router) -> None:
        router.command(
            "experiment",
            self._on_experiment,
            description="run an experiment together: experiment new, experiment list, "
            "experiment ID do|study|act ...",
            replace=True,
        )
        router.button("experiment_decide", self._on_decide)
        router.button("experiment_next", self._on_next_button)

    def jobs(self) -> list[JobSpec]:
        trigger = cron("0 9 * * *", self._config.partnership.timezone)
        return [JobSpec("experiments:review", trigger, self._review_job)]

    # -- routing --------------------------------------------------------------------------------

    async def _on_experiment(self, ctx: Context, event: Command) -> list[Outgoing]:
        args = event.args.strip()
        first, _, rest = args.partition(" ")
        word = first.lower()
        rest = rest.strip()
        if not args or word == "help":
            return [self._answer(event, "experiments/help", {})]
        if word == "new":
            return await self._new(ctx, event, rest)
        if word == "list" and not rest:
            return await self._list(ctx, event)
        experiment_id = _parse_id(first)
        if experiment_id is None:
            # a free update, as before the ledger: kept as an entry, with a pointer to the ledger
            text = checked_text(ctx, args, verb="experiment")
            saved = await save_entry(ctx, event, kind="experiment_update", text=text)
            return [*saved, self._answer(event, "experiments/tip", {})]
        experiment = await self._find(ctx, experiment_id)
        if not rest:
            view = await experiment_view(ctx.session, experiment)
            return [self._answer(event, "experiments/show", {"experiment": view})]
        action, _, text = rest.partition(" ")
        action = action.lower()
        text = text.strip()
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
        await self._record(ctx, event, experiment, action, text)
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
            names = await _names(ctx.session, leads)
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
        prediction = checked_text(ctx, prediction, verb="experiment")
        review: date | None = None
        handles: list[str] = []
        for part in parts[2:]:
            when = _parse_date(part)
            if when is not None:
                review = when
            elif part:
                handles.extend(_handles(part))
        today = self._today(ctx.now)
        if review is None:
            review = today + DEFAULT_REVIEW
        elif review < today:
            raise InputError("experiments/past_date", date=review.isoformat(), text=rest)
        circle = circle_or_default(ctx, await circles_of(ctx.session, ctx.who.person_id))
        await join_once(ctx, ctx.who.person_id, circle.id)
        if handles:
            leads, unknown = await resolve_leads(ctx.session, circle.id, handles)
            if unknown:
                raise InputError(
                    "experiments/unknown_lead", names=unknown, circle=circle.name, text=rest
                )
        else:
            leads = [ctx.who.person_id]
        experiment = await self._create(
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

    async def _create(
        self,
        ctx: Context,
        event: InboundEvent,
        *,
        circle_id: str,
        title: str,
        prediction: str,
        leads: list[int],
        review: date,
        previous_id: int | None,
    ) -> Experiment:
        experiment = Experiment(
            circle_id=circle_id,
            title=title,
            prediction=prediction,
            stage="plan",
            review_date=review,
            previous_id=previous_id,
            created_by=ctx.who.person_id,
            created_at=ctx.now,
            updated_at=ctx.now,
        )
        ctx.session.add(experiment)
        await ctx.session.flush()
        assert experiment.id is not None
        for person_id in leads:
            ctx.session.add(ExperimentLead(experiment_id=experiment.id, person_id=person_id))
        await self._record(ctx, event, experiment, "plan", f"We expect: {prediction}")
        return experiment

    async def _record(
        self, ctx: Context, event: InboundEvent, experiment: Experiment, stage: str, text: str
    ) -> None:
        """One stage update: in the ledger, and as an entry for the circle's digest."""
        entry_id = await insert_row(
            ctx.session,
            Entry,
            {
                "circle_id": experiment.circle_id,
                "person_id": ctx.who.person_id,
                "prompt_run_id": None,
                "kind": "experiment_update",
                "text": f"{experiment.title} ({STAGE_LABELS[stage]}): {text}",
                "visibility": "circle",
                "anonymous": False,
                "platform": event.platform,
                "source_ref": event.dedup_key,
                "created_at": ctx.now,
            },
        )
        ctx.session.add(
            ExperimentUpdate(
                experiment_id=experiment.id or 0,
                stage=stage,
                text=text,
                person_id=ctx.who.person_id,
                entry_id=entry_id,
                created_at=ctx.now,
            )
        )
        experiment.stage = stage
        experiment.updated_at = ctx.now
        ctx.session.add(experiment)

    # -- study and act --------------------------------------------------------------------------

    async def _study(
        self, ctx: Context, event: Command, experiment: Experiment, text: str
    ) -> list[Outgoing]:
        if text:
            text = checked_text(ctx, text, verb="experiment")
            experiment.result = text
            await self._record(ctx, event, experiment, "study", text)
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
            names = await _names(ctx.session, unreachable)
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
        summary = f"We {decision} it." + (f" {note}" if note else "")
        await self._record(ctx, event, experiment, "act", summary)
        shown = experiment_dict(experiment)
        answer = self._answer(event, "experiments/decided", {"experiment": shown})
        label = "Start the next cycle"
        return [replace(answer, buttons=(Button("experiment_next", str(experiment.id), label),))]

    async def _on_decide(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        number, _, decision = event.value.partition(":")
        experiment = await self._find(ctx, _parse_id(number))
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
        experiment = await self._find(ctx, _parse_id(event.value))
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
        length = max(timedelta(days=7), experiment.review_date - experiment.created_at.date())
        created = await self._create(
            ctx,
            event,
            circle_id=experiment.circle_id,
            title=experiment.title,
            prediction=prediction,
            leads=await lead_ids(ctx.session, experiment.id),
            review=self._today(ctx.now) + length,
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

    # -- the review date ------------------------------------------------------------------------

    def _today(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self._config.partnership.timezone)).date()

    async def _review_job(self) -> None:
        await self.nudge_leads()

    async def nudge_leads(self) -> int:
        """Remind the leads of experiments due for review: once, then at most weekly."""
        now = self._clock.now()
        today = self._today(now)
        week_ago = now - timedelta(days=7)
        async with self._sessions.begin() as session:
            query = select(Experiment).where(
                col(Experiment.review_date) <= today, Experiment.stage != "act"
            )
            due = [
                e
                for e in (await session.exec(query)).all()
                if e.nudged_at is None or e.nudged_at <= week_ago
            ]
            outgoing: list[Outgoing] = []
            for experiment in due:
                assert experiment.id is not None
                shown = {
                    **experiment_dict(experiment),
                    "days_overdue": days_overdue(experiment, today),
                }
                for person_id in await lead_ids(session, experiment.id):
                    outgoing.append(
                        Outgoing(
                            to=ToPerson(person_id),
                            body=Body("experiments/nudge", {"experiment": shown}),
                            key=f"experiment:nudge:{experiment.id}:{today.isoformat()}:{person_id}",
                            kind="reminder",
                        )
                    )
                experiment.nudged_at = now
                session.add(experiment)
            await self._outbox.enqueue(session, outgoing, now=now)
        if due:
            log.info("nudged the leads of %d experiment(s) due for review", len(due))
            self._wake()
        return len(due)
