"""Outgoing messages: what handlers return, and what the outbox hands an adapter to send.

Handlers return `Outgoing` values: a destination, a body (a template from `prompts/` and its
context) and an idempotency key. The outbox renders each body for the platform of each room it
reaches, splits it within that platform's limits, and stores one `Delivery` per part before any
of them is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Button:
    """A choice offered under a message. `action` and `value` come back in a `ButtonPress`."""

    action: str
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Body:
    """A template name from the prompt library (for example `replies/saved`) and its context."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ToCircle:
    """Every active room of a circle."""

    circle_id: str


@dataclass(frozen=True, slots=True)
class ToRoom:
    """One place on one platform: a room, a private chat, or a thread inside a room."""

    platform: str
    chat: str
    topic: str | None = None
    thread_ref: str | None = None


@dataclass(frozen=True, slots=True)
class ToPerson:
    """A person privately, on the platform where they can be reached."""

    person_id: int


Target = ToCircle | ToRoom | ToPerson


@dataclass(frozen=True, slots=True, kw_only=True)
class Outgoing:
    """A message the core wants sent. `key` makes sending it twice impossible."""

    to: Target
    body: Body
    key: str
    kind: str = "reply"
    """prompt | reminder | digest | reply | notice: what the message is, for the record."""
    buttons: tuple[Button, ...] = ()
    ephemeral_to: str | None = None
    """A platform user id: show the message only to them, where the platform can."""
    prompt_run_id: int | None = None
    """The prompt run this message asks about, so replies to it can be linked."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """One rendered part of an outgoing message, ready for an adapter to send."""

    key: str
    platform: str
    chat: str
    text: str
    topic: str | None = None
    thread_ref: str | None = None
    ephemeral_to: str | None = None
    buttons: tuple[Button, ...] = ()
    kind: str = "reply"
    part: int = 1
    parts: int = 1
