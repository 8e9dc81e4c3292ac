"""A blocker told to the bot in a private chat is held for its author, as every private
contribution is: no steward, list or digest sees it until they share it, and sharing it raises
it then, with or without their name."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.practices.blockers.models import Blocker
from tests.harness import Harness
from tests.practices.test_held import button

THURSDAY_17 = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)
WORDS = "My manager will not let me join the outreach shifts."


async def records(harness: Harness) -> list[Blocker]:
    async with harness.bot.sessions() as session:
        return list((await session.exec(select(Blocker))).all())


async def test_a_private_blocker_stays_with_its_author_until_shared(harness: Harness) -> None:
    await harness.say("#core @ana /learned Outreach works best in pairs.")
    await harness.say("#stewards @sam /help")  # Sam is a steward
    harness.take()

    await harness.say(f"@ana /dm blocker {WORDS}")
    answer = harness.take()
    assert "[@ana, privately]" in answer and "[#" not in answer
    assert "only you can see it" in answer and "no steward has seen it" in answer
    assert "Share it, without my name" in answer and "blocker `#" not in answer
    assert await records(harness) == []

    for where in ("#stewards @sam /blocker list", "@sam /dm blocker list"):
        await harness.say(where)
        assert "outreach shifts" not in harness.take()

    await harness.say(f"@ana {button(answer, 'Share it, without my name')}")
    shared = harness.take()
    assert "without your name" in shared
    [record] = await records(harness)
    assert f"blocker `#{record.entry_id}`" in shared and "What kind of blocker" in shared
    await harness.say("#stewards @sam /blocker list")
    assert "outreach shifts" in harness.take()

    await harness.until(THURSDAY_17)
    digest = harness.take()
    assert WORDS in digest and "(Ana)" not in digest.split(WORDS, 1)[1].split("\n", 1)[0]


async def test_a_private_blocker_kept_back_is_listed_nowhere(harness: Harness) -> None:
    await harness.say("#core @ana /learned Outreach works best in pairs.")
    await harness.say(f"@ana /dm blocker {WORDS}")
    answer = harness.take()
    await harness.say(f"@ana {button(answer, 'Share it, with my name')}")
    harness.take()
    await harness.say(f"@ana {button(answer, 'Keep it to myself')}")
    assert "It stays with you" in harness.take()
    assert len(await records(harness)) == 1  # raised once, now kept back
    await harness.say("#stewards @sam /blocker list")
    assert "outreach shifts" not in harness.take()
    await harness.until(THURSDAY_17)
    assert "outreach shifts" not in harness.take()


async def test_help_says_a_private_blocker_stays_yours(harness: Harness) -> None:
    await harness.say("@ana /dm help")
    said = harness.take()
    assert "sent privately, it stays yours until you share it" in said
    assert "stays with you until you choose to share it" in said
