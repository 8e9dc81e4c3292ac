"""A whole bot with the real Telegram adapter against the fake Bot API, for end-to-end tests."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from adapters.slack.adapter import SlackAdapter
from adapters.telegram.adapter import TelegramAdapter
from bot.config.partnership import load_config
from tests.fakes import slack_events as ev
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_api import VirtualTime as SlackTime
from tests.fakes.telegram_api import FakeTelegramAPI, VirtualTime
from tests.harness import Harness, open_harness

TELEGRAM_GROUP = -1001234567

TELEGRAM_CONFIG = f"""
[partnership]
name = "Riverside"
timezone = "Europe/London"

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [
    {{ platform = "console", channel = "core" }},
    {{ platform = "telegram", chat = "{TELEGRAM_GROUP}" }},
]

[[circles.rituals]]
prompt = "learned"
cron = "0 9 * * MON"
window_hours = 48
reminder_after_hours = 24

[circles.digest]
cron = "0 16 * * THU"

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{{ platform = "console", channel = "stewards" }}]
"""
"""A circle with a console room and a Telegram group, and the stewards at the console."""


@dataclass
class TelegramWorld:
    harness: Harness
    fake: FakeTelegramAPI

    async def push(self, update: dict[str, Any]) -> None:
        """Deliver one update by polling, wait until the core has stored it, then deliver."""
        expected = self.harness.platform_events.handled + 1
        self.fake.push(update)
        await self.harness.platform_events.wait_for(expected)
        await self.harness.bot.dispatcher.drain()

    async def push_service(self, update: dict[str, Any]) -> None:
        """Deliver one update that is no event for the core (a service message), wait until the
        bot has taken it in, then deliver."""
        self.fake.push(update)
        await self.fake.confirmed(update)
        await self.harness.bot.dispatcher.drain()


@asynccontextmanager
async def telegram_world(
    config_text: str, database_url: str, tmp_path: Path
) -> AsyncIterator[TelegramWorld]:
    """A bot configured by `config_text`, polling the fake Bot API; checks the fake's log."""
    path = tmp_path / "huddlebot.toml"
    path.write_text(config_text)
    clock = VirtualTime()
    async with FakeTelegramAPI() as fake:
        adapter = TelegramAdapter(
            token=fake.token,
            api_url=fake.url,
            poll_timeout=1,
            monotonic=clock.monotonic,
            sleep=clock.sleep,
        )
        async with open_harness(
            load_config(path), database_url, extra_adapters=(adapter,)
        ) as harness:
            yield TelegramWorld(harness, fake)
        fake.assert_no_violations()


SLACK_CHANNEL = "C0CIRCLE"
SLACK_ALEX, SLACK_SAM = "U0ALEX", "U0SAM"

SLACK_CONFIG = f"""
[partnership]
name = "Riverside"
timezone = "Europe/London"

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [{{ platform = "slack", channel = "{SLACK_CHANNEL}" }}]

[[circles.rituals]]
prompt = "learned"
cron = "0 9 * * MON"
window_hours = 48
reminder = false

[circles.digest]
cron = "0 16 * * THU"

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{{ platform = "console", channel = "stewards" }}]
"""
"""A circle whose room is a Slack channel, and the stewards at the console."""


@dataclass
class SlackWorld:
    harness: Harness
    slack: FakeSlackAPI
    http: httpx.AsyncClient

    async def event(self, payload: dict[str, Any], *, retry_num: int | None = None) -> int:
        body, headers = ev.json_request(payload, timestamp=int(time.time()), retry_num=retry_num)
        response = await self.http.post("/slack/events", content=body, headers=headers)
        await self.harness.bot.dispatcher.drain()
        return response.status_code

    async def form(self, fields: dict[str, str]) -> int:
        body, headers = ev.form_request(fields, timestamp=int(time.time()))
        response = await self.http.post("/slack/events", content=body, headers=headers)
        await self.harness.bot.dispatcher.drain()
        return response.status_code


@asynccontextmanager
async def slack_world(
    config_text: str,
    database_url: str,
    tmp_path: Path,
    *,
    people: dict[str, tuple[str, str]],
) -> AsyncIterator[SlackWorld]:
    """A bot configured by `config_text`, its Slack route served in-process, the real Web API
    client talking to the fake; `people` maps user ids to (real name, display name)."""
    path = tmp_path / "huddlebot.toml"
    path.write_text(config_text)
    clock = SlackTime()
    async with FakeSlackAPI() as slack:
        for user_id, (real_name, display_name) in people.items():
            slack.add_user(user_id, real_name=real_name, display_name=display_name)
        adapter = SlackAdapter(
            bot_token="xoxb-test",
            signing_secret=ev.SIGNING_SECRET,
            api_url=slack.url,
            monotonic=clock.monotonic,
            sleep=clock.sleep,
        )
        app = Starlette(routes=list(adapter.routes()))
        async with (
            open_harness(load_config(path), database_url, extra_adapters=(adapter,)) as harness,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://huddlebot.test"
            ) as http,
        ):
            yield SlackWorld(harness, slack, http)
        slack.assert_no_violations()


ON_REQUEST_CONFIG = """
[partnership]
name = "Riverside Partnership"
timezone = "Europe/London"
anonymity_threshold = 2

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [{ platform = "console", channel = "core" }]

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{ platform = "console", channel = "stewards" }]

[[circles]]
id = "set"
name = "Tuesday set"
kind = "learning_set"
rooms = [{ platform = "console", channel = "set" }]
"""
"""A partnership with no schedules: every round starts because someone asked."""
