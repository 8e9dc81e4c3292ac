"""Real `huddlebot run` processes for tests: started with the real command, watched from outside,
stopped gently or killed with SIGKILL."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import aiohttp

from tests.fakes.slack_api import FakeSlackAPI

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def base_environment(data: Path, database_url: str, **platforms: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_"))}
    env.update(HUDDLEBOT_DATA_DIR=str(data), DATABASE_URL=database_url, **platforms)
    return env


class BotProcess:
    """One `huddlebot run`, on a port of its own."""

    def __init__(self, env: dict[str, str], config: Path, *, name: str) -> None:
        self.env = {**env, "HUDDLEBOT_PORT": str(free_port())}
        self.config = config
        self.name = name
        self.process: asyncio.subprocess.Process | None = None
        self.killed = False
        self.errors = ""

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self, *, within: float = 45.0) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli.main",
            "--config",
            str(self.config),
            "run",
            cwd=ROOT,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{self.env['HUDDLEBOT_PORT']}/healthz"
        async with aiohttp.ClientSession() as client, asyncio.timeout(within):
            while True:
                assert self.process.returncode is None, f"{self.name} stopped at start"
                try:
                    async with client.get(url) as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)  # polling a process that is starting up

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine or container dies."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.killed = True

    async def stop(self) -> None:
        if self.process is None:
            return
        if self.process.returncode is None and not self.killed:
            self.process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(self.process.communicate(), timeout=60)
        self.errors = err.decode()


def posted_keys(slack: FakeSlackAPI) -> Counter[str]:
    """How many times each outbox part (by its key, carried in the message metadata) was posted."""
    keys: Counter[str] = Counter()
    for record in slack.posted():
        metadata = record.params.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        keys[metadata["event_payload"]["key"]] += 1  # type: ignore[index]
    return keys


async def until(condition: Callable[[], bool], *, within: float, what: str) -> None:
    """Wait for something another process does; it has no way to tell this one."""
    try:
        async with asyncio.timeout(within):
            while not condition():  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"waited {within:g}s for {what}") from None
