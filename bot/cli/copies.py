"""Consistent copies of the database, taken while the bot runs, and putting one back.

SQLite: the online backup API copies every page inside one read transaction, so the copy is the
database as it was at one moment, while the bot goes on writing (WAL lets readers and the writer
pass). PostgreSQL: `pg_dump` takes its copy in one snapshot; `pg_restore` puts it back into an
emptied schema. A copy is written beside its target under a temporary name and renamed when it is
whole, so a backup interrupted half-way never looks like a finished one.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, make_url

from bot.errors import HuddlebotError
from bot.storage.database import alembic_config

log = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 60.0
PG_TOOLS_FIX = (
    "install the PostgreSQL client tools of the server's version or newer "
    "(Debian and Ubuntu: apt install postgresql-client), or run the command where they are"
)


class CopyError(HuddlebotError):
    """A backup or restore that could not be done, with what to do about it."""


@dataclass(frozen=True, slots=True)
class PostgresTarget:
    """How the PostgreSQL tools reach a database: a URL without its password, and the password."""

    url: str
    password: str | None

    @classmethod
    def from_url(cls, database_url: str) -> PostgresTarget:
        url = make_url(database_url)
        password = url.password
        without = URL.create(
            "postgresql",
            username=url.username,
            host=url.host,
            port=url.port,
            database=url.database,
            query=url.query,
        )
        plain = without.render_as_string(hide_password=False)
        return cls(url=plain, password=str(password) if password is not None else None)

    def environment(self, base: Mapping[str, str]) -> dict[str, str]:
        env = dict(base)
        if self.password is not None:
            env["PGPASSWORD"] = self.password  # never on the command line, where ps shows it
        return env


def _partial(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial")


def _check_sqlite(path: Path) -> None:
    """Raise CopyError unless `path` is a whole huddlebot SQLite database."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            (verdict,) = db.execute("PRAGMA quick_check").fetchone()
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise CopyError(f"{path} is not a SQLite database huddlebot can read ({exc})") from exc
    if verdict != "ok":
        raise CopyError(f"{path} is damaged: {verdict}")
    if "alembic_version" not in tables:
        raise CopyError(f"{path} is a SQLite database, but not one of huddlebot's")


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy the SQLite database `source` to `target` (a single file), consistently, online."""
    if not source.is_file():
        raise CopyError(f"there is no database at {source} to copy")
    partial = _partial(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        with (
            closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_SECONDS)) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)  # all pages in one step: one read transaction, one moment
            dst.execute("PRAGMA journal_mode=DELETE")  # the copy stands alone, no -wal beside it
        _check_sqlite(partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as problem:
        raise CopyError(
            f"could not write a backup to {target} ({problem}): choose a folder you can write to"
        ) from None
    finally:
        with suppress(OSError):
            partial.unlink(missing_ok=True)


def _check_known_revision(path: Path) -> None:
    """Raise CopyError when the backup `path` was made by a newer huddlebot than this one."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        found = {row[0] for row in db.execute("SELECT version_num FROM alembic_version")}
    scripts = ScriptDirectory.from_config(alembic_config())
    known = {script.revision for script in scripts.walk_revisions()}
    if found - known:
        raise CopyError(
            f"{path} was made by a newer version of huddlebot; nothing was changed. "
            "To fix: upgrade huddlebot (pip install -U huddlebot), then restore it"
        )


def check_sqlite_backup(backup: Path) -> None:
    """Raise CopyError unless `backup` is a whole huddlebot database this version can restore."""
    if not backup.is_file():
        raise CopyError(f"there is no backup at {backup}")
    _check_sqlite(backup)
    _check_known_revision(backup)


def sqlite_restore(backup: Path, target: Path) -> None:
    """Write the backup `backup` over the SQLite database `target`, through SQLite's own locks."""
    check_sqlite_backup(backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS)) as dst,
    ):
        src.backup(dst)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise CopyError(
            f"{name} is not installed here, and huddlebot needs it for PostgreSQL; "
            f"to fix: {PG_TOOLS_FIX}"
        )
    return found


def _run(command: list[str], *, target: PostgresTarget, what: str) -> None:
    log.info("running %s", " ".join(command))
    done = subprocess.run(
        command, env=target.environment(os.environ), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        said = done.stderr.strip() or done.stdout.strip() or f"exit code {done.returncode}"
        raise CopyError(f"{what} failed: {said}")


def postgres_dump(database_url: str, target: Path) -> None:
    """`pg_dump` the database into `target`, in its custom format (one snapshot)."""
    pg_dump = _tool("pg_dump")
    where = PostgresTarget.from_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = _partial(target)
    try:
        command = [pg_dump, "--format=custom", "--no-owner", "--no-privileges"]
        _run([*command, f"--file={partial}", f"--dbname={where.url}"], target=where, what="pg_dump")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def check_postgres_backup(backup: Path) -> None:
    """Raise CopyError unless `backup` is a huddlebot database written by `pg_dump`."""
    pg_restore = _tool("pg_restore")
    if not backup.is_file():
        raise CopyError(f"there is no backup at {backup}")
    listed = subprocess.run(
        [pg_restore, "--list", str(backup)], capture_output=True, text=True, check=False
    )
    if listed.returncode != 0 or "alembic_version" not in listed.stdout:
        raise CopyError(f"{backup} is not a huddlebot backup made by pg_dump")


def postgres_restore(backup: Path, database_url: str) -> None:
    """Empty the database's `public` schema and `pg_restore` the backup into it, all or nothing."""
    pg_restore = _tool("pg_restore")
    check_postgres_backup(backup)
    where = PostgresTarget.from_url(database_url)
    psql = _tool("psql")
    reset = "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"
    _run(
        [
            psql,
            "--no-psqlrc",
            "--quiet",
            "--set=ON_ERROR_STOP=1",
            f"--dbname={where.url}",
            f"--command={reset}",
        ],
        target=where,
        what="emptying the database",
    )
    command = [pg_restore, "--no-owner", "--no-privileges", "--single-transaction"]
    command += ["--exit-on-error", f"--dbname={where.url}", str(backup)]
    _run(command, target=where, what="pg_restore")


__all__ = [
    "CopyError",
    "PostgresTarget",
    "check_postgres_backup",
    "check_sqlite_backup",
    "postgres_dump",
    "postgres_restore",
    "sqlite_copy",
    "sqlite_restore",
]
