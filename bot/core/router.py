"""Explicit registration of handlers on a router instance: verbs, buttons and event kinds."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.events import ButtonPress, Command, DirectMessage
from bot.core.messages import Outgoing
from bot.core.people import Who
from bot.core.ports import UNKNOWN_CAPABILITIES, Capabilities

if TYPE_CHECKING:
    from bot.config.partnership import CircleConfig, Config
    from bot.core.lookups import Memo
    from bot.core.runtime import Callback, Transaction
    from bot.text.library import PromptLibrary


@dataclass(frozen=True, slots=True)
class Saved:
    """An entry just stored, as entry hooks see it."""

    entry_id: int
    kind: str
    text: str
    circle_id: str
    prompt_run_id: int | None
    person_id: int
    """Whose words these are: the sender, or the author of words someone else saved."""
    visibility: str
    """As stored; one of `bot.core.visibility.HELD` ("private": held for its author, who has not
    chosen yet; "set": said in a learning set) is an entry nobody else may see."""


EntryHook = Callable[["Context", Any, Saved], Awaitable[list[Outgoing]]]
"""Runs in the same transaction right after an entry of its kind is stored, however it was made
(`bot.core.entries.store_entry`); returns messages to send in addition to (or, for
`replace_answer`, instead of, when it returns any) the usual thank-you. An entry stored "private"
is held for its author (words someone else saved for them) or kept in a learning set ("set"):
for any of `bot.core.visibility.HELD`, a hook must not widen it or announce it."""


@dataclass(frozen=True, slots=True)
class Chosen:
    """An author's choice of who sees an entry, just applied (`bot.core.entries.record_choice`)."""

    entry_id: int
    kind: str
    circle_id: str
    person_id: int | None
    before: str
    """The entry's visibility before the choice."""
    after: str
    """Its visibility now (in a learning set, a choice to share is kept in the set)."""


ChoiceHook = Callable[["Context", Any, Chosen], Awaitable[list[Outgoing]]]
"""Runs in the same transaction right after an author changes who sees an entry of its kind
(shares what was held, narrows or withdraws a story); returns messages to send in addition to
the answer to the choice. A hook reacts to what the change means for its own records: a held
blocker now shared is raised, a story no longer readable leaves what read it."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a handler may use: one open transaction, the sender, their circle, the time."""

    tx: Transaction
    session: AsyncSession
    """The transaction's session."""
    now: datetime
    who: Who
    circle: CircleConfig | None
    config: Config
    library: PromptLibrary
    memo: Memo
    entry_hooks: Mapping[str, list[tuple[EntryHook, bool]]] = field(default_factory=dict)
    choice_hooks: Mapping[str, list[ChoiceHook]] = field(default_factory=dict)
    capabilities: Capabilities = UNKNOWN_CAPABILITIES
    """What the platform the event came from can do (its spec's capabilities)."""

    def after_commit(self, callback: Callback) -> None:
        """Run `callback` once this event's transaction has committed (a memo update)."""
        self.tx.after_commit(callback)


Handler = Callable[[Context, Any], Awaitable[list[Outgoing]]]
"""Answers a verb or a button: returns what to send."""

KindHandler = Callable[[Context, Any], Awaitable[list[Outgoing] | None]]
"""Offered an event of one kind: returns what to send when it claims the event (an empty list
claims it and sends nothing), or None to pass it to the next group."""


class Group(IntEnum):
    """The order in which handlers of one event kind (a message, a reply, a private message) are
    offered an event: lowest first. The first to claim it answers it; the others are not asked.
    Each handler of a kind takes its own group, so no handler can take another's place.

    - A reply to a prompt the bot asked is an answer to that prompt, wherever it is written.
    - Words said during a running conversation (a learning-set round) stay in it.
    - Anything else is a contribution: a private message answering an open prompt or starting
      with a verb, a `/start`, someone's words saved for the huddle, a plain line at the console
      answering the prompt open in its room.
    """

    PROMPT_ANSWERS = 10
    CONVERSATIONS = 20
    CONTRIBUTIONS = 30


@dataclass(frozen=True, slots=True)
class Verb:
    verb: str
    description: str
    handler: Handler
    operator: bool = False
    """Only stewards (and the local console) may use it."""
    words: bool = False
    """Its handler only reads and writes the database (it stores what someone said), so its
    event's record may wait for its first write, as a reply's does (bot/core/inbound.py)."""


