"""The console: a terminal chat with the bot, for trying huddlebot with no accounts at all.

Each line of input is one message. A line may start with `#room` to speak in another room and
with `@name ` to speak as that person (the default speaker is `you`). Whoever speaks at the
console runs the bot, so is a steward by right; `/as NAME` speaks as NAME, an ordinary member,
from then on (`/as` alone goes back to yourself), so a trial shows what members see. Then:

    /verb text      a command, e.g. `/learned we found the referral form puts people off`
    /dm text        a private message to the bot
    /start circle   open a private chat with the bot and join a circle
    /press a v      press a button the bot offered (shown under its message)
    anything else   an answer to the newest prompt asked in the room (whoever asked it,
                    in this session or another)

Everything the bot sends is printed as it is sent. At a terminal, lines are read with line
editing, history and a prompt that shows the room and the speaker (`adapters/terminal.py`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from starlette.routing import BaseRoute

from adapters.common.platform import Platform
from adapters.terminal import TerminalLines
from bot.core import checks
from bot.core.clock import Clock
from bot.core.events import (
    ButtonPress,
    Command,
    DirectMessage,
    InboundEvent,
    Message,
    Sender,
    Started,
)
from bot.core.messages import Delivery
from bot.core.ports import Capabilities, EventSink, Limits, PlatformSpec, RoomFormat, TextFormat
from bot.errors import ConfigError

if TYPE_CHECKING:  # the configuration reads the adapters' list, which holds this module
    from bot.config.partnership import Config

log = logging.getLogger(__name__)

SPEC = PlatformSpec(
    name="console",
    title="the console",
    text_format="plain",
    limits=Limits(max_chars=100_000),
    room=RoomFormat(key="channel", example="core"),
    capabilities=Capabilities(trusted_operator=True, local_files=True, lines_answer_prompts=True),
)
PLATFORM = Platform(SPEC)
YOU = "you"
NAME_LONGEST = 32
"""The longest name one may speak as at the console (`@name`, `/as name`)."""
"""The person running the console."""
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|O.|.)?")
"""Terminal escape sequences (arrow keys and the like), which are never part of what was meant."""


@dataclass(frozen=True, slots=True)
class ConsoleRoom:
    circle_id: str
    chat: str


def console_rooms(config: Config) -> list[ConsoleRoom]:
    """Every console room in the configuration, in order."""
    return [
        ConsoleRoom(circle.id, room.chat)
        for circle in config.circles
        for room in circle.rooms
        if room.platform == SPEC.name
    ]


def needed_console_rooms(config: Config) -> list[ConsoleRoom]:
    """The console rooms, for a bot with no other platform; refused when there are none."""
    rooms = console_rooms(config)
    if not rooms:
        raise ConfigError(
            "no platform tokens are set and no circle has a console room",
            source=str(config.source),
            key="circles[].rooms",
            fix='add { platform = "console", channel = "core" } to a circle\'s rooms, '
            "or set SLACK_BOT_TOKEN or TELEGRAM_BOT_TOKEN",
        )
    return rooms


class ConsoleAdapter:
    """Reads lines, hands the core events, prints what the core sends."""

    spec = SPEC
    platform = SPEC.name
    text_format: TextFormat = SPEC.text_format
    limits = SPEC.limits

    def __init__(
        self,
        *,
        rooms: Sequence[ConsoleRoom],
        clock: Clock,
        output: IO[str],
        settle: Callable[[], object] | None = None,
        run_id: str | None = None,
        show_private: bool = True,
    ) -> None:
        if not rooms:
            raise ValueError("the console needs at least one console room in the config")
        self._rooms = {room.chat: room for room in rooms}
        self._room = rooms[0].chat
        self._clock = clock
        self._out = output
        self.settle = settle
        self._show_private = show_private
        self._run = run_id or uuid.uuid4().hex[:8]
        self._speaker = YOU
        self._as_member = False
        self._terminal: TerminalLines | None = None
        self._count = 0
        self._sent = 0
        self._sink: EventSink | None = None

    def routes(self) -> Sequence[BaseRoute]:
        return ()

    @asynccontextmanager
    async def connect(self, sink: EventSink, *, receive: bool = True) -> AsyncIterator[None]:
        self._sink = sink
        try:
            yield
        finally:
            self._sink = None

    # -- input --------------------------------------------------------------------------------

    def parse(self, line: str) -> InboundEvent | None:
        """The event one line of input stands for, or None for a blank or room-switch line.

        The line is cleaned as every platform's text is (`bot.core.checks.text`): a line of only
        invisible characters is blank, and direction overrides never reach the core."""
        text = checks.text(_ESCAPES.sub("", line), what="a console line").strip()
        if text.startswith("#"):
            room, _, text = text[1:].partition(" ")
            if room not in self._rooms:
                self._write(f"(no console room '{room}'; rooms: {', '.join(self._rooms)})")
                return None
            self._room = room
            text = text.strip()
        if text == "/as" or text.startswith("/as "):
            self._speak_as(text.removeprefix("/as").strip().lstrip("@"))
            return None
        name = self._speaker
        if text.startswith("@"):
            name, _, text = text[1:].partition(" ")
            text = text.strip()
            if not 0 < len(name) <= NAME_LONGEST:
                self._write(
                    f"(A name after @ is 1 to {NAME_LONGEST} characters with no spaces, e.g. @ana.)"
                )
                return None
        if not text:
            return None
        self._count += 1
        now = self._clock.now()
        sender = Sender(
            platform=SPEC.name,
            user_id=name,
            display_name=name.capitalize(),
            dm_chat=f"@{name}",
            as_member=self._as_member,
        )
        common: dict[str, Any] = {
            "platform": SPEC.name,
            "dedup_key": f"{self._run}:{self._count}",
            "sender": sender,
            "received_at": now,
        }
        ref = f"in-{self._run}-{self._count}"
        if text.startswith("/"):
            verb, _, args = text[1:].partition(" ")
            verb = verb.lower()
            if verb == "dm":
                return DirectMessage(chat=f"@{name}", text=args, message_ref=ref, **common)
            if verb == "press":
                action, _, value = args.strip().partition(" ")
                return ButtonPress(chat=self._room, action=action, value=value.strip(), **common)
            if verb == "start":
                return Started(chat=f"@{name}", circle_id=args.strip(), **common)
            return Command(chat=self._room, verb=verb or "help", args=args, **common)
        # which prompt it answers is the database's to say, not this session's
        return Message(chat=self._room, text=text, message_ref=ref, **common)

    def _speak_as(self, name: str) -> None:
        if not name or name.lower() in {YOU, "me"}:
            self._speaker, self._as_member = YOU, False
            self._write("(You speak as yourself again, with a steward's rights.)")
            return
        if not re.fullmatch(rf"[\w.-]{{1,{NAME_LONGEST}}}", name):
            self._write("(Give a name of letters and digits, e.g. /as ana.)")
            return
        self._speaker, self._as_member = name.lower(), True
        self._write(
            f"(You now speak as {name.capitalize()}, an ordinary member: you see what members "
            "see and get no steward's rights. /as alone speaks as yourself again.)"
        )

    def prompt(self) -> str:
        """What the terminal shows before each line: the room, and who speaks."""
        who = f"{self._speaker} (member)" if self._as_member else self._speaker
        return f"#{self._room} {who}> "

    async def say(self, line: str) -> None:
        """Take one line of input as if typed, and wait until the bot has answered it."""
        event = self.parse(line)
        if event is None:
            return
        if self._sink is None:
            raise RuntimeError("the console is not connected to the core")
        await self._sink(event)
        if self.settle is not None:
            result = self.settle()
            if asyncio.iscoroutine(result):
                await result

    async def read(self, stream: IO[str]) -> None:
        """Take lines from `stream` until it ends (Ctrl-D in a terminal); at a terminal, with line
        editing, history and a prompt."""
        if stream.isatty():
            await self._read_terminal(stream)
            return
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str | None] = asyncio.Queue()

        def pump() -> None:  # a daemon thread, so a waiting input never blocks shutdown
            try:
                for line in stream:
                    loop.call_soon_threadsafe(queue.put_nowait, line)
                loop.call_soon_threadsafe(queue.put_nowait, None)
            except RuntimeError:  # the loop has closed: nobody reads these lines any more
                pass

        threading.Thread(target=pump, name="console-input", daemon=True).start()
        while (line := await queue.get()) is not None:
            if line.strip() in {"/quit", "/exit"}:
                break
            await self.say(line)

    async def _read_terminal(self, stream: IO[str]) -> None:
        self._terminal = TerminalLines(prompt=self.prompt, output=self._out, stdin=stream)
        try:
            while (line := await self._terminal.line()) is not None:
                if line.strip() in {"/quit", "/exit"}:
                    break
                await self.say(line)
        finally:
            self._terminal.close()
            self._terminal = None

    # -- output -------------------------------------------------------------------------------

    async def send(self, delivery: Delivery) -> str:
        self._sent += 1
        ref = f"out-{self._run}-{self._sent}"
        if delivery.chat.startswith("@"):
            where = f"[{delivery.chat}, privately]"
        elif delivery.ephemeral_to:
            who = delivery.ephemeral_to
            seen = "only you see this" if who == "you" else f"only @{who} sees this"
            where = f"[#{delivery.chat}, {seen}]"
        else:
            where = f"[#{delivery.chat}]"
        if not self._show_private and (delivery.ephemeral_to or delivery.chat.startswith("@")):
            return ref
        part = f" ({delivery.part}/{delivery.parts})" if delivery.parts > 1 else ""
        body = delivery.text.replace("\n", "\n    ")
        self._write(f"{where} huddlebot{part}:\n    {body}")
        for button in delivery.buttons:
            self._write(f"    [{button.label}]  ->  /press {button.action} {button.value}")
        return ref

    def _write(self, text: str) -> None:
        if self._terminal is not None:
            self._terminal.write(text)
            return
        self._out.write(text + "\n")
        self._out.flush()
