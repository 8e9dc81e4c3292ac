"""The writes of a unit of work, straight to the driver, and those that may wait to go together.

`insert_row`, `insert_ignore` and `first_row` write one row through bot/storage/driver.py: a
statement compiled once, its values bound by each column's own type, sent past SQLAlchemy's
execution machinery.

Some writes need not go the moment they are asked for:

- a write that must come before all others in its transaction (an inbound event's record, which
  refuses a repeat) waits for the transaction's next write with `lead_with`;
- a row that nothing later in the unit of work reads back, and whose id is wanted only once the
  unit of work ends (an entry no hook looks at, an outbox part), waits with `insert_later`;
- an update whose outcome nothing in the unit of work reads back or needs (a private chat
  remembered again) waits with `update_later`.

On PostgreSQL, whatever waits goes as one statement with the transaction's next write through
this module: a data-modifying WITH in which each insert takes its row from the lead's, and each
update changes rows only when the lead wrote its own, so nothing is written when the lead writes
nothing. When the unit of work ends with nothing else run in it, `write_waiting(last=True)`
sends that one statement in autocommit: no BEGIN and no COMMIT, so a reply from a remembered
member costs one round trip and one flush to disk. One statement is atomic, so the unit of
work still stores all of it or nothing; a lead that refuses (a repeat, a person forgotten
meanwhile) writes nothing there, and says why through its witness (a value the same statement
read). On SQLite, where a statement is no round trip, each write goes at once.

What waits is not yet in the database: a statement through the ORM, or through a connection,
does not see it. Only rows nobody in the same unit of work reads back may wait.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.dml import Insert, Update
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Select
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.driver import (
    Statement,
    began,
    driver,
    insert_ignore_statement,
    insert_statement,
    run_bound,
    run_row,
    table_of,
)
from bot.storage.together import GateBuild, Shape, bind, plan

Check = Callable[[tuple[Any, ...] | None, Any], None]
"""Looks at what a lead insert returned (None: no row, it wrote nothing) and what its witness
read (None when it has none, or on SQLite), and raises to refuse the transaction."""


@dataclass(frozen=True, slots=True)
class Lead:
    """A one-row insert that goes before every other write of its transaction (`lead_with`).

    `build` makes its statement for a dialect's name, cached as for `first_row`; its values are
    bound parameters named apart from every column (`bindparam("event_key", ...)`), so it can
    stand in one statement with the inserts it leads. `check` is given its RETURNING row, or
    None when it inserted nothing, and raises to refuse the transaction; it must refuse None,
    as the inserts it leads write nothing then. `witness`, on PostgreSQL, builds a scalar
    subquery read in the same statement and given to `check`: what a lead that may write
    nothing looked at (whose an identity is), so that `check` can tell why."""

    build: Callable[[str], Insert]
    values: dict[str, Any]
    check: Check
    witness: Callable[[str], ColumnElement[Any]] | None = None


@dataclass(frozen=True, slots=True)
class Gate:
    """A one-row upsert that decides some of a row's values (`insert_later(gate=...)`): the
    row gets `decided`'s values when the gate wrote its row, its own otherwise. A room's lease,
    taken only when nothing waits in the room, decides whether an answer is stored claimed
    (bot/delivery/direct.py).

    `build` makes the upsert (see bot/storage/together.py `GateBuild`; cache it); `values`
    are its parameters, named as in `build` without the prefix. Its statement reads the
    database as it was before the statement it goes in; `sees` names the waiting rows it must
    see, which are then written before it."""

    build: GateBuild
    values: Mapping[str, Any]
    decided: Mapping[str, Any]
    sees: Callable[[Later], bool]


@dataclass(slots=True, eq=False)
class Later:
    """A row given to `insert_later`, and its id once written (None: a unique constraint kept
    it out, with `skip_conflict`); with a gate, whether the gate wrote its row."""

    table: Table
    values: dict[str, Any]
    skip_conflict: bool
    gate: Gate | None = None
    id: int | None = None
    written: bool = False
    passed: bool = False


class _Waiting:
    """What waits for a transaction's next write: a lead, rows, updates; and a lead's refusal,
    raised again at every later write of that transaction."""

    __slots__ = ("changes", "lead", "refused", "rows", "transaction")

    def __init__(self, transaction: SessionTransaction | None) -> None:
        self.transaction = transaction
        self.lead: Lead | None = None
        self.rows: list[Later] = []
        self.changes: list[tuple[Callable[[str], Update], dict[str, Any]]] = []
        self.refused: BaseException | None = None

    def holds(self) -> bool:
        """Whether anything waits."""
        return self.lead is not None or bool(self.rows) or bool(self.changes)


_WAITING = "huddlebot.waiting"


def _waiting(session: AsyncSession) -> _Waiting | None:
    """The session's transaction's waiting writes, if any; raises a lead's refusal again."""
    waiting: _Waiting | None = session.info.get(_WAITING)
    if waiting is None or waiting.transaction is not session.sync_session.get_transaction():
        return None
    if waiting.refused is not None:
        raise waiting.refused
    return waiting


