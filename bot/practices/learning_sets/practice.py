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

The rounds as kept live in `bot.practices.learning_sets.rounds`, and their schedule and phases in
`bot.practices.learning_sets.phases`; this module is what members say and do during a round.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlmodel import select

from bot.config.partnership import CircleConfig
from bot.core import checks
from bot.core.events import ButtonPress, Command, DirectMessage, InboundEvent, Message, Reply
from bot.core.inbound import answer_here
from bot.core.messages import Body, Outgoing, ToCircle
from bot.core.people import members
from bot.core.router import Context, Group, Router
from bot.errors import InputError
from bot.practices.contributions import checked_text, privately
from bot.practices.learning_sets.advice import reads_as_advice
from bot.practices.learning_sets.digest import LearningSetsInDigests
from bot.practices.learning_sets.models import LearningNote, LearningPass, LearningRound
from bot.practices.learning_sets.phases import PHASE_END, SECTION, SetPhases
from bot.practices.learning_sets.rounds import (
    OPEN_PHASES,
    active_round,
    asked_about,
    choose_presenter,
    invite,
    name_of,
    round_context,
    round_for,
    set_activity,
)
from bot.practices.services import Services
from bot.rituals.scheduler import JobSpec
from bot.rituals.timers import Timers
from bot.rituals.timing import local
from bot.storage.sql import insert_ignore, insert_row

__all__ = ["OPEN_PHASES", "LearningSets", "choose_presenter", "privately", "set_activity"]

log = logging.getLogger(__name__)


class LearningSets(LearningSetsInDigests):
    """Runs the rounds of every learning set with a schedule."""

    name = "learning_sets"
    config_sections = (SECTION,)

    def __init__(self, services: Services) -> None:
        self._s = services
        self._phases = SetPhases(services)

    # -- wiring ---------------------------------------------------------------------------------

    def register(self, router: Router) -> None:
        router.command(
            "pass", self.on_pass, description="pass on presenting in your learning set this round"
        )
        router.command(
            "commit", self.on_commit, description="learning set presenters: commit to one action"
        )
        router.command(
            "round",
            self.on_round,
            description="start a learning set round now (round start, in the set's room)",
            operator=True,
        )
        router.button("set_pass", self.on_pass_button)
        for kind in (Message, Reply, DirectMessage):
            # a reply to a prompt is answered first (Group.PROMPT_ANSWERS); a private message
            # not for a round goes on to the contributions (Group.CONTRIBUTIONS)
            router.on(kind, self.on_words, group=Group.CONVERSATIONS)

    def jobs(self) -> list[JobSpec]:
        return self._phases.jobs()

    async def start_round(self, circle: CircleConfig, *, scheduled_for: datetime) -> None:
        """Begin the round due at `scheduled_for`, once."""
        await self._phases.start_round(circle, scheduled_for=scheduled_for)

    def register_timers(self, timers: Timers) -> None:
        timers.handle(PHASE_END, self._phases.on_phase_end)

    # -- what people say ------------------------------------------------------------------------

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
        row = await round_for(ctx, event)
        if row is None:
            return None
        text = checked_text(ctx, event.text, verb="reflect")
        circle = ctx.config.circle(row.circle_id)
        me = ctx.who.person_id
        private = isinstance(event, DirectMessage)
        context = await round_context(ctx.session, circle, row)
        if (
            row.phase == "issue"
            and not row.followed_up
            and me != row.presenter_id
            and await asked_about(ctx.session, row) == me
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
            row.phase_ends_at = ctx.now + self._phases.window(circle)
            ctx.session.add(row)
            await self._phases.set_phase_end(ctx.tx, row)
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

    async def on_round(self, ctx: Context, event: Command) -> list[Outgoing]:
        """`round start`, by a steward (an operator verb) in a set's room: begin a round now,
        whether the set has a schedule or not."""
        if event.args.strip().lower() != "start":
            raise InputError("learning_sets/round_usage")
        circle = ctx.circle
        if circle is None or circle.kind != "learning_set":
            raise InputError("learning_sets/round_where")
        running = await active_round(ctx.session, circle.id)
        if running is not None:
            raise InputError(
                "learning_sets/round_open", **await round_context(ctx.session, circle, running)
            )
        return await self._phases.begin(ctx.tx, circle)

    async def on_pass(self, ctx: Context, event: Command) -> list[Outgoing]:
        row = await round_for(ctx, event)
        return await self._pass(ctx, event, row)

    async def on_pass_button(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        row = (
            await ctx.session.get(LearningRound, checks.whole_number(event.value))
            if checks.whole_number(event.value) is not None
            else None
        )
        return await self._pass(ctx, event, row)

    async def _pass(
        self, ctx: Context, event: InboundEvent, row: LearningRound | None
    ) -> list[Outgoing]:
        if row is None or row.phase == "closed":
            raise InputError("learning_sets/no_round")
        circle = ctx.config.circle(row.circle_id)
        presenter = await name_of(ctx.session, row.presenter_id)
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
            body = Body("learning_sets/no_presenter", await round_context(ctx.session, circle, row))
            key = f"learning_set:{row.id}:no_presenter"
            return [*acks, Outgoing(to=ToCircle(circle.id), body=body, key=key, kind="notice")]
        row.presenter_id = following
        row.phase_ends_at = ctx.now + self._phases.window(circle)
        ctx.session.add(row)
        await self._phases.set_phase_end(ctx.tx, row)
        context = await round_context(ctx.session, circle, row)
        invitation = invite(circle, row, "learning_sets/invite", context, key=f"invite:{following}")
        return [*acks, invitation]

    async def on_commit(self, ctx: Context, event: Command) -> list[Outgoing]:
        row = await round_for(ctx, event)
        if row is None:
            raise InputError("learning_sets/no_round")
        circle = ctx.config.circle(row.circle_id)
        context = await round_context(ctx.session, circle, row)
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
