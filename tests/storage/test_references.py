"""Every integer column says whether it holds a person's id, an entry's id, or neither."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import Field, SQLModel

from bot.storage.columns import time_column
from bot.storage.references import (
    Refers,
    entry_ref,
    identifies,
    not_personal,
    person_ref,
    refers_to,
    undeclared_columns,
    words_of,
)
from bot.storage.retention import entry_columns, person_columns
from tests.storage.every_model import every_table


def test_every_integer_column_in_every_model_is_declared() -> None:
    tables = every_table()
    names = {table.name for table in tables}
    assert {"people", "entries", "blockers", "experiment_leads", "pulse_answers"} <= names
    assert undeclared_columns(tables) == []


def test_an_undeclared_integer_column_in_a_new_model_is_named() -> None:
    class Visit(SQLModel, table=True):
        metadata = sa.MetaData()  # a throwaway table, kept off the bot's own metadata
        __tablename__ = "throwaway_visits"

        id: int | None = Field(default=None, primary_key=True)
        visitor: int | None = None
        host: int = Field(foreign_key="people.id")
        entry: int = Field(foreign_key="entries.id")
        guests: int = not_personal(0)
        seen_by: int | None = person_ref(None)
        story: int = entry_ref()
        round_id: int = Field(foreign_key="learning_rounds.id")
        note: str = ""
        at: datetime = time_column()

    table: sa.Table = Visit.__table__  # type: ignore[attr-defined]
    assert table.metadata is not SQLModel.metadata
    assert undeclared_columns([table]) == [
        "throwaway_visits.visitor: is an integer declared neither person_ref(), entry_ref() "
        "nor not_personal()",
        "throwaway_visits.host: is a foreign key to people but is not declared with person_ref()",
        "throwaway_visits.entry: is a foreign key to entries but is not declared with entry_ref()",
    ]


def test_a_declaration_is_read_back_from_the_column() -> None:
    class Declared(SQLModel, table=True):
        metadata = sa.MetaData()
        __tablename__ = "throwaway_declared"

        id: int | None = Field(default=None, primary_key=True)
        person: int | None = person_ref(None, identifies=True)
        entry: int | None = entry_ref(None)
        count: int = not_personal(0)

    columns = Declared.__table__.c  # type: ignore[attr-defined]
    assert [refers_to(c) for c in columns] == [None, Refers.PERSON, Refers.ENTRY, Refers.NOTHING]
    assert [identifies(c) for c in columns] == [False, True, False, False]


def with_people_and_entries() -> sa.MetaData:
    metadata = sa.MetaData()
    for name in ("people", "entries"):
        sa.Table(name, metadata, sa.Column("id", sa.Integer, primary_key=True))
    return metadata


def test_a_declaration_changes_nothing_the_database_sees() -> None:
    class Plain(SQLModel, table=True):
        metadata = with_people_and_entries()
        __tablename__ = "throwaway"

        id: int | None = Field(default=None, primary_key=True)
        entry_id: int = Field(foreign_key="entries.id", unique=True)
        person_id: int | None = Field(default=None, foreign_key="people.id", index=True)
        taken_by: int | None = None
        number: int = 0

    class DeclaredLikePlain(SQLModel, table=True):
        metadata = with_people_and_entries()
        __tablename__ = "throwaway"

        id: int | None = Field(default=None, primary_key=True)
        entry_id: int = entry_ref(foreign_key=True, unique=True)
        person_id: int | None = person_ref(None, foreign_key=True, index=True, words=("x",))
        taken_by: int | None = person_ref(None)
        number: int = not_personal(0)

    tables = [model.__table__ for model in (Plain, DeclaredLikePlain)]  # type: ignore[attr-defined]
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        create = [str(CreateTable(table).compile(dialect=dialect)) for table in tables]
        indexes = [
            sorted(str(CreateIndex(index).compile(dialect=dialect)) for index in table.indexes)
            for table in tables
        ]
        assert create[0] == create[1] and indexes[0] == indexes[1]
    assert undeclared_columns(tables[1:]) == []


def test_erasure_reads_words_and_identities_from_the_declarations() -> None:
    every_table()
    people = {f"{table.name}.{column.name}": column for table, column in person_columns()}
    assert {name for name, column in people.items() if identifies(column)} == {
        "identities.person_id",
        "memberships.person_id",
        "web_links.person_id",
        "web_sessions.person_id",
    }
    assert {name: words_of(c) for name, c in people.items() if words_of(c)} == {
        "learning_rounds.presenter_id": ("action",)
    }
    assert {"blockers.raised_by", "blockers.taken_by", "experiments.created_by"} <= set(people)
    entries = {f"{table.name}.{column.name}" for table, column in entry_columns()}
    assert {"blockers.entry_id", "experiment_updates.entry_id", "story_details.entry_id"} <= entries
