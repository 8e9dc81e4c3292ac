"""The core: takes each inbound event once, lets its handler decide, and queues the answer.

One transaction holds an event's whole effect: the record that it was seen, what its handler
stored, and the outgoing messages. A redelivered event finds its record and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from functools import partial

from sqlalchemy.exc import OperationalError

from bot.config.partnership import CircleConfig, Config
from bot.core.clock import Clock
from bot.core.events import ButtonPress, Command, DirectMessage, InboundEvent, Message, Reply
from bot.core.lookups import Memo
from bot.core.messages import Body, Outgoing, ToRoom
from bot.core.people import Who, circles_of, join, remember_private_chat, resolve
from bot.core.ports import UNKNOWN_CAPABILITIES, Capabilities, PlatformSpec
from bot.core.room_moves import circle_for_room
from bot.core.router import Context, Router
from bot.core.runtime import Runtime
from bot.core.seen import AlreadySeen, Forgotten, record_event, record_with
from bot.delivery.unreachable import heard_from
from bot.errors import InputError
from bot.text.library import PromptLibrary

log = logging.getLogger(__name__)


def answer_here(event: InboundEvent, body: Body, *, key: str, private: bool = True) -> Outgoing:
    """A message back to where `event` happened, shown only to its sender where possible (in a
    private chat with the bot it is theirs already, so it is an ordinary message there)."""
    thread = getattr(event, "thread_ref", None)
    in_reply_to = getattr(event, "in_reply_to", None)
    in_private = isinstance(event, Command) and event.private
    return Outgoing(
        to=ToRoom(event.platform, event.chat, event.topic, thread or in_reply_to),
        body=body,
        key=key,
        ephemeral_to=event.sender.user_id if private and not in_private else None,
    )


WORDS = (Reply, Message)
"""Events whose handlers only read and write the database (an answer to a prompt, a line in a
room): their record may wait for their first write, as what they did before it is undone with
their transaction. So may a command whose verb says so (`Verb.words`: a contribution such as
`learned ...`), in a room or privately. Other commands, buttons and private messages may also
write a file (an export) or ask a platform, which no rollback undoes, so their record goes
first."""


class Core:
    """Handles inbound events: deduplicate, resolve the person, route, store, queue replies."""

    def __init__(
        self,
        *,
        config: Config,
        runtime: Runtime,
        router: Router,
        library: PromptLibrary,
        clock: Clock,
        memo: Memo,
        platforms: Mapping[str, PlatformSpec] | None = None,
    ) -> None:
        self._memo = memo
        self._platforms = dict(platforms or {})
        self._config = config
        self._runtime = runtime
        self._router = router
        self._library = library
        self._clock = clock

    async def handle(self, event: InboundEvent) -> None:
        """Store the effect of `event` once. Safe to call again with the same event."""
        try:
            await self._handle(event)
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
            await self._apologise(event)

    async def _apologise(self, event: InboundEvent) -> None:
        """After a failure of huddlebot's own, tell the person once that nothing was done.

        The event is recorded as seen with the apology, so a redelivery does not fail again; if
        even that cannot be stored, the failure is logged and the platform's redelivery decides.
        """
        now = self._clock.now()
        try:
            async with self._runtime.transaction(now=now) as tx:
                seen = await record_event(
                    tx.session, platform=event.platform, dedup_key=event.dedup_key, now=now
                )
                if seen.new:
                    key = f"answer:{event.platform}:{event.dedup_key}"
                    tx.send([answer_here(event, Body("replies/went_wrong"), key=key)])
        except Exception:
            log.exception("could not tell the sender of %s that it failed", event.dedup_key)

    async def _handle(self, event: InboundEvent) -> None:
        now = self._clock.now()
        who = self._memo.people.get(event.sender)
        if who is not None:
            # the usual case: a sender the memo knows is not looked up again; for words, the
            # event's record goes with the first write (bot/core/seen.py)
            try:
                await self._handle_as(event, who, now=now)
                return
            except AlreadySeen:
                log.debug("%s event %s already handled", event.platform, event.dedup_key)
                return
            except Forgotten:
                # another process forgot this person (or moved the identity): look them up again
                self._memo.forget_person(who.person_id)
        try:
            await self._handle_as(event, None, now=now)
        except AlreadySeen:
            log.debug("%s event %s already handled", event.platform, event.dedup_key)
        except Forgotten:
            # forgotten by another process between looking them up and the record: once more,
            # the record first
            await self._handle_as(event, None, now=now, words=False)

    async def _handle_as(
        self, event: InboundEvent, who: Who | None, *, now: datetime, words: bool | None = None
    ) -> None:
        """Handle `event` in one unit of work, from the person the memo knows (`who`), or, with
        None, after looking its sender up. For words (`Core._words`; `words` overrides it),
        the event's record goes with the unit of work's last write; otherwise it comes first."""
        if words is None:
            words = self._words(event)
        async with self._runtime.transaction(now=now) as tx:
            session = tx.session
            if words:
                if who is None:
                    who = await resolve(session, event.sender, now=now)
                    known = replace(who, new_chat=None)  # not new to later units of work
                    tx.after_commit(partial(self._memo.people.put, event.sender, known))
                await record_with(
                    session,
                    platform=event.platform,
                    dedup_key=event.dedup_key,
                    now=now,
                    identity_id=who.identity_id,
                    person_id=who.person_id,
                )
            else:
                # a command, a button or a private message may do what no rollback undoes (an
                # export file), so its record comes first; for a remembered sender it also says
                # whose the identity is now
                seen = await record_event(
                    session,
                    platform=event.platform,
                    dedup_key=event.dedup_key,
                    now=now,
                    identity_id=None if who is None else who.identity_id,
                )
                if not seen.new:
                    log.debug("%s event %s already handled", event.platform, event.dedup_key)
                    return
                if who is None:
                    who = await resolve(session, event.sender, now=now)
                    known = replace(who, new_chat=None)  # not new to later units of work
                    tx.after_commit(partial(self._memo.people.put, event.sender, known))
                elif seen.identity_person != who.person_id:
                    raise Forgotten(who.person_id)
            circle = circle_for_room(
                self._config, self._memo, event.platform, event.chat, event.topic
            )
            ctx = Context(
                tx=tx,
                session=session,
                now=now,
                who=who,
                circle=circle,
                config=self._config,
                library=self._library,
                memo=self._memo,
                entry_hooks=self._router.entry_hooks,
                choice_hooks=self._router.choice_hooks,
                capabilities=self._capabilities(event.platform),
            )
            if circle is not None:
                await join_once(ctx, who.person_id, circle.id)
                room = (event.platform, event.chat)
                if room in self._memo.inactive_rooms:
                    await heard_from(session, event.platform, event.chat)
                    tx.after_commit(partial(self._memo.inactive_rooms.discard, room))
            try:
                outgoing = await self._route(ctx, event, words=words)
            except InputError as problem:
                outgoing = [
                    answer_here(
                        event,
                        Body(problem.template, problem.context),
                        key=f"answer:{event.platform}:{event.dedup_key}",
                    )
                ]
            tx.send(outgoing)

    def _words(self, event: InboundEvent) -> bool:
        """Whether `event`'s handler only reads and writes the database (see `WORDS`)."""
        if isinstance(event, WORDS):
            return True
        if isinstance(event, DirectMessage):
            command = self._router.verb_in(event)
            if command is None:
                return False
            event = command
        if isinstance(event, Command):
            verb = self._router.verbs.get(event.verb.lower())
            return verb is not None and verb.words
        return False

    async def _route(
        self, ctx: Context, event: InboundEvent, *, words: bool = False
    ) -> list[Outgoing]:
        if isinstance(event, DirectMessage):
            # whoever writes privately can be written to there; a handler that only stores
            # words reads no identity, so that may go with its last write
            await remember_private_chat(ctx.session, ctx.who, event.chat, wait=words)
            event = self._router.verb_in(event) or event
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
                log.warning("a button with unknown action %r was pressed; answered", event.action)
                raise InputError("replies/button_gone")
            return await handler(ctx, event)
        for offer in self._router.chain(type(event)):
            claimed = await offer(ctx, event)
            if claimed is not None:
                return claimed
        return []

    def _capabilities(self, platform: str) -> Capabilities:
        spec = self._platforms.get(platform)
        return UNKNOWN_CAPABILITIES if spec is None else spec.capabilities

    def public_verbs(self) -> list[str]:
        return [v.verb for v in self._router.verbs.values() if not v.operator]


