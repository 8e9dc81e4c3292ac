"""The `huddlebot` command as a person runs it: clear errors, a quick demo, a scripted console."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.app import running
from bot.cli.main import main
from bot.config.partnership import load_config
from bot.core.background import Background
from tests.harness import open_harness

ROOT = Path(__file__).resolve().parents[2]


def test_a_bad_config_stops_with_file_key_and_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[partnership]\nname = "R"\ntimezone = "Europe/Londn"\n\n'
        '[[circles]]\nid = "core"\nname = "Core"\nkind = "partnership"\n'
        'rooms = [{ platform = "console", channel = "core" }]\n'
    )
    monkeypatch.setenv("HUDDLEBOT_DATA_DIR", str(tmp_path / "data"))
    assert main(["--config", str(bad), "run"]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err
    assert "timezone" in err
    assert "Europe/London" in err
    assert "Traceback" not in err


def test_a_missing_prompt_id_is_reported_at_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[partnership]\nname = "R"\ntimezone = "Europe/London"\n\n'
        '[[circles]]\nid = "core"\nname = "Core"\nkind = "partnership"\n'
        'rooms = [{ platform = "console", channel = "core" }]\n'
        '[[circles.rituals]]\nprompt = "lerned"\ncron = "0 9 * * MON"\n'
    )
    monkeypatch.setenv("HUDDLEBOT_DATA_DIR", str(tmp_path / "data"))
    assert main(["--config", str(bad), "digest", "--circle", "core", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "circles[0].rituals[0].prompt" in err and "learned" in err


def huddlebot(
    tmp_path: Path,
    *args: str,
    script: str | None = None,
    port: int = 18089,
    settings: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the `huddlebot` command as a person would: no platform tokens, a data folder of its
    own (unless `settings` say otherwise), `script` typed on standard input (none: closed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_"))}
    env["HUDDLEBOT_DATA_DIR"] = str(tmp_path / "data")
    env["HUDDLEBOT_PORT"] = str(port)
    env.pop("DATABASE_URL", None)
    env.update(settings or {})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli.main", *args],
        cwd=ROOT,
        env=env,
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL if script is None else None,
    )


def test_demo_prints_a_digest_quoting_members_quickly(tmp_path: Path) -> None:
    result = huddlebot(tmp_path, "demo")
    assert result.returncode == 0, result.stderr
    assert "Huddle digest for Core partnership" in result.stdout
    assert "Families told us the new drop-in hours suit them" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_scripted_console_session(tmp_path: Path) -> None:
    script = "\n".join(
        [
            "/prompt learned",
            "@ana Evening drop-ins suit families better.",
            "@ben A shared referral form saved us hours.",
            "@ana /blocker We cannot see each other's case notes.",
            "/digest",
        ]
    )
    result = huddlebot(
        tmp_path, "--config", "examples/huddlebot.toml", "run", script=script + "\n", port=18090
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("What did we learn?") < out.index("Huddle digest for Core partnership")
    digest = out[out.index("Huddle digest") :]
    assert "Evening drop-ins suit families better." in digest
    assert "A shared referral form saved us hours." in digest
    assert "case notes" in digest
    assert "2 people shared 3 entries" in digest


async def test_healthz_answers_on_the_web_app(config_file: Path, database_url: str) -> None:
    async with open_harness(load_config(config_file), database_url) as harness:
        async with Background() as background:
            async with running(harness.bot, background=background) as server:
                assert server is not None
                url = f"http://127.0.0.1:{server.port}/healthz"
                async with aiohttp.ClientSession() as client, client.get(url) as response:
                    assert response.status == 200
                    body = await response.json()
    assert body["status"] == "ok"
    assert "console" in body["platforms"]


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("run", "demo", "prompt", "digest", "db"):
        assert command in out


def test_a_data_folder_that_cannot_be_made_is_named_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    data = str(tmp_path / "a-file" / "data")
    result = huddlebot(tmp_path, "db", "upgrade", settings={"HUDDLEBOT_DATA_DIR": data})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "HUDDLEBOT_DATA_DIR" in result.stderr
    assert "a folder the bot may write to" in result.stderr


def test_a_database_that_does_not_answer_is_named_without_its_password(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    url = f"postgresql://huddle:s3cret@127.0.0.1:{closed}/huddlebot"
    result = huddlebot(tmp_path, "db", "upgrade", settings={"DATABASE_URL": url})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "key 'DATABASE_URL': cannot open the database" in result.stderr
    assert "huddle:***@127.0.0.1" in result.stderr and "s3cret" not in result.stderr
    assert "check that the server is running" in result.stderr


def test_db_upgrade(tmp_path: Path) -> None:
    result = huddlebot(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "huddlebot.db").exists()


def test_prompt_and_digest_commands(tmp_path: Path) -> None:
    base = ("--config", "examples/huddlebot.toml")
    asked = huddlebot(tmp_path, *base, "prompt", "--circle", "core", "--prompt", "blocking")
    assert asked.returncode == 0, asked.stderr
    assert "[#core] huddlebot" in asked.stdout and "getting in the way" in asked.stdout

    assert asked.stderr.splitlines()[-1] == "huddlebot: sent 1 message part(s)"
    assert " INFO " not in asked.stderr  # the outcome, not the start-up lines

    preview = huddlebot(tmp_path, *base, "digest", "--circle", "core", "--dry-run")
    assert preview.returncode == 0, preview.stderr
    assert preview.stderr == ""  # nothing was sent, and the log keeps to warnings
    assert "Huddle digest for Core partnership" in preview.stdout
    assert "[#core]" not in preview.stdout  # shown, not posted

    january = ("--since", "2026-01-01", "--until", "2026-01-31")
    empty = huddlebot(tmp_path, *base, "digest", "--circle", "core", *january)
    assert empty.returncode == 0, empty.stderr  # a period asked for by its days is posted
    assert "[#core] huddlebot" in empty.stdout and "Nothing new was shared" in empty.stdout

    said = huddlebot(tmp_path, *base, "run", script="@ana /learned Mornings suit nobody.\n")
    assert said.returncode == 0, said.stderr
    today = datetime.now(ZoneInfo("Europe/London")).date()
    period = ("--since", (today - timedelta(days=1)).isoformat(), "--until", today.isoformat())
    posted = huddlebot(tmp_path, *base, "digest", "--circle", "core", *period)
    assert posted.returncode == 0, posted.stderr
    assert "[#core] huddlebot" in posted.stdout and "Mornings suit nobody." in posted.stdout
    again = huddlebot(tmp_path, *base, "digest", "--circle", "core", *period)
    assert "already posted" in again.stdout
    assert "[#core] huddlebot" not in again.stdout

    unknown = huddlebot(tmp_path, *base, "digest", "--circle", "nope", "--dry-run")
    assert unknown.returncode == 2
    assert "core" in unknown.stderr and "Traceback" not in unknown.stderr
