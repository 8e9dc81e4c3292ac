"""SQLite is for one running bot: `huddlebot run` holds a lock beside the database file.

The lock is an exclusive `flock` on `<database>.run.lock`, taken before the bot recovers the
outbox and held for its life; the system lets it go when the process ends, however it ends
(kill -9 included), so a stale lock never keeps a bot from starting. A second `huddlebot run` on
the same file stops at once with a message saying why and how to move to PostgreSQL, which lets
several processes share a database. One-shot commands take no lock: they ask whether a bot holds
it, and if so leave the sending of what they queued to that bot.

PostgreSQL databases and in-memory SQLite need no lock here.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.errors import ConfigError

log = logging.getLogger(__name__)

MOVE_TO_POSTGRESQL = (
    "stop the other `huddlebot run` first; to run several processes, move to PostgreSQL: "
    "set DATABASE_URL=postgresql://USER@HOST/DB and run `huddlebot db upgrade`"
)


def lock_path(database: Path) -> Path:
    return database.with_name(f"{database.name}.run.lock")


@contextmanager
def one_running_bot(database: Path | None) -> Iterator[None]:
    """Hold the run lock of the SQLite file `database` (None: nothing to hold) for the block."""
    if database is None:
        yield
        return
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 32, 0).decode(errors="replace").strip() or "another process"
            raise ConfigError(
                f"a huddlebot is already running on this SQLite database (process {holder}); "
                "SQLite is for one running bot",
                source=str(database),
                fix=MOVE_TO_POSTGRESQL,
            ) from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, str(os.getpid()).encode(), 0)
        log.debug("holding %s", path)
        yield
    finally:
        os.close(handle)  # closing lets the lock go


def bot_is_running(database: Path | None) -> bool:
    """Whether a `huddlebot run` holds the lock of the SQLite file `database` right now."""
    if database is None or not lock_path(database).exists():
        return False
    handle = os.open(lock_path(database), os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)
    return False
