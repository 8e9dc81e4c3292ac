"""The stored records. Times are stored in UTC and always come back time-zone aware."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

from bot.storage.references import entry_ref, not_personal, person_ref


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp that refuses naive values and always returns UTC-aware ones."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use time-zone aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _when(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


class Circle(SQLModel, table=True):
    __tablename__ = "circles"

    id: str = Field(primary_key=True, max_length=64)
    name: str
    kind: str = Field(max_length=20)
    timezone: str = Field(max_length=64)


class CircleStart(SQLModel, table=True):
    """When a circle first appeared in the configuration, so that a new circle is not taken
    for one gone quiet."""

    __tablename__ = "circle_starts"

    id: int | None = Field(default=None, primary_key=True)
    circle_id: str = Field(foreign_key="circles.id", unique=True, max_length=64)
    started_at: datetime = _when()


class Room(SQLModel, table=True):
    __tablename__ = "rooms"
    __table_args__ = (sa.UniqueConstraint("platform", "chat", "topic", name="uq_room_address"),)

    id: int | None = Field(default=None, primary_key=True)
    circle_id: str = Field(foreign_key="circles.id", index=True)
    platform: str = Field(max_length=32)
    chat: str = Field(max_length=128)
    topic: str = Field(default="", max_length=64)
    active: bool = True
    inactive_reason: str = ""
    configured: bool = True


class Person(SQLModel, table=True):
    __tablename__ = "people"

    id: int | None = Field(default=None, primary_key=True)
    display_name: str = ""
    created_at: datetime = _when()
    erased_at: datetime | None = _when(nullable=True)


class Identity(SQLModel, table=True):
    """A person as one platform knows them. `team_id` lets one platform hold several workspaces."""

    __tablename__ = "identities"
    __table_args__ = (sa.UniqueConstraint("platform", "team_id", "user_id", name="uq_identity"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = person_ref(foreign_key=True, index=True, identifies=True)
    platform: str = Field(max_length=32)
    team_id: str = Field(default="", max_length=64)
    user_id: str = Field(max_length=128)
    display_name: str = ""
    dm_chat: str = Field(default="", max_length=128)
    """Where the bot can write to this person privately; empty until the platform allows it."""
    dm_active: bool = True


class Membership(SQLModel, table=True):
    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("person_id", "circle_id", name="uq_membership"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = person_ref(foreign_key=True, index=True, identifies=True)
    circle_id: str = Field(foreign_key="circles.id", index=True)
    joined_at: datetime = _when()


class PromptRun(SQLModel, table=True):
    """One firing of a ritual: a prompt asked of a circle, open for replies until `closes_at`."""

    __tablename__ = "prompt_runs"
    __table_args__ = (
        sa.UniqueConstraint("circle_id", "ritual_id", "scheduled_for", name="uq_prompt_run"),
    )

    id: int | None = Field(default=None, primary_key=True)
    circle_id: str = Field(foreign_key="circles.id", index=True)
    ritual_id: str = Field(max_length=64)
    prompt_id: str = Field(max_length=64)
    private: bool = False
    scheduled_for: datetime = _when()
    opened_at: datetime = _when()
    closes_at: datetime = _when()
    remind_at: datetime | None = _when(nullable=True)
    reminded_at: datetime | None = _when(nullable=True)


class Entry(SQLModel, table=True):
    """One contribution: a learning, blocker, celebration, story, experiment update, reflection."""

    __tablename__ = "entries"
    __table_args__ = (
        sa.Index("ix_entries_circle_created", "circle_id", "created_at"),
        sa.Index("ix_entries_kind_circle_created", "kind", "circle_id", "created_at"),
    )
    """A circle's entries by time: digests, quiet circles and the web pages read them so; and
    one kind of them by time (the stories a page shows, newest first, without a sort)."""

    id: int | None = Field(default=None, primary_key=True)
    circle_id: str = Field(foreign_key="circles.id", index=True)
    person_id: int | None = person_ref(None, foreign_key=True, index=True)
    prompt_run_id: int | None = Field(default=None, foreign_key="prompt_runs.id", index=True)
    kind: str = Field(max_length=32, index=True)
    text: str
    visibility: str = Field(default="circle", max_length=16)
    """circle | stewards | private: how far the author chose to share it."""
    anonymous: bool = False
    platform: str = Field(default="", max_length=32)
    source_ref: str = Field(default="", max_length=256)
    created_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False, index=True))


class Consent(SQLModel, table=True):
    """A teller's choice about their story: who may see it and whether it carries their name."""

    __tablename__ = "consents"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = entry_ref(foreign_key=True, index=True)
    person_id: int | None = person_ref(None, foreign_key=True)
    visibility: str = Field(max_length=16)
    anonymous: bool
    wording: str
    """The words of the choice as the teller saw them."""
    chosen_at: datetime = _when()


