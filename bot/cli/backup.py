"""`huddlebot backup [--output PATH]` and `huddlebot restore PATH`.

A backup is taken while the bot runs and holds the database as it was at one moment (see
`bot.cli.copies`). A restore first keeps a copy of the database it replaces, then puts the
backup in place, brings its schema up to date, and applies the erasure log again (as
`huddlebot forget --replay` does), so nobody who asked to be forgotten after the backup was taken
comes back. Stop the bot before a restore and start it again after.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
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
from bot.practices.data_rights.cli import replay_logged_erasures
from bot.rituals.scheduler import RealScheduler

log = logging.getLogger(__name__)

BACKUPS_FOLDER = "backups"


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
    """Copy the current database to `kept`, then `backup` over it; False when there was none."""
    if not backup.is_file():
        raise copies.CopyError(f"there is no backup at {backup}")
    if not settings.is_sqlite:
        copies.postgres_dump(settings.database_url, kept)
        copies.postgres_restore(backup, settings.database_url)
        return True
    current = _sqlite_file(settings)
    had_one = current.is_file()
    if had_one:
        copies.sqlite_copy(current, kept)
    copies.sqlite_restore(backup, current)
    return had_one


async def restore_backup(
    config: Config, settings: Settings, backup: Path, *, now: datetime
) -> Restored:
    """Keep the current database, put `backup` in its place, migrate, replay the erasures.

    On SQLite the run lock is held from before the file is touched to the end, so a restore
    refuses while a bot runs on it, and no bot starts on a half-restored file."""
    kept = default_backup_path(settings, now, prefix="before-restore")
    with one_running_bot(settings.sqlite_path):
        had_one = await asyncio.to_thread(_put_back, settings, backup, kept)
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
