"""Every table the bot defines, on `SQLModel.metadata`, for tests that check all of them."""

from __future__ import annotations

import importlib
import pkgutil

import sqlalchemy as sa
from sqlmodel import SQLModel

import bot


def every_table() -> list[sa.Table]:
    """Import each `models` module under `bot` (the core's and every practice's) and list all
    the tables they define, so a practice added later is checked without being named here."""
    for module in pkgutil.walk_packages(bot.__path__, prefix="bot."):
        if module.name.rsplit(".", 1)[-1] == "models":
            importlib.import_module(module.name)
    return list(SQLModel.metadata.sorted_tables)
