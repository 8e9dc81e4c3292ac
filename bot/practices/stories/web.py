"""The stories' page of the web view: the stories a person may read, as far as each teller
shared them, and the person's own stories with their choices. A teller changes who may see a
story, whether it carries their name, or withdraws it from the page: the `story` verb from their
private chat, checked by the same code. The stories shared with the person come a page at a time,
newest first, read and counted in the database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, func, select

from bot.core import checks
from bot.core.visibility import seen_by
from bot.digests.steward_digest import open_circles
from bot.practices.stories.labels import sharing_label
from bot.practices.stories.models import StoryDetail
from bot.storage.models import Entry, Person
from bot.web.pages import Form, Page, Reading
from bot.web.paging import PAGE, Paging

SHOWN = 20
"""Stories shared with the person to a page."""
MINE = 50
"""The person's own stories shown, newest first."""
SHARING = ("circle", "stewards", "private")


def _readable(reading: Reading) -> ColumnElement[bool]:
    """The stories the viewer may read, by the rule the digests read them by
    (`bot.core.visibility`): their circles' stories shared with the circle; for a steward, the
    stories shared with a circle or the stewards in every circle the steward digest draws on
    (which holds all of a steward's own circles but learning sets, whose words no audience
    reads). Never a withdrawn one."""
    if reading.viewer.steward:
        shown = sa.and_(
            seen_by("stewards"),
            col(Entry.circle_id).in_([c.id for c in open_circles(reading.config)]),
        )
    else:
        shown = sa.and_(seen_by("circle"), col(Entry.circle_id).in_(list(reading.viewer.circles)))
    return sa.and_(col(Entry.kind) == "story", col(StoryDetail.withdrawn_at).is_(None), shown)


async def read(reading: Reading) -> dict[str, Any]:
    session, viewer = reading.session, reading.viewer
    readable = _readable(reading)
    counted = (
        select(func.count())
        .select_from(Entry)
        .join(StoryDetail, col(StoryDetail.entry_id) == col(Entry.id), isouter=True)
        .where(readable)
    )
    paging = Paging.of(
        reading.query.get(PAGE), size=SHOWN, total=int((await session.exec(counted)).one())
    )
    page = (
        sa.select(
            col(Entry.id),
            col(Entry.circle_id),
            col(Entry.text),
            col(Entry.created_at),
            col(Entry.anonymous),
            col(StoryDetail.title),
            col(Person.display_name),
            col(Person.erased_at),
        )
        .join(StoryDetail, col(StoryDetail.entry_id) == col(Entry.id), isouter=True)
        .join(Person, col(Person.id) == col(Entry.person_id), isouter=True)
        .where(readable)
        .order_by(col(Entry.created_at).desc(), col(Entry.id).desc())
        .offset(paging.offset)
        .limit(paging.size)
    )
    shared = [
        {
            "id": entry_id,
            "title": title or "",
            "text": text,
            "at": at,
            "author": name if name and not anonymous and erased is None else None,
            "circle_name": reading.circle_name(circle_id),
        }
        for entry_id, circle_id, text, at, anonymous, title, name, erased in (
            await session.exec(page)  # type: ignore[call-overload]
        ).all()
    ]
    query = (
        select(Entry, StoryDetail)
        .join(StoryDetail, col(StoryDetail.entry_id) == col(Entry.id), isouter=True)
        .where(Entry.kind == "story", Entry.person_id == viewer.person_id)
        .order_by(col(Entry.created_at).desc(), col(Entry.id).desc())
        .limit(MINE)
    )
    mine = [
        {
            "id": entry.id,
            "title": detail.title if detail else "",
            "text": entry.text,
            "at": entry.created_at,
            "visibility": entry.visibility,
            "sharing": sharing_label(entry.visibility),
            "anonymous": entry.anonymous,
            "withdrawn": entry.visibility == "withdrawn",
            "circle_name": reading.circle_name(entry.circle_id),
        }
        for entry, detail in (await session.exec(query)).all()
    ]
    return {
        "shared": shared,
        "paging": paging.links("/app/stories", reading.query),
        "mine": mine,
        "sharing": [{"value": v, "label": sharing_label(v)} for v in SHARING],
    }


def to_verb(fields: Mapping[str, str]) -> tuple[str, str] | None:
    number = checks.whole_number(fields.get("id", "").strip())
    action, choice = fields.get("action", ""), fields.get("choice", "")
    if number is None:
        return None
    if action == "withdraw" and fields.get("sure") == "yes":
        return "story", f"withdraw {number}"
    if action == "share" and choice in SHARING:
        return "story", f"share {number} {choice}"
    if action == "name" and choice in ("named", "anonymous"):
        return "story", f"name {number} {choice}"
    return None


def story_pages() -> tuple[Page, ...]:
    return (Page("stories", "Stories", read, order=50, form=Form(to_verb)),)
