"""Every statement a bot's connections run, as the driver saw it: how the reply tests and
`bench/reply_cost.py` count a reply's round trips."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import Bot
from bot.storage.database import SessionFactory

HEARTBEAT = "UPDATE processes SET heartbeat_at"
"""This process's heartbeat (bot/delivery/presence.py), written on a timer of its own."""

_COUNTED: ContextVar[bool] = ContextVar("counted", default=False)


def statements(bot: Bot) -> AbstractAsyncContextManager[list[str]]:
    """Every statement the bot's connections run inside the block (see `statements_of`)."""
    return statements_of(bot.sessions)


@asynccontextmanager
async def statements_of(sessions: SessionFactory) -> AsyncIterator[list[str]]:
    """Every statement the bot's connections run inside the block, as the driver saw it.

    On PostgreSQL only the statements of the block's own task are kept (asyncpg hands each
    record to its logger in the context of the task that ran it), so a heartbeat that falls
    inside the block is not counted; on SQLite, whose one connection runs one transaction at a
    time, `shape` takes a heartbeat's whole transaction out."""
    engine: AsyncEngine = sessions.kw["bind"]
    said: list[str] = []
    postgres = engine.dialect.name == "postgresql"
    traced: list[Any] = []

    def logged(record: Any) -> None:
        if _COUNTED.get():
            said.append(record.query)

    def attach(_dbapi: Any, record: Any, _proxy: Any) -> None:
        driver = record.driver_connection
        if driver in traced:
            return
        traced.append(driver)
        if postgres:
            driver.add_query_logger(logged)
        else:
            driver.trace(said.append)

    event.listen(engine.sync_engine, "checkout", attach)
    token = _COUNTED.set(True)
    try:
        yield said
        await asyncio.sleep(0)  # asyncpg hands each record to its logger on the next loop turn
    finally:
        _COUNTED.reset(token)
        event.remove(engine.sync_engine, "checkout", attach)
        for driver in traced:
            if postgres:
                driver.remove_query_logger(logged)
            else:
                driver.trace(None)


def shape(said: list[str]) -> list[str]:
    """The first word of each statement, without SQLite's busy-timeout pragmas (set around a
    transaction's first write, no I/O) and without a heartbeat's transaction."""
    words: list[str] = []
    for sql in said:
        word = sql.split(None, 1)[0].upper().rstrip(";")
        if word == "PRAGMA":
            continue
        if word == "COMMIT" and words[-2:] == ["BEGIN", HEARTBEAT]:
            del words[-2:]
            continue
        words.append(HEARTBEAT if sql.startswith(HEARTBEAT) else word)
    return words
