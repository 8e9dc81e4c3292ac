"""Contributions: the verbs people use and replies to prompts.

Stories have a practice of their own: `bot.practices.stories`."""

from __future__ import annotations

from functools import partial

from sqlmodel import col, select

from bot.core import checks
from bot.core.entries import save_entry
from bot.core.events import (
    Command,
    DirectMessage,
    InboundEvent,
    Message,
    Reply,
    Started,
    in_private,
)
from bot.core.inbound import answer_here, is_steward, join_once
from bot.core.messages import Body, Outgoing, ToPerson
from bot.core.people import private_address, remember_private_chat
from bot.core.router import Context, Group, Router
from bot.errors import InputError
from bot.practices import held
from bot.storage.models import OutboxMessage, PromptRun

VERB_KINDS = {
    "learned": "learning",
    "blocker": "blocker",
    "celebrate": "celebration",
    "story": "story",
    "experiment": "experiment_update",
    "reflect": "reflection",
    "question": "question",
}
"""Each word that starts a contribution, and the kind of entry it makes (in a private message,
or in words saved for the huddle, as much as in a verb)."""

VERB_DESCRIPTIONS = {
    "learned": "share something we learned",
    "celebrate": "celebrate something that went well",
    "reflect": "add a reflection",
    "question": "suggest a question for our next huddle",
}
"""The verbs registered here; `blocker`, `story` and `experiment` belong to their practices."""

MENU = (*VERB_KINDS, "help")
"""The order in which help and the platforms' command menus list the contribution verbs."""


def checked_text(ctx: Context, text: str, *, verb: str) -> str:
    """The text of a contribution, or an InputError with a kind explanation.

    The words are cleaned as at every platform's boundary (`bot.core.checks.text`), here for the
    part after a verb: only invisible characters is empty, direction overrides are dropped."""
    text = checks.text(text, what=verb).strip()
    if not text:
        raise InputError("replies/empty", verb=verb)
    limit = ctx.config.partnership.max_entry_chars
    if len(text) > limit:
        raise InputError("replies/too_long", limit=limit, length=len(text), text=text)
    return text


async def contribute(ctx: Context, event: InboundEvent, *, kind: str, text: str) -> list[Outgoing]:
    """A contribution made with a verb: shared with the room's circle, or, sent privately, kept
    for its author until they choose where it goes (`bot.practices.held`)."""
    if kind in held.HOLDS and held.said_privately(event):
        return await held.hold(ctx, event, kind=kind, text=text)
    return await save_entry(ctx, event, kind=kind, text=text)


async def on_verb(ctx: Context, event: Command) -> list[Outgoing]:
    verb = event.verb.lower()
    text = checked_text(ctx, event.args, verb=verb)
    return await contribute(ctx, event, kind=VERB_KINDS[verb], text=text)


async def _run_for_reply(ctx: Context, event: Reply) -> PromptRun | None:
    """The prompt run a reply answers, if the message replied to was one of our prompts."""
    ref = (event.platform, event.chat, event.in_reply_to)
    run = ctx.memo.prompt_for_ref.get(ref)
    if run is not None:
        return run
    query = select(OutboxMessage.prompt_run_id).where(
        OutboxMessage.platform == event.platform,
        OutboxMessage.chat == event.chat,
        OutboxMessage.sent_ref == event.in_reply_to,
        col(OutboxMessage.prompt_run_id).is_not(None),
    )
    run_id = (await ctx.session.exec(query)).first()
    if run_id is None:
        return None
    run = await ctx.session.get_one(PromptRun, run_id)
    # which run a sent prompt belongs to, and when it closes, never change
    ctx.after_commit(partial(ctx.memo.prompt_for_ref.put, ref, run))
    return run


async def _answer_run(
    ctx: Context, event: InboundEvent, run: PromptRun, text: str
) -> list[Outgoing]:
    prompt = ctx.library.prompt(run.prompt_id)
    text = checked_text(ctx, text, verb=_verb_for(prompt.entry_kind))
    if ctx.now >= run.closes_at:
        saved = await save_entry(ctx, event, kind=prompt.entry_kind, text=text)
        body = Body("replies/prompt_closed", {"prompt_title": prompt.title})
        return [answer_here(event, body, key=f"closed:{event.platform}:{event.dedup_key}"), *saved]
    return await save_entry(ctx, event, kind=prompt.entry_kind, text=text, prompt_run=run)


def _verb_for(kind: str) -> str:
    return next((verb for verb, k in VERB_KINDS.items() if k == kind), "reflect")


async def on_reply(ctx: Context, event: Reply) -> list[Outgoing] | None:
    """A reply to one of the bot's prompts is an answer to it; other replies are passed on."""
    run = await _run_for_reply(ctx, event)
    if run is None:
        return None
    return await _answer_run(ctx, event, run, event.text)


