"""`huddlebot backup` while the bot stores replies, and `huddlebot restore` of that backup."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import copies
from bot.cli.backup import restore_backup, take_backup
from bot.config.environment import Settings
from bot.config.partnership import load_config
from bot.storage.database import open_database
from bot.storage.models import Entry, Person
from tests.harness import open_harness

AFTER = 10
"""Replies stored after the backup has finished, which a restore must not bring back."""


def needs_pg_tools(database_url: str) -> None:
    if not database_url.startswith("sqlite") and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")


async def stored(database_url: str) -> tuple[set[str], set[str]]:
    async with open_database(database_url, migrate=False) as sessions, sessions() as session:
        texts = set((await session.exec(select(Entry.text))).all())
        names = set((await session.exec(select(Person.display_name))).all())
    return texts, names


async def test_a_backup_taken_while_replies_are_stored_restores_every_acknowledged_one(
    tmp_path: Path, config_file: Path, database_url: str
) -> None:
    needs_pg_tools(database_url)
    config = load_config(config_file)
    settings = Settings.from_env({"DATABASE_URL": database_url}, cwd=tmp_path)
    backup = tmp_path / "backups" / "copy.db"
    acknowledged: list[str] = []
    enough = asyncio.Event()
    limit = {"replies": 10**9}

    async with open_harness(config, database_url) as harness:

        async def keep_replying() -> None:
            while len(acknowledged) < limit["replies"]:
                text = f"reply number {len(acknowledged)}"
                await harness.say(f"@m{len(acknowledged) % 5} /learned {text}")
                acknowledged.append(text)  # the bot has answered: the reply is stored
                if len(acknowledged) >= 20:
                    enough.set()

        async with asyncio.TaskGroup() as group:
            group.create_task(keep_replying())
            await enough.wait()
            began = len(acknowledged)
            await take_backup(settings, backup)
            finished = len(acknowledged)
            limit["replies"] = finished + AFTER
        await harness.say("@m1 /forget confirm")  # after the backup: must hold after a restore

    texts, _names = await stored(database_url)
    assert set(acknowledged) <= texts and "M1" not in _names
    done = await restore_backup(config, settings, backup, now=datetime.now(UTC))

    texts, names = await stored(database_url)
    assert set(acknowledged[:began]) <= texts  # every reply acknowledged before the backup
    # the one writer has at most one reply in flight as the backup ends; none begun after it is kept
    assert not set(acknowledged[finished + 1 :]) & texts
    assert len(done.erased_again) == 1 and "M1" not in names and "M2" in names
    assert done.kept_at is not None and done.kept_at.is_file()
    assert done.kept_at.parent == tmp_path / "data" / "backups"


async def test_the_sqlite_backup_is_one_whole_file(tmp_path: Path, config_file: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/huddlebot.db"
    settings = Settings.from_env({"DATABASE_URL": url}, cwd=tmp_path)
    async with open_harness(load_config(config_file), url) as harness:
        await harness.say("@ana /learned kept in the copy")
        written = await take_backup(settings, tmp_path / "out" / "b.db")
    assert sorted(p.name for p in written.parent.iterdir()) == ["b.db"]
    with sqlite3.connect(written) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        [(text,)] = db.execute("SELECT text FROM entries").fetchall()
    assert text == "kept in the copy"


def test_what_is_not_a_backup_is_refused_before_anything_changes(tmp_path: Path) -> None:
    database = tmp_path / "huddlebot.db"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE alembic_version (version_num TEXT)")
    before = database.read_bytes()
    not_ours = tmp_path / "other.db"
    with sqlite3.connect(not_ours) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(copies.CopyError, match="not one of huddlebot's"):
        copies.sqlite_restore(not_ours, database)
    (tmp_path / "junk.db").write_text("not a database")
    with pytest.raises(copies.CopyError, match="not a SQLite database"):
        copies.sqlite_restore(tmp_path / "junk.db", database)
    assert database.read_bytes() == before
    with pytest.raises(copies.CopyError, match="no database at"):
        copies.sqlite_copy(tmp_path / "absent.db", tmp_path / "copy.db")


def test_without_pg_dump_the_message_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no PostgreSQL tools on it
    with pytest.raises(copies.CopyError, match="pg_dump is not installed") as caught:
        copies.postgres_dump("postgresql+asyncpg://u:secret@db:5432/hb", tmp_path / "x.dump")
    assert "postgresql-client" in str(caught.value) and "secret" not in str(caught.value)


def test_the_password_goes_to_the_environment_not_the_command_line() -> None:
    target = copies.PostgresTarget.from_url("postgresql+asyncpg://hb:s3cret@db:5432/huddlebot")
    assert target.url == "postgresql://hb@db:5432/huddlebot"
    assert target.environment({"PATH": "/bin"}) == {"PATH": "/bin", "PGPASSWORD": "s3cret"}


def test_backup_and_restore_commands_from_the_command_line(
    tmp_path: Path,
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli.main import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("HUDDLEBOT_DATA_DIR", raising=False)
    assert main(["db", "upgrade"]) == 0
    assert main(["backup", "--output", "saved.db"]) == 0
    assert f"Backed up the database to {tmp_path / 'saved.db'}" in capsys.readouterr().out
    assert main(["--config", str(config_file), "restore", "saved.db"]) == 0
    out = capsys.readouterr().out
    assert "Restored the database" in out and "before-restore-" in out
    assert main(["--config", str(config_file), "restore", "nothing.db"]) == 2
    assert "there is no backup at" in capsys.readouterr().err


def test_restore_refuses_while_a_bot_runs_and_changes_nothing(
    tmp_path: Path,
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli.main import main
    from bot.delivery.run_lock import one_running_bot

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("HUDDLEBOT_DATA_DIR", raising=False)
    assert main(["db", "upgrade"]) == 0
    assert main(["backup", "--output", "saved.db"]) == 0
    database = tmp_path / "data" / "huddlebot.db"
    before = database.read_bytes()
    capsys.readouterr()
    with one_running_bot(database):  # what `huddlebot run` holds for its life
        assert main(["--config", str(config_file), "restore", "saved.db"]) == 2
    err = capsys.readouterr().err
    assert "already running" in err and "Traceback" not in err
    assert database.read_bytes() == before
    assert not (tmp_path / "data" / "backups").exists()  # nothing kept: nothing was replaced
