"""Explicit registration of handlers on a router instance: verbs, buttons and event kinds."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.events import ButtonPress, Command
from bot.core.messages import Outgoing
from bot.core.people import Who
from bot.core.ports import UNKNOWN_CAPABILITIES, Capabilities

if TYPE_CHECKING:
    from bot.config.partnership import CircleConfig, Config
    from bot.core.lookups import AfterCommit, Memo
    from bot.text.library import PromptLibrary


@dataclass(frozen=True, slots=True)
class Saved:
    """An entry just stored, as entry hooks see it."""

    entry_id: int
    kind: str
    text: str
    circle_id: str
    prompt_run_id: int | None


EntryHook = Callable[["Context", Any, Saved], Awaitable[list[Outgoing]]]
"""Runs in the same transaction right after an entry of its kind is stored; returns messages to
send in addition to (or, for `replace_answer`, instead of) the usual thank-you."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a handler may use: one open transaction, the sender, their circle, the time."""

    session: AsyncSession
    now: datetime
    who: Who
    circle: CircleConfig | None
    config: Config
    library: PromptLibrary
    memo: Memo
    after_commit: AfterCommit
    entry_hooks: Mapping[str, list[tuple[EntryHook, bool]]] = field(default_factory=dict)
    capabilities: Capabilities = UNKNOWN_CAPABILITIES
    """What the platform the event came from can do (its spec's capabilities)."""


Handler = Callable[[Context, Any], Awaitable[list[Outgoing]]]


@dataclass(frozen=True, slots=True)
class Verb:
    verb: str
    description: str
    handler: Handler
    operator: bool = False
    """Only stewards (and the local console) may use it."""


class Router:
    """Maps what arrives to the function that answers it."""

    def __init__(self) -> None:
        self.verbs: dict[str, Verb] = {}
        self.buttons: dict[str, Handler] = {}
        self.kinds: dict[type[Any], Handler] = {}
        self.entry_hooks: dict[str, list[tuple[EntryHook, bool]]] = {}

    def command(
        self,
        verb: str,
        handler: Handler,
        *,
        description: str,
        operator: bool = False,
        replace: bool = False,
    ) -> None:
        """Answer `verb` with `handler`; `replace=True` lets a feature take over a core verb."""
        if verb in self.verbs and not replace:
            raise ValueError(f"verb {verb!r} is registered twice")
        self.verbs[verb] = Verb(verb, description, handler, operator)

    def on_entry(self, kind: str, hook: EntryHook, *, replace_answer: bool = False) -> None:
        """Run `hook` whenever an entry of `kind` is stored, from any verb, reply or message."""
        self.entry_hooks.setdefault(kind, []).append((hook, replace_answer))

    def button(self, action: str, handler: Handler) -> None:
        if action in self.buttons:
            raise ValueError(f"button action {action!r} is registered twice")
        self.buttons[action] = handler

    def on(self, kind: type[Any], handler: Handler) -> None:
        if kind in (Command, ButtonPress):
            raise ValueError("register commands with .command() and buttons with .button()")
        self.kinds[kind] = handler