class OutboxMessage(SQLModel, table=True):
    """One part of an outgoing message, stored before it is sent."""

    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_sent_ref", "platform", "chat", "sent_ref"),
        sa.Index("ix_outbox_due", "status", "not_before"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=400, sa_column_kwargs={"unique": True})
    kind: str = Field(default="reply", max_length=16)
    platform: str = Field(max_length=32, index=True)
    chat: str = Field(max_length=128)
    topic: str = Field(default="", max_length=64)
    thread_ref: str = Field(default="", max_length=128)
    ephemeral_to: str = Field(default="", max_length=128)
    text: str
    buttons: str = "[]"
    part: int = not_personal(1)
    parts: int = not_personal(1)
    prompt_run_id: int | None = Field(default=None, foreign_key="prompt_runs.id", index=True)
    person_id: int | None = person_ref(None, foreign_key=True)
    status: str = Field(default="pending", max_length=16)
    """pending | sending | sent | failed | in_doubt | skipped"""
    claimed_by: str = Field(default="", max_length=64)
    """The process sending (or checking) the part; it is in doubt only once that process died."""
    attempts: int = not_personal(0)
    not_before: datetime = _when()
    created_at: datetime = _when()
    sent_at: datetime | None = _when(nullable=True)
    sent_ref: str = Field(default="", max_length=128)
    error: str = ""


class SeenEvent(SQLModel, table=True):
    """An inbound event already handled; its effect is never stored twice."""

    __tablename__ = "seen_events"
    __table_args__ = (sa.UniqueConstraint("platform", "dedup_key", name="uq_seen_event"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    dedup_key: str = Field(max_length=256)
    seen_at: datetime = _when()


class Digest(SQLModel, table=True):
    """An archived digest: one per circle and period."""

    __tablename__ = "digests"
    __table_args__ = (
        sa.UniqueConstraint("circle_id", "kind", "period_end", name="uq_digest_period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    circle_id: str = Field(foreign_key="circles.id", index=True)
    kind: str = Field(default="huddle", max_length=16)
    period_start: datetime = _when()
    period_end: datetime = _when()
    created_at: datetime = _when()
    markdown: str = ""
    people: int = not_personal(0)
    entries: int = not_personal(0)


class Confirmation(SQLModel, table=True):
    """A question the bot asked a person before something that cannot be undone (`forget`):
    their "yes" counts only while it is pending (`bot.core.confirmations`)."""

    __tablename__ = "confirmations"
    __table_args__ = (sa.UniqueConstraint("person_id", "action", name="uq_confirmation"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = person_ref(foreign_key=True, index=True, identifies=True)
    action: str = Field(max_length=32)
    asked_at: datetime = _when()
    expires_at: datetime = _when()


class RoomMove(SQLModel, table=True):
    """A room the platform gave a new address (a Telegram group that became a supergroup).

    Kept so the room's new address stands in for the old one until the configuration names it.
    """

    __tablename__ = "room_moves"
    __table_args__ = (sa.UniqueConstraint("platform", "old_chat", name="uq_room_move"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    old_chat: str = Field(max_length=128)
    new_chat: str = Field(max_length=128)
    moved_at: datetime = _when()


class Process(SQLModel, table=True):
    """A running huddlebot process; it is alive while it renews `heartbeat_at`."""

    __tablename__ = "processes"

    id: str = Field(primary_key=True, max_length=64)
    host: str = Field(default="", max_length=255)
    pid: int = not_personal(0)
    started_at: datetime = _when()
    heartbeat_at: datetime = _when()


class Lease(SQLModel, table=True):
    """Work one process does at a time (a room's lane, Telegram polling), held by a live process."""

    __tablename__ = "leases"

    name: str = Field(primary_key=True, max_length=400)
    holder: str = Field(max_length=64)
    taken_at: datetime = _when()


class Timer(SQLModel, table=True):
    """A one-off moment when something must happen (a pulse closes, a reminder goes), fired once
    by whichever process is running when it falls due (bot/rituals/timers.py)."""

    __tablename__ = "timers"
    __table_args__ = (
        sa.UniqueConstraint("kind", "subject", "due_at", name="uq_timer"),
        sa.Index("ix_timers_state_next_try_at", "state", "next_try_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64)
    subject: str = Field(max_length=200)
    """What the timer is for, as its kind's handler reads it (a round's number)."""
    due_at: datetime = _when()
    next_try_at: datetime = _when()
    """When it may next be fired: its due time, later after a failed try."""
    state: str = Field(default="due", max_length=16)
    """due, fired, or failed (after its last try)."""
    attempts: int = not_personal(0)
    fired_at: datetime | None = _when(nullable=True)
    fired_by: str = Field(default="", max_length=64)


class Occurrence(SQLModel, table=True):
    """A scheduled job's firing at one time: stored once, by whichever process fired it."""

    __tablename__ = "occurrences"
    __table_args__ = (sa.UniqueConstraint("job_id", "scheduled_for", name="uq_occurrence"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(max_length=200)
    scheduled_for: datetime = _when()
    fired_at: datetime = _when()
    fired_by: str = Field(default="", max_length=64)
