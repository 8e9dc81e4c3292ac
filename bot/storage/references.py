"""What an integer column points at, declared on it: a person, an entry, or nothing personal.

Retention and erasure (`bot.storage.retention`, `bot.practices.data_rights`) find a person's data
and what hangs on an entry from these declarations alone, never from a column's name:

    raised_by: int | None = person_ref(None)
    entry_id: int = entry_ref(unique=True)
    presenter_id: int | None = person_ref(None, foreign_key=True, words=("action",))
    score: int = not_personal()

The declaration lives in the column's `info`, which the database never sees, so declaring a
column changes no schema and needs no migration. `foreign_key=True` adds a real foreign key to
`people.id` or `entries.id`, for the tables that had one from the start.

Every integer column of every table declares one of the three, except a primary key and a
foreign key to a table other than `people` or `entries` (which already says what it points at:
rows that hang on a deleted row are found by it). `undeclared_columns` names the columns that
break this rule; a test runs it over every table, so a new column cannot slip past erasure.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic_core import PydanticUndefined
from sqlmodel import Field

INFO_KEY = "refers_to"
WORDS_KEY = "words"
IDENTIFIES_KEY = "identifies"

PEOPLE = "people"
ENTRIES = "entries"


class Refers(StrEnum):
    """What a column's value is the id of."""

    PERSON = "person"
    ENTRY = "entry"
    NOTHING = "nothing"
    """A count, a score, a number in a sequence, an id of something that is not a person."""


_FOREIGN = {Refers.PERSON: f"{PEOPLE}.id", Refers.ENTRY: f"{ENTRIES}.id"}
_TABLE_OF = {Refers.PERSON: PEOPLE, Refers.ENTRY: ENTRIES}


def _field(
    refers: Refers,
    default: Any,
    *,
    foreign_key: bool,
    index: bool,
    unique: bool,
    primary_key: bool,
    info: dict[str, Any],
) -> Any:
    options: dict[str, Any] = {"index": index, "unique": unique}
    if foreign_key:
        options["foreign_key"] = _FOREIGN[refers]
    if primary_key:
        options["primary_key"] = True
    column_info = {INFO_KEY: refers.value, **info}
    return Field(default, sa_column_kwargs={"info": column_info}, **options)


def person_ref(
    default: Any = PydanticUndefined,
    *,
    foreign_key: bool = False,
    index: bool = False,
    unique: bool = False,
    words: tuple[str, ...] = (),
    identifies: bool = False,
) -> Any:
    """A column holding a person's id.

    `words` names the columns of the same row holding what this person wrote, blanked when they
    are erased (the row itself stays, as it is not theirs alone). `identifies` says the row is
    how the bot knows the person (a platform identity, a membership): it goes whenever they are
    forgotten, anonymised as well as erased.
    """
    info: dict[str, Any] = {}
    if words:
        info[WORDS_KEY] = tuple(words)
    if identifies:
        info[IDENTIFIES_KEY] = True
    return _field(
        Refers.PERSON,
        default,
        foreign_key=foreign_key,
        index=index,
        unique=unique,
        primary_key=False,
        info=info,
    )


def entry_ref(
    default: Any = PydanticUndefined,
    *,
    foreign_key: bool = False,
    index: bool = False,
    unique: bool = False,
    primary_key: bool = False,
) -> Any:
    """A column holding an entry's id: its row hangs on the entry and goes with it."""
    return _field(
        Refers.ENTRY,
        default,
        foreign_key=foreign_key,
        index=index,
        unique=unique,
        primary_key=primary_key,
        info={},
    )


def not_personal(default: Any = PydanticUndefined, *, index: bool = False) -> Any:
    """An integer that is no one's id: a count, a score, a number, a link to a row of its table."""
    return Field(default, index=index, sa_column_kwargs={"info": {INFO_KEY: Refers.NOTHING.value}})


def refers_to(column: sa.Column[Any]) -> Refers | None:
    """What `column` is declared to point at; None when it declares nothing."""
    declared = column.info.get(INFO_KEY)
    return None if declared is None else Refers(declared)


def words_of(column: sa.Column[Any]) -> tuple[str, ...]:
    """The columns of a person reference's row that hold what that person wrote."""
    return tuple(column.info.get(WORDS_KEY, ()))


def identifies(column: sa.Column[Any]) -> bool:
    """Whether a person reference's row is how the bot knows them, gone on any erasure."""
    return bool(column.info.get(IDENTIFIES_KEY, False))


def _foreign_tables(column: sa.Column[Any]) -> set[str]:
    return {fk.target_fullname.split(".")[0] for fk in column.foreign_keys}


def _problem(column: sa.Column[Any]) -> str | None:
    """Why `column` breaks the declaration rule, or None when it keeps it."""
    info = column.info.get(INFO_KEY)
    if info is not None and info not in {r.value for r in Refers}:
        return f"declares {info!r}, which is none of {', '.join(r.value for r in Refers)}"
    declared = refers_to(column)
    targets = _foreign_tables(column)
    for refers, table in _TABLE_OF.items():
        if table in targets and declared is not refers:
            return f"is a foreign key to {table} but is not declared with {refers.value}_ref()"
    if declared is not None or column.primary_key or targets:
        return None
    if isinstance(column.type, sa.Integer):
        return "is an integer declared neither person_ref(), entry_ref() nor not_personal()"
    return None


def undeclared_columns(tables: Iterable[sa.Table]) -> list[str]:
    """Each column of `tables` that breaks the rule, as `table.column: why`."""
    found = []
    for table in tables:
        for column in table.columns:
            problem = _problem(column)
            if problem is not None:
                found.append(f"{table.name}.{column.name}: {problem}")
    return found
