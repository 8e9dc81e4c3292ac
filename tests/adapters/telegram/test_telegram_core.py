"""Telegram through the whole bot: the real python-telegram-bot against the fake Bot API, the
real core, store and outbox, and a circle that also has a console room."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.storage.models import Entry, Identity, Membership, Room
from tests.fakes.telegram_api import start_from_link
from tests.fakes.telegram_html import parse_html
from tests.fakes.telegram_updates import user
from tests.harness import Harness
from tests.worlds import TELEGRAM_CONFIG as CONFIG
from tests.worlds import TELEGRAM_GROUP as GROUP
from tests.worlds import TelegramWorld, telegram_world

MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
THURSDAY_17 = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)

World = TelegramWorld


@pytest.fixture
async def world(tmp_path: Path, database_url: str) -> AsyncIterator[World]:
    async with telegram_world(CONFIG, database_url, tmp_path) as made:
        yield made


async def entries(harness: Harness) -> list[Entry]:
    async with harness.bot.sessions() as session:
        return list((await session.exec(select(Entry).order_by(Entry.id))).all())


async def test_a_reply_to_the_prompt_counts_and_one_digest_covers_both_rooms(world: World) -> None:
    h, fake = world.harness, world.fake
    await h.until(MONDAY_10)
    prompt = fake.sent(GROUP)[0]
    assert "What did we learn?" in prompt["text"] and prompt["parse_mode"] == "HTML"
    assert "What did we learn?" in h.take()  # the console room got it too

    asked = fake.sent_messages[-1]
    ada = user(1001, "Ada", "Okafor")
    await world.push(
        fake.message_update(
            GROUP, "Families <b>love</b> the evening drop-in & café.", sender=ada, reply_to=asked
        )
    )
    await h.say("@ben Shared forms saved us hours.")
    stored = await entries(h)
    assert [e.text for e in stored] == [
        "Families <b>love</b> the evening drop-in & café.",
        "Shared forms saved us hours.",
    ]
    assert stored[0].prompt_run_id == stored[1].prompt_run_id is not None

    await h.until(THURSDAY_17)
    digests = [m["text"] for m in fake.sent(GROUP) if "Huddle digest" in m["text"]]
    assert len(digests) == 1
    assert "Families &lt;b&gt;love&lt;/b&gt; the evening drop-in &amp; café." in digests[0]
    assert "Shared forms saved us hours." in digests[0]
    console = h.take()
    assert console.count("Huddle digest for Core partnership") == 1
    assert "Families <b>love</b> the evening drop-in & café." in console


async def test_the_same_update_twice_is_stored_once(world: World) -> None:
    h, fake = world.harness, world.fake
    await h.until(MONDAY_10)
    update = fake.message_update(GROUP, "We learned to ask first.", reply_to=fake.sent_messages[-1])
    await world.push(update)
    # delivered again after a restart: update ids start over, the message is the same
    await world.push({**update, "update_id": update["update_id"] + 1000})
    assert len(await entries(h)) == 1


async def test_commands_with_and_without_the_bot_name(world: World) -> None:
    h, fake = world.harness, world.fake
    name = fake.bot["username"]
    await world.push(fake.message_update(GROUP, "/blocker Our data sharing rules"))
    await world.push(fake.message_update(GROUP, f"/celebrate@{name} A new volunteer joined"))
    assert [(e.kind, e.text) for e in await entries(h)] == [
        ("blocker", "Our data sharing rules"),
        ("celebration", "A new volunteer joined"),
    ]


async def test_start_with_a_payload_links_the_person_for_private_reminders(world: World) -> None:
    h, fake = world.harness, world.fake
    ada = user(2002, "Ada", "Okafor")
    await world.push(fake.message_update(2002, start_from_link("core"), sender=ada))
    async with h.bot.sessions() as session:
        identity = (await session.exec(select(Identity).where(Identity.user_id == "2002"))).one()
        joined = (
            await session.exec(select(Membership).where(Membership.person_id == identity.person_id))
        ).all()
    assert identity.dm_chat == "2002"
    assert [m.circle_id for m in joined] == ["core"]
    assert "Core partnership" in fake.sent(2002)[-1]["text"]  # welcome
    await h.until(datetime(2026, 3, 10, 10, 0, tzinfo=UTC))  # past the reminder time
    assert any("still time" in m["text"].lower() for m in fake.sent(2002))


async def test_a_403_marks_the_room_inactive_and_tells_the_stewards(world: World) -> None:
    h, fake = world.harness, world.fake
    fake.fail("sendMessage", chat=GROUP, status=403, description="Forbidden: bot was kicked")
    await h.until(MONDAY_10)
    told = h.take()
    assert "[#stewards]" in told and str(GROUP) in told
    async with h.bot.sessions() as session:
        room = (await session.exec(select(Room).where(Room.chat == str(GROUP)))).one()
    assert not room.active
    await h.until(THURSDAY_17)
    assert fake.sent(GROUP) == []  # nothing more was tried there
    assert "Huddle digest" in h.take()  # the console room still gets its digest


async def test_a_guessed_start_link_joins_no_circle(world: World) -> None:
    """A circle's id is easy to guess ("core"); only the link the bot signed joins it."""
    h, fake = world.harness, world.fake
    mallory = user(4004, "Mallory")
    await world.push(fake.message_update(4004, "/start core", sender=mallory))
    async with h.bot.sessions() as session:
        assert (await session.exec(select(Membership))).all() == []
    assert "ask a steward" in fake.sent(4004)[-1]["text"].lower()
    await world.push(fake.message_update(4004, start_from_link("core"), sender=mallory))
    async with h.bot.sessions() as session:
        assert [m.circle_id for m in (await session.exec(select(Membership))).all()] == ["core"]


