"""A bench's bot: the real core and store on a given database, a console nobody reads, and no
scheduled jobs, so what a bench measures is only what it offers the bot."""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from adapters.console import ConsoleAdapter, ConsoleRoom
from bot import heap
from bot.app import Bot, assembled
from bot.config.environment import Settings
from bot.config.partnership import load_config
from bot.core.clock import SystemClock
from bot.rituals.scheduler import JobSpec


class NoSchedule:
    """The benches never run scheduled jobs (reminders of the prompts they open)."""

    def add(self, job: JobSpec) -> None:
        del job


@asynccontextmanager
async def quiet_bot(config_path: Path, database_url: str, data: Path) -> AsyncIterator[Bot]:
    """The bot `config_path` describes, on `database_url`, its data folder `data`."""
    config = load_config(config_path)
    settings = replace(Settings.from_env({}, cwd=data), database_url=database_url)
    clock = SystemClock()
    console = ConsoleAdapter(
        rooms=[ConsoleRoom(c.id, r.chat) for c in config.circles for r in c.rooms],
        clock=clock,
        output=io.StringIO(),
        run_id=uuid.uuid4().hex[:8],
    )
    async with assembled(
        config, settings, adapters=[console], clock=clock, scheduler=NoSchedule()
    ) as bot:
        heap.settle()  # as `huddlebot run` does once it has started (bot/heap.py)
        yield bot