class StillWaiting(RuntimeError):
    """A transaction was committed while writes still waited in it: they would be lost."""


@event.listens_for(Session, "before_commit")
def _nothing_left_waiting(session: Session) -> None:
    """Refuse to commit a transaction whose waiting writes were never written: only
    `write_waiting` (bot/core/runtime.py calls it) writes them, and a commit without it would
    drop them without a word. One listener for every session (registered once, here)."""
    waiting: _Waiting | None = session.info.get(_WAITING)
    if waiting is None or waiting.transaction is not session.get_transaction():
        return
    if waiting.refused is None and waiting.holds():
        raise StillWaiting(
            "a transaction was committed with writes still waiting; "
            "call bot.storage.sql.write_waiting(session, last=True) before the commit"
        )


def _waiting_in(session: AsyncSession) -> _Waiting:
    waiting = _waiting(session)
    if waiting is None:
        waiting = _Waiting(session.sync_session.get_transaction())
        session.info[_WAITING] = waiting
    return waiting


def _checked(waiting: _Waiting, lead: Lead, row: tuple[Any, ...] | None, witness: Any) -> None:
    try:
        lead.check(row, witness)
    except BaseException as refusal:
        waiting.refused = refusal
        raise


async def lead_with(session: AsyncSession, lead: Lead) -> None:
    """Write `lead` before every other write of the session's transaction.

    On PostgreSQL it waits for the transaction's next write through this module and goes in
    the same statement (see the module's notes); its check runs then, so a refused lead stops
    the transaction at that write. On SQLite it is written and checked at once."""
    waiting = _waiting_in(session)
    if waiting.lead is not None:
        raise RuntimeError("this transaction already has a lead insert waiting")
    found = await driver(session)
    if found.dialect.name != "postgresql":
        row = await run_row(session, lead.build(found.dialect.name), lead.values)
        _checked(waiting, lead, row, None)
        return
    waiting.lead = lead


async def insert_later(
    session: AsyncSession,
    model: type[SQLModel],
    values: dict[str, Any],
    *,
    skip_conflict: bool = False,
    gate: Gate | None = None,
) -> Later:
    """Insert one row with the transaction's next write (see the module's notes); its id is
    known once `written`. With `skip_conflict`, a row a unique constraint already holds one like
    is left out (its id stays None), as `insert_ignore` does. With `gate`, the gate's upsert
    goes just before it and decides some of its values (`Later.passed`). Nothing in the same
    unit of work may read the row back before the unit of work ends."""
    table = table_of(model)
    later = Later(table, values, skip_conflict, gate)
    found = await driver(session)
    if found.dialect.name == "postgresql":
        waiting = _waiting_in(session)
        if gate is not None and any(gate.sees(row) for row in waiting.rows):
            await _write(session, waiting, begin=True)
        waiting.rows.append(later)
        return later
    _waiting(session)  # a lead refused: so is every later write
    if gate is not None:
        dialect = found.dialect.name
        later.passed = (
            await run_row(session, gate.build(dialect, "", None), dict(gate.values)) is not None
        )
        if later.passed:
            values = {**values, **gate.decided}
    if skip_conflict:
        statement = insert_ignore_statement(found.dialect.name, table)
    else:
        statement = insert_statement(table)
    row = await run_row(session, statement, values)
    later.id = None if row is None else int(row[0])
    later.written = True
    return later


async def update_later(
    session: AsyncSession, build: Callable[[str], Update], values: dict[str, Any]
) -> None:
    """Run an update with the transaction's next write (see the module's notes). `build` makes
    it for a dialect's name (cache it); its bound parameters are named apart from every other
    statement's of the unit of work (`bindparam("reopen_chat", ...)`), as it may go in one
    statement with them. On PostgreSQL it changes rows only when the lead, if one waits, writes
    its own. Nothing in the same unit of work may read what it changes before the unit of work
    ends. On SQLite it runs at once."""
    found = await driver(session)
    if found.dialect.name == "postgresql":
        _waiting_in(session).changes.append((build, values))
        return
    _waiting(session)  # a lead refused: so is every later write
    await run_row(session, build(found.dialect.name), values)


async def write_waiting(session: AsyncSession, *, last: bool = False) -> None:
    """Write what waits in the session's transaction now, as one statement; raise a lead's
    refusal. `last`: nothing else will be written in this unit of work (its commit follows), so
    when nothing ran in it yet and the ORM holds no change, the statement runs in autocommit."""
    waiting = _waiting(session)
    if waiting is None or not waiting.holds():
        return
    found = await driver(session)
    alone = last and not began(found) and not _orm_changes(session)
    await _write(session, waiting, begin=not alone)


def _orm_changes(session: AsyncSession) -> bool:
    sync = session.sync_session
    return bool(sync.new or sync.dirty or sync.deleted)