async def test_a_start_link_never_makes_anyone_a_steward(world: World) -> None:
    h, fake = world.harness, world.fake
    await world.push(
        fake.message_update(3003, start_from_link("stewards"), sender=user(3003, "Eve"))
    )
    async with h.bot.sessions() as session:
        joined = (await session.exec(select(Membership))).all()
    assert joined == []
    await world.push(fake.message_update(3003, "/digest", sender=user(3003, "Eve")))
    assert "Only stewards" in fake.sent(3003)[-1]["text"]


async def test_a_features_verb_works_plainly_in_a_group(world: World) -> None:
    fake = world.fake
    await world.push(fake.message_update(GROUP, "/mydata", sender=user(4004, "Ola")))
    # before, a plain /mydata in a group was taken for another bot's command and ignored
    [answer] = [m["text"] for m in fake.sent(GROUP) + fake.sent(4004)]
    assert "cannot write to you privately yet" in answer


async def test_a_long_digest_is_split_into_valid_html_through_a_429_storm(world: World) -> None:
    h, fake = world.harness, world.fake
    for number in range(40):
        text = f"/learned Entry {number:02d}: <b>families</b> & " + "we learned a lot. " * 12
        await world.push(fake.message_update(GROUP, text, sender=user(5000 + number, "P")))
    fake.fail("sendMessage", chat=GROUP, status=429, retry_after=1, times=4)
    await h.until(THURSDAY_17)
    parts = [m["text"] for m in fake.sent(GROUP) if "Entry" in m["text"]]
    assert len(parts) >= 2  # over 4,096 characters, so split
    for part in parts:
        assert len(part) <= 4096
        parse_html(part)  # each part alone is HTML Telegram can read
    seen = "\n".join(parse_html(part) for part in parts)
    positions = [seen.index(f"Entry {n:02d}:") for n in range(40)]
    assert positions == sorted(positions)  # every entry once, in order, despite the 429s
    assert all(seen.count(f"Entry {n:02d}:") == 1 for n in range(40))
    assert "<b>families</b> &" in seen  # what people typed arrives as text, not markup
