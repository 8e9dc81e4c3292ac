"""The stories' page of the web view: the stories a person may read, as far as each teller
shared them, and the person's own stories with their choices. A teller changes who may see a
story, whether it carries their name, or withdraws it from the page: the `story` verb from their
private chat, checked by the same code."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from bot.core import checks
from bot.practices.stories.labels import sharing_label
from bot.practices.stories.models import StoryDetail
from bot.practices.stories.reading import stories_for_circle, stories_for_stewards
from bot.storage.models import Entry
from bot.web.pages import Form, Page, Reading

EVER = datetime(2000, 1, 1, tzinfo=UTC)
SHOWN = 50
SHARING = ("circle", "stewards", "private")


async def read(reading: Reading) -> dict[str, Any]:
    session, viewer = reading.session, reading.viewer
    found: dict[int, dict[str, Any]] = {}
    for circle_id in viewer.circles:
        for story in await stories_for_circle(
            session, circle_id=circle_id, start=EVER, end=reading.now, newest=SHOWN + 1
        ):
            found[story["id"]] = story
    if viewer.steward:
        for story in await stories_for_stewards(
            session, start=EVER, end=reading.now, newest=SHOWN + 1
        ):
            found[story["id"]] = story
    shared = sorted(found.values(), key=lambda s: (s["at"], s["id"]), reverse=True)
    for story in shared:
        story["circle_name"] = reading.circle_name(story["circle_id"])
    query = (
        select(Entry, StoryDetail)
        .join(StoryDetail, col(StoryDetail.entry_id) == col(Entry.id), isouter=True)
        .where(Entry.kind == "story", Entry.person_id == viewer.person_id)
        .order_by(col(Entry.created_at).desc(), col(Entry.id).desc())
        .limit(SHOWN)
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
        "shared": shared[:SHOWN],
        "more": len(shared) > SHOWN,
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
