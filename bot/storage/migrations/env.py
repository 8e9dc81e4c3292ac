"""Alembic environment: runs on the connection huddlebot hands it (`bot.storage.database`).

Migrations are one line of revisions in `versions/`: a new one revises the newest. The target
metadata is every table of the core and of the practices in the list.
"""

from __future__ import annotations

from alembic import context
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import bot.practices.registry
import bot.storage.models  # the core's tables
import bot.web.models  # noqa: F401  (sign-in links and web sessions)
from bot.storage.migrations.stored_heads import keep_newest

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `huddlebot db upgrade`, which supplies the connection")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    keep_newest(connection, ScriptDirectory.from_config(context.config))
    context.run_migrations()
