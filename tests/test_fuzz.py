"""Signed hostile requests through the bot's real HTTP routes: no 5xx, no traceback.

It runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set, where column lengths, NUL
bytes and 32-bit integers are enforced by the server. The run is seeded and bounded (`FUZZ_COUNT`
requests, a few seconds). For a longer run set
`HUDDLEBOT_FUZZ_COUNT` (and `HUDDLEBOT_FUZZ_SEED`), e.g. `HUDDLEBOT_FUZZ_COUNT=10000 pytest
tests/test_fuzz.py`; `bench/hostile.py` prints the figures of such a run.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import select

from adapters.slack.adapter import SlackAdapter
from adapters.telegram.adapter import TelegramAdapter
from bot.app import running
from bot.config.partnership import load_config
from bot.core.background import Background
from bot.storage.models import Entry
from tests.fakes import slack_events as ev
from tests.fakes.hostile import TELEGRAM_CHAT, TELEGRAM_SECRET, drive
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.harness import open_harness

FUZZ_COUNT = int(os.environ.get("HUDDLEBOT_FUZZ_COUNT", "400"))
FUZZ_SEED = int(os.environ.get("HUDDLEBOT_FUZZ_SEED", "15"))
LINE_LIMIT = 4096 + 64


async def test_signed_hostile_bodies_get_no_5xx_and_a_normal_reply_is_answered_after(
    config_file: Path, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeSlackAPI() as slack, FakeTelegramAPI() as telegram:
        slack.add_user("U0ALEX", real_name="Alex Morgan")
        adapters = (
            SlackAdapter(
                bot_token="xoxb-test", signing_secret=ev.SIGNING_SECRET, api_url=slack.url
            ),
            TelegramAdapter(
                token=telegram.token,
                api_url=telegram.url,
                webhook_url="https://bot.example.org",
                webhook_secret=TELEGRAM_SECRET,
            ),
        )
        async with (
            open_harness(
                load_config(config_file), database_url, extra_adapters=adapters, connect=False
            ) as harness,
            Background() as background,
            running(harness.bot, background=background) as server,
        ):
            assert server is not None
            base = f"http://127.0.0.1:{server.port}"
            with caplog.at_level(logging.INFO):  # the default level; DEBUG adds the libraries'
                outcome = await drive(base, count=FUZZ_COUNT, seed=FUZZ_SEED)
                await harness.bot.dispatcher.drain()
            records = list(caplog.records)
            answered_before = len(telegram.sent())
            update = telegram.message_update(TELEGRAM_CHAT, "/learned Plain words still work")
            headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
            async with (
                aiohttp.ClientSession() as client,
                client.post(f"{base}/telegram/webhook", json=update, headers=headers) as answer,
            ):
                assert answer.status == 200
            await harness.bot.dispatcher.drain()
            assert not background.failed.is_set()
            async with harness.bot.sessions() as session:
                texts = [e.text for e in (await session.exec(select(Entry))).all()]
            answered_after = len(telegram.sent())
    assert sum(outcome.statuses.values()) == FUZZ_COUNT and outcome.failures == 0
    assert not [s for s in outcome.statuses if s >= 500], outcome.statuses
    tracebacks = [r for r in records if r.exc_info]
    assert not tracebacks, [logging.Formatter().format(r)[-1500:] for r in tracebacks[:3]]
    long = [
        f"{r.name}: {len(r.getMessage())}"
        for r in records
        if len(r.getMessage()) >= LINE_LIMIT and r.name != "aiohttp.access"
    ]
    assert not long, long
    surrogates = [r.name for r in records if not r.getMessage().isascii() and _surrogate(r)]
    assert not surrogates, surrogates
    assert "Plain words still work" in texts
    assert answered_after > answered_before


def _surrogate(record: logging.LogRecord) -> bool:
    return any(0xD800 <= ord(char) <= 0xDFFF for char in record.getMessage())
