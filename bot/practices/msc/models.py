"""Most Significant Change tables: rounds, the stories a round reads, private choices, selections.

A choice and a selection hang on the story they are about (`entry_ref`), so a story withdrawn by
erasure takes them with it, and its teller's `mydata` holds the reasons given about it (without
who gave them: `bot.practices.data_rights.holdings` keeps other people's ids, the rows' own
numbers and their exact times out), once the round has revealed them: closed, with at least its
threshold of people choosing a story its panel may still read (`revealed`). A story its teller
takes back is reported to those who chose it (`bot.practices.msc.withdrawals`).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.practices.told import told_when
from bot.storage.columns import time_column
from bot.storage.models import Circle, Entry
from bot.storage.references import entry_ref, not_personal, person_ref


class MscRound(SQLModel, table=True):
    """One selection round of a circle: the stories of a period, read and chosen from."""

    __tablename__ = "msc_rounds"
    __table_args__ = (sa.UniqueConstraint("circle_id", "scheduled_for", name="uq_msc_round"),)

    id: int | None = Field(default=None, primary_key=True)
    circle_id: str = Field(foreign_key="circles.id", index=True)
    scheduled_for: datetime = time_column()
    """When it was due: its schedule's time, or the moment a steward started it."""
    period_start: datetime = time_column()
    """The stories read are those told from here until the round opened."""
    opened_at: datetime = time_column()
    closes_at: datetime = time_column()
    closed_at: datetime | None = time_column(nullable=True)
    threshold: int = not_personal(3)
    """The fewest people whose choices may be shown, in numbers and reasons."""


class MscCandidate(SQLModel, table=True):
    """A story a round reads, numbered within the round; one passed up keeps its reason."""

    __tablename__ = "msc_candidates"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "number", name="uq_msc_candidate_number"),
        sa.UniqueConstraint("round_id", "entry_id", name="uq_msc_candidate_story"),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="msc_rounds.id", index=True)
    number: int = not_personal()
    entry_id: int = entry_ref(foreign_key=True, index=True)
    from_selection_id: int | None = not_personal(None)
    """The selection below that passed this story up (a row of `msc_selections`), if any."""
    below_circle_id: str = Field(default="", max_length=64)
    below_reason: str = ""
    """Why the circle below chose it, kept as they agreed it."""


def revealed(choices: sa.Table) -> sa.ColumnElement[bool]:
    """The choices a round has revealed in aggregate: the round closed, and at least its
    threshold of people chose a story its panel may still read (as the reveal counts them,
    `bot.practices.msc.reading.readable_by`). Until then no one is told of them, the teller of
    the story chosen included."""
    rounds: sa.Table = MscRound.__table__  # type: ignore[attr-defined]
    entries: sa.Table = Entry.__table__  # type: ignore[attr-defined]
    circles: sa.Table = Circle.__table__  # type: ignore[attr-defined]
    counted, story = choices.alias("counted"), entries.alias("story")
    panel, home = circles.alias("panel"), circles.alias("home")
    readable = sa.or_(
        sa.and_(
            panel.c.kind == "stewards",
            story.c.visibility.in_(("circle", "stewards")),
            home.c.kind != "learning_set",
        ),
        sa.and_(
            panel.c.kind != "stewards",
            story.c.circle_id == rounds.c.circle_id,
            story.c.visibility == "circle",
        ),
    )
    choosers = (
        sa.select(sa.func.count(sa.distinct(counted.c.person_id)))
        .select_from(
            counted.join(story, story.c.id == counted.c.entry_id).join(
                home, home.c.id == story.c.circle_id
            ),
            panel,
        )
        .where(
            counted.c.round_id == rounds.c.id,
            panel.c.id == rounds.c.circle_id,
            story.c.kind == "story",
            readable,
        )
        .correlate(rounds)
        .scalar_subquery()
    )
    shown = sa.select(rounds.c.id).where(
        rounds.c.closed_at.is_not(None), choosers >= rounds.c.threshold
    )
    return choices.c.round_id.in_(shown)


class MscChoice(SQLModel, table=True):
    """One person's private choice in a round, and why; choosing again replaces it. Its teller
    is told of it in `mydata` only once its round has revealed it (`revealed`)."""

    __tablename__ = "msc_choices"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "person_id", name="uq_msc_choice"),
        told_when(revealed),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="msc_rounds.id", index=True)
    candidate_id: int = Field(foreign_key="msc_candidates.id", index=True)
    entry_id: int = entry_ref(index=True)
    person_id: int = person_ref(foreign_key=True, index=True)
    reason: str = ""
    chosen_at: datetime = time_column(expires=True)


class MscSelection(SQLModel, table=True):
    """The story a round's panel agreed on, with the reason they agreed."""

    __tablename__ = "msc_selections"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="msc_rounds.id", unique=True)
    candidate_id: int = Field(foreign_key="msc_candidates.id", index=True)
    entry_id: int = entry_ref(index=True)
    reason: str
    selected_at: datetime = time_column()
    passed_up_at: datetime | None = time_column(nullable=True)
