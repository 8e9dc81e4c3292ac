"""Something shared in a private chat stays private until its author chooses: the answer says so,
and the buttons under it share it with the circle, with or without a name, or keep it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlmodel import select

from bot.storage.models import Consent, Entry
from tests.harness import Harness

THURSDAY_17 = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)
WORDS = "Evening calls reach more carers than morning ones."


async def the_entry(harness: Harness) -> Entry:
    """The entry of `WORDS`, as stored now."""
    async with harness.bot.sessions() as session:
        return (await session.exec(select(Entry).where(Entry.text == WORDS))).one()


def button(printed: str, label: str) -> str:
    """The console line that presses the button `label` shown in `printed`."""
    found = re.search(rf"\[{re.escape(label)}\]\s+->\s+(/press \S+ \S+)", printed)
    assert found, printed
    return found.group(1)


async def test_a_private_learning_is_kept_until_its_author_shares_it(harness: Harness) -> None:
    await harness.say("@ana /learned I am in the core circle.")
    harness.take()
    await harness.say(f"@ana /dm learned {WORDS}")
    answer = harness.take()
    assert "[@ana, privately]" in answer
    assert "only you can see it" in answer
    assert "share it with Core partnership" in answer

    # someone else cannot share it for her
    await harness.say(f"@ben {button(answer, 'Share it, with my name')}")
    assert "Only the person who wrote this" in harness.take()

    await harness.say(f"@ana {button(answer, 'Share it, without my name')}")
    assert "without your name" in harness.take()
    entry = await the_entry(harness)
    async with harness.bot.sessions() as session:
        consent = (await session.exec(select(Consent))).one()
    assert (entry.circle_id, entry.visibility, entry.anonymous) == ("core", "circle", True)
    assert consent.wording == "Share it, without my name"

    await harness.until(THURSDAY_17)
    digest = harness.take()
    assert WORDS in digest
    assert f"{WORDS} (Ana)" not in digest
    assert "1 person shared 2 entries" in digest


async def test_a_private_learning_left_alone_is_in_no_digest(harness: Harness) -> None:
    await harness.say(f"@ana /dm learned {WORDS}")
    answer = harness.take()
    await harness.say(f"@ana {button(answer, 'Keep it to myself')}")
    assert "It stays with you" in harness.take()
    await harness.say("@ben /dm celebrate We got the funding.")
    harness.take()

    await harness.until(THURSDAY_17)
    digest = harness.take()
    assert WORDS not in digest and "funding" not in digest
    assert "Nothing new was shared this time" in digest


async def test_a_button_written_before_by_entry_id_still_works(harness: Harness) -> None:
    """Buttons sent before they named the event named the entry's id; they are still in
    people's chats."""
    await harness.say(f"@ana /dm learned {WORDS}")
    harness.take()
    entry = await the_entry(harness)
    await harness.say(f"@ben /press held {entry.id}:named")
    assert "Only the person who wrote this" in harness.take()
    await harness.say(f"@ana /press held {entry.id}:named")
    assert "with your name" in harness.take()
    entry = await the_entry(harness)
    assert (entry.visibility, entry.anonymous) == ("circle", False)


async def test_a_button_naming_no_entry_is_answered_kindly(harness: Harness) -> None:
    await harness.say(f"@ana /dm learned {WORDS}")
    answer = harness.take()
    pressed = button(answer, "Share it, with my name")
    for value in ("named:x:y", "named::", "named", "named:99:nothing", "bogus:1:2", ":"):
        await harness.say(f"@ana /press held {value}")
        said = harness.take()
        assert "That is no longer here" in said, (value, said)
    entry = await the_entry(harness)
    assert entry.visibility == "private"  # none of them touched it
    await harness.say(f"@ana {pressed}")
    assert "with your name" in harness.take()
