"""One-shot commands beside a running bot: the real `huddlebot run` process fans prompts out to
30 Slack channels (a fake Web API in this test) while each one-shot command runs; every part is
posted exactly once. A second `huddlebot run` on the same SQLite file refuses to start."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from tests.fakes.slack_api import FakeSlackAPI

ROOT = Path(__file__).resolve().parents[2]
ROOMS = 30

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the run lock is POSIX")


def config(rooms: int = ROOMS) -> str:
    channels = ", ".join(f'{{ platform = "slack", channel = "C{n:08d}" }}' for n in range(rooms))
    return f"""
[partnership]
name = "Riverside"
timezone = "Europe/London"

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [{channels}]

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{{ platform = "slack", channel = "C9STEWARDS" }}]
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(slack: FakeSlackAPI, data: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="not-a-real-secret",
        SLACK_API_URL=slack.url,
        HUDDLEBOT_DATA_DIR=str(data),
        HUDDLEBOT_PORT=str(free_port()),
        DATABASE_URL=database_url,
    )
    return env


async def huddlebot(env: dict[str, str], *args: str, within: float = 60.0) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        *args,
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=within)
    assert process.returncode is not None
    return process.returncode, out.decode() + err.decode()


@asynccontextmanager
async def running_bot(env: dict[str, str], config_path: Path) -> AsyncIterator[None]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        "--config",
        str(config_path),
        "run",
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{env['HUDDLEBOT_PORT']}/healthz"
    try:
        async with aiohttp.ClientSession() as client, asyncio.timeout(30):
            while True:
                assert process.returncode is None, "huddlebot run stopped at start"
                try:
                    async with client.get(url) as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)  # polling a process that is starting up
        yield
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(process.communicate(), timeout=60)
        assert "Traceback" not in err.decode(), err.decode()


def posted_keys(slack: FakeSlackAPI) -> Counter[str]:
    keys: Counter[str] = Counter()
    for record in slack.posted():
        metadata = record.params.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        keys[metadata["event_payload"]["key"]] += 1
    return keys


async def all_posted(slack: FakeSlackAPI, count: int, *, within: float = 60.0) -> None:
    async with asyncio.timeout(within):
        # the bot is another process with no way to signal this one: look at the fake's record
        while len(slack.posted()) < count:  # noqa: ASYNC110
            await asyncio.sleep(0.1)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "huddlebot.toml"
    path.write_text(config())
    return path


async def test_each_one_shot_command_beside_a_fan_out_doubles_nothing(
    tmp_path: Path, config_path: Path, database_url: str
) -> None:
    async with FakeSlackAPI() as slack:
        env = environment(slack, tmp_path / "data", database_url)
        command = ("--config", str(config_path))
        async with running_bot(env, config_path):
            code, output = await huddlebot(
                env, *command, "prompt", "--circle", "core", "--prompt", "learned"
            )
            assert code == 0, output
            for one_shot in (
                ("export", "--circle", "core"),
                ("digest", "--circle", "core", "--dry-run"),
                ("experiment", "list"),
                ("forget", "--replay"),
                ("prompt", "--circle", "core", "--prompt", "blocking"),
            ):
                code, output = await huddlebot(env, *command, *one_shot)
                assert code == 0, (one_shot, output)
                if one_shot[0] in ("export", "experiment") or "--dry-run" in one_shot:
                    # a command that only reads queues nothing, and does not say it did
                    assert "sends what this command queued" not in output, (one_shot, output)
            await all_posted(slack, 2 * ROOMS)
        keys = posted_keys(slack)
        assert len(keys) == 2 * ROOMS
        assert [key for key, times in keys.items() if times > 1] == []
        slack.assert_no_violations()


async def test_a_second_run_on_one_sqlite_file_refuses_to_start(
    tmp_path: Path, config_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path}/huddlebot.db"
    async with FakeSlackAPI() as slack:
        env = environment(slack, tmp_path / "data", database_url)
        async with running_bot(env, config_path):
            second = {**env, "HUDDLEBOT_PORT": str(free_port())}
            code, output = await huddlebot(second, "--config", str(config_path), "run")
        assert code == 2, output
        assert "already running on this SQLite database" in output
        assert "PostgreSQL" in output and "DATABASE_URL" in output
        assert "Traceback" not in output
        assert slack.posted() == []
