"""`huddlebot telegram links` and `huddlebot telegram commands` against the fake Bot API."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

from adapters.telegram.start_links import StartLinks
from tests.fakes.telegram_api import FakeTelegramAPI

ROOT = Path(__file__).resolve().parents[3]


async def huddlebot(
    fake: FakeTelegramAPI | None,
    tmp_path: Path,
    *args: str,
    config: str = "examples/huddlebot.toml",
) -> tuple[int, str, str]:
    """Run the `huddlebot` command as a person would, against `fake` (None: no token set)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_"))}
    env["HUDDLEBOT_DATA_DIR"] = str(tmp_path / "data")
    if fake is not None:
        env.update(TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_URL=fake.url)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        "--config",
        config,
        *args,
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode or 0, out.decode(), err.decode()


async def test_links_for_every_circle_but_the_stewards(tmp_path: Path) -> None:
    async with FakeTelegramAPI() as fake:
        code, out, err = await huddlebot(fake, tmp_path, "telegram", "links")
        fake.assert_no_violations()
    assert code == 0, err
    username = fake.bot["username"]
    links = dict(re.findall(rf"\((\S+)\): https://t\.me/{username}\?start=(\S+)", out))
    assert "stewards" not in links and "core" in links
    # each link is signed for its circle: a stranger cannot make one up from the circle's id
    signer = StartLinks(fake.token)
    assert {signer.circle_of(payload) for payload in links.values()} == set(links)
    assert links["core"] != "core" and StartLinks("another:token").circle_of(links["core"]) is None


async def test_commands_are_registered_with_descriptions(tmp_path: Path) -> None:
    async with FakeTelegramAPI() as fake:
        code, out, err = await huddlebot(fake, tmp_path, "telegram", "commands")
        fake.assert_no_violations()
    assert code == 0, err
    assert "Registered" in out
    names = [c["command"] for c in fake.commands]
    assert {"learned", "blocker", "celebrate", "story", "experiment", "help"} <= set(names)
    assert {"mydata", "forget"} <= set(names)  # the features' verbs too
    assert "digest" not in names  # stewards' verbs stay out of everyone's menu
    assert all(c["description"] for c in fake.commands)


async def test_without_a_token_the_command_says_what_to_set(tmp_path: Path) -> None:
    code, _out, err = await huddlebot(None, tmp_path, "telegram", "links")
    assert code == 2
    assert "TELEGRAM_BOT_TOKEN" in err and "Traceback" not in err


async def test_a_one_shot_prompt_sends_without_polling(tmp_path: Path) -> None:
    config = tmp_path / "huddlebot.toml"
    config.write_text(
        '[partnership]\nname = "R"\ntimezone = "Europe/London"\n\n'
        '[[circles]]\nid = "core"\nname = "Core"\nkind = "partnership"\n'
        'rooms = [{ platform = "telegram", chat = "-1001234" }]\n'
    )
    async with FakeTelegramAPI() as fake:
        code, _out, err = await huddlebot(
            fake,
            tmp_path,
            "prompt",
            "--circle",
            "core",
            "--prompt",
            "learned",
            config=str(config),
        )
        fake.assert_no_violations()
    assert code == 0, err
    assert "What did we learn?" in fake.sent(-1001234)[0]["text"]
    assert fake.calls("getUpdates") == []  # a running bot's poller is left alone
