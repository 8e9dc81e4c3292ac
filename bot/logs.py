"""Logging for the `huddlebot` command: one format, a level from the environment, bounded lines.

`HUDDLEBOT_LOG_LEVEL` is one of DEBUG, INFO (the default), WARNING, ERROR; anything else is a
`ConfigError`. Every line is cut at `LINE_LIMIT` characters (message and traceback together), so
that no input, however large, can make one line grow the log by more than that.

The log goes to standard error, except while someone chats in the console at a terminal: then
`into_file` moves it to a file in the data folder, so log lines stay out of the conversation.
What the person must know still shows, in short: warnings while the bot starts, errors always.

The platform libraries (`PLATFORM_LOGGERS`: the Slack and Telegram SDKs and the HTTP clients under
them) write request bodies, people's words and tokens in their debug and info lines, and some of
their warnings quote a request. Whatever `HUDDLEBOT_LOG_LEVEL` says, their lines below WARNING are
never written, and in the rest (`Redacted`) bodies, URLs and tokens are masked.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from bot.errors import ConfigError

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LINE_LIMIT = 4096
"""The most characters one log record writes."""
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
PLATFORM_LOGGERS = (
    "slack_sdk",
    "slack_bolt",
    "slack",
    "telegram",
    "httpx",
    "httpcore",
    "aiohttp",
    "websockets",
    "apscheduler",
)
"""Libraries whose own lines may quote what was sent or received: WARNING and up only."""
LEVEL_READ_DIRECTLY = ("slack_sdk.web.async_base_client", "slack_sdk.web.base_client")
"""Loggers whose library asks their own `level`, not the level they inherit, before building a
debug line (Slack's Web API clients, for every request): an unset level (0) reads as DEBUG, so
each call would format the whole request only for the line to be dropped. They get their level
set too."""
_MASKS = (
    (re.compile(r"\{.*\}|\[.*\]", re.DOTALL), "{…}"),
    (re.compile(r"https?://\S+"), "<address>"),
    (re.compile(r"\b(?:xox[a-z]|xapp)-[A-Za-z0-9-]+"), "<token>"),
    (re.compile(r"\b[0-9]{5,}:[A-Za-z0-9_-]{20,}"), "<token>"),
)


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


def _is_platform(name: str) -> bool:
    return any(name == lib or name.startswith(lib + ".") for lib in PLATFORM_LOGGERS)


def mask(text: str) -> str:
    """`text` with anything that may be a body, a web address or a token masked."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


class Redacted(logging.Filter):
    """Keeps platform libraries' lines to warnings and worse, with bodies and tokens masked.

    Set on the handler, so it sees every record that reaches it, whichever logger it came from.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not _is_platform(record.name):
            return True
        if record.levelno < logging.WARNING:
            return False
        record.msg, record.args = mask(record.getMessage()), None
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            record.msg = f"{record.msg} ({type(error).__name__}: {mask(str(error))})"
            record.exc_info, record.exc_text = None, None
        return True


QUIET_LOGGERS = ("alembic",)
"""Libraries whose INFO lines say nothing an operator needs (alembic's "Context impl ...")."""


def log_level(environ: Mapping[str, str], *, default: str = "INFO") -> int:
    """The level `HUDDLEBOT_LOG_LEVEL` names (`default` when unset); a `ConfigError` otherwise."""
    name = environ.get("HUDDLEBOT_LOG_LEVEL", "").strip().upper() or default
    if name not in LEVELS:
        raise ConfigError(
            "this is not a log level",
            source="environment",
            key="HUDDLEBOT_LOG_LEVEL",
            fix=f"use one of {', '.join(LEVELS)}, or unset it for INFO",
        )
    return int(getattr(logging, name))


class _Said(logging.Formatter):
    """A log record as one short line for the person at the terminal."""

    def format(self, record: logging.LogRecord) -> str:
        said = record.getMessage().splitlines()[0][:LINE_LIMIT] if record.msg else ""
        return f"huddlebot: {'note: ' if record.levelno < logging.ERROR else ''}{said}"


def into_file(path: Path) -> Callable[[], None] | None:
    """Send the log to `path` (appended) instead of standard error; warnings still show on
    standard error, in short, until the returned function is called once the bot has started;
    errors always do. None (and the log stays where it was) when `path` cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8", delay=False)
    except OSError:
        return None
    root = logging.getLogger()
    handler.setFormatter(BoundedFormatter(FORMAT))
    terminal = logging.StreamHandler(sys.stderr)
    terminal.setFormatter(_Said())
    terminal.setLevel(logging.WARNING)
    for old in [h for h in root.handlers if _to_stderr(h)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.addHandler(terminal)

    def started() -> None:
        terminal.setLevel(logging.ERROR)

    return started


def _to_stderr(handler: logging.Handler) -> bool:
    return (
        isinstance(handler, logging.StreamHandler)
        and not isinstance(handler, logging.FileHandler)
        and getattr(handler, "stream", None) is sys.stderr
    )


def configure(environ: Mapping[str, str], *, default: str = "INFO") -> None:
    """Send huddlebot's log to standard error at the level the environment asks for (`default`
    when it asks for none: a command that runs once and says its own outcome keeps the log to
    warnings, so its answer is not lost among start-up lines)."""
    level = log_level(environ, default=default)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(BoundedFormatter(FORMAT))
    handler.addFilter(Redacted())
    logging.basicConfig(level=level, handlers=[handler])
    for name in (*PLATFORM_LOGGERS, *LEVEL_READ_DIRECTLY):
        # not even built: their debug lines format whole requests
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
