"""People and their platform identities: who sent an event, and where to reach them privately."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.dml import Update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.events import Sender
from bot.storage.driver import driver
from bot.storage.models import Identity, Membership, Person
from bot.storage.sql import (
    first_row,
    insert_ignore,
    insert_later,
    insert_row,
    read_row,
    update_later,
)


@dataclass(frozen=True, slots=True)
class Who:
    """The person behind an event, resolved from their identity."""

    person_id: int
    identity_id: int
    display_name: str
    new_chat: str | None = None
    """Set when the person was created in this unit of work: the private chat their identity
    was stored with ('' for none). Such a person has joined no circle yet."""


@lru_cache(maxsize=2)
def _known(dialect: str) -> sa.Select[tuple[int, int, str, str, str]]:
    """A sender's identity and person, by the identity's key: their ids, the identity's
    display name and private chat, and the person's display name."""
    del dialect
    identities: sa.Table = Identity.__table__  # type: ignore[attr-defined]
    people: sa.Table = Person.__table__  # type: ignore[attr-defined]
    return (
        sa.select(
            identities.c.id,
            identities.c.person_id,
            identities.c.display_name,
            identities.c.dm_chat,
            people.c.display_name,
        )
        .join_from(identities, people, people.c.id == identities.c.person_id)
        .where(
            identities.c.platform == sa.bindparam("who_platform", type_=sa.String),
            identities.c.team_id == sa.bindparam("who_team", type_=sa.String),
            identities.c.user_id == sa.bindparam("who_user", type_=sa.String),
        )
    )


async def resolve(session: AsyncSession, sender: Sender, *, now: datetime) -> Who:
    """Find or create the person behind `sender`, keeping their display name fresh."""
    key = {"who_platform": sender.platform, "who_team": sender.team_id, "who_user": sender.user_id}
    known = await read_row(session, _known, key)
    if known is not None:
        identity_id, person_id, identity_name, dm_chat, person_name = known
        fresh = not sender.display_name or (
            identity_name == sender.display_name and person_name == sender.display_name
        )
        if fresh and (dm_chat or not sender.dm_chat):  # nothing to change: nothing loaded
            return Who(person_id=person_id, identity_id=identity_id, display_name=person_name)
    query = select(Identity).where(
        Identity.platform == sender.platform,
        Identity.team_id == sender.team_id,
        Identity.user_id == sender.user_id,
    )
    identity = None if known is None else await session.get(Identity, known[0])
    if identity is None:
        # a new person: written past the session, as given, so nothing is read back
        name = sender.display_name or sender.user_id
        person_id, identity_id = await _made(session, sender, name, now=now)
        if identity_id is not None:
            return Who(
                person_id=person_id,
                identity_id=identity_id,
                display_name=name,
                new_chat=sender.dm_chat,
            )
        # created concurrently by another transaction: theirs stands, this person goes
        await session.exec(  # type: ignore[call-overload]
            sa.delete(Person).where(col(Person.id) == person_id)
        )
        identity = (await session.exec(query)).one()
    changed = False
    if sender.display_name and identity.display_name != sender.display_name:
        identity.display_name = sender.display_name
        changed = True
    if sender.dm_chat and not identity.dm_chat:
        identity.dm_chat = sender.dm_chat
        changed = True
    if changed:
        session.add(identity)
    person_row = await session.get_one(Person, identity.person_id)
    if sender.display_name and person_row.display_name != sender.display_name:
        person_row.display_name = sender.display_name
        session.add(person_row)
    assert identity.id is not None
    return Who(
        person_id=identity.person_id,
        identity_id=identity.id,
        display_name=person_row.display_name,
    )


async def _made(
    session: AsyncSession, sender: Sender, name: str, *, now: datetime
) -> tuple[int, int | None]:
    """A new person named `name` and `sender`'s identity as theirs: the person's id, and the
    identity's (None when a unique identity like it was there already). On PostgreSQL one
    statement (bot/storage/driver.py, nothing waits before it)."""
    identity = {
        "platform": sender.platform,
        "team_id": sender.team_id,
        "user_id": sender.user_id,
        "display_name": sender.display_name,
        "dm_chat": sender.dm_chat,
        "dm_active": True,
    }
    found = await driver(session)
    if found.dialect.name == "postgresql":
        values = {f"made_{key}": value for key, value in identity.items()}
        values.update(made_name=name, made_at=now)
        row = await first_row(session, _made_together, values)
        assert row is not None  # scalar subqueries: always one row
        return int(row[0]), None if row[1] is None else int(row[1])
    person = {"display_name": name, "created_at": now, "erased_at": None}
    person_id = await insert_row(session, Person, person)
    return person_id, await insert_ignore(session, Identity, {"person_id": person_id, **identity})


