"""What the MSC tests share: telling a story shared with a circle, and reading the rounds."""

from __future__ import annotations

import re

from sqlmodel import col, select

from bot.practices.msc.models import MscChoice, MscRound, MscSelection
from bot.storage.models import Entry
from tests.harness import Harness


async def tell(harness: Harness, who: str, room: str, text: str, *, share: str = "circle") -> int:
    """`who` tells a story in `room` and shares it as `share` says; returns its number."""
    await harness.say(f"#{room} @{who} /story {text}")
    async with harness.bot.sessions() as session:
        query = select(Entry.id).where(Entry.kind == "story").order_by(col(Entry.id).desc())
        number = (await session.exec(query)).first()
    assert number is not None
    if share != "stewards":
        await harness.say(f"#{room} @{who} /story share {number} {share}")
    return number


async def rounds(harness: Harness) -> list[MscRound]:
    async with harness.bot.sessions() as session:
        return list((await session.exec(select(MscRound).order_by(col(MscRound.id)))).all())


async def choices(harness: Harness) -> list[MscChoice]:
    async with harness.bot.sessions() as session:
        return list((await session.exec(select(MscChoice).order_by(col(MscChoice.id)))).all())


async def selections(harness: Harness) -> list[MscSelection]:
    async with harness.bot.sessions() as session:
        query = select(MscSelection).order_by(col(MscSelection.id))
        return list((await session.exec(query)).all())


def messages(printed: str) -> list[str]:
    """Each message the console printed, with its "[where] huddlebot:" line."""
    return [m for m in re.split(r"\n(?=\[)", printed) if m.strip()]


def to(printed: str, where: str) -> list[str]:
    """The messages printed for `where`: "#core", "@ana, privately", "#core, only @ana"."""
    return [m for m in messages(printed) if m.startswith(f"[{where}")]
