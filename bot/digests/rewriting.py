"""Archived digests written again, so that taking words back reaches the archive too.

A digest is archived as it was posted (`digests.markdown`); `huddlebot digest show`, the web
archive and `huddlebot export` read that stored copy. When an author withdraws or narrows what
they shared, or a person is forgotten, every stored digest that may hold those words is rendered
again from what may be shown now:

- the digests whose period holds the moment the words were written (the circle's huddle digests
  and the steward digests, which draw on every open circle), and
- any later one of those that still quotes them: a blocker listed again while it stays open, a
  story a panel chose weeks after it was told.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config.partnership import Config
from bot.digests import steward_digest
from bot.digests.contributions import Contributors
from bot.digests.huddle_digest import digest_context
from bot.storage.models import Digest
from bot.text.formats import markdown_as_text
from bot.text.library import PromptLibrary

FRAGMENT = 40
"""Characters of the words' first line looked for in a later digest (a preview starts so too)."""
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Quoted:
    """Words that may be in the archive: their circle, when they were written, and the words."""

    circle_id: str
    at: datetime
    text: str = ""


def _plain(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def _fragment(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return _plain(first)[:FRAGMENT]


def quotes(markdown: str, text: str) -> bool:
    """Whether the archived `markdown` may quote `text` (compared as plain, spaced words)."""
    fragment = _fragment(text)
    return bool(fragment) and fragment in _plain(markdown_as_text(markdown))


@dataclass(frozen=True, slots=True)
class ArchivedDigests:
    """Renders archived digests again with every practice's parts."""

    config: Config
    library: PromptLibrary
    contributors: Contributors
    """The practices whose parts the digests show."""

    async def rewrite(self, session: AsyncSession, quoted: Iterable[Quoted]) -> int:
        """Render again every archived digest that may hold one of `quoted`; returns how many."""
        known = {circle.id for circle in self.config.circles}
        done: set[int] = set()
        for words in quoted:
            if words.circle_id not in known:
                continue
            for digest in await self._holding(session, words):
                if digest.id is None or digest.id in done:
                    continue
                done.add(digest.id)
                digest.markdown = await self._render(session, digest, words.circle_id)
                session.add(digest)
        return len(done)

    async def _holding(self, session: AsyncSession, words: Quoted) -> list[Digest]:
        """The circle's huddle digests and the steward digests from `words.at` on that cover
        that moment or quote the words."""
        ours = or_(
            (col(Digest.kind) == "huddle") & (col(Digest.circle_id) == words.circle_id),
            col(Digest.kind) == steward_digest.KIND,
        )
        query = select(Digest).where(ours, col(Digest.period_end) > words.at)
        found = []
        for digest in (await session.exec(query.order_by(col(Digest.id)))).all():
            covers = digest.period_start <= words.at
            if covers or (words.text and quotes(digest.markdown, words.text)):
                found.append(digest)
        return found

    async def _render(self, session: AsyncSession, digest: Digest, circle_id: str) -> str:
        start, end = digest.period_start, digest.period_end
        if digest.kind == steward_digest.KIND:
            context = await steward_digest.steward_context(
                session,
                config=self.config,
                start=start,
                end=end,
                library=self.library,
                contributors=self.contributors,
            )
            return self.library.render(steward_digest.TEMPLATE, context, "markdown")
        circle = self.config.circle(circle_id)
        context = await digest_context(
            session,
            circle=circle,
            start=start,
            end=end,
            library=self.library,
            contributors=self.contributors,
        )
        return self.library.render("huddle_digest", context, "markdown")