@lru_cache(maxsize=1)
def _made_postgres() -> sa.Select[tuple[int, int | None]]:
    """The person and the identity inserted in one statement; the identity left out when one
    like it is there (the person is then made all the same, and taken back by the caller)."""
    people: sa.Table = Person.__table__  # type: ignore[attr-defined]
    identities: sa.Table = Identity.__table__  # type: ignore[attr-defined]
    person = (
        postgresql.insert(people)
        .values(
            display_name=sa.bindparam("made_name", type_=people.c.display_name.type),
            created_at=sa.bindparam("made_at", type_=people.c.created_at.type),
            erased_at=sa.null(),
        )
        .returning(people.c.id)
        .cte("made")
    )
    keys = ("platform", "team_id", "user_id", "display_name", "dm_chat", "dm_active")
    row = sa.select(
        person.c.id,
        *(sa.bindparam(f"made_{key}", type_=identities.c[key].type) for key in keys),
    )
    identity = (
        postgresql.insert(identities)
        .from_select(["person_id", *keys], row, include_defaults=False)
        .on_conflict_do_nothing()
        .returning(identities.c.id)
        .cte("named")
    )
    return sa.select(
        sa.select(person.c.id).scalar_subquery(), sa.select(identity.c.id).scalar_subquery()
    )


def _made_together(dialect: str) -> sa.Select[tuple[int, int | None]]:
    del dialect
    return _made_postgres()


async def join(
    session: AsyncSession, person_id: int, circle_id: str, *, now: datetime, wait: bool = False
) -> None:
    """Record that a person takes part in a circle (seen in one of its rooms, or linked).
    `wait`: nothing later in the unit of work reads memberships, so the row may go with its
    last write (bot/storage/sql.py `insert_later`)."""
    row = {"person_id": person_id, "circle_id": circle_id, "joined_at": now}
    if wait:
        await insert_later(session, Membership, row, skip_conflict=True)
    else:
        await insert_ignore(session, Membership, row)


async def circles_of(session: AsyncSession, person_id: int) -> list[str]:
    query = (
        select(Membership.circle_id)
        .where(Membership.person_id == person_id)
        .order_by(Membership.joined_at)  # type: ignore[arg-type]
    )
    return list((await session.exec(query)).all())


async def members(session: AsyncSession, circle_id: str) -> list[int]:
    query = select(Membership.person_id).where(Membership.circle_id == circle_id)
    return list((await session.exec(query)).all())


async def private_address(session: AsyncSession, person_id: int) -> Identity | None:
    """The identity through which the bot may write to a person privately, if any."""
    query = (
        select(Identity)
        .where(
            Identity.person_id == person_id,
            Identity.dm_chat != "",
            Identity.dm_active == True,  # noqa: E712
        )
        .order_by(Identity.id)  # type: ignore[arg-type]
    )
    return (await session.exec(query)).first()


async def remember_private_chat(
    session: AsyncSession, who: Who, chat: str, *, wait: bool = False
) -> None:
    """Note that `who` can be written to privately in `chat`: they wrote there themselves (a
    private message, a Telegram `/start`).

    Every private message asks this, and the chat is almost always remembered already, so it is
    one conditional UPDATE that writes only when the chat moved or was marked unreachable (by
    any process: no memo could know), sent straight to the driver; with `wait`, when nothing
    in the unit of work reads the sender's identity, it goes with the unit of work's last write
    (bot/storage/sql.py `update_later`). A person created in this unit of work with this chat
    needs nothing. An identity this session has loaded (a sender just looked up) is changed on
    its object instead, so the session's own write of it at commit cannot undo this one."""
    if who.new_chat == chat:
        return
    identity_id = who.identity_id
    sync = session.sync_session
    loaded = sync.identity_map.get(identity_key(Identity, identity_id))
    if isinstance(loaded, Identity):
        if loaded.dm_chat != chat or not loaded.dm_active:
            loaded.dm_chat = chat
            loaded.dm_active = True
            session.add(loaded)
        return
    values = {"reopen_identity": identity_id, "reopen_chat": chat}
    if wait:
        await update_later(session, _reopen_build, values)
        return
    # it reads no row a unit of work lets wait (bot/storage/sql.py): those stay waiting, to go
    # together with the entry
    await first_row(session, _reopen_build, values, sees_waiting=False)


@lru_cache(maxsize=1)
def _reopen() -> Update:
    """The identity's private chat set to `reopen_chat` and active, unless it is so already.
    Its values are named apart from the columns, which are not set from them by name."""
    table: sa.Table = Identity.__table__  # type: ignore[attr-defined]
    chat = sa.bindparam("reopen_chat", type_=table.c.dm_chat.type)
    return (
        sa.update(table)
        .where(
            table.c.id == sa.bindparam("reopen_identity", type_=table.c.id.type),
            sa.or_(table.c.dm_chat != chat, table.c.dm_active == sa.false()),
        )
        .values(dm_chat=chat, dm_active=sa.true())
    )


def _reopen_build(dialect: str) -> Update:
    del dialect
    return _reopen()
