"""The blockers' page of the web view: open, taken up, resolved and parked, oldest first.

Everyone sees the blockers of the circles they may see (never who raised one); stewards take
them up, resolve or park them from the page, which is the `blocker` verb from their private chat,
so the circle hears back exactly as when it is done in chat."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import col, func, select

from bot.core import checks
from bot.practices.blockers.models import Blocker
from bot.practices.blockers.records import STATUS_LABELS, blocker_dict, rows_where
from bot.web.pages import Form, Page, Reading

SHOWN = 30
"""Blockers shown in each group; the rest are counted."""
GROUPS = ("open", "taken", "resolved", "parked")


async def read(reading: Reading) -> dict[str, Any]:
    circles = col(Blocker.circle_id).in_([c.id for c in reading.circles()])
    session = reading.session
    found = select(Blocker.status, func.count()).where(circles).group_by(col(Blocker.status))
    counts = dict.fromkeys(GROUPS, 0)
    for status, number in (await session.exec(found)).all():
        counts[status] = int(number)
    groups = []
    for status in GROUPS:
        rows = []
        if counts[status]:
            query = rows_where(circles, Blocker.status == status).limit(SHOWN)
            rows = (await session.exec(query)).all()
        groups.append(
            {
                "status": status,
                "label": STATUS_LABELS[status].capitalize(),
                "count": counts[status],
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
