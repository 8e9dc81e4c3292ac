"""Sign-in links and web sessions. Only a hash of each token is stored, so a copy of the
database opens no session; both hang on a person and go when the person is forgotten."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from bot.storage.columns import time_column
from bot.storage.references import person_ref


class SignInLink(SQLModel, table=True):
    """A one-time link the bot sent a person: usable once, until `expires_at`."""

    __tablename__ = "web_links"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    person_id: int = person_ref(foreign_key=True, index=True, identifies=True)
    created_at: datetime = time_column(index=True)
    expires_at: datetime = time_column()
    used_at: datetime | None = time_column(nullable=True)
    by_right: bool = False
    """Asked for by the person running the bot (the console's operator, not tried as a member),
    who is a steward by right in chat: the session it opens is a steward's too."""


class WebSession(SQLModel, table=True):
    """A signed-in browser: its cookie's hash, its form token, and when it ends."""

    __tablename__ = "web_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    person_id: int = person_ref(foreign_key=True, index=True, identifies=True)
    form_token: str = Field(max_length=64)
    """Every form on the pages carries it; a form without it is refused (CSRF)."""
    created_at: datetime = time_column()
    expires_at: datetime = time_column()
    by_right: bool = False
    """Opened by a link the person running the bot asked for: a steward's session, whatever
    circles the operator has spoken in so far (`SignInLink.by_right`)."""
