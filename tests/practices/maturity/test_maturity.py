"""System Maturity Model rounds through the console: private scores by button and by typing,
a reveal without names, agreed scores, the change since the last round, and a focus."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.practices.maturity.models import MaturityAgreed, MaturityRound, MaturityScore
from bot.practices.maturity.practice import DIMENSIONS, dimension_of, parse_score, spread
from tests.fakes import slack_events as ev
from tests.fakes.telegram_api import start_from_link
from tests.fakes.telegram_updates import user
from tests.harness import Harness
from tests.worlds import (
    SLACK_ALEX,
    SLACK_CHANNEL,
    SLACK_CONFIG,
    TELEGRAM_CONFIG,
    SlackWorld,
    slack_world,
    telegram_world,
)
from tests.worlds import TELEGRAM_GROUP as GROUP
from tests.worlds import TelegramWorld as World

MONDAY = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
PEOPLE = ("ana", "ben", "cleo")


async def rounds(harness: Harness) -> list[MaturityRound]:
    async with harness.bot.sessions() as session:
        query = select(MaturityRound).order_by(col(MaturityRound.id))
        return list((await session.exec(query)).all())


async def start(harness: Harness) -> int:
    for name in PEOPLE:
        await harness.say(f"#core @{name} /help")
    harness.take()
    await harness.say("#core @ana /maturity start")
    round_id = (await rounds(harness))[-1].id
    assert round_id is not None
    return round_id


async def score_all(harness: Harness, name: str, base: int) -> None:
    for number, key in enumerate(DIMENSIONS):
        await harness.say(f"#core @{name} /score {key} {1 + (base + number) % 5}")


async def test_a_round_from_private_scores_to_agreement(harness: Harness) -> None:
    await harness.until(MONDAY)
    harness.take()
    round_id = await start(harness)
    started = harness.take()
    assert "[#core] huddlebot" in started and "A System Maturity Model round has begun" in started
    for name in PEOPLE:
        assert f"[@{name}, privately]" in started
    assert "Vision*: How far we share a picture" in started
    assert f"/press maturity {round_id}:vision:3" in started

    # a button, then typing, then a second score that updates the first
    await harness.say(f"#core @ana /press maturity {round_id}:vision:3")
    pressed = harness.take()
    assert "only @ana sees this" in pressed and "Thank you: Vision 3, in the round of" in pressed
    assert "8 to go. Next:" in pressed and "Collaboration" in pressed
    assert f"/press maturity {round_id}:collaboration:1" in pressed
    await harness.say("#core @ben /score vision 4 because we agreed our aims last spring")
    assert "Thank you: Vision 4, in the round of" in harness.take()
    await harness.say("#core @ben /score Vision 5")
    assert "Changed: Vision is now 5, in the round of" in harness.take()
    async with harness.bot.sessions() as session:
        ben = (await session.exec(select(MaturityScore).where(MaturityScore.score == 5))).one()
    assert ben.reason == "we agreed our aims last spring"  # kept when the score changed

    # scores stay private until everyone has scored
    await score_all(harness, "ana", 0)
    await score_all(harness, "ben", 1)
    waiting = harness.take()
    assert "[#core] huddlebot" not in waiting and "Where Core partnership" not in waiting
    assert "That is all nine" in waiting
    await score_all(harness, "cleo", 2)
    reveal = harness.take()
    assert "Where Core partnership sees itself" in reveal
    assert "3 people scored" in reveal
    # vision: ana 1, ben 2, cleo 3 (the last scores stand)
    assert "Vision: 3 scored; 1 / 2 / 3" in reveal
    assert "Ana" not in reveal and "Ben" not in reveal and "Cleo" not in reveal
    assert (await rounds(harness))[0].closed_at is not None

    await harness.say("#core @ana /score vision 2")
    assert "That round has closed" in harness.take()

    # the group agrees, dimension by dimension
    await harness.say("#core @cleo /maturity agree vision 2 because aims are shared on paper")
    agreed = harness.take()
    assert "[#core] huddlebot" in agreed and "Agreed for Core partnership: *Vision* 2." in agreed
    assert "aims are shared on paper" in agreed and "Still to agree: Collaboration" in agreed
    for key in list(DIMENSIONS)[1:]:
        await harness.say(f"#core @cleo /maturity agree {key} 3")
    summary = harness.take()
    assert "All nine agreed" in summary and "first round with agreed scores" in summary
    assert "maturity focus" in summary
    await harness.say("#core @ben /maturity focus involvement and finance")
    assert "will work on Involvement and Finance next" in harness.take()

    # a second round shows the change since the first
    await harness.until(MONDAY + timedelta(days=30))
    await harness.say("#core @ana /maturity start")
    for n, name in enumerate(PEOPLE):
        await score_all(harness, name, n)
    harness.take()
    await harness.say("#core @cleo /maturity agree vision 4")
    assert "*Vision* 4 (last round 2, up 2)." in harness.take()
    await harness.say("#core @cleo /maturity agree finance 1")
    assert "*Finance* 1 (last round 3, down 2)." in harness.take()
    await harness.say("#core @cleo /maturity history")
    history = harness.take()
    assert history.count("Round of") == 2 and "Focus: Involvement, Finance" in history
    assert "\n    Focus: Involvement, Finance" in history  # on a line of its own
    assert len(await rounds(harness)) == 2
    async with harness.bot.sessions() as session:
        kept = (await session.exec(select(MaturityAgreed))).all()
    assert len(kept) == 9 + 2  # every round is kept


async def test_the_deadline_closes_a_round_and_hides_thin_dimensions(harness: Harness) -> None:
    await harness.until(MONDAY)
    await start(harness)
    for name in PEOPLE:
        await harness.say(f"#core @{name} /score vision 3")
    await harness.say("#core @ana /score finance 2")
    await harness.say("#core @ben /score finance 4")
    harness.take()
    await harness.until(MONDAY + timedelta(days=6))
    assert "Where Core partnership" not in harness.take()
    await harness.until(MONDAY + timedelta(days=7, hours=1))
    reveal = harness.take()
    assert "Vision: 3 scored; 3 / 3 / 3" in reveal
    assert "Finance: fewer than 3 scores, so not shown" in reveal
    assert "2 / " not in reveal and "4" not in reveal.split("Finance")[1].split("\n")[0]


async def test_bad_input_gets_kind_answers(harness: Harness) -> None:
    await harness.until(MONDAY)
    await harness.say("#core @ana /score vision 3")
    assert "no maturity round open" in harness.take()
    await harness.say("#core @ana /maturity agree vision 3")
    assert "no closed round" in harness.take()
    round_id = await start(harness)
    harness.take()
    await harness.say("#core @ana /maturity start")
    assert "A round is already open" in harness.take()
    await harness.say("#core @ana /score visoin 3")
    assert "I don't know a dimension called `visoin`" in harness.take()
    await harness.say("#core @ana /score vision 7")
    assert "Scores are whole numbers from 1" in harness.take()
    await harness.say("#core @ana /score vision three")
    assert "`three` is not a score" in harness.take()
    await harness.say("#core @ana /score vision")
    assert "What score would you give Vision?" in harness.take()
    await harness.say(f"#core @ana /press maturity {round_id}:vision:9")
    assert "no maturity round open" in harness.take()
    await harness.say("#core @ana /maturity dance")
    assert "maturity start" in harness.take()
    await harness.say("#stewards @dev /score vision 3")
    assert "no maturity round open" in harness.take()
    await harness.say(f"#stewards @dev /press maturity {round_id}:vision:3")
    assert "circle you are not part of" in harness.take()
    await harness.say("#core @ana /maturity focus vision finance learning")
    assert "Choose one or two dimensions" in harness.take()
    await harness.say("#core @ana /maturity focus nothing")
    assert "I don't know a dimension called `nothing`" in harness.take()


def test_reading_scores_and_dimensions() -> None:
    assert dimension_of("Service Delivery") == "service_delivery"
    assert dimension_of("planning/strategy") == "planning"
    assert dimension_of("learning and improvement") == "learning"
    assert dimension_of("workforce-development") == "workforce"
    assert dimension_of("speed") is None
    assert parse_score("service delivery 2 because people fall between teams") == (
        "service_delivery",
        2,
        "people fall between teams",
    )
    assert parse_score("finance 5") == ("finance", 5, "")
    assert spread([1, 2, 4, 5], 3) == {
        "count": 4,
        "shown": True,
        "lowest": 1,
        "middle": "3",
        "highest": 5,
    }
    assert spread([2, 3], 3)["shown"] is False and spread([2, 3], 3)["lowest"] is None


@pytest.fixture
async def telegram(tmp_path: Path, database_url: str) -> AsyncIterator[World]:
    async with telegram_world(TELEGRAM_CONFIG, database_url, tmp_path) as world:
        yield world


async def test_through_telegram_scores_by_button_in_a_private_chat(telegram: World) -> None:
    h, fake = telegram.harness, telegram.fake
    ada = user(1001, "Ada", "Okafor")
    await telegram.push(fake.message_update(1001, start_from_link("core"), sender=ada))
    await h.say("#core @sam /maturity start")
    asked = next(m for m in fake.sent_messages if "How is Core partnership doing?" in m["text"])
    assert asked["chat"]["id"] == 1001  # privately
    data = [b["callback_data"] for row in asked["reply_markup"]["inline_keyboard"] for b in row]
    assert data == [f"maturity|1:vision:{n}" for n in range(1, 6)]
    assert not any("How is" in m["text"] for m in fake.sent(GROUP))

    await telegram.push(fake.callback_update(asked, "maturity|1:vision:4", sender=ada))
    scored = fake.sent(1001)[-1]
    assert (
        "Thank you: Vision 4, in the round of" in scored["text"]
        and "Collaboration" in scored["text"]
    )
    follow = [b["callback_data"] for row in scored["reply_markup"]["inline_keyboard"] for b in row]
    assert follow[0] == "maturity|1:collaboration:1"
    assert not any("Vision 4" in m["text"] for m in fake.sent(GROUP))  # scores stay private


@pytest.fixture
async def slack(tmp_path: Path, database_url: str) -> AsyncIterator[SlackWorld]:
    # the circle's Slack channel, and the console in the same circle for the steward
    rooms = f'rooms = [{{ platform = "slack", channel = "{SLACK_CHANNEL}" }}]'
    assert rooms in SLACK_CONFIG
    both = f'rooms = [{{ platform = "slack", channel = "{SLACK_CHANNEL}" }}, ' + (
        '{ platform = "console", channel = "core" }]'
    )
    config = SLACK_CONFIG.replace(rooms, both, 1)
    people = {SLACK_ALEX: ("Alex Morgan", "alex")}
    async with slack_world(config, database_url, tmp_path, people=people) as world:
        yield world


async def test_through_slack_scores_by_button_privately(slack: SlackWorld) -> None:
    h, api = slack.harness, slack.slack
    hello = ev.slash_command(
        text="help", user_id=SLACK_ALEX, channel_id=SLACK_CHANNEL, trigger_id="t-hi"
    )
    assert await slack.form(hello) == 200  # Alex is seen in the circle's channel
    await h.say("#core @sam /maturity start")
    [asked] = [c for c in api.posted(SLACK_ALEX) if "How is Core partnership" in str(c.params)]
    blocks = str(asked.params.get("blocks"))
    assert "1:vision:4" in blocks  # one tap per score
    assert not any("How is" in str(c.params) for c in api.posted(SLACK_CHANNEL))

    press = ev.block_actions(
        user_id=SLACK_ALEX,
        channel_id=SLACK_ALEX,
        message_ts="1700000700.000700",
        action_id="maturity#3",
        value="1:vision:4",
        action_ts="1700000701.000001",
    )
    assert await slack.form(ev.interaction_fields(press)) == 200
    # the thanks is for Alex alone, with the next dimension's buttons
    [thanks] = [c for c in api.calls("chat.postEphemeral") if "Vision 4" in str(c.params)]
    assert thanks.params["user"] == SLACK_ALEX
    assert "1:collaboration:4" in str(thanks.params["blocks"])
    assert not any("Vision 4" in str(c.params) for c in api.posted(SLACK_CHANNEL))


async def test_a_typed_score_goes_to_the_round_still_open(harness: Harness) -> None:
    """Ana is in two circles: a round closed in one since the other's opened does not stop her
    scoring the open one from a private chat, and the answer says whose round it is."""
    await harness.say("#core @ana /help")
    await harness.say("#stewards @ana /help")
    await harness.say("#core /maturity start")
    await harness.until(harness.clock.now() + timedelta(hours=1))
    await harness.say("#stewards /maturity start")
    await harness.say("#stewards /maturity close")
    harness.take()
    await harness.say("@ana /dm /score vision 3")
    scored = harness.take()
    assert "Thank you: Vision 3, in the round of Core partnership" in scored
    assert "has closed" not in scored
