"""Inbound events: what adapters hand the core, platform-neutral and frozen.

Every event carries a `dedup_key`, stable across redeliveries of the same platform event (Slack's
event id, Telegram's chat and message ids), so the core stores each event's effect once.
The raw platform payload rides along for logging only: it is kept out of `repr` and equality.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Sender:
    """Who sent an event, as the platform knows them."""

    platform: str
    user_id: str
    display_name: str = ""
    team_id: str = ""
    """The workspace the identity belongs to (Slack team id); empty where not applicable."""
    dm_chat: str = ""
    """Where the bot may write to this person privately without waiting for them to write first
    (a Slack user id); empty where the platform does not allow it (Telegram before `/start`)."""
    as_member: bool = False
    """On a platform whose operator is trusted (the console), someone tried as an ordinary
    member (the console's `/as NAME`): a steward only if seen in a stewards' room."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Inbound:
    """Fields every inbound event has."""

    platform: str
    dedup_key: str
    sender: Sender
    chat: str
    """The platform's address of the room or private chat the event happened in."""
    received_at: datetime
    topic: str | None = None
    """A sub-room inside `chat` (a Telegram forum topic); None for none."""
    raw: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Message(Inbound):
    """A message in a room that is not a reply to one of the bot's messages."""

    text: str
    message_ref: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply(Inbound):
    """A reply to one of the bot's messages: in its thread (Slack) or replying to it (Telegram)."""

    text: str
    message_ref: str
    in_reply_to: str
    """The platform's reference of the bot message replied to (Slack thread ts, Telegram id)"""


@dataclass(frozen=True, slots=True, kw_only=True)
class DirectMessage(Inbound):
    """A message in a private chat between one person and the bot."""

    text: str
    message_ref: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Command(Inbound):
    """A command verb (`learned`, `blocker`, ...) with the rest of the line as `args`."""

    verb: str
    args: str
    private: bool = False
    """True when the command came from a private chat with the bot."""
    thread_ref: str | None = None
    """Where the command was given inside a room, when the platform threads (Slack thread ts)."""
    confirmed: bool = False
    """True when the person confirmed the command in the same step (the web view's "Yes, I am
    sure" box), so an action that otherwise asks first need not ask."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonPress(Inbound):
    """A press on a button the bot sent: `action` names what the button does, `value` its choice."""

    action: str
    value: str
    message_ref: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Started(Inbound):
    """A person opened a private chat with the bot (Telegram `/start`), perhaps from a link.

    The adapter vouches for `circle_id`: on Telegram only a link the bot signed names one
    (adapters/telegram/start_links.py). `link_refused` says a link came that names no circle
    this bot vouches for (made up, altered, or from before the bot's token changed)."""

    circle_id: str = ""
    link_refused: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Nomination(Inbound):
    """Someone saved another person's message for the huddle (Slack's "Save to huddle").

    The words are the author's, so the author decides whether and how they are kept.
    """

    verb: str
    """The kind of entry the saver chose, as a verb (`learned`, `blocker`, ...)."""
    text: str
    author: Sender
    message_ref: str = ""


InboundEvent = Message | Reply | DirectMessage | Command | ButtonPress | Started | Nomination


def in_private(event: InboundEvent) -> bool:
    """Whether `event` happened in a private chat with the bot: a private message, a command
    given there (typed plainly, `Router.verb_in` makes it a command), or a `/start`."""
    return isinstance(event, DirectMessage | Started) or (
        isinstance(event, Command) and event.private
    )
