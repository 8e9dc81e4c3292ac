"""`huddlebot check` run as a person would, against the fake Slack and Telegram APIs: one line per
finding, exit 0 when all is well, 1 when something needs fixing, 2 when the config is unusable,
and nothing sent to anyone."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import replace
from pathlib import Path

from bot.cli.check import database_finding
from bot.config.environment import Settings
from bot.storage.database import open_database
from tests.fakes.slack_api import FakeSlackAPI, api_error
from tests.fakes.telegram_api import FakeTelegramAPI

SLACK_TOKEN = "xoxb-check-test"


def config(slack: list[str], telegram: list[int]) -> str:
    rooms = [f'{{ platform = "slack", channel = "{c}" }}' for c in slack] + [
        f'{{ platform = "telegram", chat = "{c}" }}' for c in telegram
    ]
    return f"""
[partnership]
name = "Riverside"
timezone = "Europe/London"

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [{", ".join(rooms)}]

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{{ platform = "console", channel = "stewards" }}]
"""


async def check(
    folder: Path,
    *,
    slack: FakeSlackAPI | None = None,
    telegram: FakeTelegramAPI | None = None,
    **extra: str,
) -> tuple[int, str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "TELEGRAM_", "HUDDLEBOT_", "DATABASE_URL"))
    }
    if slack is not None:
        env.update(SLACK_BOT_TOKEN=SLACK_TOKEN, SLACK_SIGNING_SECRET="not-a-secret")
        env.update(SLACK_API_URL=slack.url)
    if telegram is not None:
        env.update(TELEGRAM_BOT_TOKEN=telegram.token, TELEGRAM_API_URL=telegram.url)
    env.update(extra)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "check",
        cwd=folder,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode or 0, out.decode(), err.decode()


def line_with(out: str, *words: str) -> str:
    found = [line for line in out.splitlines() if all(word in line for word in words)]
    assert len(found) == 1, f"no single line with {words}:\n{out}"
    return found[0]


def fix_after(out: str, *words: str) -> str:
    lines = out.splitlines()
    index = lines.index(line_with(out, *words))
    assert lines[index + 1].strip().startswith("how to fix:"), out
    return lines[index + 1]


def nothing_sent(slack: FakeSlackAPI, telegram: FakeTelegramAPI) -> None:
    assert not slack.calls("chat.postMessage") and not slack.calls("chat.postEphemeral")
    for method in ("sendMessage", "getUpdates", "setWebhook", "deleteWebhook"):
        assert telegram.calls(method) == [], method
    slack.assert_no_violations()
    telegram.assert_no_violations()


async def test_init_then_check_in_an_empty_folder(tmp_path: Path) -> None:
    init = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "init", cwd=tmp_path, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    await init.communicate()
    code, out, err = await check(tmp_path)
    assert code == 0, out + err
    assert line_with(out, "ok ", "config:", "huddlebot.toml is valid")
    assert line_with(out, "ok ", "database:", "no database yet")
    assert line_with(out, "ok ", "no Slack or Telegram token is set")
    assert sorted(os.listdir(tmp_path)) == ["huddlebot.toml"]  # check made nothing


async def test_what_needs_fixing_is_named_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "huddlebot.toml").write_text(
        config(["C0IN", "C0OUT", "C0GONE"], [-1001001, -4002, -1009])
    )
    async with FakeSlackAPI() as slack, FakeTelegramAPI() as telegram:
        slack.add_channel("C0IN", name="core", member=True)
        slack.add_channel("C0OUT", name="general", member=False)
        telegram.migrate(-4002, -1004002)
        telegram.chats.missing.add(-1009)
        code, out, err = await check(
            tmp_path,
            slack=slack,
            telegram=telegram,
            TELEGRAM_WEBHOOK_URL="https://bot.example.org",
            TELEGRAM_WEBHOOK_SECRET="s3cret",
        )
        nothing_sent(slack, telegram)
    assert code == 1, out + err
    assert "Traceback" not in err
    assert line_with(out, "ok ", "Slack:", "token accepted")
    assert line_with(out, "ok ", "#core (C0IN, Core partnership)", "the bot is in the channel")
    assert line_with(out, "FIX", "#general (C0OUT, Core partnership)", "not in this channel")
    assert "/invite @huddlebot" in fix_after(out, "C0OUT")
    assert line_with(out, "FIX", "channel C0GONE", "knows no channel")
    assert line_with(out, "ok ", "Telegram:", "token accepted", "@huddle_test_bot")
    assert line_with(out, "ok ", "privacy mode is on", "reply to the bot's message")
    assert line_with(out, "ok ", "chat -1001001 (Core partnership)", "reachable")
    assert line_with(out, "FIX", "chat -4002", "became a supergroup", "-1004002")
    assert 'chat = "-1004002"' in fix_after(out, "chat -4002")
    assert line_with(out, "FIX", "chat -1009", "knows no chat")
    assert line_with(out, "FIX", "Telegram:", "no webhook is set yet")


async def test_all_well_exits_0(tmp_path: Path) -> None:
    (tmp_path / "huddlebot.toml").write_text(config(["C0IN"], [-1001001]))
    async with FakeSlackAPI() as slack, FakeTelegramAPI() as telegram:
        slack.add_channel("C0IN", name="core", member=True)
        telegram.privacy_mode = False
        code, out, err = await check(tmp_path, slack=slack, telegram=telegram)
        nothing_sent(slack, telegram)
    assert code == 0, out + err
    assert "FIX" not in out
    assert line_with(out, "ok ", "privacy mode is off", "every message")


async def test_refused_tokens_and_a_missing_token(tmp_path: Path) -> None:
    (tmp_path / "huddlebot.toml").write_text(config(["C0IN"], [-1001001]))
    async with FakeSlackAPI() as slack, FakeTelegramAPI() as telegram:
        slack.queue("auth.test", api_error("invalid_auth"))
        code, out, _err = await check(
            tmp_path, slack=slack, telegram=telegram, TELEGRAM_BOT_TOKEN="999:not-the-right-one"
        )
    assert code == 1
    assert "OAuth" in fix_after(out, "Slack did not accept SLACK_BOT_TOKEN")
    assert "@BotFather" in fix_after(out, "Telegram did not accept TELEGRAM_BOT_TOKEN")

    async with FakeSlackAPI() as slack:
        slack.add_channel("C0IN", name="core")
        code, out, _err = await check(tmp_path, slack=slack)
    assert code == 1
    assert "set TELEGRAM_BOT_TOKEN" in fix_after(out, "Core partnership has rooms on Telegram")


async def test_a_config_that_cannot_be_read_exits_2(tmp_path: Path) -> None:
    (tmp_path / "huddlebot.toml").write_text('[partnership]\nname = "R"\n')
    code, out, err = await check(tmp_path)
    assert code == 2
    assert line_with(out, "FIX", "config:", "huddlebot.toml") and "Traceback" not in err


async def test_a_webhook_that_is_set_where_configured(tmp_path: Path) -> None:
    (tmp_path / "huddlebot.toml").write_text(config([], [-1001001]))
    async with FakeTelegramAPI() as telegram:
        telegram.webhook = {"url": "https://bot.example.org/telegram/webhook"}
        code, out, err = await check(
            tmp_path,
            telegram=telegram,
            TELEGRAM_WEBHOOK_URL="https://bot.example.org",
            TELEGRAM_WEBHOOK_SECRET="s3cret",
        )
    assert code == 0, out + err
    assert line_with(out, "ok ", "webhook is set to https://bot.example.org/telegram/webhook")


async def test_the_database_as_check_finds_it(tmp_path: Path, database_url: str) -> None:
    settings = replace(Settings.from_env({}, cwd=tmp_path), database_url=database_url)
    if settings.sqlite_path is not None:
        missing = await database_finding(settings)
        assert "no database yet" in missing.text and not settings.sqlite_path.exists()
    else:
        assert "is empty" in (await database_finding(settings)).text
    async with open_database(database_url):
        pass
    ready = await database_finding(settings)
    assert not ready.problem and "schema is up to date" in ready.text


async def test_a_misspelt_partnership_key_is_found_as_run_would(tmp_path: Path) -> None:
    init = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "init", cwd=tmp_path, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    await init.communicate()
    path = tmp_path / "huddlebot.toml"
    text = path.read_text().replace("[partnership]\n", '[partnership]\nerasur = "erase"\n', 1)
    path.write_text(text)
    code, out, err = await check(tmp_path)
    assert code == 2
    assert line_with(out, "FIX", "config:", "erasur") and "Traceback" not in err
