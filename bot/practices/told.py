"""When a person is told, in `mydata`, of rows others made about their entries.

A row another person made that hangs on someone's entry (a reason given for choosing their story,
a steward's note on their blocker) reaches that entry's author through `mydata`, without who made
it (`bot.practices.data_rights.holdings`). Some such rows are private until a moment of their own:
a choice in a Most Significant Change round is revealed only when its round closes, and only when
enough people chose. A table says so in its `info`, with a SQL condition on its own rows:

    __table_args__ = (..., told_when(revealed))

where `revealed(table)` is true of the rows its subject may be told of now. A table that says
nothing is told whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

TOLD_WHEN = "told_when"
"""The key in a table's `info` that holds its condition."""

ToldWhen = Callable[[sa.Table], sa.ColumnElement[bool]]
"""A table's condition: which of its rows the author of the entry they hang on may see now."""


def told_when(condition: ToldWhen) -> dict[str, Any]:
    """The `__table_args__` entry that declares `condition` for the table."""
    return {"info": {TOLD_WHEN: condition}}


def told_condition(table: sa.Table) -> sa.ColumnElement[bool] | None:
    """The condition `table` declared on its rows, or None when its rows are told whole."""
    condition: ToldWhen | None = table.info.get(TOLD_WHEN)
    return condition(table) if condition is not None else None
