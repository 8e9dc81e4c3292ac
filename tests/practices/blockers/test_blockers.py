"""Blockers through the console: raised, sorted, taken up, resolved or parked, reported back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.core.events import Command, Sender
from bot.practices.blockers.models import Blocker, BlockerChange
from bot.practices.blockers.practice import Blockers
from bot.practices.blockers.records import (
    blocker_digest,
    blockers_awaiting_stewards,
    blockers_closed_between,
)
from bot.storage.models import Entry
from tests.fakes.telegram_updates import user
from tests.harness import SUNDAY, Harness
from tests.worlds import TELEGRAM_CONFIG, telegram_world
from tests.worlds import TELEGRAM_GROUP as GROUP
from tests.worlds import TelegramWorld as World


async def blockers(harness: Harness) -> list[Blocker]:
    async with harness.bot.sessions() as session:
        return list((await session.exec(select(Blocker).order_by(col(Blocker.id)))).all())


async def changes(harness: Harness) -> list[BlockerChange]:
    async with harness.bot.sessions() as session:
        query = select(BlockerChange).order_by(col(BlockerChange.id))
        return list((await session.exec(query)).all())


async def test_a_blocker_is_raised_and_sorted_by_one_tap(harness: Harness) -> None:
    await harness.say("@ana /blocker We cannot share referral forms between teams.")
    raised = harness.take()
    assert "only @ana sees this" in raised
    assert "blocker `#1`" in raised
    assert "/press blocker_kind #1:rules" in raised
    assert "saved as a blocker" not in raised  # one answer, not two

    await harness.say("@ana /press blocker_kind #1:rules")
    assert "noted as rules and process" in harness.take()
    await harness.say("@ana /press blocker_kind 1:rules")  # pressed twice, on an older button
    assert "already noted as rules and process" in harness.take()
    await harness.say("@ana /press blocker_kind #7:rules")
    assert "cannot find a blocker `#7`" in harness.take()

    [blocker] = await blockers(harness)
    assert (blocker.kind, blocker.status, blocker.circle_id) == ("rules", "open", "core")
    async with harness.bot.sessions() as session:
        waiting, total = await blockers_awaiting_stewards(session, now=SUNDAY + timedelta(days=3))
    assert [(b["text"], b["age_days"], b["circle_id"]) for b in waiting] == [
        ("We cannot share referral forms between teams.", 3, "core")
    ]
    assert total == 1


async def test_invisible_or_reordering_characters_never_make_a_blocker(harness: Harness) -> None:
    await harness.say("#core @ana /blocker \u200b\u200b\u200b")
    assert "nothing was saved" in harness.take().lower()
    await harness.say("#core @ana /blocker Rooms \u202egnikcolb\u202c (Ana)")
    harness.take()
    [blocker] = await blockers(harness)
    async with harness.bot.sessions() as session:
        [entry] = (await session.exec(select(Entry))).all()
    assert entry.id == blocker.entry_id and "\u202e" not in entry.text


async def test_answers_to_the_blocking_prompt_become_blockers(harness: Harness) -> None:
    await harness.say("#core /prompt blocking")
    assert "What is getting in the way?" in harness.take()
    await harness.say("#core @ben The shared drive keeps locking us out.")
    answer = harness.take()
    assert "blocker `#1`" in answer and "/press blocker_kind #1:task" in answer
    [blocker] = await blockers(harness)
    assert blocker.circle_id == "core"


async def test_a_steward_takes_it_up_and_the_circle_hears_back(harness: Harness) -> None:
    await harness.say("#core @ana /blocker No room for the Saturday group.")
    await harness.say("@ana /press blocker_kind #1:capacity")
    harness.take()

    await harness.say("#stewards @cleo /blocker list")
    listed = harness.take()
    assert "No room for the Saturday group." in listed and "capacity" in listed

    await harness.say("#stewards @cleo /blocker take 1")
    assert "now taken up" in harness.take()
    await harness.say("#stewards @cleo /blocker take #1")
    assert "already taken up" in harness.take()

    await harness.say("#stewards @cleo /blocker resolve 1")
    assert "add a short note" in harness.take()
    assert (await blockers(harness))[0].status == "taken"

    await harness.say("#stewards @cleo /blocker resolve 1 The library lends us its hall.")
    out = harness.take()
    assert "now resolved" in out and "I will let Core partnership know" in out
    report = out[out.index("[#core] huddlebot") :]
    assert "News on something you raised" in report
    assert "No room for the Saturday group." in report
    assert "The library lends us its hall." in report
    assert "Cleo took it on" in report

    await harness.say("#stewards @cleo /blocker park 1 Never mind.")
    assert "already resolved" in harness.take()
    await harness.say("#stewards @cleo /blocker resolve 42 Done.")
    assert "cannot find a blocker `#42`" in harness.take()
    await harness.say("#stewards @cleo /blocker take")
    assert "`blocker take` needs a number after it" in harness.take()

    [blocker] = await blockers(harness)
    assert blocker.status == "resolved" and blocker.reported_at is not None
    assert [(c.status, c.note) for c in await changes(harness)] == [
        ("taken", ""),
        ("resolved", "The library lends us its hall."),
    ]
    end = SUNDAY + timedelta(days=1)
    async with harness.bot.sessions() as session:
        closed = await blockers_closed_between(session, start=SUNDAY, end=end)
        digest = await blocker_digest(session, circle_id="core", start=SUNDAY, end=end)
    assert [(c["status"], c["reported_back"], c["taken_by"]) for c in closed] == [
        ("resolved", True, "Cleo")
    ]
    assert digest["new"] == []  # raised and closed the same day: listed once, as closed
    assert [b["note"] for b in digest["closed"]] == ["The library lends us its hall."]
    assert digest["open"] == []


async def test_parking_reports_back_too_and_a_long_note_is_kept(harness: Harness) -> None:
    await harness.say("#core @ana /blocker The funding rules change every quarter.")
    harness.take()
    long_note = "We asked the funder. " * 40
    await harness.say(f"#stewards /blocker park 1 {long_note}")
    answer = harness.take()
    assert "500" in answer and "We asked the funder." in answer
    assert (await blockers(harness))[0].status == "open"
    await harness.say("#stewards /blocker park 1 The funder reviews its rules in June.")
    out = harness.take()
    assert "parked for now" in out and "reviews its rules in June" in out


async def test_only_stewards_change_blockers(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await harness.say("#core @ana /blocker We wait weeks for data.")
    harness.take()
    sender = Sender(platform="slack", user_id="U1", display_name="Dee")
    for verb_args in ("take 1", "resolve 1 done", "list"):
        event = Command(
            platform="slack",
            dedup_key=f"ev-{verb_args}",
            sender=sender,
            chat="C1",
            received_at=SUNDAY,
            verb="blocker",
            args=verb_args,
        )
        await harness.bot.core.handle(event)
    [blocker] = await blockers(harness)
    assert blocker.status == "open" and await changes(harness) == []
    assert "could not handle" not in caplog.text


async def test_old_blockers_are_flagged_for_stewards_once_a_week(harness: Harness) -> None:
    await harness.say("#core @ana /blocker Nobody owns the shared calendar.")
    await harness.say("#core @ben /blocker We need a translator on Fridays.")
    await harness.say("#stewards /blocker resolve 2 A volunteer translator starts next week.")
    harness.take()
    [flag_days] = [p.flag_days for p in harness.bot.features if isinstance(p, Blockers)]

    await harness.until(SUNDAY + timedelta(days=flag_days - 1, hours=16))
    assert "Blockers waiting a while" not in harness.take()

    await harness.until(SUNDAY + timedelta(days=flag_days + 1, hours=16))
    flagged = harness.take()
    assert flagged.count("Blockers waiting a while") == 1
    note = flagged[flagged.index("Blockers waiting a while") :]
    assert "[#stewards] huddlebot" in flagged
    assert "Nobody owns the shared calendar." in note
    assert "translator" not in note  # resolved ones are never flagged

    await harness.until(SUNDAY + timedelta(days=flag_days + 6, hours=16))
    assert "Blockers waiting a while" not in harness.take()
    await harness.until(SUNDAY + timedelta(days=flag_days + 8, hours=16))
    assert harness.take().count("Blockers waiting a while") == 1


async def test_blocker_text_is_still_saved_when_it_starts_with_a_verb_word(
    harness: Harness,
) -> None:
    await harness.say("@ana /blocker take-up of the new service is slow")
    await harness.say("@ana /blocker")
    out = harness.take()
    assert "blocker `#1`" in out and "nothing was saved" in out.lower()
    assert len(await blockers(harness)) == 1


@pytest.fixture
async def telegram(tmp_path: Path, database_url: str) -> AsyncIterator[World]:
    async with telegram_world(TELEGRAM_CONFIG, database_url, tmp_path) as world:
        yield world


async def test_through_telegram_the_group_hears_back(telegram: World) -> None:
    h, fake = telegram.harness, telegram.fake
    ada = user(1001, "Ada", "Okafor")
    await telegram.push(fake.message_update(GROUP, "/blocker Our <b>data</b> rules", sender=ada))
    raised = fake.sent_messages[-1]
    assert "saved as blocker #1" in raised["text"]
    keyboard = raised["reply_markup"]["inline_keyboard"]
    assert any(b["callback_data"] == "blocker_kind|#1:rules" for row in keyboard for b in row)

    message = fake.bot_message(GROUP, "What kind of blocker is it?")
    await telegram.push(fake.callback_update(message, "blocker_kind|#1:rules", sender=ada))
    assert "noted as rules and process" in fake.sent_messages[-1]["text"]

    await h.say("#stewards @cleo /blocker resolve 1 Both teams now use one data agreement.")
    reports = [m["text"] for m in fake.sent(GROUP) if "News on something you raised" in m["text"]]
    assert len(reports) == 1
    assert "Our &lt;b&gt;data&lt;/b&gt; rules" in reports[0]
    assert "Both teams now use one data agreement." in reports[0]
    assert "News on something you raised" in h.take()  # the circle's console room too


async def test_one_number_for_a_blocker_in_chat_digests_and_verbs(harness: Harness) -> None:
    await harness.say("#core @ben /learned Evening sessions suit working parents.")
    await harness.say("#core @ana /blocker The minibus insurance lapsed.")
    raised = harness.take()
    assert "blocker `#2`" in raised and "/press blocker_kind #2:funding" in raised
    await harness.say("@ana /press blocker_kind #2:funding")
    harness.take()
    await harness.say("#stewards @cleo /blocker list")
    assert "- `#2` The minibus insurance lapsed." in harness.take()
    await harness.say("#stewards @cleo /blocker take 2")
    assert "Blocker `#2` is now taken up" in harness.take()
    await harness.until(SUNDAY + timedelta(minutes=5))
    await harness.say("#core /digest")
    digest = harness.take()
    assert "- `#2` The minibus insurance lapsed." in digest
