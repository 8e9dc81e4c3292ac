"""A bot for one command: the configuration and environment read, the platforms it needs built,
and everything assembled, for `huddlebot` subcommands (the features' ones too)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace

from adapters.console import ConsoleAdapter, needed_console_rooms
from adapters.registry import PLATFORM_SPECS
from adapters.registry import platform_adapters as adapters_from_settings
from bot.app import Bot, assembled
from bot.cli import places
from bot.config.environment import Settings
from bot.config.partnership import Config
from bot.core.clock import SystemClock
from bot.core.ports import Adapter
from bot.delivery.presence import bot_running
from bot.delivery.run_lock import bot_is_running
from bot.rituals.scheduler import RealScheduler


def load(args: argparse.Namespace) -> tuple[Config, Settings]:
    """The configuration and settings, found as every command finds them (bot/cli/places.py)."""
    settings = places.settings(args)
    config = places.config(args)
    return config, settings


def platform_adapters(settings: Settings) -> list[Adapter]:
    """An adapter for each platform whose settings are present."""
    return adapters_from_settings(settings.platforms.found)


def web_settings(settings: Settings, adapters: Sequence[Adapter]) -> Settings:
    """The settings `huddlebot run` serves the web app (webhooks, /healthz, the pages) with.

    On its port (HUDDLEBOT_PORT, else 8080) when that is set, when HUDDLEBOT_PUBLIC_URL is, or
    when a platform from outside this machine runs. The console alone listens on a free port the
    system picks: its `web` links carry that port, so they open the pages, and a second console
    beside a first is not stopped by a port in use."""
    specs = {spec.name: spec for spec in PLATFORM_SPECS}

    def local(adapter: Adapter) -> bool:
        spec = specs.get(adapter.platform)
        return spec is not None and spec.capabilities.trusted_operator and not adapter.routes()

    fixed = settings.port_given or settings.public_url is not None
    if fixed or not all(local(adapter) for adapter in adapters):
        return settings
    return replace(settings, port=0)


def console_adapter(config: Config, *, show_private: bool = True) -> ConsoleAdapter:
    return ConsoleAdapter(
        rooms=needed_console_rooms(config),
        clock=SystemClock(),
        output=sys.stdout,
        show_private=show_private,
    )


@asynccontextmanager
async def cli_bot(args: argparse.Namespace, *, reads_only: bool = False) -> AsyncIterator[Bot]:
    """A bot for one command: every configured platform connected, nothing scheduled.

    A command that `reads_only` stops with a clear message where there is no database yet; any
    other says so when it starts a new, empty one.

    What the command queues is delivered before the context closes, by the command itself, or
    by a `huddlebot run` on the same database when there is one; nothing else in the outbox is
    touched. Feature commands use this too: `async with cli_bot(args) as bot: ...`.
    """
    config, settings = load(args)
    new = None if reads_only else places.new_database(settings)
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
                create_database=not reads_only,
            )
        )
        if new is not None:
            places.note_new_database(new)
        for adapter in bot.adapters.values():
            # send only: a running bot may be receiving, and Telegram allows one poller
            await stack.enter_async_context(adapter.connect(bot.core.handle, receive=False))
        yield bot
        if bot_is_running(settings.sqlite_path) or await bot_running(bot.sessions):
            if not reads_only:
                print("huddlebot: the running bot sends what this command queued", file=sys.stderr)
            return
        sent = await bot.dispatcher.drain()
        if sent:
            print(f"huddlebot: sent {sent} message part(s)", file=sys.stderr)
