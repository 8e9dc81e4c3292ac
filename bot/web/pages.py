"""What a page of the web view is, and the capability a practice offers to add its own.

A page is read-only: `read` gathers what the viewer may see and returns the template's context.
What a person changes from a page is a form that stands for a chat verb (`Form`): the web view
hands it to the core as that verb, from that person, so it is checked, stored and answered
exactly as in chat (`bot.web.actions`). A practice offers pages by `HasWebPages`; the web view
never imports a practice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import CircleConfig, Config
from bot.digests.steward_digest import open_circles
from bot.web.signin import Viewer


@dataclass(frozen=True, slots=True)
class Reading:
    """What a page's `read` is given."""

    session: AsyncSession
    viewer: Viewer
    now: datetime
    config: Config
    query: Mapping[str, str]
    """The page's address parameters (a search's words and dates)."""

    @property
    def threshold(self) -> int:
        """The fewest people any aggregate on a page may come from."""
        return self.config.partnership.anonymity_threshold

    def circles(self) -> list[CircleConfig]:
        """The circles whose shared content the viewer may see: their own, and for a steward
        every circle the steward digest draws on (never a learning set they are not in)."""
        mine = set(self.viewer.circles)
        wider = {c.id for c in open_circles(self.config)} if self.viewer.steward else set()
        return [c for c in self.config.circles if c.id in mine or c.id in wider]

    def circle_name(self, circle_id: str) -> str:
        return next((c.name for c in self.config.circles if c.id == circle_id), "a circle")


PageReader = Callable[[Reading], Awaitable[dict[str, Any]]]
FormReader = Callable[[Mapping[str, str]], "tuple[str, str] | None"]
"""A form's fields as the chat verb and its words (`("blocker", "take 12")`), or None when the
form is not one this page offers."""


@dataclass(frozen=True, slots=True)
class Form:
    """The forms a page offers, each standing for a chat verb."""

    to_verb: FormReader
    stewards_only: bool = False


@dataclass(frozen=True, slots=True)
class Download:
    """A file a page offers: its name, type and content for the viewer."""

    name: str
    media_type: str
    make: Callable[[Reading], Awaitable[bytes]]


@dataclass(frozen=True, slots=True)
class Page:
    slug: str
    """Its address under /app, and its template: `web/<slug>.html`."""
    title: str
    """Its name in the menu and its heading, in plain words."""
    read: PageReader
    order: int = 50
    """Where it stands in the menu: lowest first."""
    form: Form | None = None
    download: Download | None = None


@runtime_checkable
class HasWebPages(Protocol):
    """A practice that adds pages to the web view."""

    def web_pages(self) -> tuple[Page, ...]: ...
