"""Whom one speaks as at the console: a name too long for the store is refused kindly, on both
engines, before anything reaches the core (a long name once failed on PostgreSQL's identity
columns)."""

from __future__ import annotations

from sqlmodel import select

from adapters.console import NAME_LONGEST
from bot.storage.models import Entry, Identity
from tests.harness import Harness


async def test_a_name_too_long_is_refused_kindly_and_nothing_is_stored(harness: Harness) -> None:
    for line in (
        "@" + "n" * 400 + " /dm learned a long name",
        "@" + "n" * (NAME_LONGEST + 1) + " /learned in the room",
        "@ /learned no name at all",
        "/as " + "n" * (NAME_LONGEST + 1),
    ):
        await harness.say(line)
        said = harness.take()
        assert "name" in said and "Traceback" not in said and "went wrong" not in said, said
    async with harness.bot.sessions() as session:
        assert (await session.exec(select(Entry))).all() == []
        assert (await session.exec(select(Identity))).all() == []


async def test_the_longest_name_and_names_beyond_ascii_are_taken(harness: Harness) -> None:
    longest = "n" * NAME_LONGEST
    await harness.say(f"@{longest} /dm learned the longest name")
    await harness.say("@josé /dm learned an accent")
    await harness.say("@o'brien /dm learned an apostrophe")
    await harness.bot.dispatcher.drain()
    assert harness.take().count("saved as a learning") == 3
    async with harness.bot.sessions() as session:
        names = sorted((await session.exec(select(Identity.user_id))).all())
    assert names == sorted([longest, "josé", "o'brien"])
