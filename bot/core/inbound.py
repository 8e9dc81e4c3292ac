"""The core: takes each inbound event once, lets its handler decide, and queues the answer.

One transaction holds an event's whole effect: the record that it was seen, what its handler
stored, and the outgoing messages. A redelivered event finds its record and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import partial

from sqlalchemy.exc import OperationalError

from bot.config.partnership import CircleConfig, Config
from bot.core.clock import Clock
from bot.core.events import ButtonPress, Command, InboundEvent
from bot.core.lookups import AfterCommit, Memo
from bot.core.messages import Body, Outgoing, ToRoom
from bot.core.outbox import Outbox
from bot.core.people import circles_of, join, resolve
from bot.core.ports import UNKNOWN_CAPABILITIES, Capabilities, PlatformSpec
from bot.core.router import Context, Router
from bot.delivery.unreachable import heard_from
from bot.errors import InputError
from bot.storage.database import SessionFactory
from bot.storage.models import SeenEvent
from bot.storage.sql import insert_ignore
from bot.text.library import PromptLibrary

log = logging.getLogger(__name__)


def answer_here(event: InboundEvent, body: Body, *, key: str, private: bool = True) -> Outgoing:
    """A message back to where `event` happened, shown only to its sender where possible."""
    thread = getattr(event, "thread_ref", None)
    in_reply_to = getattr(event, "in_reply_to", None)
    return Outgoing(
        to=ToRoom(event.platform, event.chat, event.topic, thread or in_reply_to),
        body=body,
        key=key,
        ephemeral_to=event.sender.user_id if private else None,
    )


class Core:
    """Handles inbound events: deduplicate, resolve the person, route, store, queue replies."""

    def __init__(
        self,
        *,
        config: Config,
        sessions: SessionFactory,
        outbox: Outbox,
        router: Router,
        library: PromptLibrary,
        clock: Clock,
        memo: Memo,
        wake: Callable[[], None] = lambda: None,
        platforms: Mapping[str, PlatformSpec] | None = None,
    ) -> None:
        self._memo = memo
        self._platforms = dict(platforms or {})
        self._config = config
        self._sessions = sessions
        self._outbox = outbox
        self._router = router
        self._library = library
        self._clock = clock
        self._wake = wake

    async def handle(self, event: InboundEvent) -> None:
        """Store the effect of `event` once. Safe to call again with the same event."""
        try:
            queued = await self._handle(event)
        except OperationalError:
            # the database is unavailable: let the platform deliver the event again later
            raise
        except Exception:
            log.exception(
                "could not handle a %s event from %s (%s); it was skipped",
                type(event).__name__,
                event.platform,
                event.dedup_key,
            )
            return
        if queued:
            self._wake()

    async def _handle(self, event: InboundEvent) -> int:
        now = self._clock.now()
        after_commit: AfterCommit = []
        async with self._sessions.begin() as session:
            seen = await insert_ignore(
                session,
                SeenEvent,
                {"platform": event.platform, "dedup_key": event.dedup_key, "seen_at": now},
            )
            if seen is None:
                log.debug("%s event %s already handled", event.platform, event.dedup_key)
                return 0
            who = self._memo.people.get(event.sender)
            if who is None:
                who = await resolve(session, event.sender, now=now)
                after_commit.append(partial(self._memo.people.put, event.sender, who))
            circle = self._config.circle_for_room(event.platform, event.chat, event.topic)
            ctx = Context(
                session=session,
                now=now,
                who=who,
                circle=circle,
                config=self._config,
                library=self._library,
                memo=self._memo,
                after_commit=after_commit,
                entry_hooks=self._router.entry_hooks,
                capabilities=self._capabilities(event.platform),
            )
            if circle is not None:
                await join_once(ctx, who.person_id, circle.id)
                room = (event.platform, event.chat)
                if room in self._memo.inactive_rooms:
                    await heard_from(session, event.platform, event.chat)
                    after_commit.append(partial(self._memo.inactive_rooms.discard, room))
            try:
                outgoing = await self._route(ctx, event)
            except InputError as problem:
                outgoing = [
                    answer_here(
                        event,
                        Body(problem.template, problem.context),
                        key=f"answer:{event.platform}:{event.dedup_key}",
                    )
                ]
            queued = await self._outbox.enqueue(session, outgoing, now=now)
        for remember in after_commit:
            remember()
        return queued

    async def _route(self, ctx: Context, event: InboundEvent) -> list[Outgoing]:
        if isinstance(event, Command):
            verb = self._router.verbs.get(event.verb.lower())
            if verb is None:
                raise InputError("replies/unknown_verb", verb=event.verb, verbs=self.public_verbs())
            if verb.operator and not await is_steward(ctx, event):
                raise InputError("replies/stewards_only", verb=event.verb)
            return await verb.handler(ctx, event)
        if isinstance(event, ButtonPress):
            handler = self._router.buttons.get(event.action)
            if handler is None:
                log.warning("a button with unknown action %r was pressed; ignored", event.action)
                return []
            return await handler(ctx, event)
        handler = self._router.kinds.get(type(event))
        if handler is None:
            return []
        return await handler(ctx, event)

    def _capabilities(self, platform: str) -> Capabilities:
        spec = self._platforms.get(platform)
        return UNKNOWN_CAPABILITIES if spec is None else spec.capabilities

    def public_verbs(self) -> list[str]:
        return [v.verb for v in self._router.verbs.values() if not v.operator]


async def is_steward(ctx: Context, event: InboundEvent) -> bool:
    """Stewards are the people seen in a stewards' circle; so is whoever speaks on a platform whose
    operator is trusted (the console: the person running the bot)."""
    if ctx.capabilities.trusted_operator:
        return True
    stewards = {c.id for c in ctx.config.stewards_circles()}
    return bool(stewards.intersection(await circles_of(ctx.session, ctx.who.person_id)))


async def join_once(ctx: Context, person_id: int, circle_id: str) -> None:
    """Record a membership, skipping the write when it is already known to exist."""
    key = (person_id, circle_id)
    if ctx.memo.memberships.get(key):
        return
    await join(ctx.session, person_id, circle_id, now=ctx.now)
    ctx.after_commit.append(partial(ctx.memo.memberships.put, key, True))


def circle_or_default(ctx: Context, circles: list[str]) -> CircleConfig:
    """The circle an entry belongs to: the room's, else the person's first, else the first one."""
    if ctx.circle is not None:
        return ctx.circle
    for circle_id in circles:
        for circle in ctx.config.circles:
            if circle.id == circle_id:
                return circle
    return ctx.config.circles[0]
