"""Logging for the `huddlebot` command: one format, a level from the environment, bounded lines.

`HUDDLEBOT_LOG_LEVEL` is one of DEBUG, INFO (the default), WARNING, ERROR; anything else is a
`ConfigError`. Every line is cut at `LINE_LIMIT` characters (message and traceback together), so
that no input, however large, can make one line grow the log by more than that.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping

from bot.errors import ConfigError

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LINE_LIMIT = 4096
"""The most characters one log record writes."""
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class BoundedFormatter(logging.Formatter):
    """A formatter that cuts each record at `limit` characters, saying so."""

    def __init__(self, fmt: str, *, limit: int = LINE_LIMIT) -> None:
        super().__init__(fmt)
        self._limit = limit

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        if len(line) <= self._limit:
            return line
        return f"{line[: self._limit]}… [{len(line) - self._limit} characters cut]"


def log_level(environ: Mapping[str, str]) -> int:
    """The level `HUDDLEBOT_LOG_LEVEL` names (INFO when unset); a `ConfigError` otherwise."""
    name = environ.get("HUDDLEBOT_LOG_LEVEL", "").strip().upper() or "INFO"
    if name not in LEVELS:
        raise ConfigError(
            "this is not a log level",
            source="environment",
            key="HUDDLEBOT_LOG_LEVEL",
            fix=f"use one of {', '.join(LEVELS)}, or unset it for INFO",
        )
    return int(getattr(logging, name))


def configure(environ: Mapping[str, str]) -> None:
    """Send huddlebot's log to standard error at the level the environment asks for."""
    level = log_level(environ)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(BoundedFormatter(FORMAT))
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
