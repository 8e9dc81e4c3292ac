"""A whole bot with the real Telegram adapter against the fake Bot API, for end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.telegram import TelegramAdapter
from bot.config import load_config
from tests.conftest import Harness, open_harness
from tests.fakes.telegram_api import FakeTelegramAPI, VirtualTime

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
