"""Old databases' revision marks, brought onto the one line of migrations.

Releases up to 0.1.0 applied each feature's migration as a branch from the initial schema, so a
database they made records several revisions in `alembic_version` (one per branch). The history is
one line now, holding those same revisions in the order they were written; of the marks a
database holds, only the newest still means anything, since every other one is its ancestor.
`keep_newest` deletes the others, so alembic sees one current revision and goes on from there.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

VERSION_TABLE = "alembic_version"


def ancestors(script: ScriptDirectory, revision: str) -> set[str]:
    """Every revision `revision` comes after, following the history down to its base."""
    found: set[str] = set()
    waiting = [revision]
    while waiting:
        current = script.get_revision(waiting.pop())
        if current is None:
            continue
        down_revision = current.down_revision
        downs = (down_revision,) if isinstance(down_revision, str) else down_revision or ()
        for down in downs:
            if down not in found:
                found.add(down)
                waiting.append(down)
    return found


def keep_newest(connection: Connection, script: ScriptDirectory) -> None:
    """Delete the revision marks that another stored mark comes after."""
    stored = set(MigrationContext.configure(connection).get_current_heads())
    if len(stored) < 2:
        return
    older: set[str] = set()
    for revision in stored:
        older |= ancestors(script, revision)
    superseded = stored & older
    if not superseded:
        return
    version = sa.table(VERSION_TABLE, sa.column("version_num", sa.String))
    connection.execute(version.delete().where(version.c.version_num.in_(sorted(superseded))))
    log.info(
        "database revision marks %s superseded by %s",
        ", ".join(sorted(superseded)),
        ", ".join(sorted(stored - superseded)),
    )