async def _write(session: AsyncSession, waiting: _Waiting, *, begin: bool) -> None:
    """Write the waiting lead and rows in one statement (bot/storage/together.py); fill in
    the rows' ids; run the lead's check (which raises to refuse)."""
    lead, rows, changes = waiting.lead, waiting.rows, waiting.changes
    waiting.lead, waiting.rows, waiting.changes = None, [], []
    found = await driver(session)
    shapes = tuple(
        Shape(r.table, tuple(r.values), r.skip_conflict)
        if r.gate is None
        else Shape(r.table, tuple(r.values), r.skip_conflict, r.gate.build, tuple(r.gate.decided))
        for r in rows
    )
    the_plan = plan(
        None if lead is None else lead.build,
        None if lead is None else lead.witness,
        shapes,
        tuple(build for build, _values in changes),
        found.dialect,
    )
    slots: list[Mapping[str, Any]] = [r.values for r in rows]
    gated = [r for r in rows if r.gate is not None]
    for r in gated:
        assert r.gate is not None
        slots += [r.gate.values, r.gate.decided]
    slots += [values for _build, values in changes]
    if lead is not None:
        slots.append(lead.values)  # the last slot: together.py's LEAD_SLOT
    row = await run_bound(session, found, the_plan.sql, bind(the_plan, slots), begin=begin)
    assert row is not None  # scalar subqueries only: always one row
    rest = row
    if lead is not None:
        returned = row[: the_plan.width]
        witness = row[the_plan.width] if lead.witness is not None else None
        rest = row[the_plan.width + (lead.witness is not None) :]
        _checked(waiting, lead, None if returned[0] is None else returned, witness)
        if returned[0] is None and rows:
            raise RuntimeError("a lead that wrote nothing was let through: its rows were not")
    ids, passed = rest[: len(rows)], rest[len(rows) :]
    for later, new in zip(rows, ids, strict=True):
        later.id = None if new is None else int(new)
        later.written = True
    for later, through in zip(gated, passed, strict=True):
        later.passed = bool(through)


async def _insert_now(
    session: AsyncSession, table: Table, values: dict[str, Any], *, skip_conflict: bool
) -> int | None:
    """Insert one row now, with whatever waits when something does."""
    waiting = _waiting(session)
    if waiting is not None and waiting.holds():
        later = Later(table, values, skip_conflict)
        waiting.rows.append(later)
        await _write(session, waiting, begin=True)
        return later.id
    found = await driver(session)
    if skip_conflict:
        statement = insert_ignore_statement(found.dialect.name, table)
    else:
        statement = insert_statement(table)
    row = await run_row(session, statement, values)
    return None if row is None else int(row[0])


async def insert_ignore(
    session: AsyncSession, model: type[SQLModel], values: dict[str, Any]
) -> int | None:
    """Insert a row unless a unique constraint already holds one like it.

    Returns the new row's id, or None when the row was already there. Two concurrent
    transactions inserting the same row cannot both get an id.
    """
    return await _insert_now(session, table_of(model), values, skip_conflict=True)


async def insert_row(session: AsyncSession, model: type[SQLModel], values: dict[str, Any]) -> int:
    """Insert one row and return its id, without the ORM's unit of work."""
    new = await _insert_now(session, table_of(model), values, skip_conflict=False)
    assert new is not None
    return new


async def first_row(
    session: AsyncSession,
    build: Callable[[str], Statement],
    values: dict[str, Any],
    *,
    sees_waiting: bool = True,
) -> tuple[Any, ...] | None:
    """Run a one-row insert (or update) with `values` and return its first RETURNING row, if
    any.

    `build` makes the statement for a dialect's name ("sqlite", "postgresql"); cache it, as the
    compiled SQL is kept per statement. Bound parameters other than the table's columns are
    named with `bindparam` and given in `values` too. What waits is written first, on its own,
    so this statement may read it; with `sees_waiting=False` (a statement that reads nothing
    that may wait) it goes now and what waits stays waiting, to go together later."""
    if sees_waiting:
        await write_waiting(session)
    else:
        _waiting(session)  # a lead refused: so is every later write
    found = await driver(session)
    return await run_row(session, build(found.dialect.name), values)


async def read_row(
    session: AsyncSession, build: Callable[[str], Select[Any]], values: dict[str, Any]
) -> tuple[Any, ...] | None:
    """The first row of a query built once per dialect (`build`, cached), in the session's
    transaction. On PostgreSQL it goes straight to the driver, after what waits (so it sees
    it); on SQLite through the session's connection, whose worker thread takes statements
    that may wait (bot/storage/sqlite_connection.py)."""
    found = await driver(session)
    if found.dialect.name == "postgresql":
        await write_waiting(session)
        return await run_row(session, build(found.dialect.name), values)
    result = await (await session.connection()).execute(build(found.dialect.name), values)
    row = result.first()
    return None if row is None else tuple(row)
