"""Contributions: the verbs people use and replies to prompts.

Stories have a practice of their own: `bot.practices.stories`."""

from __future__ import annotations

from functools import partial

from sqlmodel import col, select

from bot.core.events import Command, DirectMessage, InboundEvent, Reply, Started
from bot.core.inbound import answer_here, circle_or_default, join_once
from bot.core.messages import Body, Outgoing, ToPerson
from bot.core.people import circles_of, private_address
from bot.core.router import Context, Router, Saved
from bot.errors import InputError
from bot.storage.models import Entry, Identity, OutboxMessage, PromptRun
from bot.storage.sql import insert_row

VERB_KINDS = {
    "learned": "learning",
    "blocker": "blocker",
    "celebrate": "celebration",
    "story": "story",
    "experiment": "experiment_update",
    "reflect": "reflection",
    "question": "question",
}

VERB_DESCRIPTIONS = {
    "learned": "share something we learned",
    "blocker": "name something that is blocking us",
    "celebrate": "celebrate something that went well",
    "story": "tell a short story of change (you choose who sees it)",
    "experiment": "give an update on an experiment",
    "reflect": "add a reflection",
    "question": "suggest a question for our next huddle",
}


def checked_text(ctx: Context, text: str, *, verb: str) -> str:
    """The text of a contribution, or an InputError with a kind explanation."""
    text = text.strip()
    if not text:
        raise InputError("replies/empty", verb=verb)
    limit = ctx.config.partnership.max_entry_chars
    if len(text) > limit:
        raise InputError("replies/too_long", limit=limit, length=len(text), text=text)
    return text


async def save_entry(
    ctx: Context,
    event: InboundEvent,
    *,
    kind: str,
    text: str,
    prompt_run: PromptRun | None = None,
) -> list[Outgoing]:
    """Store one contribution and answer its author."""
    if prompt_run is not None:
        circle_id = prompt_run.circle_id
    elif ctx.circle is not None:
        circle_id = ctx.circle.id
    else:
        circle_id = circle_or_default(ctx, await circles_of(ctx.session, ctx.who.person_id)).id
    await join_once(ctx, ctx.who.person_id, circle_id)
    is_story = kind == "story"
    entry_id = await insert_row(
        ctx.session,
        Entry,
        {
            "circle_id": circle_id,
            "person_id": ctx.who.person_id,
            "prompt_run_id": prompt_run.id if prompt_run else None,
            "kind": kind,
            "text": text,
            # until a teller chooses, the safest choice holds for a story
            "visibility": "stewards" if is_story else "circle",
            "anonymous": is_story,
            "platform": event.platform,
            "source_ref": event.dedup_key,
            "created_at": ctx.now,
        },
    )
    saved = Saved(entry_id, kind, text, circle_id, prompt_run.id if prompt_run else None)
    extra: list[Outgoing] = []
    answered = False
    for hook, replaces_answer in ctx.entry_hooks.get(kind, ()):
        extra.extend(await hook(ctx, event, saved))
        answered = answered or replaces_answer
    if answered:
        return extra
    key = f"saved:{event.platform}:{event.dedup_key}"
    title = ctx.library.prompt(prompt_run.prompt_id).title if prompt_run else None
    body = Body(
        "replies/saved", {"kind_label": ctx.library.kind_label(kind), "prompt_title": title}
    )
    return [answer_here(event, body, key=key), *extra]


async def on_verb(ctx: Context, event: Command) -> list[Outgoing]:
    verb = event.verb.lower()
    text = checked_text(ctx, event.args, verb=verb)
    return await save_entry(ctx, event, kind=VERB_KINDS[verb], text=text)


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
    ctx.after_commit.append(partial(ctx.memo.prompt_for_ref.put, ref, run))
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


async def on_reply(ctx: Context, event: Reply) -> list[Outgoing]:
    run = await _run_for_reply(ctx, event)
    if run is None:
        return []  # a reply to one of the bot's other messages: nothing to keep
    return await _answer_run(ctx, event, run, event.text)


async def on_direct(ctx: Context, event: DirectMessage) -> list[Outgoing]:
    """A private message answers the newest open prompt sent privately to this person."""
    await _remember_private_chat(ctx, event)
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
    first, _, rest = event.text.strip().partition(" ")
    if first.lower() in VERB_KINDS:
        text = checked_text(ctx, rest, verb=first.lower())
        return await save_entry(ctx, event, kind=VERB_KINDS[first.lower()], text=text)
    body = Body("replies/nothing_open", {"verbs": list(VERB_KINDS)})
    return [answer_here(event, body, key=f"open:{event.platform}:{event.dedup_key}")]


async def _remember_private_chat(ctx: Context, event: InboundEvent) -> None:
    identity = await ctx.session.get_one(Identity, ctx.who.identity_id)
    if identity.dm_chat != event.chat or not identity.dm_active:
        identity.dm_chat = event.chat
        identity.dm_active = True
        ctx.session.add(identity)


async def on_started(ctx: Context, event: Started) -> list[Outgoing]:
    """`/start <circle>`: the person can now be reached privately, and joins that circle."""
    await _remember_private_chat(ctx, event)
    # A link can be passed on, so it never makes anyone a steward: stewards are the people
    # seen in the stewards' own rooms.
    circle = next(
        (c for c in ctx.config.circles if c.id == event.payload.strip() and c.kind != "stewards"),
        None,
    )
    if circle is not None:
        await join_once(ctx, ctx.who.person_id, circle.id)
    body = Body(
        "replies/welcome", {"circle": {"id": circle.id, "name": circle.name} if circle else None}
    )
    return [
        answer_here(event, body, key=f"welcome:{event.platform}:{event.dedup_key}", private=False)
    ]


def register(router: Router) -> None:
    """Put the contribution verbs, reply handling and story choices on `router`."""
    for verb, description in VERB_DESCRIPTIONS.items():
        router.command(verb, on_verb, description=description)

    async def on_help(ctx: Context, event: Command) -> list[Outgoing]:
        verbs = [
            {"verb": v.verb, "description": v.description}
            for v in router.verbs.values()
            if not v.operator
        ]
        body = Body("replies/help", {"verbs": verbs, "platform_hint": ""})
        return [answer_here(event, body, key=f"help:{event.platform}:{event.dedup_key}")]

    router.command("help", on_help, description="show what you can do")
    router.on(Reply, on_reply)
    router.on(DirectMessage, on_direct)
    router.on(Started, on_started)


async def privately(ctx: Context, event: InboundEvent, body: Body, *, key: str) -> Outgoing | None:
    """A message for the sender's eyes only: in their private chat when the bot can write there,
    or where `event` itself was private; None when neither can be promised (a platform may show
    an "only you" answer to the whole room when it has no such thing)."""
    if await private_address(ctx.session, ctx.who.person_id) is not None:
        return Outgoing(to=ToPerson(ctx.who.person_id), body=body, key=key)
    if isinstance(event, DirectMessage) or getattr(event, "private", False):
        return answer_here(event, body, key=key)
    return None
