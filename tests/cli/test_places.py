"""Every command finds the configuration and the data folder the same way; a command that only
reads never makes a database, one that writes says when it starts a new one; a console alone
needs no web port. Driven through the `huddlebot` command as a person runs it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "huddlebot.toml"


def clean_env() -> dict[str, str]:
    """The environment of a person with no tokens and no huddlebot settings at all."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "TELEGRAM_", "HUDDLEBOT_")) and k != "DATABASE_URL"
    }


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding only a huddlebot.toml, as the current folder, with nothing set."""
    for name in set(os.environ) - set(clean_env()):
        monkeypatch.delenv(name)
    shutil.copy(EXAMPLE, tmp_path / "huddlebot.toml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "command",
    [
        ["digest", "show"],
        ["export", "--circle", "core"],
        ["digest", "--circle", "core", "--dry-run"],
    ],
)
def test_a_command_that_only_reads_makes_no_database(
    folder: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    assert main(command) == 2
    err = capsys.readouterr().err
    assert f"there is no huddlebot database at {folder / 'data' / 'huddlebot.db'}" in err
    assert "--data-dir" in err and "HUDDLEBOT_DATA_DIR" in err
    assert not (folder / "data").exists()


def test_a_command_that_writes_says_when_it_starts_a_new_database(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prompt", "--circle", "core", "--prompt", "learned"]) == 0
    assert "started a new, empty database" in capsys.readouterr().err
    assert main(["prompt", "--circle", "core", "--prompt", "blocking"]) == 0
    assert "new, empty database" not in capsys.readouterr().err


def test_the_data_folder_flag_and_variable_name_the_same_place(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["--data-dir", "kept", "prompt", "--circle", "core", "--prompt", "learned"]) == 0
    assert (folder / "kept" / "huddlebot.db").is_file()
    capsys.readouterr()
    elsewhere = folder / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("HUDDLEBOT_DATA_DIR", str(folder / "kept"))
    assert main(["--config", "../huddlebot.toml", "export", "--circle", "core"]) == 0
    assert not (elsewhere / "data").exists()


def test_a_missing_config_says_how_to_find_or_make_one(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "huddlebot.toml").unlink()
    assert main(["digest", "show"]) == 2
    err = capsys.readouterr().err
    assert "huddlebot init" in err and "--config" in err


def huddlebot(folder: Path, *args: str, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=folder,
        env=clean_env(),  # no HUDDLEBOT_PORT: the default port
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **popen,  # type: ignore[arg-type]
    )


def test_run_then_a_digest_from_the_same_folder_read_the_same_partnership(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = "/prompt learned\n@ana Evening drop-ins suit families better.\n"
    run = huddlebot(folder, "run", stdin=subprocess.PIPE)
    _out, err = run.communicate(session, timeout=120)
    assert run.returncode == 0, err
    assert main(["digest", "--circle", "core"]) == 0
    posted = capsys.readouterr()
    assert "Evening drop-ins suit families better." in posted.out
    assert "new, empty database" not in posted.err


@pytest.fixture
def default_port_taken() -> Iterator[None]:
    """Port 8080 in use, by this test or by whatever already holds it."""
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            holder.bind(("127.0.0.1", 8080))
            holder.listen()
        except OSError:
            pass  # something else holds it: taken all the same
        yield


@pytest.mark.usefixtures("default_port_taken")
def test_a_console_needs_no_web_port(folder: Path) -> None:
    run = huddlebot(folder, "run", stdin=subprocess.PIPE)
    out, err = run.communicate("@ana /learned a console of its own\n", timeout=120)
    assert run.returncode == 0, err
    assert "saved as a learning" in out
    assert "HUDDLEBOT_PORT" not in err


@pytest.mark.usefixtures("default_port_taken")
def test_a_set_port_still_starts_the_web_app(folder: Path) -> None:
    env_port = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=folder,
        env={**clean_env(), "HUDDLEBOT_PORT": "8080"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert env_port.returncode == 2
    assert "HUDDLEBOT_PORT" in env_port.stderr and "Traceback" not in env_port.stderr
