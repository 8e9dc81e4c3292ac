"""The one way an entry is stored, so that every entry hook sees every entry.

Whatever creates an entry (a verb, a reply to a prompt, a private message, someone's words saved
for the huddle, an experiment's ledger) calls `store_entry`, which writes the row and runs the
hooks registered for its kind (`Router.on_entry`) in the same transaction. `save_entry` is the
common case on top of it: a person's own contribution, answered with a thank-you. When no hook
is registered for its kind, nothing reads the new row back or needs its id, so `keep_entry`
(which `save_entry` and held private contributions use) lets it wait for the unit of work's
last write (bot/storage/sql.py `insert_later`).

Whoever calls, an entry made in a learning set's circle is kept in the set
(`bot.core.visibility`); hooks see it as `set`, one of the `HELD` visibilities that a hook must
not widen or announce. An author's later choice of who sees an entry goes through
`record_choice`, which runs the choice hooks (`Router.on_choice`) the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.events import InboundEvent
from bot.core.home_circle import join_home_circle
from bot.core.inbound import answer_here, join_once
from bot.core.messages import Body, Outgoing
from bot.core.router import Chosen, Context, Saved
from bot.core.visibility import KEPT_IN_SET, chosen_visibility, stored_visibility
from bot.storage.models import Consent, Entry, PromptRun
from bot.storage.sql import insert_later, insert_row


@dataclass(frozen=True, slots=True)
class NewEntry:
    """An entry about to be stored."""

    circle_id: str
    person_id: int
    """Whose words these are."""
    kind: str
    text: str
    prompt_run_id: int | None = None
    visibility: str = "circle"
    anonymous: bool = False


@dataclass(frozen=True, slots=True)
class Stored:
    """An entry just stored, and what its kind's hooks had to say."""

    saved: Saved
    messages: tuple[Outgoing, ...]
    answered: bool
    """A hook answered the author itself, in place of the usual thank-you."""


def _row(ctx: Context, event: InboundEvent, new: NewEntry) -> dict[str, object]:
    """The entry's row as stored: kept in the set when its circle is a learning set."""
    kind = next((c.kind for c in ctx.config.circles if c.id == new.circle_id), "")
    return {
        "circle_id": new.circle_id,
        "person_id": new.person_id,
        "prompt_run_id": new.prompt_run_id,
        "kind": new.kind,
        "text": new.text,
        "visibility": stored_visibility(kind, new.visibility),
        "anonymous": new.anonymous,
        "platform": event.platform,
        "source_ref": event.dedup_key,
        "created_at": ctx.now,
    }


async def store_entry(ctx: Context, event: InboundEvent, new: NewEntry) -> Stored:
    """Store `new` for `event` and run its kind's entry hooks, in the open transaction."""
    row = _row(ctx, event, new)
    visibility = str(row["visibility"])
    entry_id = await insert_row(ctx.session, Entry, row)
    saved = Saved(
        entry_id,
        new.kind,
        new.text,
        new.circle_id,
        new.prompt_run_id,
        person_id=new.person_id,
        visibility=visibility,
    )
    messages: list[Outgoing] = []
    answered = False
    for hook, replaces_answer in ctx.entry_hooks.get(new.kind, ()):
        said = await hook(ctx, event, saved)
        messages.extend(said)
        # a hook that lets an entry be (one held, or kept in a set) leaves the usual answer
        answered = answered or (replaces_answer and bool(said))
    return Stored(saved, tuple(messages), answered)


@dataclass(frozen=True, slots=True)
class Kept:
    """An entry stored or waiting to be (`keep_entry`): who may see it, and what its kind's
    hooks had to say."""

    visibility: str
    messages: tuple[Outgoing, ...] = ()
    answered: bool = False


async def keep_entry(ctx: Context, event: InboundEvent, new: NewEntry) -> Kept:
    """Store `new` for `event` as `store_entry` does; when no hook looks at its kind, nobody
    needs its id, so it waits for the unit of work's last write (one round trip for the whole
    unit of work on PostgreSQL). It is found again by its event (`Entry.source_ref`)."""
    if ctx.entry_hooks.get(new.kind):
        stored = await store_entry(ctx, event, new)
        return Kept(stored.saved.visibility, stored.messages, stored.answered)
    row = _row(ctx, event, new)
    await insert_later(ctx.session, Entry, row)
    return Kept(str(row["visibility"]))


async def save_entry(
    ctx: Context,
    event: InboundEvent,
    *,
    kind: str,
    text: str,
    prompt_run: PromptRun | None = None,
) -> list[Outgoing]:
    """Store the sender's own contribution and answer them, saying where it goes when that is
    not the circle's digest (an entry kept in a learning set stays there)."""
    if prompt_run is not None:
        circle_id = prompt_run.circle_id
        await join_once(ctx, ctx.who.person_id, circle_id)
    else:
        # with no entry hook to read them, memberships are not read again in this unit of work
        unhooked = not ctx.entry_hooks.get(kind)
        circle_id = (await join_home_circle(ctx, wait=unhooked)).id
    is_story = kind == "story"
    new = NewEntry(
        circle_id=circle_id,
        person_id=ctx.who.person_id,
        kind=kind,
        text=text,
        prompt_run_id=prompt_run.id if prompt_run else None,
        # until a teller chooses, the safest choice holds for a story
        visibility="stewards" if is_story else "circle",
        anonymous=is_story,
    )
    kept = await keep_entry(ctx, event, new)
    if kept.answered:
        return list(kept.messages)
    said, visibility = kept.messages, kept.visibility
    key = f"saved:{event.platform}:{event.dedup_key}"
    title = ctx.library.prompt(prompt_run.prompt_id).title if prompt_run else None
    in_set = visibility == KEPT_IN_SET
    body = Body(
        "replies/saved",
        {
            "kind_label": ctx.library.kind_label(kind),
            "prompt_title": title,
            "kept_in": ctx.config.circle(circle_id).name if in_set else None,
        },
    )
    return [answer_here(event, body, key=key), *said]


async def record_choice(
    ctx: Context,
    event: InboundEvent,
    entry: Entry,
    *,
    visibility: str,
    anonymous: bool,
    wording: str,
) -> list[Outgoing]:
    """Apply the author's choice of who sees `entry` and whether it carries their name, keep the
    choice, its words and its time as a consent record, and run the choice hooks of its kind
    (`Router.on_choice`); returns what they have to send.

    A choice to share something said in a learning set's circle keeps it in the set
    (`bot.core.visibility.chosen_visibility`), whichever practice asked."""
    kind = next((c.kind for c in ctx.config.circles if c.id == entry.circle_id), "")
    visibility = chosen_visibility(kind, visibility)
    before = entry.visibility
    entry.visibility, entry.anonymous = visibility, anonymous
    ctx.session.add(entry)
    ctx.session.add(
        Consent(
            entry_id=entry.id or 0,
            person_id=ctx.who.person_id,
            visibility=visibility,
            anonymous=anonymous,
            wording=wording,
            chosen_at=ctx.now,
        )
    )
    if before == visibility:
        return []
    chosen = Chosen(
        entry_id=entry.id or 0,
        kind=entry.kind,
        circle_id=entry.circle_id,
        person_id=entry.person_id,
        before=before,
        after=visibility,
    )
    messages: list[Outgoing] = []
    for hook in ctx.choice_hooks.get(entry.kind, ()):
        messages.extend(await hook(ctx, event, chosen))
    return messages
