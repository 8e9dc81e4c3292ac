"""Trying the practices without waiting for a schedule: a steward starts a pulse or a learning
set round now, closes a maturity round early, and asks for the stewards' digest from chat."""

from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.config.partnership import load_config
from bot.practices.learning_sets.models import LearningRound
from bot.practices.maturity.models import MaturityRound
from bot.practices.pulse.models import PulseAnswer, PulseCheck
from bot.storage.models import Digest
from tests.fakes import slack_events as ev
from tests.harness import Harness, open_harness
from tests.worlds import ON_REQUEST_CONFIG, SLACK_ALEX, SLACK_CHANNEL, SLACK_CONFIG, slack_world

CONFIG = ON_REQUEST_CONFIG
"""No pulse and no learning set schedule: everything here starts because someone asked."""

MONDAY = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)


@pytest.fixture
async def harness(tmp_path: Path, database_url: str) -> AsyncIterator[Harness]:
    path = tmp_path / "huddlebot.toml"
    path.write_text(textwrap.dedent(CONFIG))
    async with open_harness(load_config(path), database_url, start=MONDAY) as h:
        yield h


async def test_a_steward_starts_a_pulse_and_it_reports_when_it_closes(harness: Harness) -> None:
    for name in ("ana", "ben"):
        await harness.say(f"#core @{name} /help")
    harness.take()
    await harness.say("#core @ben /pulse pace just_right")
    assert "There is no pulse check open" in harness.take()

    await harness.say("#core @sam /pulse start")
    asked = harness.take()
    assert "[#core] huddlebot" in asked and "A quick pulse check" in asked
    await harness.say("#core @sam /pulse start")
    assert "A pulse check is already open for Core partnership" in harness.take()
    async with harness.bot.sessions() as session:
        [pulse] = (await session.exec(select(PulseCheck))).all()
    assert pulse.closes_at == MONDAY + timedelta(hours=48)  # the default window

    await harness.say("#core @ana /pulse pace just_right")
    await harness.say("@ben /dm pulse pace too much")  # plainly, in a private chat
    answers = harness.take()
    assert "[@ben, privately] huddlebot:\n    Thank you: Pace feels too much" in answers
    async with harness.bot.sessions() as session:
        assert len((await session.exec(select(PulseAnswer))).all()) == 2

    await harness.until(MONDAY + timedelta(hours=49))
    results = harness.take()
    assert "[#core] huddlebot" in results and "Pace" in results
    async with harness.bot.sessions() as session:
        assert (await session.get_one(PulseCheck, pulse.id)).reported


async def test_a_steward_starts_a_learning_set_round(harness: Harness) -> None:
    for name in ("ana", "ben", "cleo", "dev"):
        await harness.say(f"#set @{name} /help")
    harness.take()
    await harness.say("@ana /dm pass")
    assert "The next one starts on the set's schedule, or when a steward sends" in harness.take()
    await harness.say("#core @sam /round start")
    assert "in the learning set's own room" in harness.take()

    await harness.say("#set @sam /round start")
    started = harness.take()
    assert "Round 1 of Tuesday set" in started and "Ana, it is your turn to present" in started
    await harness.say("#set @sam /round start")
    assert "Round 1 of Tuesday set is still under way, with Ana presenting" in harness.take()

    # the presenter passes in a private chat, as a plain message
    await harness.say("@ana /dm pass")
    passed = harness.take()
    assert "[@ana, privately]" in passed and "Ben, would you like to present" in passed
    async with harness.bot.sessions() as session:
        [row] = (await session.exec(select(LearningRound))).all()
    assert row.phase == "issue" and row.number == 1


async def test_a_steward_closes_a_maturity_round_early(harness: Harness) -> None:
    for name in ("ana", "ben"):
        await harness.say(f"#core @{name} /help")
    await harness.say("#core @sam /maturity close")
    assert "No round is open for Core partnership" in harness.take()
    await harness.say("#core @sam /maturity start")
    await harness.say("@ana /dm score vision 3 because we share the aims")
    scored = harness.take()
    assert "[@ana, privately]" in scored and "Thank you: Vision 3, in the round of" in scored
    await harness.say("@ben /dm score vision 4")

    await harness.say("#core @sam /maturity close")
    revealed = harness.take()
    assert "[#core] huddlebot" in revealed and "Vision" in revealed
    async with harness.bot.sessions() as session:
        [row] = (await session.exec(select(MaturityRound))).all()
    assert row.closed_at == MONDAY
    await harness.say("@ana /dm score finance 2")
    assert "closed" in harness.take()


async def test_digest_in_the_stewards_room_is_the_stewards_digest(harness: Harness) -> None:
    await harness.say("#core @ana /learned the evening drop-in suits families better")
    await harness.say("#stewards @sam /digest")
    posted = harness.take()
    assert "[#stewards] huddlebot" in posted
    async with harness.bot.sessions() as session:
        digests = (await session.exec(select(Digest).order_by(col(Digest.id)))).all()
    assert [(d.kind, d.circle_id) for d in digests] == [("steward", "stewards")]
    await harness.say("#core @sam /digest")
    async with harness.bot.sessions() as session:
        kinds = [d.kind for d in (await session.exec(select(Digest))).all()]
    assert sorted(kinds) == ["huddle", "steward"]


async def test_only_stewards_start_a_pulse_from_slack(tmp_path: Path, database_url: str) -> None:
    async with slack_world(
        SLACK_CONFIG, database_url, tmp_path, people={SLACK_ALEX: ("Alex Morgan", "alex")}
    ) as world:
        start = ev.slash_command(
            text="pulse start", user_id=SLACK_ALEX, channel_id=SLACK_CHANNEL, trigger_id="t-1"
        )
        assert await world.form(start) == 200
        [answer] = world.slack.calls("chat.postEphemeral")
        assert "pulse start" in str(answer.params) and "steward" in str(answer.params)
        async with world.harness.bot.sessions() as session:
            assert (await session.exec(select(PulseCheck))).all() == []
