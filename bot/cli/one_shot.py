"""A bot for one command: the configuration and environment read, the platforms it needs built,
and everything assembled, for `huddlebot` subcommands (the features' ones too)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from adapters.console import ConsoleAdapter, needed_console_rooms
from adapters.registry import platform_adapters as adapters_from_settings
from bot.app import Bot, assembled
from bot.config.environment import Settings
from bot.config.partnership import Config, find_config_path, load_config
from bot.core.clock import SystemClock
from bot.core.ports import Adapter
from bot.delivery.presence import bot_running
from bot.delivery.run_lock import bot_is_running
from bot.rituals.scheduler import RealScheduler

log = logging.getLogger("huddlebot")


def load(args: argparse.Namespace) -> tuple[Config, Settings]:
    settings = Settings.from_env(os.environ, cwd=Path.cwd())
    config = load_config(find_config_path(args.config, os.environ, Path.cwd()))
    return config, settings


def platform_adapters(settings: Settings) -> list[Adapter]:
    """An adapter for each platform whose settings are present."""
    return adapters_from_settings(settings.platforms.found)


def console_adapter(config: Config, *, show_private: bool = True) -> ConsoleAdapter:
    return ConsoleAdapter(
        rooms=needed_console_rooms(config),
        clock=SystemClock(),
        output=sys.stdout,
        show_private=show_private,
    )


@asynccontextmanager
async def cli_bot(args: argparse.Namespace) -> AsyncIterator[Bot]:
    """A bot for one command: every configured platform connected, nothing scheduled.

    What the command queues is delivered before the context closes, by the command itself, or
    by a `huddlebot run` on the same database when there is one; nothing else in the outbox is
    touched. Feature commands use this too: `async with cli_bot(args) as bot: ...`.
    """
    config, settings = load(args)
    adapters = platform_adapters(settings)
    if not adapters:
        adapters.append(console_adapter(config))
    async with AsyncExitStack() as stack:
        scheduler = await stack.enter_async_context(RealScheduler())
        bot = await stack.enter_async_context(
            assembled(
                config,
                settings,
                adapters=adapters,
                clock=SystemClock(),
                scheduler=scheduler,
                one_shot=True,
            )
        )
        for adapter in bot.adapters.values():
            # send only: a running bot may be receiving, and Telegram allows one poller
            await stack.enter_async_context(adapter.connect(bot.core.handle, receive=False))
        yield bot
        if bot_is_running(settings.sqlite_path) or await bot_running(bot.sessions):
            log.info("the running bot sends what this command queued")
            return
        sent = await bot.dispatcher.drain()
        log.info("sent %d message part(s)", sent)
