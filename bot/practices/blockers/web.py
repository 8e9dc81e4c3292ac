"""The blockers' page of the web view: open, taken up, resolved and parked, oldest first, each
group a page at a time (`?group=resolved&page=2`).

Everyone sees the blockers of the circles they may see, as far as each was shared (a member
what was shared with the circle, a steward also what was shared with the stewards; never who
raised one); stewards take them up, resolve or park them from the page, which is the `blocker`
verb from their private chat, so the circle hears back exactly as when it is done in chat."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import col, func, select

from bot.core import checks
from bot.core.visibility import SHOWN as SHOWN_TO
from bot.practices.blockers.models import Blocker
from bot.practices.blockers.records import STATUS_LABELS, blocker_dict, rows_where
from bot.storage.models import Entry
from bot.web.pages import Form, Page, Reading
from bot.web.paging import PAGE, Paging

SHOWN = 30
"""Blockers to a page in each group."""
GROUPS = ("open", "taken", "resolved", "parked")


async def read(reading: Reading) -> dict[str, Any]:
    circles = col(Blocker.circle_id).in_([c.id for c in reading.circles()])
    # a member sees what was shared with their circle; a steward also what was shared with them
    shared = col(Entry.visibility).in_(SHOWN_TO["stewards" if reading.viewer.steward else "circle"])
    session = reading.session
    found = (
        select(Blocker.status, func.count())
        .join(Entry, col(Entry.id) == col(Blocker.entry_id))
        .where(circles, shared)
        .group_by(col(Blocker.status))
    )
    counts = dict.fromkeys(GROUPS, 0)
    for status, number in (await session.exec(found)).all():
        counts[status] = int(number)
    paged = reading.query.get("group", "")
    groups = []
    for status in GROUPS:
        asked = reading.query.get(PAGE) if status == paged else None
        paging = Paging.of(asked, size=SHOWN, total=counts[status])
        rows = []
        if counts[status]:
            query = rows_where(circles, shared, Blocker.status == status)
            rows = (await session.exec(query.offset(paging.offset).limit(paging.size))).all()
        label = STATUS_LABELS[status]
        groups.append(
            {
                "status": status,
                "label": label.capitalize(),
                "count": counts[status],
                "paging": paging.links("/app/blockers", {}, group=status),
                "what": f"{label} blockers",
                "blockers": [
                    {
                        **blocker_dict(row, now=reading.now),
                        "circle_name": reading.circle_name(row[0].circle_id),
                    }
                    for row in rows
                ],
            }
        )
    return {"groups": groups, "total": sum(counts.values()), "can_act": reading.viewer.steward}


def to_verb(fields: Mapping[str, str]) -> tuple[str, str] | None:
    action = fields.get("action", "")
    number = checks.whole_number(fields.get("id", "").strip())
    note = " ".join(fields.get("note", "").split())
    if action not in ("take", "resolve", "park") or number is None:
        return None
    if action != "take" and not note:
        return None
    return "blocker", f"{action} {number} {note}".strip()


def blocker_pages() -> tuple[Page, ...]:
    return (Page("blockers", "Blockers", read, order=30, form=Form(to_verb, stewards_only=True)),)
