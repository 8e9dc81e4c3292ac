"""What the bot holds about one person, gathered for `mydata`: as JSON and as CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

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


async def _rows(session: AsyncSession, table: sa.Table, condition: Any) -> list[dict[str, Any]]:
    query = sa.select(table).where(condition).order_by(*table.primary_key.columns)
    result = await execute(session, query)
    return [{key: _plain(value) for key, value in row._mapping.items()} for row in result]


def _without_others(table: sa.Table, row: dict[str, Any], person_id: int) -> dict[str, Any]:
    """A row that hangs on the person's entry, without anyone else's id: what others said about
    their story reaches them, never who said it."""
    others = {
        c.name
        for c in table.columns
        if refers_to(c) is Refers.PERSON and row.get(c.name) not in (None, person_id)
    }
    return {key: None if key in others else value for key, value in row.items()}


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
        rows = await _rows(session, table, column.in_(own_entries))
        keep(table, [_without_others(table, row, person_id) for row in rows])
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
