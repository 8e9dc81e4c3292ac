"""A ritual through replies to the huddle digest, as people meet it in the console."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, func, select

from bot.storage.models import Digest, Entry, OutboxMessage, PromptRun
from tests.harness import Harness

MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
THURSDAY_17 = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)


async def count(harness: Harness, model: type, *where: object) -> int:
    async with harness.bot.sessions() as session:
        query = select(func.count()).select_from(model)
        for condition in where:
            query = query.where(condition)  # type: ignore[arg-type]
        return int((await session.exec(query)).one())


async def test_prompt_replies_and_digest(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    asked = harness.take()
    assert "[#core] huddlebot" in asked
    assert "What did we learn?" in asked

    await harness.say("@ana Families prefer the evening drop-in.")
    await harness.say("@ben One shared referral form halved the back-and-forth.")
    await harness.say("#stewards @cleo /learned Stewards meet better on Tuesdays.")
    answers = harness.take()
    assert "only @ana sees this" in answers
    assert "saved as a learning" in answers

    async with harness.bot.sessions() as session:
        entries = (await session.exec(select(Entry).order_by(col(Entry.id)))).all()
    assert [(e.circle_id, e.kind) for e in entries] == [
        ("core", "learning"),
        ("core", "learning"),
        ("stewards", "learning"),
    ]
    run_ids = {e.prompt_run_id for e in entries[:2]}
    assert len(run_ids) == 1 and None not in run_ids
    assert entries[2].prompt_run_id is None

    await harness.until(THURSDAY_17)
    digest = harness.take()
    assert "Huddle digest for Core partnership" in digest
    assert "Families prefer the evening drop-in." in digest
    assert "One shared referral form halved the back-and-forth." in digest
    assert "Stewards meet better" not in digest  # another circle's entry
    assert "2 people shared 2 entries" in digest
    assert await count(harness, Digest) == 1


async def test_a_duplicate_event_is_stored_once(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    event = harness.console.parse("@ana We learned to ask before we assume.")
    assert event is not None
    await harness.bot.core.handle(event)
    await harness.bot.core.handle(event)
    await harness.bot.dispatcher.drain()
    assert await count(harness, Entry) == 1
    assert harness.take().count("saved as a learning") == 1


async def test_a_job_firing_twice_opens_one_run(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    harness.take()
    circle = harness.bot.config.circle("core")
    ritual = circle.rituals[0]
    due = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    again = await harness.bot.huddle.fire_ritual(circle, ritual, scheduled_for=due)
    assert again is None
    await harness.bot.dispatcher.drain()
    assert await count(harness, PromptRun) == 1
    assert await count(harness, OutboxMessage, OutboxMessage.kind == "prompt") == 1
    assert harness.take() == ""


async def test_digest_posted_once_per_period_even_when_asked_twice(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    await harness.say("@ana Something we learned.")
    end = datetime(2026, 3, 12, 16, 0, tzinfo=UTC)
    assert await harness.bot.huddle.post_digest("core", end=end) > 0
    assert await harness.bot.huddle.post_digest("core", end=end) == 0
    await harness.bot.dispatcher.drain()
    assert harness.printed().count("Huddle digest for Core partnership") == 1


async def test_empty_and_overlong_replies_get_a_kind_answer_and_keep_the_text(
    harness: Harness,
) -> None:
    await harness.until(MONDAY_10)
    harness.take()
    await harness.say("@ana /learned")
    empty = harness.take()
    assert "nothing was saved" in empty.lower()

    long_text = "We learned " + "a great deal about how families find us. " * 20
    await harness.say(f"@ana {long_text}")
    answer = harness.take()
    assert "500" in answer  # the limit is stated
    assert long_text.strip()[:200] in answer.replace("\n    ", "\n")  # their words come back
    assert await count(harness, Entry) == 0


async def test_unknown_verb_gets_help(harness: Harness) -> None:
    await harness.say("@ana /learnt typo in the verb")
    answer = harness.take()
    assert "learnt" in answer
    assert "learned" in answer


async def test_one_gentle_private_reminder_never_naming_anyone(harness: Harness) -> None:
    await harness.say("@ana /help")  # ana and ben are seen in the room
    await harness.say("@ben /help")
    await harness.until(MONDAY_10)
    await harness.say("@ana We learned something.")
    harness.take()
    await harness.until(datetime(2026, 3, 11, 8, 0, tzinfo=UTC))
    reminders = harness.take()
    assert "[@ben, privately]" in reminders
    assert "@ana, privately" not in reminders  # ana already replied
    assert "[#core]" not in reminders  # everyone could be reached privately
    assert "Ana" not in reminders and "Ben" not in reminders
    await harness.until(datetime(2026, 3, 11, 9, 30, tzinfo=UTC))
    assert "privately" not in harness.take()  # at most one reminder


async def test_a_reply_after_the_window_is_kept_as_a_general_entry(harness: Harness) -> None:
    await harness.until(MONDAY_10)
    await harness.until(datetime(2026, 3, 11, 10, 0, tzinfo=UTC))  # window closed Wed 09:00
    harness.take()
    await harness.say("@ana A late thought about referrals.")
    assert "have closed" in harness.take()
    async with harness.bot.sessions() as session:
        entry = (await session.exec(select(Entry))).one()
    assert entry.prompt_run_id is None and entry.kind == "learning"
