"""A learning set round in a Telegram group with privacy mode on: the fake Bot API keeps from the
bot every group message Telegram would keep from it, so the round works only through what does
reach it (commands, replies to its messages, messages naming it), and its messages say so."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.practices.learning_sets.models import LearningNote, LearningRound
from tests.fakes.telegram_html import parse_html
from tests.fakes.telegram_updates import user
from tests.worlds import TelegramWorld, telegram_world

SET = -1005550001
TUESDAY_0930 = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
WEDNESDAY_1000 = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)

CONFIG = f"""
[partnership]
name = "Riverside"
timezone = "Europe/London"

[[circles]]
id = "set"
name = "Tuesday set"
kind = "learning_set"
rooms = [{{ platform = "telegram", chat = "{SET}" }}]

[circles.learning_set]
cron = "0 9 * * TUE"
window_hours = 24

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{{ platform = "console", channel = "stewards" }}]
"""

ADA, BO, CY = user(1001, "Ada", None), user(1002, "Bo", None), user(1003, "Cy", None)


@pytest.fixture
async def world(
    tmp_path: Path, database_url: str, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[TelegramWorld]:
    caplog.set_level(logging.INFO, logger="adapters.telegram.adapter")
    async with telegram_world(CONFIG, database_url, tmp_path) as made:
        made.fake.enforce_privacy()
        yield made


async def notes(world: TelegramWorld) -> list[tuple[str, str]]:
    async with world.harness.bot.sessions() as session:
        found = await session.exec(select(LearningNote).order_by(col(LearningNote.id)))
        return [(note.kind, note.text) for note in found.all()]


def said(message: dict[str, object]) -> str:
    return " ".join(parse_html(str(message["text"])).split())


async def test_a_whole_round_works_with_privacy_mode_on(
    world: TelegramWorld, caplog: pytest.LogCaptureFixture
) -> None:
    h, fake = world.harness, world.fake
    at_start = " ".join(r.getMessage() for r in caplog.get_records("setup"))
    assert "privacy mode is on" in at_start and "reply to the bot's message" in at_start
    for person in (ADA, BO, CY):  # a command reaches the bot, so each joins the set
        await world.push(fake.message_update(SET, "/help", sender=person))
    fake.push(fake.message_update(SET, "Morning all, shall we start?", sender=BO))
    assert len(fake.withheld) == 1  # everyday conversation never reaches the bot

    await h.until(TUESDAY_0930)
    start = fake.sent_messages[-1]
    assert "Ada, it is your turn to present" in said(start)
    assert "in a reply to this message" in said(start)

    issue = "Our referral panel keeps bouncing families between teams."
    await world.push(fake.message_update(SET, issue, sender=ADA, reply_to=start))
    opened = fake.sent_messages[-1]
    assert "What Ada brings" in said(opened)
    assert "each in a reply to this message so that I see it" in said(opened)

    question = "What have you noticed about the times it works?"
    await world.push(fake.message_update(SET, question, sender=BO, reply_to=opened))
    named = "@huddle_test_bot What would a good week look like for a family?"
    await world.push(fake.message_update(SET, named, sender=CY))  # naming the bot reaches it

    await h.until(WEDNESDAY_1000)
    reflect = fake.sent_messages[-1]
    assert "Reply to this message with it" in said(reflect) and "/commit ..." in said(reflect)
    reflection = "I have been trying to fix it alone."
    await world.push(fake.message_update(SET, reflection, sender=ADA, reply_to=reflect))
    await world.push(fake.message_update(SET, "/commit Ask the chair for a review", sender=ADA))
    assert "Ada commits to" in said(fake.sent(SET)[-1])

    assert await notes(world) == [
        ("issue", issue),
        ("question", question),
        ("question", "What would a good week look like for a family?"),
        ("reflection", reflection),
        ("action", "Ask the chair for a review"),
    ]
    async with h.bot.sessions() as session:
        [row] = (await session.exec(select(LearningRound))).all()
    assert row.phase == "closed"
    assert len(fake.withheld) == 1


async def test_naming_the_bot_with_a_verb_or_alone(world: TelegramWorld) -> None:
    fake = world.fake
    await world.push(fake.message_update(SET, "@huddle_test_bot", sender=ADA))
    helped = said(fake.sent_messages[-1])
    assert "How to take part" in helped
    assert "• /learned" in helped and "• /commit" in helped  # as a group bot can hear them
    await world.push(fake.message_update(SET, "@huddle_test_bot pass", sender=ADA))
    assert "no learning set round under way" in said(fake.sent_messages[-1])
