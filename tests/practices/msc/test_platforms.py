"""A whole round through the fake Telegram Bot API and the fake Slack Web API, with the real SDK
clients: candidates and choices in private chats, the reveal and the selection in the group."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.storage.models import Entry
from tests.fakes import slack_events as ev
from tests.fakes.telegram_api import start_from_link
from tests.fakes.telegram_updates import user
from tests.harness import Harness
from tests.worlds import (
    SLACK_ALEX,
    SLACK_CHANNEL,
    SLACK_CONFIG,
    SLACK_SAM,
    TELEGRAM_CONFIG,
    SlackWorld,
    TelegramWorld,
    slack_world,
    telegram_world,
)
from tests.worlds import TELEGRAM_GROUP as GROUP


async def newest_story(harness: Harness) -> int:
    async with harness.bot.sessions() as session:
        query = select(Entry.id).where(Entry.kind == "story").order_by(col(Entry.id).desc())
        found = (await session.exec(query)).first()
    assert found is not None
    return found


def buttons(message: Any) -> list[str]:
    return [b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


@pytest.fixture
async def telegram(tmp_path: Path, database_url: str) -> AsyncIterator[TelegramWorld]:
    async with telegram_world(TELEGRAM_CONFIG, database_url, tmp_path) as world:
        yield world


async def test_a_round_through_telegram(telegram: TelegramWorld) -> None:
    h, fake = telegram.harness, telegram.fake
    ada, bo, cy = user(1001, "Ada", "Okafor"), user(1002, "Bo", None), user(1003, "Cy", None)
    for person in (ada, bo, cy):
        await telegram.push(
            fake.message_update(person["id"], start_from_link("core"), sender=person)
        )
    told = "/story Mo came back to the drop-in."
    await telegram.push(fake.message_update(1001, told, sender=ada))
    mo = await newest_story(h)
    await telegram.push(fake.message_update(1001, f"/story share {mo} circle", sender=ada))
    await telegram.push(fake.message_update(1002, "/story The housing team calls us.", sender=bo))
    housing = await newest_story(h)
    await telegram.push(fake.message_update(1002, f"/story share {housing} circle", sender=bo))

    await telegram.push(fake.message_update(GROUP, "/msc start", sender=ada))
    assert "Only stewards" in fake.sent()[-1]["text"]  # ada is no steward
    await h.say("#core @sam /msc start")
    [announce] = [m for m in fake.sent(GROUP) if "A round has begun" in m["text"]]
    assert "Mo came back" not in announce["text"]
    asks = [m for m in fake.sent_messages if "Which change matters most" in m["text"]]
    assert sorted(m["chat"]["id"] for m in asks) == [1001, 1002, 1003]  # each privately
    asked = next(m for m in asks if m["chat"]["id"] == 1001)
    assert "Mo came back" in asked["text"] and "The housing team" in asked["text"]
    assert buttons(asked) == ["msc|1:1", "msc|1:2"]

    await telegram.push(fake.callback_update(asked, "msc|1:2", sender=ada))
    assert "What makes it the most significant" in fake.sent(1001)[-1]["text"]
    reason = "it shows <b>services</b> changing & listening"
    await telegram.push(fake.message_update(1001, f"/msc because {reason}", sender=ada))
    assert "&lt;b&gt;services&lt;/b&gt; changing &amp; listening" in fake.sent(1001)[-1]["text"]
    await telegram.push(fake.message_update(1002, "/msc choose 1 because Mo trusts us", sender=bo))
    await telegram.push(fake.message_update(1003, "/msc choose 2 because calls", sender=cy))
    assert not any("Mo trusts us" in m["text"] for m in fake.sent(GROUP))  # private until close

    await h.say("#core @sam /msc close")
    [reveal] = [m for m in fake.sent(GROUP) if "found most significant" in m["text"]]
    assert "3 people chose" in reveal["text"] and "Mo trusts us" in reveal["text"]
    assert "&lt;b&gt;services&lt;/b&gt;" in reveal["text"]
    assert "Ada" not in reveal["text"] and "Bo" not in reveal["text"]

    await telegram.push(
        fake.message_update(GROUP, "/msc select 2 because services listen now", sender=cy)
    )
    assert any("chose story 2" in m["text"] for m in fake.sent(GROUP))
    chosen = fake.sent(1002)[-1]["text"]
    assert "Your story was chosen" in chosen and "services listen now" in chosen
    thanks = fake.sent(1001)[-1]["text"]
    assert "Thank you for your story" in thanks and "housing" not in thanks
    assert not any(
        "Your story" in m["text"] or "Thank you for your story" in m["text"]
        for m in fake.sent(1003)
    )  # cy told no story


SLACK_BOTH = SLACK_CONFIG.replace(
    f'rooms = [{{ platform = "slack", channel = "{SLACK_CHANNEL}" }}]',
    f'rooms = [{{ platform = "slack", channel = "{SLACK_CHANNEL}" }}, '
    '{ platform = "console", channel = "core" }]',
    1,
).replace(
    'timezone = "Europe/London"\n', 'timezone = "Europe/London"\nanonymity_threshold = 2\n', 1
)


@pytest.fixture
async def slack(tmp_path: Path, database_url: str) -> AsyncIterator[SlackWorld]:
    assert "anonymity_threshold = 2" in SLACK_BOTH and '"console", channel = "core"' in SLACK_BOTH
    people = {SLACK_ALEX: ("Alex Morgan", "alex"), SLACK_SAM: ("Sam Lee", "sam")}
    async with slack_world(SLACK_BOTH, database_url, tmp_path, people=people) as world:
        yield world


_triggers = iter(range(1, 1000))


def slash(text: str, who: str, channel: str = SLACK_CHANNEL) -> dict[str, str]:
    trigger = f"t-{next(_triggers)}"
    return ev.slash_command(text=text, user_id=who, channel_id=channel, trigger_id=trigger)


async def test_a_round_through_slack(slack: SlackWorld) -> None:
    h, api = slack.harness, slack.slack
    assert await slack.form(slash("story The housing team now calls us first.", SLACK_ALEX)) == 200
    story = await newest_story(h)
    assert await slack.form(slash(f"story share {story} circle", SLACK_ALEX)) == 200
    assert await slack.form(slash("help", SLACK_SAM)) == 200
    await h.say("#core @steward /msc start")
    [asked] = [c for c in api.posted(SLACK_ALEX) if "Which change matters" in str(c.params)]
    assert "1:1" in str(asked.params.get("blocks"))
    assert not any("housing team" in str(c.params) for c in api.posted(SLACK_CHANNEL))

    press = ev.block_actions(
        user_id=SLACK_ALEX,
        channel_id=SLACK_ALEX,
        message_ts="1700000700.000700",
        action_id="msc#0",
        value="1:1",
        action_ts=f"{time.time():.6f}",
    )
    assert await slack.form(ev.interaction_fields(press)) == 200
    assert "What makes it the most significant" in str(api.posted(SLACK_ALEX)[-1].params)
    reason = "<!channel> it changed *everything*"
    assert await slack.form(slash(f"msc because {reason}", SLACK_ALEX, "D0ALEX")) == 200
    await slack.form(slash("msc choose 1 because it was quick", SLACK_SAM, "D0SAM"))
    await h.say("#core @steward /msc choose 1 because it shows change")
    [reveal] = [c for c in api.posted(SLACK_CHANNEL) if "found most significant" in str(c.params)]
    text = str(reveal.params)
    assert "3 people chose" in text and "it was quick" in text
    assert "<!channel>" not in text  # nobody's words can ping a whole channel
    assert "Alex" not in text and "Sam" not in text

    assert await slack.form(slash("msc select 1 because it changed how we work", SLACK_SAM)) == 200
    assert any("chose story 1" in str(c.params) for c in api.posted(SLACK_CHANNEL))
    told = str(api.posted(SLACK_ALEX)[-1].params)
    assert "Your story was chosen" in told and "it changed how we work" in told
