"""The teller's own story: finding it by number, its latest consent, and the teller's buttons."""

from __future__ import annotations

from sqlmodel import col, select

from bot.core import checks
from bot.core.messages import Button
from bot.core.router import Context
from bot.errors import InputError
from bot.practices.stories.labels import DIMENSIONS, DIRECTIONS, NAMING, SHARING
from bot.practices.stories.models import StoryDetail
from bot.storage.models import Consent, Entry


async def own_story(ctx: Context, raw_id: str) -> tuple[Entry, StoryDetail]:
    """The sender's story numbered `raw_id`, or a kind InputError."""
    raw_id = raw_id.strip().lstrip("#")
    number = checks.whole_number(raw_id)
    entry = await ctx.session.get(Entry, number) if number is not None else None
    if entry is None or entry.kind != "story" or entry.id is None:
        raise InputError("stories/unknown", story_id=raw_id)
    if entry.person_id != ctx.who.person_id:
        raise InputError("stories/not_yours", story_id=raw_id)
    detail = await ctx.session.get(StoryDetail, entry.id)
    if detail is None:  # a story stored before this feature: describe it from now on
        detail = StoryDetail(entry_id=entry.id, changed_at=ctx.now)
    return entry, detail


def not_withdrawn(entry: Entry) -> None:
    if entry.visibility == "withdrawn":
        raise InputError("stories/is_withdrawn", story_id=str(entry.id))


async def latest_consent(ctx: Context, entry_id: int) -> Consent | None:
    query = (
        select(Consent)
        .where(Consent.entry_id == entry_id)
        .order_by(col(Consent.chosen_at).desc(), col(Consent.id).desc())
        .limit(1)
    )
    return (await ctx.session.exec(query)).first()


def about_buttons(entry_id: int) -> tuple[Button, ...]:
    return tuple(
        Button("story_dim", f"{entry_id}:{key}", label) for key, label in DIMENSIONS.items()
    ) + tuple(Button("story_dir", f"{entry_id}:{key}", label) for key, label in DIRECTIONS.items())


def choice_buttons(entry_id: int) -> tuple[Button, ...]:
    return tuple(
        Button("story_share", f"{entry_id}:{choice}", label) for choice, label in SHARING.items()
    ) + tuple(
        Button("story_name", f"{entry_id}:{choice}", label) for choice, label in NAMING.items()
    )
