"""Writes that waited, as one PostgreSQL statement (bot/storage/sql.py `write_waiting`).

The statement is a data-modifying WITH: the lead's insert first (`ahead`), then each row's
insert taking its row from the lead's (so nothing is written when the lead writes nothing).
An update (`update_later`) goes as a CTE of its own that changes rows only when the lead wrote
its row. A row may have a gate: a one-row upsert that runs just before it in the same
statement (a room's lease taken only when nothing waits in the room) and decides some of its
values (sent at once, or pending); the gate too takes its row from the lead's. The statement's
one row holds the lead's RETURNING columns, its witness, each row's new id (NULL where a
conflict kept it out), then for each gated row whether its gate wrote its row.

Every CTE sees the database as it was before the statement: a gate does not see the rows
written with it. bot/storage/sql.py writes what a gate must see before it (`Gate.sees`).

The plan is built and compiled once per shape (which lead, which tables and keys, which gates,
which updates) and kept; each use only binds values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnDefault, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.dml import Insert, Update
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from bot.storage.driver import BindProcessor, compiled_sql

GateBuild = Callable[[str, str, FromClause | None], Insert]
"""Builds a gate's upsert for a dialect's name, with each bound parameter's name prefixed by
the given string, taking its row from the given clause (the lead's) when there is one."""


@lru_cache(maxsize=64)
def columns(table: Table, keys: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The columns an insert of `keys` writes (with those the model gives a fixed default)
    and those defaults."""
    defaults: dict[str, Any] = {}
    for column in table.c:
        if column.key in keys or column.default is None:
            continue
        default = column.default
        if not isinstance(default, ColumnDefault) or not default.is_scalar:
            raise ValueError(f"{table.name}.{column.key} needs a value: it has no fixed default")
        defaults[column.key] = default.arg
    return (*keys, *defaults), defaults


@dataclass(frozen=True, slots=True)
class Shape:
    """What a waiting row's part of the statement depends on: its table, the keys of its
    values (in the order given), whether a conflict leaves it out, and its gate's builder and
    the keys the gate decides (when it has one)."""

    table: Table
    keys: tuple[str, ...]
    skip_conflict: bool
    gate: GateBuild | None = None
    decided: tuple[str, ...] = ()


LEAD_SLOT = -1

REQUIRED: Any = object()
"""A value `bind` must find in its slot (it has no default)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """The compiled statement; where each bound value comes from (a slot of the values `bind`
    is given, its key, its bind processor, its default when the slot has none); how many
    RETURNING columns the lead has."""

    sql: str
    order: tuple[tuple[int, str, BindProcessor | None, Any], ...]
    width: int


@lru_cache(maxsize=128)
def plan(
    lead: Callable[[str], Insert] | None,
    witness: Callable[[str], ColumnElement[Any]] | None,
    shapes: tuple[Shape, ...],
    changes: tuple[Callable[[str], Update], ...],
    dialect: Dialect,
) -> Plan:
    """The plan for a lead (or none), rows of `shapes` and updates (`changes`). Slots: row
    `i`'s values are slot `i`; the `k`-th gated row's gate values and decided values are slots
    `n + 2k` and `n + 2k + 1` (n rows, g gates); update `j`'s values are slot `n + 2g + j`; the
    lead's values are `LEAD_SLOT`."""
    ahead = None if lead is None else lead("postgresql").cte("ahead")
    sources: dict[str, tuple[int, str, Any]] = {}
    gate_prefixes: dict[str, int] = {}
    written = []
    gates: list[Any] = []
    for number, shape in enumerate(shapes):
        names, defaults = columns(shape.table, shape.keys)
        gate = None
        if shape.gate is not None:
            slot = len(shapes) + 2 * len(gates)
            prefix = f"g{number}_"
            gate_prefixes[prefix] = slot
            gate = shape.gate("postgresql", prefix, ahead).cte(f"g{number}")
            gates.append(gate)
        values: list[Any] = []
        for key in names:
            name = f"r{number}_{key}"
            sources[name] = (number, key, defaults.get(key, REQUIRED))
            column_type = shape.table.c[key].type
            value: Any = sa.bindparam(name, type_=column_type)
            if gate is not None and key in shape.decided:
                sources[f"d{number}_{key}"] = (slot + 1, key, REQUIRED)
                passed = sa.exists().select_from(gate)
                decided = sa.bindparam(f"d{number}_{key}", type_=column_type)
                value = sa.case((passed, decided), else_=value)
            values.append(value)
        row = sa.select(*values)
        if ahead is not None:
            row = row.select_from(ahead)
        insert = postgresql.insert(shape.table).from_select(
            list(names), row, include_defaults=False
        )
        if shape.skip_conflict:
            insert = insert.on_conflict_do_nothing()
        written.append(insert.returning(shape.table.c.id).cte(f"w{number}"))
    change_names: dict[str, int] = {}
    updates = []
    for number, build in enumerate(changes):
        change = build("postgresql")
        for name in change.compile(dialect=dialect).params:
            change_names[name] = len(shapes) + 2 * len(gates) + number
        if ahead is not None:
            change = change.where(sa.exists().select_from(ahead))
        updates.append(change.cte(f"u{number}"))
    selected: list[Any] = []
    if ahead is not None:
        selected += [sa.select(column).scalar_subquery() for column in ahead.c]
    if witness is not None:
        selected.append(witness("postgresql"))
    selected += [sa.select(cte.c.id).scalar_subquery() for cte in written]
    selected += [sa.exists().select_from(gate) for gate in gates]
    sql, order = compiled_sql(sa.select(*selected).add_cte(*updates), dialect)
    placed = []
    for name, process in order:
        found = sources.get(name)
        if found is None and name in change_names:
            found = (change_names[name], name, REQUIRED)
        if found is None:
            gate_slot = next((s for p, s in gate_prefixes.items() if name.startswith(p)), None)
            if gate_slot is not None:
                found = (gate_slot, name.split("_", 1)[1], REQUIRED)
            else:
                found = (LEAD_SLOT, name, REQUIRED)
        slot, key, default = found
        placed.append((slot, key, process, default))
    return Plan(sql, tuple(placed), 0 if ahead is None else len(ahead.c))


def bind(the_plan: Plan, slots: Sequence[Mapping[str, Any]]) -> list[Any]:
    """The statement's values, in order, from `slots` (laid out as `plan` says)."""
    bound = []
    for slot, key, process, default in the_plan.order:
        value = slots[slot][key] if default is REQUIRED else slots[slot].get(key, default)
        bound.append(value if process is None else process(value))
    return bound