class Router:
    """Maps what arrives to the function that answers it.

    A verb and a button action are each registered once. Handlers of other event kinds are
    registered in a `Group`, and offered an event in their groups' order. `menu` lists the verbs
    to show first, in that order, when verbs are listed (help, a platform's command menu); the
    others follow in the order they were registered.
    """

    def __init__(self, *, menu: Iterable[str] = ()) -> None:
        self._menu = tuple(menu)
        self._verbs: dict[str, Verb] = {}
        self._listed: dict[str, Verb] | None = None
        self.buttons: dict[str, Handler] = {}
        self._groups: dict[type[Any], dict[Group, KindHandler]] = {}
        self._chains: dict[type[Any], tuple[KindHandler, ...]] = {}
        self.entry_hooks: dict[str, list[tuple[EntryHook, bool]]] = {}
        self.choice_hooks: dict[str, list[ChoiceHook]] = {}

    @property
    def verbs(self) -> Mapping[str, Verb]:
        """Every verb, in the order they are listed: the menu's first, then the rest."""
        if self._listed is None:
            first = [self._verbs[v] for v in self._menu if v in self._verbs]
            rest = [v for name, v in self._verbs.items() if name not in self._menu]
            self._listed = {v.verb: v for v in (*first, *rest)}
        return self._listed

    def command(
        self,
        verb: str,
        handler: Handler,
        *,
        description: str,
        operator: bool = False,
        words: bool = False,
    ) -> None:
        """Answer `verb` with `handler`; `words`: see `Verb.words`."""
        if verb in self._verbs:
            raise ValueError(f"verb {verb!r} is registered twice")
        self._verbs[verb] = Verb(verb, description, handler, operator, words)
        self._listed = None

    def verb_in(self, message: DirectMessage) -> Command | None:
        """A private message that starts with a verb, as that verb's command; else None.

        In a private chat with the bot a person types `score vision 3` or `pass` as they would
        type `/huddle score vision 3` or `/pass` in a room: every verb works there, written
        plainly. A leading `/` is allowed too."""
        first, _, rest = message.text.strip().partition(" ")
        verb = first.removeprefix("/").lower()
        if verb not in self._verbs:
            return None
        return Command(
            platform=message.platform,
            dedup_key=message.dedup_key,
            sender=message.sender,
            chat=message.chat,
            received_at=message.received_at,
            topic=message.topic,
            raw=message.raw,
            verb=verb,
            args=rest.strip(),
            private=True,
        )

    def on_entry(self, kind: str, hook: EntryHook, *, replace_answer: bool = False) -> None:
        """Run `hook` whenever an entry of `kind` is stored, from any verb, reply or message."""
        self.entry_hooks.setdefault(kind, []).append((hook, replace_answer))

    def on_choice(self, kinds: Iterable[str], hook: ChoiceHook) -> None:
        """Run `hook` whenever an author changes who sees an entry of one of `kinds`."""
        for kind in kinds:
            self.choice_hooks.setdefault(kind, []).append(hook)

    def button(self, action: str, handler: Handler) -> None:
        if action in self.buttons:
            raise ValueError(f"button action {action!r} is registered twice")
        self.buttons[action] = handler

    def on(self, kind: type[Any], handler: KindHandler, *, group: Group) -> None:
        """Offer events of `kind` to `handler` in `group`'s turn."""
        if kind in (Command, ButtonPress):
            raise ValueError("register commands with .command() and buttons with .button()")
        groups = self._groups.setdefault(kind, {})
        if group in groups:
            raise ValueError(f"{kind.__name__} already has a handler in group {group.name}")
        groups[group] = handler
        self._chains[kind] = tuple(groups[g] for g in sorted(groups))

    def chain(self, kind: type[Any]) -> tuple[KindHandler, ...]:
        """The handlers offered an event of `kind`, in order."""
        return self._chains.get(kind, ())

    def order(self) -> dict[str, list[str]]:
        """Each event kind's handlers by group, as `{"Reply": ["PROMPT_ANSWERS ...", ...]}`."""
        return {
            kind.__name__: [
                f"{group.name} {getattr(handler, '__qualname__', repr(handler))}"
                for group, handler in sorted(groups.items())
            ]
            for kind, groups in self._groups.items()
        }
