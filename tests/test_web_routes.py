"""The platform routes are served by the bot's own web app, next to /healthz, over real HTTP."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import select

from adapters.registry import platform_adapters
from adapters.slack.adapter import SlackAdapter
from adapters.telegram.adapter import TelegramAdapter
from bot.app import running
from bot.config.environment import Settings
from bot.config.partnership import load_config
from bot.core.background import Background
from bot.errors import ConfigError
from bot.storage.models import Entry
from bot.web import WebServer, build_web_app
from tests.fakes import slack_events as ev
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.harness import open_harness

SECRET = "s3cret-token_1"


async def test_slack_and_telegram_routes_on_the_bot_web_app(
    config_file: Path, database_url: str
) -> None:
    async with FakeSlackAPI() as slack, FakeTelegramAPI() as telegram:
        slack.add_user("U0ALEX", real_name="Alex Morgan")
        slack_adapter = SlackAdapter(
            bot_token="xoxb-test", signing_secret=ev.SIGNING_SECRET, api_url=slack.url
        )
        telegram_adapter = TelegramAdapter(
            token=telegram.token,
            api_url=telegram.url,
            webhook_url="https://bot.example.org",
            webhook_secret=SECRET,
        )
        async with (
            open_harness(
                load_config(config_file),
                database_url,
                extra_adapters=(slack_adapter, telegram_adapter),
                connect=False,
            ) as harness,
            Background() as background,
            running(harness.bot, background=background) as server,
        ):
            assert server is not None
            base = f"http://127.0.0.1:{server.port}"
            command = ev.slash_command(
                text="learned Evening drop-ins suit families",
                user_id="U0ALEX",
                channel_id="C0CORE",
                trigger_id="trig-web",
            )
            body, headers = ev.form_request(command, timestamp=int(time.time()))
            update = telegram.message_update(-1001, "/celebrate A new volunteer joined")
            async with aiohttp.ClientSession() as client:
                async with client.post(f"{base}/slack/events", data=body, headers=headers) as r:
                    assert r.status == 200
                forged = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
                async with client.post(
                    f"{base}/telegram/webhook", json=update, headers=forged
                ) as r:
                    assert r.status == 403
                good = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                async with client.post(f"{base}/telegram/webhook", json=update, headers=good) as r:
                    assert r.status == 200
                async with client.get(f"{base}/healthz") as r:
                    assert (await r.json())["platforms"] == ["console", "slack", "telegram"]
            async with harness.bot.sessions() as session:
                stored = (await session.exec(select(Entry).order_by(Entry.id))).all()
    assert [(e.platform, e.kind, e.text) for e in stored] == [
        ("slack", "learning", "Evening drop-ins suit families"),
        ("telegram", "celebration", "A new volunteer joined"),
    ]
    assert telegram.webhook.get("url", "").endswith("/telegram/webhook")


def test_platform_settings_without_a_bot_token_are_a_clear_error(tmp_path: Path) -> None:
    assert platform_adapters(Settings.from_env({}, cwd=tmp_path).platforms.found) == []
    for env, key in (
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
        ({"TELEGRAM_WEBHOOK_URL": "https://x.example"}, "TELEGRAM_BOT_TOKEN"),
    ):
        settings = Settings.from_env(env, cwd=tmp_path)
        with pytest.raises(ConfigError) as problem:
            platform_adapters(settings.platforms.found)
        assert key in str(problem.value) and "how to fix" in str(problem.value)


async def test_a_port_already_taken_stops_start_up_naming_the_setting() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = build_web_app([], health=_healthy)
        async with Background() as background:
            with pytest.raises(ConfigError) as refused:
                async with WebServer(app, host="127.0.0.1", port=port, background=background):
                    pass
    said = str(refused.value)
    assert "HUDDLEBOT_PORT" in said and f"127.0.0.1:{port}" in said and "free port" in said


async def _healthy() -> dict[str, object]:
    return {}
