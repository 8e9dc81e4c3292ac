"""Saving someone else's message for the huddle: the words are kept only if their author agrees.

Until the author chooses, the entry is theirs and private. They can keep it with their name,
keep it anonymously, or have it removed; each choice is recorded with its wording and time.
"""

from __future__ import annotations

from sqlmodel import select

from bot.core import checks
from bot.core.entries import NewEntry, record_choice, store_entry
from bot.core.events import ButtonPress, Nomination
from bot.core.inbound import answer_here, circle_or_default, join_once
from bot.core.messages import Body, Button, Outgoing, ToPerson
from bot.core.people import resolve
from bot.core.router import Context, Group, Router
from bot.core.visibility import KEPT_IN_SET
from bot.errors import InputError
from bot.practices.contributions import VERB_KINDS, checked_text
from bot.practices.services import Services
from bot.rituals.scheduler import JobSpec
from bot.storage.models import Entry, Membership

CHOICES = {
    "named": "Keep it, with my name",
    "anonymous": "Keep it, without my name",
    "remove": "Don't keep it",
}


class Nominations:
    """The author's say over their words saved by someone else."""

    name = "nominations"

    def __init__(self, services: Services) -> None:
        self._services = services

    def register(self, router: Router) -> None:
        router.on(Nomination, self.on_nomination, group=Group.CONTRIBUTIONS)
        router.button("nomination", self.on_choice)

    def jobs(self) -> list[JobSpec]:
        return []

    async def on_nomination(self, ctx: Context, event: Nomination) -> list[Outgoing]:
        verb = event.verb.lower()
        if verb not in VERB_KINDS:
            raise InputError("replies/unknown_verb", verb=verb, verbs=list(VERB_KINDS))
        text = checked_text(ctx, event.text, verb=verb)
        kind = VERB_KINDS[verb]
        author = await resolve(ctx.session, event.author, now=ctx.now)
        if ctx.circle is not None:
            circle_id = ctx.circle.id
        else:
            query = select(Membership.circle_id).where(Membership.person_id == ctx.who.person_id)
            circle_id = circle_or_default(ctx, list((await ctx.session.exec(query)).all())).id
        await join_once(ctx, author.person_id, circle_id)
        stored = await store_entry(
            ctx,
            event,
            NewEntry(
                circle_id=circle_id,
                person_id=author.person_id,
                kind=kind,
                text=text,
                visibility="private",  # the author's until they choose
                anonymous=True,
            ),
        )
        entry_id = stored.saved.entry_id
        label = ctx.library.kind_label(kind)
        ask = Outgoing(
            to=ToPerson(author.person_id),
            body=Body(
                "nominations/ask",
                {"saver": ctx.who.display_name, "kind_label": label, "text": text},
            ),
            key=f"nomination:{event.platform}:{event.dedup_key}",
            kind="notice",
            buttons=tuple(
                Button("nomination", f"{entry_id}:{choice}", wording)
                for choice, wording in CHOICES.items()
            ),
        )
        thanks = answer_here(
            event,
            Body("nominations/saved", {"author": author.display_name, "kind_label": label}),
            key=f"nominated:{event.platform}:{event.dedup_key}",
        )
        return [ask, thanks, *stored.messages]

    async def on_choice(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        entry_id, _, choice = event.value.partition(":")
        number = checks.whole_number(entry_id)
        entry = await ctx.session.get(Entry, number) if number is not None else None
        if entry is None or choice not in CHOICES:
            raise InputError("replies/story_gone")
        if entry.person_id != ctx.who.person_id:
            raise InputError("replies/not_yours")
        kept = choice != "remove"
        hooked = await record_choice(
            ctx,
            event,
            entry,
            visibility="circle" if kept else "withdrawn",
            anonymous=choice == "anonymous",
            wording=CHOICES[choice],
        )
        in_set = entry.visibility == KEPT_IN_SET
        context = {
            "kept": kept,
            "anonymous": entry.anonymous,
            "kept_in": _circle_name(ctx, entry.circle_id) if in_set else None,
        }
        body = Body("nominations/choice", context)
        return [answer_here(event, body, key=f"nomination-choice:{event.dedup_key}"), *hooked]


def _circle_name(ctx: Context, circle_id: str) -> str:
    return next((c.name for c in ctx.config.circles if c.id == circle_id), "its learning set")
