"""A person's mistake at the command line as one clear line, instead of a traceback.

`explain` walks an error and its causes and, when it recognises something a person can fix (a
file or folder that cannot be read or written, a database that is read-only, locked, unreachable
or from a newer huddlebot), says what is wrong and what to do. Anything else is a bug in huddlebot
and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterator

from alembic.util.exc import CommandError
from sqlalchemy.exc import OperationalError

EXIT_MISTAKE = 2
"""The exit code for a problem the person can fix."""

_SQLITE = (
    (
        "readonly database",
        "the database is read-only",
        "let huddlebot write to the database file "
        "and its folder, or point DATABASE_URL at one it may write",
    ),
    (
        "database is locked",
        "the database is locked by another program",
        "stop the other huddlebot (one process per SQLite file) and try again",
    ),
    (
        "unable to open database file",
        "the database file cannot be opened",
        "check that HUDDLEBOT_DATA_DIR or DATABASE_URL names a folder huddlebot may write",
    ),
    (
        "disk i/o error",
        "the database could not be read or written",
        "check the disk holding the database",
    ),
    (
        "file is not a database",
        "the database file is not a SQLite database",
        "point DATABASE_URL at huddlebot's database file",
    ),
)


def explain(error: BaseException) -> str | None:
    """One line (with a fix) for a mistake a person can fix, or None for a bug."""
    for found in _chain(error):
        if isinstance(found, CommandError) and "Can't locate revision" in str(found):
            return (
                "the database was made by a newer version of huddlebot; "
                "upgrade huddlebot (pip install -U huddlebot) before using it"
            )
        if isinstance(found, OperationalError):
            return _database(str(found.orig))
        if isinstance(found, OSError) and found.filename is not None:
            return (
                f"cannot use {found.filename}: {found.strerror or type(found).__name__}; "
                "check that it exists and that huddlebot may read or write it"
            )
    return None


def _database(reason: str) -> str:
    lowered = reason.lower()
    for marker, what, fix in _SQLITE:
        if marker in lowered:
            return f"{what}\n  how to fix: {fix}"
    first = reason.strip().splitlines()[0][:200] if reason.strip() else "no reason given"
    return (
        f"the database cannot be used ({first})\n"
        "  how to fix: check DATABASE_URL and that the database server is running"
    )


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
