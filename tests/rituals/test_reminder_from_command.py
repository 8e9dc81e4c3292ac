"""A prompt asked with the one-shot `huddlebot prompt` gets its reminder from the running bot: the
reminder is kept in the database, and the bot picks it up (real processes, a fake Slack)."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage.database import open_database
from bot.storage.models import Identity, Membership, Person
from tests.delivery.processes import ROOT, BotProcess, base_environment, posted_keys, until
from tests.fakes.slack_api import FakeSlackAPI

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the run lock is POSIX")

CONFIG = """
[partnership]
name = "Riverside"
timezone = "UTC"

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [
  { platform = "slack", channel = "C00000001" },
  { platform = "slack", channel = "C00000002" },
]

[[circles.rituals]]
prompt = "learned"
cron = "0 9 * * MON"
window_hours = 48
reminder = true
reminder_after_hours = 0.002

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{ platform = "slack", channel = "C9STEWARDS" }]
"""


async def test_a_prompt_from_the_command_line_is_reminded_by_the_running_bot(
    tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "huddlebot.toml"
    path.write_text(CONFIG)
    async with FakeSlackAPI() as slack:
        env = base_environment(
            tmp_path / "data",
            database_url,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET="not-a-real-secret",
            SLACK_API_URL=slack.url,
        )
        bot = BotProcess(env, path, name="bot")
        await bot.start()
        await a_member(database_url)
        try:
            command = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli.main",
                "--config",
                str(path),
                "prompt",
                "--circle",
                "core",
                "--prompt",
                "learned",
                cwd=ROOT,
                env=bot.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            out, _ = await asyncio.wait_for(command.communicate(), timeout=60)
            assert command.returncode == 0, out.decode()
            # the reminder is due 7 seconds after the prompt, privately to the member who has not
            # answered; the bot looks for reminders every 10 seconds
            reminded = True
            try:
                await until(
                    lambda: any(key.startswith("reminder:") for key in posted_keys(slack)),
                    within=45,
                    what="the reminder",
                )
            except AssertionError:
                reminded = False
        finally:
            await bot.stop()
        assert reminded, (posted_keys(slack), bot.errors)
        assert "Traceback" not in bot.errors, bot.errors
    keys = posted_keys(slack)
    assert sorted(keys) == [
        "prompt:1|slack:C00000001::|1",
        "prompt:1|slack:C00000002::|1",
        "reminder:1:person:1|slack:D0MEMBER::|1",
    ]
    assert set(keys.values()) == {1}


async def a_member(url: str) -> None:
    """Someone in the circle who can be written to privately (as after their first reply)."""
    now = datetime.now(UTC)
    async with open_database(url, migrate=False) as sessions, sessions.begin() as session:
        person = Person(display_name="Ana", created_at=now)
        session.add(person)
        await session.flush()
        assert person.id is not None
        session.add(
            Identity(
                person_id=person.id,
                platform="slack",
                team_id="",
                user_id="U0MEMBER",
                display_name="Ana",
                dm_chat="D0MEMBER",
            )
        )
        session.add(Membership(person_id=person.id, circle_id="core", joined_at=now))