async def on_room_line(ctx: Context, event: Message) -> list[Outgoing] | None:
    """A plain line in a room, where every line is said to the bot (the console): an answer to
    the newest prompt asked in the room's circle, as the database knows it, so a prompt asked by
    another process or before a restart is answered the same. Elsewhere such talk is left alone.
    """
    if not ctx.capabilities.lines_answer_prompts or ctx.circle is None:
        return None
    query = (
        select(PromptRun)
        .where(PromptRun.circle_id == ctx.circle.id, col(PromptRun.private).is_(False))
        .order_by(col(PromptRun.opened_at).desc(), col(PromptRun.id).desc())
        .limit(1)
    )
    run = (await ctx.session.exec(query)).first()
    if run is not None:
        return await _answer_run(ctx, event, run, event.text)
    body = Body("replies/nothing_asked", {"circle": ctx.circle.name})
    return [answer_here(event, body, key=f"asked:{event.platform}:{event.dedup_key}")]


class PrivateMessages:
    """What a private message to the bot that starts with no verb is: an answer to an open
    prompt, or words the bot cannot place (answered with the verbs the person may use)."""

    def __init__(self, router: Router) -> None:
        self._router = router

    async def on_direct(self, ctx: Context, event: DirectMessage) -> list[Outgoing]:
        """A private message answers the newest open prompt sent privately to this person.

        One that starts with a verb never gets here: the core takes it as that verb's command
        (`Router.verb_in`)."""
        query = (
            select(PromptRun)
            .join(OutboxMessage, col(OutboxMessage.prompt_run_id) == col(PromptRun.id))
            .where(
                OutboxMessage.person_id == ctx.who.person_id,
                OutboxMessage.kind == "prompt",
                col(PromptRun.closes_at) > ctx.now,
            )
            .order_by(col(PromptRun.opened_at).desc())
        )
        run = (await ctx.session.exec(query)).first()
        if run is not None:
            return await _answer_run(ctx, event, run, event.text)
        verbs = [v.verb for v in self._router.verbs.values() if not v.operator]
        body = Body("replies/nothing_open", {"verbs": verbs, "text": event.text})
        return [answer_here(event, body, key=f"open:{event.platform}:{event.dedup_key}")]


async def on_started(ctx: Context, event: Started) -> list[Outgoing]:
    """`/start <circle>`: the person can now be reached privately, and joins that circle."""
    await remember_private_chat(ctx.session, ctx.who, event.chat)
    # A link can be passed on, so it never makes anyone a steward: stewards are the people
    # seen in the stewards' own rooms.
    circle = next(
        (c for c in ctx.config.circles if c.id == event.circle_id and c.kind != "stewards"),
        None,
    )
    if circle is not None:
        await join_once(ctx, ctx.who.person_id, circle.id)
    refused = event.link_refused or (bool(event.circle_id) and circle is None)
    body = Body(
        "replies/welcome",
        {
            "circle": {"id": circle.id, "name": circle.name} if circle else None,
            "link_refused": refused,
        },
    )
    return [
        answer_here(event, body, key=f"welcome:{event.platform}:{event.dedup_key}", private=False)
    ]


def register(router: Router) -> None:
    """Put the contribution verbs, answers to prompts and private messages on `router`."""
    for verb, description in VERB_DESCRIPTIONS.items():
        router.command(verb, on_verb, description=description, words=True)

    async def on_help(ctx: Context, event: Command) -> list[Outgoing]:
        steward = await is_steward(ctx, event)
        verbs = [
            {"verb": v.verb, "description": v.description}
            for v in router.verbs.values()
            if steward or not v.operator
        ]
        body = Body("replies/help", {"verbs": verbs, "platform_hint": ""})
        return [answer_here(event, body, key=f"help:{event.platform}:{event.dedup_key}")]

    router.command("help", on_help, description="show what you can do")
    held.register(router)
    router.on(Reply, on_reply, group=Group.PROMPT_ANSWERS)
    router.on(Message, on_room_line, group=Group.CONTRIBUTIONS)
    router.on(DirectMessage, PrivateMessages(router).on_direct, group=Group.CONTRIBUTIONS)
    router.on(Started, on_started, group=Group.CONTRIBUTIONS)


async def privately(ctx: Context, event: InboundEvent, body: Body, *, key: str) -> Outgoing | None:
    """A message for the sender's eyes only: in their private chat when the bot can write there,
    or where `event` itself was private; None when neither can be promised (a platform may show
    an "only you" answer to the whole room when it has no such thing)."""
    if await private_address(ctx.session, ctx.who.person_id) is not None:
        return Outgoing(to=ToPerson(ctx.who.person_id), body=body, key=key)
    if in_private(event):
        return answer_here(event, body, key=key)
    return None
