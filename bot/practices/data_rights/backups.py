"""Backups and forgetting: how long the data folder's `backups/` keeps a copy of the database.

A backup is the database as it was at one moment, so it still holds anyone forgotten since. Two
rules keep forgetting true for backups: a restore applies the erasure log again before the bot
uses the restored data (`huddlebot restore`), and the daily job deletes every file in `backups/`
older than `backup_days` (30 by default; 0 keeps them for ever), so a forgotten person's data is
gone from the backups there within that many days. Copies kept elsewhere are the partnership's
to age out the same way.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

BACKUPS_FOLDER = "backups"
"""The data folder's folder of backups: `huddlebot backup` writes there, and so does a restore
(the database it replaces)."""
BACKUP_DAYS = 30
"""Days a file in `backups/` is kept, unless `[partnership] backup_days` says otherwise."""


def backups_folder(data_dir: Path) -> Path:
    return data_dir / BACKUPS_FOLDER


def remove_old_backups(folder: Path, *, before: datetime) -> list[Path]:
    """Delete every file directly in `folder` last written before `before`; returns them."""
    if not folder.is_dir():
        return []
    removed = []
    for path in sorted(folder.iterdir()):
        try:
            if not path.is_file() or path.is_symlink():
                continue
            written = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            if written < before:
                path.unlink()
                removed.append(path)
        except OSError as problem:  # one file that cannot go does not keep the others
            log.warning("could not remove the old backup %s: %s", path, problem.strerror)
    if removed:
        log.info("removed %d backup(s) older than %s from %s", len(removed), before, folder)
    return removed
