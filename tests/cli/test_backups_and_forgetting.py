"""Backups and forgetting: backups in the data folder age out on the daily job, a restore that
fails says where the copy of the replaced database is (or writes none), and a restore applies
the erasure log again before anything reads the restored data."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import copies
from bot.storage.models import Person
from tests.harness import SUNDAY, open_harness
from tests.practices.data_rights.test_data_rights import config_with


def _aged(path: Path, *, days: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"a copy of the database")
    when = (SUNDAY - timedelta(days=days)).timestamp()
    os.utime(path, (when, when))
    return path


async def test_the_daily_job_removes_backups_older_than_backup_days(
    tmp_path: Path, database_url: str
) -> None:
    backups = tmp_path / "data" / "backups"
    old = _aged(backups / "huddlebot-20260101-020000.db", days=40)
    before = _aged(backups / "before-restore-20260120-020000.db", days=31)
    recent = _aged(backups / "huddlebot-20260301-020000.db", days=7)
    elsewhere = _aged(tmp_path / "mine" / "huddlebot-20250101-020000.db", days=400)
    async with open_harness(config_with(tmp_path, "backup_days = 30"), database_url) as harness:
        await harness.until(SUNDAY + timedelta(days=1, hours=12))  # the daily job has run
    assert not old.exists() and not before.exists()
    assert recent.exists() and elsewhere.exists()  # newer ones, and files outside backups/


async def test_backup_days_0_keeps_them(tmp_path: Path, database_url: str) -> None:
    kept = _aged(tmp_path / "data" / "backups" / "huddlebot-20250101-020000.db", days=400)
    async with open_harness(config_with(tmp_path, "backup_days = 0"), database_url) as harness:
        await harness.until(SUNDAY + timedelta(days=1, hours=12))
    assert kept.exists()


def _at_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("HUDDLEBOT_DATA_DIR", raising=False)


def test_a_file_that_is_no_backup_is_refused_before_any_copy_is_written(
    tmp_path: Path,
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli.main import main

    _at_the_command_line(tmp_path, monkeypatch)
    assert main(["db", "upgrade"]) == 0
    (tmp_path / "notes.db").write_text("not a database at all")
    assert main(["--config", str(config_file), "restore", "notes.db"]) == 2
    err = capsys.readouterr().err
    assert "not a SQLite database" in err and "Traceback" not in err
    assert not (tmp_path / "data" / "backups").exists()  # no before-restore copy left behind


def test_a_restore_that_fails_half_way_says_where_the_copy_is(
    tmp_path: Path,
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli.main import main

    _at_the_command_line(tmp_path, monkeypatch)
    assert main(["db", "upgrade"]) == 0
    assert main(["backup", "--output", "saved.db"]) == 0
    capsys.readouterr()

    def disk_full(backup: Path, target: Path) -> None:
        raise copies.CopyError("could not write the database (No space left on device)")

    monkeypatch.setattr(copies, "sqlite_restore", disk_full)
    assert main(["--config", str(config_file), "restore", "saved.db"]) == 2
    err = capsys.readouterr().err
    [kept] = list((tmp_path / "data" / "backups").glob("before-restore-*.db"))
    assert f"kept at {kept}" in err and f"huddlebot restore {kept}" in err
    assert "No space left" in err and "Traceback" not in err


async def test_a_restore_forgets_again_who_asked_after_the_backup(
    tmp_path: Path,
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`huddlebot backup`, someone is forgotten, `huddlebot restore`: they stay forgotten, and
    `huddlebot forget --replay` finds nothing more to do."""
    from bot.cli.main import main
    from bot.config.partnership import load_config
    from bot.storage.database import open_database

    _at_the_command_line(tmp_path, monkeypatch)
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'huddlebot.db'}"
    config = load_config(config_file)
    async with open_harness(config, url) as harness:
        await harness.say("@zoe /learned Zoe was here.")
        assert await _main_in_thread(main, ["backup", "--output", "before.db"]) == 0
        await harness.say("@zoe /forget")
        await harness.say("@zoe /forget confirm")
        assert "forgotten" in harness.take().lower()
    assert "Zoe" not in await _names(open_database, url)
    assert "Zoe" in await _names(open_database, f"sqlite+aiosqlite:///{tmp_path / 'before.db'}")
    capsys.readouterr()
    assert await _main_in_thread(main, ["--config", str(config_file), "restore", "before.db"]) == 0
    out = capsys.readouterr().out
    assert "Applied 1 erasure(s) again." in out
    assert "Zoe" not in await _names(open_database, url)
    assert await _main_in_thread(main, ["--config", str(config_file), "forget", "--replay"]) == 0
    assert "nothing needed doing" in capsys.readouterr().out


async def _names(open_database: object, url: str) -> set[str]:
    async with open_database(url, migrate=False) as sessions, sessions() as session:  # type: ignore[operator]
        return set((await session.exec(select(Person.display_name))).all())


async def _main_in_thread(main: object, argv: list[str]) -> int:
    import asyncio

    return int(await asyncio.to_thread(main, argv))  # type: ignore[arg-type]
