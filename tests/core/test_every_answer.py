"""Every person gets an answer: a button the bot no longer knows, and a failure of the bot's own,
each get a short, kind reply instead of silence."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.core.messages import Outgoing
from bot.core.router import Context
from bot.storage.models import SeenEvent
from tests.fakes import slack_events as ev
from tests.worlds import SLACK_ALEX as ALEX
from tests.worlds import SLACK_CHANNEL as CHANNEL
from tests.worlds import SLACK_CONFIG as CONFIG
from tests.worlds import SlackWorld, slack_world


@pytest.fixture
async def world(tmp_path: Path, database_url: str) -> AsyncIterator[SlackWorld]:
    async with slack_world(CONFIG, database_url, tmp_path, people={ALEX: ("Alex", "")}) as made:
        yield made


async def test_a_button_from_an_old_message_gets_a_kind_answer(world: SlackWorld) -> None:
    press = ev.block_actions(
        user_id=ALEX,
        channel_id=CHANNEL,
        message_ts="1700000300.000300",
        action_id="a_button_from_long_ago",
        value="1",
        action_ts="1700000301.000001",
    )
    assert await world.form(ev.interaction_fields(press)) == 200
    [answer] = world.slack.calls("chat.postEphemeral")
    assert answer.params["user"] == ALEX
    assert "That button no longer does anything" in str(answer.params["text"])


async def test_a_failure_of_the_bot_s_own_is_told_once_and_not_retried(
    world: SlackWorld, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    async def broken(ctx: Context, event: Any) -> list[Outgoing]:
        calls.append(event.dedup_key)
        raise RuntimeError("a bug in a handler")

    world.harness.bot.router.command("broken", broken, description="fails")
    command = ev.slash_command(
        text="broken please", user_id=ALEX, channel_id=CHANNEL, trigger_id="trig-broken"
    )
    assert await world.form(command) == 200
    assert await world.form(command) == 200  # the same request again changes nothing
    await world.harness.bot.dispatcher.drain()
    [apology] = world.slack.calls("chat.postEphemeral")
    assert apology.params["user"] == ALEX
    assert "something went wrong on my side" in str(apology.params["text"])
    assert "broken please" not in caplog.text  # the person's words stay out of the log
    assert len(calls) == 1
    async with world.harness.bot.sessions() as session:
        assert len((await session.exec(select(SeenEvent))).all()) == 1
