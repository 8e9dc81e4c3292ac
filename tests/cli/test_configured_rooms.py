"""The configuration is the truth about rooms: a room or circle taken out of it gets nothing
more (its history stays), and the bot says so at start. Driven through the `huddlebot` command."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli.main import main
from bot.config.partnership import load_config
from bot.core.messages import Body, Outgoing, ToRoom
from bot.storage.models import OutboxMessage
from tests.harness import open_harness

CONFIG = """
[partnership]
name = "Riverside"
timezone = "Europe/London"

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [{{ platform = "console", channel = "{core}" }}]

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{{ platform = "console", channel = "{stewards}" }}]
{extra}
"""

SET = """
[[circles]]
id = "set-a"
name = "Learning set A"
kind = "learning_set"
rooms = [{ platform = "console", channel = "set-a" }]
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("SLACK_", "TELEGRAM_", "HUDDLEBOT_")) or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    return tmp_path


def configure(
    folder: Path, *, core: str = "core", stewards: str = "stewards", extra: str = ""
) -> None:
    text = CONFIG.format(core=core, stewards=stewards, extra=extra)
    (folder / "huddlebot.toml").write_text(text, encoding="utf-8")


def huddlebot(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_a_room_moved_in_the_config_gets_nothing_more(
    folder: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    configure(folder)
    first = huddlebot(capsys, "prompt", "--circle", "core", "--prompt", "learned")
    assert "[#core] huddlebot" in first

    configure(folder, core="main-room")
    caplog.clear()
    asked = huddlebot(capsys, "prompt", "--circle", "core", "--prompt", "blocking")
    assert "[#main-room] huddlebot" in asked
    assert "[#core]" not in asked
    said = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("console core (circle core)" in line and "nothing more" in line for line in said)

    posted = huddlebot(capsys, "digest", "--circle", "core")
    assert "[#main-room] huddlebot" in posted and "[#core]" not in posted

    caplog.clear()  # said once, when the room was taken out
    huddlebot(capsys, "prompt", "--circle", "core", "--prompt", "celebrate")
    assert not [r for r in caplog.records if "nothing more" in r.getMessage()]


def test_swapped_rooms_follow_the_config(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(folder, core="one", stewards="two")
    assert "[#two] huddlebot" in huddlebot(capsys, "digest", "--steward")
    configure(folder, core="two", stewards="one")
    steward = huddlebot(capsys, "digest", "--steward", "--since", "2026-01-01")
    assert "[#one] huddlebot" in steward and "[#two]" not in steward
    core = huddlebot(capsys, "prompt", "--circle", "core", "--prompt", "learned")
    assert "[#two] huddlebot" in core and "[#one]" not in core


def test_a_circle_taken_out_is_named_at_start_and_hears_nothing(
    folder: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    configure(folder, extra=SET)
    huddlebot(capsys, "prompt", "--circle", "set-a", "--prompt", "learned")
    configure(folder)
    caplog.clear()
    huddlebot(capsys, "digest", "--steward")
    said = " ".join(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert "the circle set-a" in said
    assert main(["prompt", "--circle", "set-a", "--prompt", "learned"]) == 2
    assert "set-a" in capsys.readouterr().err


async def test_a_retired_room_hears_only_answers_to_who_speaks_there(
    tmp_path: Path, database_url: str
) -> None:
    """A reminder under a prompt sent to a room since taken out of the config is not sent; an
    answer to someone who still speaks there is."""
    path = tmp_path / "huddlebot.toml"
    path.write_text(CONFIG.format(core="core", stewards="stewards", extra=""), encoding="utf-8")
    async with open_harness(load_config(path), database_url):
        pass
    path.write_text(CONFIG.format(core="main-room", stewards="stewards", extra=""), "utf-8")
    async with open_harness(load_config(path), database_url) as harness:
        old = ToRoom("console", "core", None, "out-1")
        async with harness.bot.sessions.begin() as session:
            for kind in ("reminder", "reply"):
                body = Body("replies/saved", {"kind_label": "learning", "prompt_title": None})
                message = Outgoing(to=old, body=body, key=f"k-{kind}", kind=kind)
                await harness.bot.outbox.enqueue(session, [message], now=harness.clock.now())
        async with harness.bot.sessions() as session:
            queued = (await session.exec(select(OutboxMessage.kind))).all()
    assert list(queued) == ["reply"]
