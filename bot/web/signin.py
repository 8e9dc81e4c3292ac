"""One-time sign-in links, web sessions, and who a session belongs to at this moment.

A link is a random token sent privately; only its SHA-256 is stored. It opens one session, once,
within `LINK_MINUTES`. A session is another random token, kept in an HttpOnly cookie and stored
hashed too. Every request reads the session's person again with their memberships: a person
forgotten, or no longer in any circle, has no session; a circle they left is no longer shown.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import Config
from bot.core.people import circles_of
from bot.storage.models import Person
from bot.storage.sql import insert_row
from bot.web.models import SignInLink, WebSession

LINK_MINUTES = 15
LINKS_PER_HOUR = 5
"""At most this many links a person in an hour; more would only help someone guessing."""
SESSION_HOURS = 12


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person a request is for, as they are now."""

    person_id: int
    name: str
    circles: tuple[str, ...]
    """The circles they take part in (and the configuration still has)."""
    steward: bool
    form_token: str = ""
    session_id: int = 0


async def new_link(
    session: AsyncSession, person_id: int, *, now: datetime, by_right: bool = False
) -> str | None:
    """A fresh link token for the person, or None when they asked for too many this hour.

    `by_right`: the person runs the bot (the console's operator), a steward by right in chat,
    so the session the link opens is a steward's whatever circles they have spoken in."""
    recent = select(func.count()).where(
        SignInLink.person_id == person_id,
        col(SignInLink.created_at) > now - timedelta(hours=1),
    )
    if int((await session.exec(recent)).one()) >= LINKS_PER_HOUR:
        return None
    token = secrets.token_urlsafe(32)
    await insert_row(
        session,
        SignInLink,
        {
            "token_hash": digest_of(token),
            "person_id": person_id,
            "created_at": now,
            "expires_at": now + timedelta(minutes=LINK_MINUTES),
            "used_at": None,
            "by_right": by_right,
        },
    )
    return token


async def link_is_usable(session: AsyncSession, token: str, *, now: datetime) -> bool:
    link = await _link(session, token)
    return link is not None and link.used_at is None and link.expires_at > now


async def use_link(session: AsyncSession, token: str, *, now: datetime) -> str | None:
    """Spend the link (once, however many browsers try) and open a session: its cookie token."""
    spent = await session.exec(  # type: ignore[call-overload]
        sa.update(SignInLink)
        .where(
            col(SignInLink.token_hash) == digest_of(token),
            col(SignInLink.used_at).is_(None),
            col(SignInLink.expires_at) > now,
        )
        .values(used_at=now)
    )
    if spent.rowcount != 1:
        return None
    link = await _link(session, token)
    assert link is not None
    cookie = secrets.token_urlsafe(32)
    await insert_row(
        session,
        WebSession,
        {
            "token_hash": digest_of(cookie),
            "person_id": link.person_id,
            "form_token": secrets.token_urlsafe(24),
            "created_at": now,
            "expires_at": now + timedelta(hours=SESSION_HOURS),
            "by_right": link.by_right,
        },
    )
    return cookie


async def _link(session: AsyncSession, token: str) -> SignInLink | None:
    query = select(SignInLink).where(SignInLink.token_hash == digest_of(token))
    return (await session.exec(query)).first()


async def viewer_of(
    session: AsyncSession, cookie: str, *, now: datetime, config: Config
) -> Viewer | None:
    """Who holds the session `cookie` now, or None: unknown, ended, forgotten or in no circle."""
    query = select(WebSession, Person).join(Person, col(Person.id) == WebSession.person_id)
    row = (await session.exec(query.where(WebSession.token_hash == digest_of(cookie)))).first()
    if row is None:
        return None
    web_session, person = row
    if web_session.expires_at <= now or person.erased_at is not None:
        return None
    viewer = await viewer_for(session, web_session.person_id, config=config)
    if viewer is None:
        return None
    assert web_session.id is not None
    return Viewer(
        person_id=viewer.person_id,
        name=viewer.name,
        circles=viewer.circles,
        steward=viewer.steward or web_session.by_right,
        form_token=web_session.form_token,
        session_id=web_session.id,
    )


async def viewer_for(session: AsyncSession, person_id: int, *, config: Config) -> Viewer | None:
    """A person as the pages see them: None when forgotten or in no circle the bot has."""
    person = await session.get(Person, person_id)
    if person is None or person.erased_at is not None:
        return None
    known = {c.id for c in config.circles}
    circles = tuple(c for c in await circles_of(session, person_id) if c in known)
    if not circles:
        return None
    stewards = {c.id for c in config.stewards_circles()}
    return Viewer(
        person_id=person_id,
        name=person.display_name,
        circles=circles,
        steward=bool(stewards.intersection(circles)),
    )


async def end_session(session: AsyncSession, session_id: int) -> None:
    await session.exec(  # type: ignore[call-overload]
        sa.delete(WebSession).where(col(WebSession.id) == session_id)
    )
