"""A person's mistake at the command line: one clear line, exit code 2, no traceback, no noise."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from bot.cli import problems

ROOT = Path(__file__).resolve().parents[2]


def huddlebot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(ROOT / "examples" / "huddlebot.toml", tmp_path / "huddlebot.toml")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("HUDDLEBOT", "DATABASE"))}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    mine = [line for line in result.stderr.splitlines() if line.startswith("huddlebot: ")]
    assert len(mine) == 1, result.stderr
    for word in words:
        assert word in result.stderr
    assert "Traceback" not in result.stderr
    assert "Event loop is closed" not in result.stderr
    assert "Exception in thread" not in result.stderr


def test_an_output_in_a_missing_folder(tmp_path: Path) -> None:
    assert huddlebot(tmp_path, "db", "upgrade").returncode == 0
    result = huddlebot(tmp_path, "export", "--circle", "core", "--output", "/missing/folder/x.md")
    one_clear_line(result, "/missing/folder/x.md", "No such file or directory")


def test_a_log_level_that_does_not_exist(tmp_path: Path) -> None:
    result = huddlebot(tmp_path, "db", "upgrade", HUDDLEBOT_LOG_LEVEL="LOUD")
    one_clear_line(result, "HUDDLEBOT_LOG_LEVEL", "DEBUG, INFO, WARNING, ERROR")


def test_a_data_folder_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    for _ in range(3):
        result = huddlebot(tmp_path, "db", "upgrade", HUDDLEBOT_DATA_DIR="file/data")
        one_clear_line(result, "HUDDLEBOT_DATA_DIR")


def test_a_database_from_a_newer_version(tmp_path: Path) -> None:
    assert huddlebot(tmp_path, "db", "upgrade").returncode == 0
    with sqlite3.connect(tmp_path / "data" / "huddlebot.db") as db:
        db.execute("UPDATE alembic_version SET version_num = 'f00dfeed'")
    result = huddlebot(tmp_path, "export", "--circle", "core")
    one_clear_line(result, "newer version of huddlebot")


def test_an_unreadable_config(tmp_path: Path) -> None:
    (tmp_path / "folder.toml").mkdir()
    result = huddlebot(tmp_path, "--config", "folder.toml", "export", "--circle", "core")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("attempt to write a readonly database", "read-only"),
        ("database is locked", "locked by another program"),
        ("unable to open database file", "cannot be opened"),
        ('connection to server at "db" failed: Connection refused', "cannot be used"),
    ],
)
def test_database_mistakes_are_explained(reason: str, words: str) -> None:
    error = OperationalError("INSERT ...", {}, sqlite3.OperationalError(reason))
    try:
        raise RuntimeError("while storing") from error
    except RuntimeError as wrapped:
        explained = problems.explain(wrapped)
    assert explained is not None and words in explained and "how to fix" in explained


def test_a_bug_is_not_explained_away() -> None:
    assert problems.explain(KeyError("x")) is None


def test_a_backup_from_a_newer_version_is_refused_before_anything_changes(tmp_path: Path) -> None:
    assert huddlebot(tmp_path, "db", "upgrade").returncode == 0
    assert huddlebot(tmp_path, "backup", "--output", "newer.db").returncode == 0
    with sqlite3.connect(tmp_path / "newer.db") as db:
        db.execute("UPDATE alembic_version SET version_num = 'f00dfeed'")
    database = tmp_path / "data" / "huddlebot.db"
    before = database.read_bytes()
    result = huddlebot(tmp_path, "restore", "newer.db")
    one_clear_line(result, "newer version of huddlebot", "nothing was changed")
    assert database.read_bytes() == before


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder that exists but where no file can be made, for root too (sysfs refuses)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    probe = folder / "probe"
    try:
        probe.touch()
    except OSError:
        return folder
    probe.unlink()
    if Path("/sys/kernel").is_dir():
        return Path("/sys")
    pytest.skip("no folder here refuses a file to this user")


@pytest.mark.parametrize(
    "command",
    [("run",), ("prompt", "--circle", "core", "--prompt", "learned"), ("digest", "show")],
)
def test_a_data_folder_that_cannot_be_written(tmp_path: Path, command: tuple[str, ...]) -> None:
    folder = _unwritable_folder(tmp_path)
    result = huddlebot(tmp_path, *command, HUDDLEBOT_DATA_DIR=str(folder))
    one_clear_line(result, str(folder))


def test_a_backup_never_writes_over_a_file(tmp_path: Path) -> None:
    assert huddlebot(tmp_path, "db", "upgrade").returncode == 0
    config = (tmp_path / "huddlebot.toml").read_bytes()
    database = (tmp_path / "data" / "huddlebot.db").read_bytes()
    for target in ("huddlebot.toml", "data/huddlebot.db"):
        result = huddlebot(tmp_path, "backup", "--output", target)
        one_clear_line(result, "already exists", "new file name")
    assert (tmp_path / "huddlebot.toml").read_bytes() == config
    assert (tmp_path / "data" / "huddlebot.db").read_bytes() == database
    result = huddlebot(tmp_path, "backup", "--output", "/proc/no-such/x.db")
    one_clear_line(result, "/proc/no-such/x.db", "choose a folder you can write to")
