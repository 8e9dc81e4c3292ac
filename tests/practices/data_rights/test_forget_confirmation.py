"""`forget confirm` is always the answer to a question the bot has just asked: typed out of the
blue, twice, after `cancel`, or too late, it erases nothing. The question is kept in the
database, so it can be answered from another process."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from bot.config.partnership import load_config
from bot.core.confirmations import ANSWER_WITHIN
from bot.storage.models import Confirmation, Entry, Identity
from tests.harness import Harness, open_harness

NOTHING_ERASED = "Nothing was erased."
FORGOTTEN = "huddlebot has forgotten you"


async def ana_is_known(harness: Harness) -> bool:
    async with harness.bot.sessions() as session:
        query = select(Identity).where(Identity.user_id == "ana")
        return (await session.exec(query)).first() is not None


async def test_confirm_without_the_question_erases_nothing(harness: Harness) -> None:
    await harness.say("#core @ana /learned the evening drop-in suits families")
    harness.take()
    await harness.say("#core @ana /forget confirm")
    answer = harness.take()
    assert NOTHING_ERASED in answer and FORGOTTEN not in answer
    assert "`forget`" in answer  # says what to do
    assert await ana_is_known(harness)
    async with harness.bot.sessions() as session:
        assert len((await session.exec(select(Entry))).all()) == 1


async def test_the_question_then_the_answer_forgets(harness: Harness) -> None:
    await harness.say("#core @ana /learned the evening drop-in suits families")
    await harness.say("#core @ana /forget")
    asked = harness.take()
    assert "cannot be undone" in asked and "`forget confirm`, within 30 minutes" in asked
    await harness.say("#core @ana /forget confirm")
    assert FORGOTTEN in harness.take()
    assert not await ana_is_known(harness)
    async with harness.bot.sessions() as session:
        assert (await session.exec(select(Confirmation))).all() == []


async def test_an_answer_after_cancel_or_too_late_erases_nothing(harness: Harness) -> None:
    await harness.say("#core @ana /help")
    await harness.say("#core @ana /forget")
    await harness.say("#core @ana /forget cancel")
    harness.take()
    await harness.say("#core @ana /forget confirm")
    assert NOTHING_ERASED in harness.take()

    await harness.say("#core @ana /forget")
    harness.take()
    await harness.until(harness.clock.now() + ANSWER_WITHIN + timedelta(minutes=1))
    await harness.say("#core @ana /forget confirm")
    assert NOTHING_ERASED in harness.take()
    assert await ana_is_known(harness)

    # the button under an old question is too late as well
    await harness.say("#core @ana /forget")
    asked = harness.take()
    [press] = [
        line.split("->")[1].strip() for line in asked.splitlines() if "forget_confirm" in line
    ]
    await harness.until(harness.clock.now() + ANSWER_WITHIN + timedelta(minutes=1))
    await harness.say(f"#core @ana {press}")
    assert NOTHING_ERASED in harness.take()
    assert await ana_is_known(harness)


async def test_a_plain_private_message_asks_and_answers(harness: Harness) -> None:
    await harness.say("@ana /dm forget confirm")
    assert NOTHING_ERASED in harness.take()
    await harness.say("@ana /dm forget")
    assert "[@ana" in harness.take()
    await harness.say("@ana /dm forget confirm")
    assert FORGOTTEN in harness.take()
    assert not await ana_is_known(harness)


async def test_the_question_is_answered_in_another_process(
    config_file: Path, database_url: str
) -> None:
    config = load_config(config_file)
    async with open_harness(config, database_url, run_id="one") as first:
        await first.say("#core @ana /forget")
        assert "cannot be undone" in first.take()
    async with open_harness(config, database_url, run_id="two") as second:
        await second.say("#core @ana /forget confirm")
        assert FORGOTTEN in second.take()
        assert not await ana_is_known(second)
