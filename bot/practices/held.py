"""What someone shares in a private chat with the bot stays private until they choose.

A `learned`, `celebrate`, `reflect`, `question` or `blocker` sent privately (not as the answer to
a prompt that asked for it) is kept for its author alone; a blocker held so is raised with the
stewards only once its author shares it (`bot.practices.blockers`, through a choice hook). The
answer says so, names the circle it could go to, and offers the choices as buttons: share it
with that circle with their name, share it without their name, or keep it to themselves. Each
choice is recorded with its wording and time, and can be changed by pressing another button
later.

A button names its choice, the entry's author and the event that brought the entry
(`named:<person id>:<event key>`), by which the entry is found again among its author's: so the
entry's id is not needed when the answer is written, and the entry can go with the unit of
work's last write. Buttons sent before name the entry's id first (`<id>:named`) and still
work.
"""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import col, select

from bot.core import checks
from bot.core.entries import NewEntry, keep_entry, record_choice
from bot.core.events import ButtonPress, Command, DirectMessage, InboundEvent
from bot.core.home_circle import join_home_circle
from bot.core.inbound import answer_here
from bot.core.messages import Body, Button, Outgoing
from bot.core.router import Context, Router
from bot.core.visibility import KEPT_IN_SET
from bot.errors import InputError
from bot.storage.models import Entry

ACTION = "held"
CHOICES = {
    "named": "Share it, with my name",
    "anonymous": "Share it, without my name",
    "mine": "Keep it to myself",
}
HOLDS = ("learning", "celebration", "reflection", "question", "blocker")
"""The kinds held when sent privately; stories and experiments have their own ways."""
RAISED = ("blocker",)
"""Held kinds that sharing also raises with the stewards."""


def said_privately(event: InboundEvent) -> bool:
    """Whether `event` came from a private chat with the bot."""
    return isinstance(event, DirectMessage) or (isinstance(event, Command) and event.private)


async def hold(ctx: Context, event: InboundEvent, *, kind: str, text: str) -> list[Outgoing]:
    """Keep the sender's private contribution for them, and ask where it should go."""
    # with no entry hook to read them, memberships are not read again in this unit of work
    circle = await join_home_circle(ctx, wait=not ctx.entry_hooks.get(kind))
    kept = await keep_entry(
        ctx,
        event,
        NewEntry(
            circle_id=circle.id,
            person_id=ctx.who.person_id,
            kind=kind,
            text=text,
            visibility="private",
        ),
    )
    label = ctx.library.kind_label(kind)
    key = f"saved:{event.platform}:{event.dedup_key}"
    if kept.visibility == KEPT_IN_SET:  # their circle is a learning set: it stays there
        context = {"kind_label": label, "prompt_title": None, "kept_in": circle.name}
        return [answer_here(event, Body("replies/saved", context), key=key), *kept.messages]
    body = Body(
        "replies/held", {"kind_label": label, "circle": circle.name, "raised": kind in RAISED}
    )
    buttons = tuple(
        Button(ACTION, f"{choice}:{ctx.who.person_id}:{event.dedup_key}", wording)
        for choice, wording in CHOICES.items()
    )
    return [replace(answer_here(event, body, key=key), buttons=buttons), *kept.messages]


async def _entry_of(ctx: Context, event: ButtonPress) -> tuple[Entry | None, str]:
    """The entry a button names, and the choice it makes."""
    head, _, rest = event.value.partition(":")
    if head in CHOICES:  # `choice:author:event key`: the author's entry from that event
        author, _, key = rest.partition(":")
        person_id = checks.whole_number(author)
        if person_id is None:
            return None, head
        query = (
            select(Entry)
            .where(
                Entry.person_id == person_id,
                Entry.platform == event.platform,
                Entry.source_ref == key,
            )
            .order_by(col(Entry.id))
        )
        return (await ctx.session.exec(query)).first(), head
    number = checks.whole_number(head)  # `id:choice`, as buttons were written before
    return (await ctx.session.get(Entry, number) if number is not None else None), rest


async def on_choice(ctx: Context, event: ButtonPress) -> list[Outgoing]:
    """The author's choice for something they sent privately."""
    entry, choice = await _entry_of(ctx, event)
    if entry is None or choice not in CHOICES or entry.kind not in HOLDS:
        raise InputError("replies/held_gone")
    if entry.person_id != ctx.who.person_id:
        raise InputError("replies/held_not_yours")
    if entry.visibility not in ("private", "circle"):
        raise InputError("replies/held_gone")  # withdrawn, or kept in a learning set
    shared = choice != "mine"
    hooked = await record_choice(
        ctx,
        event,
        entry,
        visibility="circle" if shared else "private",
        anonymous=choice == "anonymous",
        wording=CHOICES[choice],
    )
    circle = next((c.name for c in ctx.config.circles if c.id == entry.circle_id), "")
    body = Body(
        "replies/held_choice", {"shared": shared, "anonymous": entry.anonymous, "circle": circle}
    )
    return [
        answer_here(event, body, key=f"held-choice:{event.platform}:{event.dedup_key}"),
        *hooked,
    ]


def register(router: Router) -> None:
    router.button(ACTION, on_choice)
