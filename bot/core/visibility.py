"""Who may see an entry: the one rule every digest, count and export reads entries by.

An entry's `visibility` says how far its author chose to share it:

    circle      the circle it was shared in, and the stewards
    stewards    the stewards only
    private     held for its author, who has not chosen yet (words someone else saved for them,
                or something they sent the bot privately)
    withdrawn   taken back by its author
    set         said in an action learning set: it stays in the set, and nothing outside reads it

An audience sees the entries `seen_by` lets through: the circle sees only what was shared with
it, the stewards also what was shared with them alone. Nothing said in a learning set's circle
is seen by any audience, whatever its stored visibility, so words stored before that rule, or in
a circle that became a learning set later, stay in the set too. The lists and the numbers of a
digest ("3 people shared 5 entries") both read through this rule, so a count never reveals what
the list hides.
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from bot.storage.models import Circle, Entry

Audience = Literal["circle", "stewards"]

SHOWN: dict[Audience, tuple[str, ...]] = {
    "circle": ("circle",),
    "stewards": ("circle", "stewards"),
}
"""The stored visibilities each audience sees."""

HELD = ("private", "withdrawn", "set")
"""Visibilities nobody but the author sees (in their own `mydata`)."""

KEPT_IN_SET = "set"
"""How an entry made in a learning set's circle is stored."""

LEARNING_SET = "learning_set"
"""The circle kind whose words never leave it."""


def seen_by(audience: Audience) -> ColumnElement[bool]:
    """A condition on `Entry`: true for the entries `audience` may see."""
    sets = sa.select(col(Circle.id)).where(col(Circle.kind) == LEARNING_SET)
    return sa.and_(
        col(Entry.visibility).in_(SHOWN[audience]),
        col(Entry.circle_id).not_in(sets),
    )


def stored_visibility(circle_kind: str, chosen: str) -> str:
    """How an entry is stored in a circle of `circle_kind`: as chosen, except in a learning set,
    where it is kept in the set whatever was asked for."""
    return KEPT_IN_SET if circle_kind == LEARNING_SET else chosen


def chosen_visibility(circle_kind: str, chosen: str) -> str:
    """What an author's later choice makes of an entry in a circle of `circle_kind`: as chosen,
    except that sharing something said in a learning set keeps it in the set; a narrower choice
    (kept to themselves, withdrawn) stands as it is."""
    return stored_visibility(circle_kind, chosen) if chosen in SHOWN["stewards"] else chosen
