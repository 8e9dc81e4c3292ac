"""Where every `huddlebot` command finds its configuration and its data, the same way.

The configuration file: `--config PATH`, else `HUDDLEBOT_CONFIG`, else `huddlebot.toml` in the
current folder. The data folder (the SQLite file, the erasure log, exports, backups):
`--data-dir DIR`, else `HUDDLEBOT_DATA_DIR`, else `data/` in the current folder. `DATABASE_URL`,
when set, names the database instead of the data folder's SQLite file. Relative paths are taken
from the current folder.

A command that only reads (showing or exporting what is stored) never makes a database: where
there is none it says where it looked and how to point it at the bot's data (see
`open_database(create=False)`). A command that writes says so when it starts a new, empty
database, since that usually means it was run from another folder than the bot.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from bot.config.environment import Settings
from bot.config.partnership import Config, find_config_path, load_config

log = logging.getLogger(__name__)

DATA_DIR_ENV = "HUDDLEBOT_DATA_DIR"
WHERE_FIX = (
    "run the command in the folder where the bot runs (where you started `huddlebot run` or "
    "`make run`), or name its data folder with --data-dir DIR or HUDDLEBOT_DATA_DIR"
)


def add_arguments(top: argparse.ArgumentParser) -> None:
    """The two options every command shares."""
    top.add_argument(
        "--config",
        metavar="PATH",
        help="the TOML configuration (default: $HUDDLEBOT_CONFIG, then ./huddlebot.toml)",
    )
    top.add_argument(
        "--data-dir",
        metavar="DIR",
        help="the data folder: the SQLite database, exports, backups "
        f"(default: ${DATA_DIR_ENV}, then ./data)",
    )


def settings(args: Any) -> Settings:
    """The settings from the environment, with `--data-dir` over HUDDLEBOT_DATA_DIR."""
    env = dict(os.environ)
    data_dir = getattr(args, "data_dir", None)
    if data_dir:
        env[DATA_DIR_ENV] = data_dir
    return Settings.from_env(env, cwd=Path.cwd())


def config(args: Any) -> Config:
    """The configuration file `--config`, HUDDLEBOT_CONFIG or ./huddlebot.toml names."""
    return load_config(find_config_path(getattr(args, "config", None), os.environ, Path.cwd()))


def new_database(found: Settings) -> Path | None:
    """The SQLite file a command would start anew (None: it is there, or not SQLite)."""
    path = found.sqlite_path
    return None if path is None or path.is_file() else path


def note_new_database(path: Path) -> None:
    """Say that a command started a new, empty SQLite database at `path`."""
    print(
        f"huddlebot: note: started a new, empty database at {path}. If the bot keeps its data "
        f"elsewhere, stop and {WHERE_FIX}.",
        file=sys.stderr,
        flush=True,
    )
