"""`blocker list` shows a blocker only as far as its entry was shared: one kept to its author or
withdrawn never, one for the stewards only in a stewards' room or a private chat, where the
answer cannot be seen by the room."""

from __future__ import annotations

from sqlmodel import select

from bot.practices.blockers.models import Blocker
from bot.storage.models import Entry
from tests.harness import Harness


async def share(harness: Harness, blocker_id: int, visibility: str) -> None:
    """As the author's choice would leave it (a private message kept private, a withdrawal)."""
    async with harness.bot.sessions() as session:
        blocker = await session.get_one(Blocker, blocker_id)
        entry = await session.get_one(Entry, blocker.entry_id)
        entry.visibility = visibility
        session.add(entry)
        await session.commit()


async def test_the_list_honours_how_far_each_blocker_was_shared(harness: Harness) -> None:
    for text in ("the hall is booked", "a funder said no", "my manager blocks me", "gone"):
        await harness.say(f"#core @ana /blocker {text}")
    await share(harness, 2, "stewards")
    await share(harness, 3, "private")
    await share(harness, 4, "withdrawn")
    harness.take()

    await harness.say("#core @sam /blocker list")
    in_room = harness.take()
    assert "the hall is booked" in in_room
    assert "a funder said no" not in in_room and "my manager" not in in_room
    assert "gone" not in in_room

    for where in ("#stewards @sam /blocker list", "@sam /dm blocker list"):
        await harness.say(where)
        shown = harness.take()
        assert "the hall is booked" in shown and "a funder said no" in shown
        assert "my manager" not in shown and "gone" not in shown
    async with harness.bot.sessions() as session:
        assert len((await session.exec(select(Blocker))).all()) == 4


async def test_a_report_back_goes_no_further_than_the_blocker(harness: Harness) -> None:
    await harness.say("@ana /dm hello")  # Ana can be written to privately
    await harness.say("#core @ana /blocker a funder said no")
    await share(harness, 1, "stewards")
    harness.take()
    await harness.say("#stewards @sam /blocker resolve 1 we found another funder")
    out = harness.take()
    assert "News on something you raised" in out
    assert "[#core] huddlebot" not in out
    report = out[out.index("[@ana, privately]") :]
    assert "a funder said no" in report and "we found another funder" in report
