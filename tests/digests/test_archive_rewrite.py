"""Words taken back leave the archive: every stored digest that held them is written again, the
one whose period holds them and a later one that listed them again (a blocker still open)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from bot.digests.rewriting import quotes
from bot.storage.models import Digest
from tests.harness import Harness
from tests.practices.test_held import button

THURSDAY_17 = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)
WORDS = "The shared drive locks us out every Friday afternoon."


async def archived(harness: Harness) -> list[str]:
    async with harness.bot.sessions() as session:
        query = select(Digest).where(Digest.kind == "huddle").order_by(col(Digest.id))
        return [d.markdown for d in (await session.exec(query)).all()]


async def test_a_blocker_kept_back_leaves_every_digest_that_listed_it(harness: Harness) -> None:
    await harness.say("#core @ben /learned Pairs of volunteers stay longer.")
    await harness.say(f"@ana /dm blocker {WORDS}")
    answer = harness.take()
    await harness.say(f"@ana {button(answer, 'Share it, with my name')}")
    await harness.until(THURSDAY_17)
    await harness.say("#core @ben /learned Tea helps.")
    await harness.until(THURSDAY_17 + timedelta(weeks=1))
    first, second = await archived(harness)
    assert quotes(first, WORDS) and quotes(second, WORDS)  # new, then still open

    await harness.say(f"@ana {button(answer, 'Keep it to myself')}")
    first, second = await archived(harness)
    assert not quotes(first, WORDS) and not quotes(second, WORDS)
    assert "Pairs of volunteers" in first and "Tea helps" in second


def test_quotes_reads_through_markdown_escapes() -> None:
    assert quotes(r"> The \*shared\* drive\_x is   slow", "The *shared* drive_x is slow")
    assert not quotes("Something else entirely", "The shared drive")
    assert not quotes("anything", "   ")
