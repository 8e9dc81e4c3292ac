"""The Most Significant Change page of the web view: the stories panels selected, with the reasons
they agreed, as far as the viewer may read each story now (its teller's current choice), through
the same reading as the digests. Who chose what is never shown, here or anywhere."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.digests.contributions import HuddlePart, SelectionLine, StewardPart
from bot.web.pages import Page, Reading

EVER = datetime(2000, 1, 1, tzinfo=UTC)
HuddleReader = Callable[..., Awaitable[HuddlePart]]
StewardReader = Callable[..., Awaitable[StewardPart]]


def msc_pages(huddle_part: HuddleReader, steward_part: StewardReader) -> tuple[Page, ...]:
    """The page, reading through the practice's own digest parts."""

    async def read(reading: Reading) -> dict[str, Any]:
        session: AsyncSession = reading.session
        seen: set[tuple[str, str, str]] = set()
        shown: list[SelectionLine] = []

        def add(lines: tuple[SelectionLine, ...] | None) -> None:
            for line in lines or ():
                key = (line.text, line.reason, line.circle_name)
                if key not in seen:
                    seen.add(key)
                    shown.append(line)

        mine = [c for c in reading.config.circles if c.id in reading.viewer.circles]
        for circle in mine:
            part = await huddle_part(
                session, circle_id=circle.id, start=EVER, end=reading.now, shared={}
            )
            add(part.selections)
        if reading.viewer.steward:
            add((await steward_part(session, start=EVER, end=reading.now)).selections)
        return {"selections": list(reversed(shown))}

    return (Page("msc", "Most significant", read, order=55),)