async def is_steward(ctx: Context, event: InboundEvent) -> bool:
    """Stewards are the people seen in a stewards' circle; so is whoever speaks on a platform whose
    operator is trusted (the console: the person running the bot), unless tried as a member."""
    if ctx.capabilities.trusted_operator and not event.sender.as_member:
        return True
    stewards = {c.id for c in ctx.config.stewards_circles()}
    return bool(stewards.intersection(await circles_of(ctx.session, ctx.who.person_id)))


async def join_once(ctx: Context, person_id: int, circle_id: str, *, wait: bool = False) -> None:
    """Record a membership, skipping the write when it is already known to exist (`wait`: see
    bot/core/people.py `join`)."""
    key = (person_id, circle_id)
    if ctx.memo.memberships.get(key):
        return
    await join(ctx.session, person_id, circle_id, now=ctx.now, wait=wait)
    ctx.after_commit(partial(ctx.memo.memberships.put, key, True))


def circle_or_default(ctx: Context, circles: list[str]) -> CircleConfig:
    """The circle an entry belongs to: the room's, else the person's first, else the first one."""
    if ctx.circle is not None:
        return ctx.circle
    for circle_id in circles:
        for circle in ctx.config.circles:
            if circle.id == circle_id:
                return circle
    return ctx.config.circles[0]
