"""The tables the models describe are the tables the migrations make, column for column.

So declaring what a column holds (`bot.storage.references`), or any other change to a model,
cannot quietly need a migration that was never written.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from bot.storage.database import make_engine, upgrade
from tests.storage.every_model import every_table


def differences(connection: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(connection), SQLModel.metadata))


async def test_a_migrated_database_has_exactly_the_models_tables(database_url: str) -> None:
    every_table()
    engine = make_engine(database_url)
    try:
        await upgrade(engine)
        async with engine.connect() as connection:
            found = await connection.run_sync(differences)
    finally:
        await engine.dispose()
    assert found == []
