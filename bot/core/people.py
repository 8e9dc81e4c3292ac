"""People and their platform identities: who sent an event, and where to reach them privately."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.events import Sender
from bot.storage.models import Identity, Membership, Person
from bot.storage.sql import insert_ignore


@dataclass(frozen=True, slots=True)
class Who:
    """The person behind an event, resolved from their identity."""

    person_id: int
    identity_id: int
    display_name: str


async def resolve(session: AsyncSession, sender: Sender, *, now: datetime) -> Who:
    """Find or create the person behind `sender`, keeping their display name fresh."""
    query = select(Identity).where(
        Identity.platform == sender.platform,
        Identity.team_id == sender.team_id,
        Identity.user_id == sender.user_id,
    )
    identity = (await session.exec(query)).first()
    if identity is None:
        person = Person(display_name=sender.display_name or sender.user_id, created_at=now)
        session.add(person)
        await session.flush()
        assert person.id is not None
        identity_id = await insert_ignore(
            session,
            Identity,
            {
                "person_id": person.id,
                "platform": sender.platform,
                "team_id": sender.team_id,
                "user_id": sender.user_id,
                "display_name": sender.display_name,
                "dm_chat": sender.dm_chat,
                "dm_active": True,
            },
        )
        if identity_id is None:  # created concurrently by another transaction
            await session.delete(person)
            identity = (await session.exec(query)).one()
        else:
            identity = await session.get_one(Identity, identity_id)
    else:
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


async def join(session: AsyncSession, person_id: int, circle_id: str, *, now: datetime) -> None:
    """Record that a person takes part in a circle (seen in one of its rooms, or linked)."""
    await insert_ignore(
        session,
        Membership,
        {"person_id": person_id, "circle_id": circle_id, "joined_at": now},
    )


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


async def remember_private_chat(session: AsyncSession, identity_id: int, chat: str) -> None:
    """Note that the person behind `identity_id` can be written to privately in `chat`: they
    wrote there themselves (a private message, a Telegram `/start`)."""
    identity = await session.get_one(Identity, identity_id)
    if identity.dm_chat != chat or not identity.dm_active:
        identity.dm_chat = chat
        identity.dm_active = True
        session.add(identity)
