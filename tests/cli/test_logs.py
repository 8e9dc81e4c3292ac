"""Logs at DEBUG carry no request bodies, people's words or tokens, whatever the libraries log."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

from bot import logs
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.telegram_api import FakeTelegramAPI

ROOT = Path(__file__).resolve().parents[2]
SLACK_TOKEN = "xoxb-1111-2222-secrettokenvalue"

CONFIG = """
[partnership]
name = "Riverside"
timezone = "Europe/London"

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [
    { platform = "slack", channel = "C0CORE" },
    { platform = "telegram", chat = "-1001234" },
]
"""


async def test_debug_logs_of_a_command_that_posts_show_no_words_or_tokens(tmp_path: Path) -> None:
    (tmp_path / "huddlebot.toml").write_text(CONFIG)
    async with FakeSlackAPI() as slack, FakeTelegramAPI() as telegram:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_"))}
        env.update(
            HUDDLEBOT_LOG_LEVEL="DEBUG",
            HUDDLEBOT_DATA_DIR=str(tmp_path / "data"),
            SLACK_BOT_TOKEN=SLACK_TOKEN,
            SLACK_SIGNING_SECRET="not-a-real-secret",
            SLACK_API_URL=slack.url,
            TELEGRAM_BOT_TOKEN=telegram.token,
            TELEGRAM_API_URL=telegram.url,
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "prompt",
            "--circle",
            "core",
            "--prompt",
            "learned",
            cwd=tmp_path,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    log = err.decode()
    assert process.returncode == 0, log
    assert "What did we learn?" in telegram.sent(-1001234)[0]["text"]
    assert slack.posted("C0CORE")  # both platforms were written to
    assert " DEBUG " in log  # the level was honoured for huddlebot's own lines
    assert "What did we learn?" not in log
    assert SLACK_TOKEN not in log and telegram.token not in log
    assert "body_params" not in log and "with parameters" not in log  # the SDKs' request dumps


def test_warnings_from_the_libraries_are_masked() -> None:
    record = logging.LogRecord(
        "slack_bolt.App",
        logging.WARNING,
        __file__,
        1,
        "Unhandled request (%s) at %s with xoxb-123-abc",
        ({"event": {"text": "my private words"}}, "https://api.telegram.org/bot1/sendMessage"),
        None,
    )
    assert logs.Redacted().filter(record)
    shown = record.getMessage()
    assert "private words" not in shown and "telegram.org" not in shown and "xoxb" not in shown
    assert shown.startswith("Unhandled request")
    quiet = logging.LogRecord("httpx", logging.INFO, __file__, 1, "HTTP Request: POST", (), None)
    assert not logs.Redacted().filter(quiet)
    ours = logging.LogRecord("bot.core", logging.DEBUG, __file__, 1, "a {x}", (), None)
    assert logs.Redacted().filter(ours) and ours.getMessage() == "a {x}"


def test_the_slack_clients_do_not_build_the_debug_lines_they_would_drop() -> None:
    """Slack's Web API clients ask their logger's own level (not the one it inherits) before
    formatting each request as a debug line: unset, it reads as DEBUG, and every call paid for
    a line that was then dropped."""
    from slack_sdk.web.async_client import AsyncWebClient

    root = logging.getLogger()
    names = (*logs.PLATFORM_LOGGERS, *logs.LEVEL_READ_DIRECTLY, *logs.QUIET_LOGGERS)
    saved = {name: logging.getLogger(name).level for name in names}
    saved_root = (root.level, list(root.handlers))
    try:
        for name in logs.LEVEL_READ_DIRECTLY:
            logging.getLogger(name).setLevel(logging.NOTSET)
        before = AsyncWebClient(token="xoxb-test")
        assert before._logger.level <= logging.DEBUG  # what the client asks: it would build
        logs.configure({"HUDDLEBOT_LOG_LEVEL": "DEBUG"})
        client = AsyncWebClient(token="xoxb-test")
        assert not client._logger.level <= logging.DEBUG
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
        root.setLevel(saved_root[0])
        root.handlers[:] = saved_root[1]
