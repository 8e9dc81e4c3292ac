"""What the bot holds about one person, gathered for `mydata`: as JSON and as CSV.

Their own rows come whole (with another person's id blanked where a row of theirs holds one).
Rows others made that hang on their entries (the reasons people gave for choosing their story, a
steward's note on their blocker) come as the person should see them: what was said and the day,
never the row's number, an id or the exact time, in an order that follows neither.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.practices.told import told_condition
from bot.storage.models import Entry
from bot.storage.references import Refers, refers_to
from bot.storage.retention import (
    entry_columns,
    execute,
    person_columns,
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _plain_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: _plain(value) for key, value in row.items()}


async def _rows(
    session: AsyncSession, table: sa.Table, condition: Any, *, plain: bool = True
) -> list[dict[str, Any]]:
    query = sa.select(table).where(condition).order_by(*table.primary_key.columns)
    result = await execute(session, query)
    rows = [dict(row._mapping) for row in result]
    return [_plain_row(row) for row in rows] if plain else rows


def _person_columns(table: sa.Table) -> list[str]:
    return [c.name for c in table.columns if refers_to(c) is Refers.PERSON]


def _without_others(table: sa.Table, row: dict[str, Any], person_id: int) -> dict[str, Any]:
    """A row that hangs on the person's entry, without anyone else's id: what others said about
    their story reaches them, never who said it."""
    others = {name for name in _person_columns(table) if row.get(name) not in (None, person_id)}
    return {key: None if key in others else value for key, value in row.items()}


def _someone_elses(table: sa.Table, row: dict[str, Any], person_id: int) -> bool:
    """Whether `row` was made by someone else (a choice of their story, a steward's note on their
    blocker): it names a person, and never them."""
    named = [row.get(name) for name in _person_columns(table)]
    return any(v not in (None, person_id) for v in named) and person_id not in named


def _as_told(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    """Someone else's row as its subject sees it: what was said and the day, without the row's
    own number, anybody's id or the exact time, any of which could tell who made it."""
    hidden = {c.name for c in table.primary_key.columns} | set(_person_columns(table))
    told: dict[str, Any] = {}
    for column in table.columns:
        if column.name in hidden:
            continue
        value = row.get(column.name)
        told[column.name] = value.date().isoformat() if isinstance(value, datetime) else value
    return told


async def _told_of(
    session: AsyncSession, table: sa.Table, condition: Any, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Those of `rows` (of `table`, matching `condition`) their subject may be told of now: all,
    unless the table declares when (`bot.practices.told`)."""
    when = told_condition(table)
    if when is None:
        return rows
    keys = list(table.primary_key.columns)
    result = await execute(session, sa.select(*keys).where(condition, when))
    shown = {tuple(row) for row in result}
    return [r for r in rows if tuple(r[k.name] for k in keys) in shown]


def _told_order(row: dict[str, Any]) -> str:
    """Rows made by others come in an order that says nothing about who or when within a day."""
    return json.dumps(row, sort_keys=True, default=str)


async def person_data(session: AsyncSession, person_id: int, *, now: datetime) -> dict[str, Any]:
    """Everything stored about one person: their rows, and the rows that hang on their entries."""
    people = SQLModel.metadata.tables["people"]
    entries: sa.Table = Entry.__table__  # type: ignore[attr-defined]
    person = await _rows(session, people, people.c.id == person_id)
    tables: dict[str, list[dict[str, Any]]] = {}
    seen: dict[str, set[tuple[Any, ...]]] = {}

    def keep(table: sa.Table, rows: list[dict[str, Any]]) -> None:
        keys = [c.name for c in table.primary_key.columns]
        known = seen.setdefault(table.name, set())
        for row in rows:
            ident = tuple(row[k] for k in keys)
            if ident not in known:
                known.add(ident)
                tables.setdefault(table.name, []).append(row)

    for table, column in person_columns():
        keep(table, await _rows(session, table, column == person_id))
    own_entries = sa.select(entries.c.id).where(entries.c.person_id == person_id)
    for table, column in entry_columns():
        rows = await _rows(session, table, column.in_(own_entries), plain=False)
        keep(
            table,
            [
                _plain_row(_without_others(table, r, person_id))
                for r in rows
                if not _someone_elses(table, r, person_id)
            ],
        )
        told = [
            _plain_row(_as_told(table, r))
            for r in await _told_of(session, table, column.in_(own_entries), rows)
            if _someone_elses(table, r, person_id)
        ]
        if told:
            tables.setdefault(table.name, []).extend(sorted(told, key=_told_order))
    return {
        "exported_at": now.isoformat(),
        "person": person[0] if person else None,
        "tables": dict(sorted(tables.items())),
    }


def as_csv(data: dict[str, Any]) -> str:
    """The same data, one line a field: table, row, field, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "row", "field", "value"])
    for field, value in (data.get("person") or {}).items():
        writer.writerow(["people", 1, field, "" if value is None else value])
    for name, rows in data["tables"].items():
        for number, row in enumerate(rows, start=1):
            for field, value in row.items():
                writer.writerow([name, number, field, "" if value is None else value])
    return out.getvalue()


def as_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, default=str)


def summary(data: dict[str, Any]) -> dict[str, int]:
    tables = data["tables"]
    entries = tables.get("entries", [])
    return {
        "entries": len(entries),
        "stories": sum(1 for e in entries if e.get("kind") == "story"),
        "consents": len(tables.get("consents", [])),
        "circles": len(tables.get("memberships", [])),
        "tables": len(tables),
    }
