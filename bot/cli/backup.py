"""`huddlebot backup [--output PATH]` and `huddlebot restore PATH`.

A backup is taken while the bot runs and holds the database as it was at one moment (see
`bot.cli.copies`). A restore first keeps a copy of the database it replaces, then puts the
backup in place, brings its schema up to date, and applies the erasure log again (as
`huddlebot forget --replay` does), so nobody who asked to be forgotten after the backup was taken
comes back. Stop the bot before a restore and start it again after.

A backup that is not one is refused before anything is written; a restore that fails once the
copy is written says where that copy is. The daily job deletes backups in the data folder's
`backups/` older than `backup_days` (`bot.practices.data_rights.backups`), so a forgotten
person's data leaves them too.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import assembled
from bot.cli import copies, places
from bot.config.environment import Settings
from bot.config.partnership import Config
from bot.core.clock import SystemClock
from bot.delivery.run_lock import one_running_bot
from bot.practices.data_rights.backups import BACKUPS_FOLDER
from bot.practices.data_rights.cli import replay_logged_erasures
from bot.rituals.scheduler import RealScheduler

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did: where the replaced database was kept, and who was forgotten again."""

    kept_at: Path | None
    erased_again: tuple[int, ...]


def default_backup_path(settings: Settings, now: datetime, *, prefix: str = "huddlebot") -> Path:
    """`<data folder>/backups/<prefix>-YYYYmmdd-HHMMSS.<db|dump>`."""
    suffix = "db" if settings.is_sqlite else "dump"
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return settings.data_dir / BACKUPS_FOLDER / f"{prefix}-{stamp}.{suffix}"


def _sqlite_file(settings: Settings) -> Path:
    path = settings.sqlite_path
    if path is None:
        raise copies.CopyError(
            "an in-memory SQLite database has nothing to back up or restore; "
            "to fix: set DATABASE_URL to a file, or unset it to use the data folder"
        )
    return path


async def take_backup(settings: Settings, output: Path) -> Path:
    """Write a consistent copy of the database to `output`; the bot may be running.

    A backup never replaces a file that is already there (the database itself, the config, an
    older backup): the person names a new file instead."""
    await asyncio.to_thread(_refuse_existing, output)
    if settings.is_sqlite:
        await asyncio.to_thread(copies.sqlite_copy, _sqlite_file(settings), output)
    else:
        await asyncio.to_thread(copies.postgres_dump, settings.database_url, output)
    log.info("backed up the database to %s", output)
    return output


def _refuse_existing(output: Path) -> None:
    if output.exists() or output.is_symlink():
        raise copies.CopyError(
            f"{output} already exists, and a backup never writes over a file: "
            "give --output a new file name, or leave it out for a dated one in backups/"
        )


def _put_back(settings: Settings, backup: Path, kept: Path) -> bool:
    """Copy the current database to `kept`, then `backup` over it; False when there was none.

    The backup is checked first, so a file that is not one (or is from a newer huddlebot) is
    refused before any copy is written. Should putting it in place fail after that, the copy is
    kept, and the error says where."""
    if not settings.is_sqlite:
        copies.check_postgres_backup(backup)
        copies.postgres_dump(settings.database_url, kept)
        _or_say_where(kept, lambda: copies.postgres_restore(backup, settings.database_url))
        return True
    current = _sqlite_file(settings)
    copies.check_sqlite_backup(backup)
    had_one = current.is_file()
    if had_one:
        copies.sqlite_copy(current, kept)
    _or_say_where(kept if had_one else None, lambda: copies.sqlite_restore(backup, current))
    return had_one


def _or_say_where(kept: Path | None, step: Callable[[], None]) -> None:
    """Run `step`; when it fails, the error also says where the replaced database is kept."""
    try:
        step()
    except copies.CopyError as problem:
        if kept is None:
            raise
        raise copies.CopyError(f"{problem}. {_kept_note(kept)}") from None


def _kept_note(kept: Path) -> str:
    return (
        f"The database as it was before this restore is kept at {kept}: "
        f"`huddlebot restore {kept}` puts it back"
    )


async def restore_backup(
    config: Config, settings: Settings, backup: Path, *, now: datetime
) -> Restored:
    """Keep the current database, put `backup` in its place, migrate, replay the erasures.

    On SQLite the run lock is held from before the file is touched to the end, so a restore
    refuses while a bot runs on it, and no bot starts on a half-restored file. The erasure log is
    applied again before anything else uses the restored data."""
    kept = default_backup_path(settings, now, prefix="before-restore")
    with one_running_bot(settings.sqlite_path):
        had_one = await asyncio.to_thread(_put_back, settings, backup, kept)
        try:
            async with (
                RealScheduler() as scheduler,  # nothing is scheduled: the bot is never started
                assembled(
                    config,
                    settings,
                    adapters=(),
                    clock=SystemClock(),
                    scheduler=scheduler,
                    one_shot=True,  # the lock is already ours
                ) as bot,
            ):
                again = await replay_logged_erasures(bot, now=now)
        except Exception as problem:
            # the class alone: an error's text may quote stored words
            log.error("the restored database could not be brought up to date: %s", type(problem))
            where = f" {_kept_note(kept)}." if had_one else ""
            raise copies.CopyError(
                f"the backup is in place, but bringing it up to date and applying the erasure "
                f"log failed ({type(problem).__name__}); do not start the bot on it. Run "
                f"`huddlebot restore {backup}` again once the cause is fixed.{where}"
            ) from None
    return Restored(kept_at=kept if had_one else None, erased_again=tuple(again))


def add_parsers(sub: Any) -> None:
    backup = sub.add_parser(
        "backup", help="write a consistent copy of the database (safe while the bot runs)"
    )
    backup.add_argument(
        "--output",
        metavar="PATH",
        type=Path,
        help="where to write it (default: backups/huddlebot-<date>-<time>.db or .dump "
        "in the data folder)",
    )
    restore = sub.add_parser(
        "restore", help="put a backup in place of the database (stop the bot first)"
    )
    restore.add_argument(
        "path", metavar="PATH", type=Path, help="a file written by huddlebot backup"
    )


async def backup_command(args: argparse.Namespace) -> int:
    settings = places.settings(args)
    now = datetime.now(UTC)
    output = Path.cwd() / args.output if args.output else None
    written = await take_backup(settings, output or default_backup_path(settings, now))
    print(f"Backed up the database to {written}")
    return 0


async def restore_command(args: argparse.Namespace) -> int:
    settings = places.settings(args)
    config = places.config(args)
    backup = Path.cwd() / args.path
    done = await restore_backup(config, settings, backup, now=datetime.now(UTC))
    print(f"Restored the database from {backup}.")
    if done.kept_at is not None:
        print(f"The database it replaced is kept at {done.kept_at}.")
    if done.erased_again:
        print(f"Applied {len(done.erased_again)} erasure(s) again.")
    else:
        print("Every logged erasure is in place.")
    print("Start the bot again when you are ready.")
    return 0
