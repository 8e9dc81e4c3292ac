"""What the core needs of a platform, and nothing more.

A platform is declared by a `PlatformSpec`: its environment settings, how a room address is
written, its text format and limits, and its capabilities. The core and the configuration checks
ask the spec; they never compare platform names. The running side is the `Adapter` protocol, with
optional capabilities (`KnowsVerbs`, `ConfirmsDelivery`, `MovesRooms`) that the core checks with
isinstance.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Collection, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from starlette.routing import BaseRoute

from bot.core.events import InboundEvent
from bot.core.messages import Delivery

TextFormat = Literal["slack", "telegram", "markdown", "plain", "terminal"]
"""A markup dialect that `bot.text.formats` writes: Slack's mrkdwn, Telegram's HTML subset,
Markdown, or plain text. Templates see it as `text_format`; a platform names the one it reads."""

EventSink = Callable[[InboundEvent], Awaitable[None]]
"""Where an adapter hands each inbound event; returns once the event's effect is stored."""


@dataclass(frozen=True, slots=True)
class RoomMove:
    """The platform gave a room a new address: what was `old_chat` is now `new_chat`."""

    platform: str
    old_chat: str
    new_chat: str
    why: str = ""
    """What happened, in a few words for the stewards: "the group became a supergroup"."""


RoomMoveSink = Callable[[RoomMove], Awaitable[None]]
"""Where an adapter reports a room that moved; returns once the move is stored (it may be
reported any number of times)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one message may hold on a platform, after rendering."""

    max_chars: int
    max_paragraph_chars: int | None = None
    max_paragraphs: int | None = None


@dataclass(frozen=True, slots=True)
class ValueCheck:
    """A rule the text of a setting or a room address must follow, and what to say if not."""

    pattern: re.Pattern[str]
    problem: str
    """What the value is not, as in "'x' is not a web address"."""
    fix: str

    def refuses(self, value: str) -> bool:
        return self.pattern.fullmatch(value) is None


@dataclass(frozen=True, slots=True)
class Setting:
    """One environment variable a platform reads."""

    name: str
    """The variable, such as `SLACK_BOT_TOKEN`."""
    about: str = ""
    """What to set it to, for messages: "the token BotFather gave you"."""
    secret: bool = False
    """Never shown: masked wherever settings are printed or logged."""
    check: ValueCheck | None = None
    needs_switch: bool = True
    """Setting it without the platform's switch is a mistake worth stopping for."""


@dataclass(frozen=True, slots=True)
class RoomFormat:
    """How a room on the platform is written in the configuration file."""

    key: str
    """The key that holds the room's address: `channel` or `chat`."""
    example: str
    topics: bool = False
    """Whether a room may also name a forum topic (`topic = 5`)."""
    check: ValueCheck | None = None


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What the core may rely on a platform for, beyond receiving and sending text."""

    trusted_operator: bool = False
    """Whoever speaks there runs the bot on this machine (the console): a steward by right."""
    local_files: bool = False
    """Its people read the files the bot writes on this machine, so exports are written there
    rather than posted inline or privately."""
    answers_go_privately: bool = False
    """An answer meant for one person in a room goes to their private chat with the bot when
    it can (Telegram has no messages that only one person in a group sees), so a note in the
    room that something "was sent to you privately" would arrive there too, and only repeat it."""
    lines_answer_prompts: bool = False
    """Every plain line in a room is said to the bot (the console), so it answers the newest
    prompt asked there. Elsewhere people answer by replying to the prompt, and other talk in a
    room is left alone."""


@dataclass(frozen=True, slots=True)
class PlatformSpec:
    """Everything the core and the configuration checks know of one platform."""

    name: str
    """How the configuration and the store name it: `rooms = [{ platform = "<name>", ... }]`."""
    title: str
    """How people call it in messages: "Slack"."""
    text_format: TextFormat
    limits: Limits
    room: RoomFormat
    settings: tuple[Setting, ...] = ()
    switch: str | None = None
    """The setting that turns the platform on; None when it is never built from the environment."""
    capabilities: Capabilities = field(default_factory=Capabilities)


UNKNOWN_CAPABILITIES = Capabilities()
"""What the core assumes of a platform no spec describes: nothing beyond text."""


class Adapter(Protocol):
    """A platform: receives events for the core and sends the core's deliveries."""

    platform: str
    text_format: TextFormat
    limits: Limits

    def routes(self) -> Sequence[BaseRoute]:
        """HTTP routes to mount on the bot's web app (may be empty)."""
        ...

    def connect(
        self, sink: EventSink, *, receive: bool = True
    ) -> AbstractAsyncContextManager[None]:
        """Be ready to send while the context is open, and unless `receive` is False, take
        events from the platform and hand them to `sink` (one-shot commands only send)."""
        ...

    async def send(self, delivery: Delivery) -> str:
        """Send one part; return the platform's reference of the posted message.

        Raises `RateLimited`, `Undeliverable` or `TransientError` from `bot.errors`.
        """
        ...


@runtime_checkable
class KnowsVerbs(Protocol):
    """An adapter that needs the core's verbs, to tell its commands from other bots' ones."""

    def use_verbs(self, verbs: Collection[str]) -> None: ...


class Turns(Protocol):
    """Work one process at a time may do, by name, when several share the database."""

    async def take(self, name: str) -> bool:
        """Take (or keep) the turn `name` unless another live process has it; True when ours."""
        ...

    async def give_back(self, name: str) -> None: ...


@runtime_checkable
class TakesTurns(Protocol):
    """An adapter that receives in one process at a time (Telegram long polling)."""

    def use_turns(self, turns: Turns) -> None: ...


@runtime_checkable
class ConfirmsDelivery(Protocol):
    """An adapter that can say, after a crash, whether a part it was sending was posted."""

    async def find_sent(self, delivery: Delivery, *, since: datetime) -> str | None:
        """The posted message's reference, or None when the platform surely does not have it.

        `since` is when the part was queued. Raises `DeliveryError` when it cannot tell.
        """
        ...


@runtime_checkable
class MovesRooms(Protocol):
    """An adapter that can learn that a room moved to a new address, and reports it."""

    def report_moves(self, sink: RoomMoveSink) -> None: ...


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of `huddlebot check`: something found about the set-up, and how to fix it."""

    subject: str
    """What it is about: "config", "database", "Slack", "Telegram"."""
    text: str
    problem: bool = False
    """True when something needs fixing before the bot can work as configured."""
    fix: str = ""


@dataclass(frozen=True, slots=True)
class RoomToCheck:
    """A configured room, for a platform's check: its address and whose it is."""

    chat: str
    circle: str
    """The circle's name, for people."""


@runtime_checkable
class ChecksSetup(Protocol):
    """An adapter that can check its settings and rooms with the platform, sending nothing."""

    async def check(self, rooms: Sequence[RoomToCheck]) -> list[Finding]: ...
