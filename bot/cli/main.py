"""The `huddlebot` command: run, demo, prompt, digest, telegram, export, db upgrade, and the
sub-commands the practices add (see `bot.practices.registry`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack

from bot import heap, logs
from bot.app import assembled, running
from bot.cli import backup, check, export, init, places, problems, prompts_list, slack
from bot.cli import digest as digest_cli
from bot.cli.one_shot import cli_bot, console_adapter, load, platform_adapters, web_settings
from bot.config.environment import Settings
from bot.core.background import Background
from bot.core.clock import SystemClock
from bot.errors import ConfigError, HuddlebotError
from bot.practices.registry import practice_commands
from bot.rituals.scheduler import RealScheduler
from bot.storage.database import open_database

log = logging.getLogger("huddlebot")
LOG_FILE = "huddlebot.log"
LOGS_AT_INFO = ("run", "db")
"""Commands whose log is their outcome; the others say theirs and log only warnings (unless
HUDDLEBOT_LOG_LEVEL asks for more)."""


async def _run(args: argparse.Namespace) -> int:
    config, settings = load(args)
    adapters = platform_adapters(settings)
    console = None
    started: Callable[[], None] | None = None
    if args.console or not adapters:
        console = console_adapter(config)
        adapters.append(console)
        if not args.verbose and sys.stderr.isatty():  # keep log lines out of the chat
            started = logs.into_file(settings.data_dir / LOG_FILE)
    settings = web_settings(settings, adapters)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with AsyncExitStack() as stack:
        scheduler = await stack.enter_async_context(RealScheduler())
        bot = await stack.enter_async_context(
            assembled(config, settings, adapters=adapters, clock=SystemClock(), scheduler=scheduler)
        )
        background = await stack.enter_async_context(Background())
        await stack.enter_async_context(running(bot, background=background))
        heap.settle()  # what start-up built lives as long as the process
        log.info(
            "huddlebot is running for %s with %s",
            config.partnership.name,
            ", ".join(sorted(bot.adapters)),
        )
        waiters: list[asyncio.Task[object]] = [
            asyncio.create_task(stop.wait()),
            asyncio.create_task(background.failed.wait()),
        ]
        if console is not None:
            console.settle = bot.dispatcher.drain
            print(console_banner(settings, logged=started is not None), flush=True)
            if started is not None:
                started()
            waiters.append(asyncio.create_task(console.read(sys.stdin)))
        _done, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await bot.dispatcher.drain()
    return 1 if background.failed.is_set() else 0


def console_banner(settings: Settings, *, logged: bool) -> str:
    """What the console says first: how to talk to it, and where its log went."""
    lines = [
        "huddlebot console: type a reply, /help, or /prompt learned; Ctrl-D to leave.",
        "  #room moves to a room, @name speaks as someone once, /as NAME speaks as an ordinary "
        "member.",
    ]
    if logged:
        lines.append(f"  The log is in {settings.data_dir / LOG_FILE} (--verbose shows it here).")
    return "\n".join(lines)


async def _prompt(args: argparse.Namespace) -> int:
    """`prompt`: ask a circle one prompt now, deliver it, and stop."""
    async with cli_bot(args) as bot:
        run = await bot.huddle.send_prompt_now(args.circle, args.prompt)
        if run is None:
            print("That prompt was already sent to this circle just now.")
    return 0


async def _db_upgrade(args: argparse.Namespace) -> int:
    settings = places.settings(args)
    async with open_database(settings.database_url, migrate=True):
        pass
    print("The database schema is up to date.")
    return 0


async def _telegram(args: argparse.Namespace) -> int:
    """`telegram links` prints each circle's join link; `telegram commands` fills the menu."""
    config, settings = load(args)
    from adapters.common.settings import switched_on
    from adapters.telegram import spec as telegram
    from adapters.telegram.start_links import MAX_CIRCLE_ID, deep_link

    if not switched_on(telegram.SPEC, settings.platforms.found):
        raise ConfigError(
            "no Telegram bot token is set",
            source="environment",
            key="TELEGRAM_BOT_TOKEN",
            fix="set TELEGRAM_BOT_TOKEN to the token BotFather gave you",
        )
    adapter = telegram.build(settings.platforms.found)
    if args.telegram_command == "links":
        username = await adapter.bot_username()
        print(
            "Share a circle's link with its members only; opening it links them to that circle."
            " The links are signed with the bot's token: a new token needs new links."
        )
        for circle in config.circles:
            if circle.kind == "stewards":
                continue  # a link can be passed on, so it never makes anyone a steward
            if len(circle.id) > MAX_CIRCLE_ID:
                print(
                    f"  {circle.name} ({circle.id}): no link, as Telegram takes ids of at most"
                    f" {MAX_CIRCLE_ID} characters here; give this circle a shorter id"
                )
                continue
            link = deep_link(username, adapter.links.payload(circle.id))
            print(f"  {circle.name} ({circle.id}): {link}")
        return 0
    async with cli_bot(args) as bot:
        # every verb the running bot answers, the features' ones too; stewards' verbs stay out
        menu = [(v.verb, v.description) for v in bot.router.verbs.values() if not v.operator]
    await adapter.register_commands(menu)
    print(f"Registered {len(menu)} commands in the bot's Telegram menu.")
    return 0


async def _demo(args: argparse.Namespace) -> int:
    from bot.cli.demo import run_demo

    return await run_demo(output=sys.stdout, weeks=args.weeks)


def _weeks(value: str) -> int:
    """`--weeks` for the demo: a whole number of weeks from 1 to 52."""
    from bot.cli.demo import MOST_WEEKS

    weeks = int(value) if value.strip().lstrip("-").isdigit() else None
    if weeks is None or not 1 <= weeks <= MOST_WEEKS:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a number of weeks the demo can show: "
            f"give a whole number from 1 to {MOST_WEEKS}, for example --weeks 4"
        )
    return weeks


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="huddlebot",
        description="Reflective prompts, stories and huddle digests for systems-change "
        "partnerships, in Slack, Telegram or a terminal.",
    )
    places.add_arguments(top)
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="run the bot (the console when no platform tokens are set)")
    run.add_argument("--console", action="store_true", help="also chat in this terminal")
    run.add_argument(
        "--verbose",
        action="store_true",
        help="show the log in the terminal while chatting in the console (by default it goes "
        f"to {LOG_FILE} in the data folder)",
    )
    demo = sub.add_parser("demo", help="watch a sample partnership live two weeks in seconds")
    demo.add_argument(
        "--weeks", type=_weeks, default=2, help="how many weeks to simulate, 1 to 52 (default 2)"
    )
    prompt = sub.add_parser("prompt", help="ask a circle one prompt now")
    prompt.add_argument("--circle", required=True, help="circle id from the config")
    prompt.add_argument("--prompt", required=True, help="prompt id from the prompt library")
    digest_cli.add_parser(sub)
    telegram = sub.add_parser("telegram", help="Telegram set-up helpers")
    tg_sub = telegram.add_subparsers(dest="telegram_command", required=True, metavar="ACTION")
    tg_sub.add_parser("links", help="print each circle's link for members to join privately")
    tg_sub.add_parser("commands", help="register the command menu with Telegram")
    slack.add_parser(sub)
    export.add_parser(sub)
    for command in practice_commands():
        command.add_parser(sub)
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply database migrations")
    init.add_parser(sub)
    check.add_parser(sub)
    prompts_list.add_parser(sub)
    backup.add_parsers(sub)
    return top


COMMANDS = {
    "run": _run,
    "demo": _demo,
    "prompt": _prompt,
    "digest": digest_cli.run,
    "db": _db_upgrade,
    "telegram": _telegram,
    "slack": slack.run,
    "export": export.run,
    # the practices' own commands, from the practices' list
    **{command.name: command.run for command in practice_commands()},
    "init": init.run,
    "check": check.run,
    "prompts": prompts_list.run,
    "backup": backup.backup_command,
    "restore": backup.restore_command,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        logs.configure(os.environ, default="INFO" if args.command in LOGS_AT_INFO else "WARNING")
        return asyncio.run(COMMANDS[args.command](args))
    except HuddlebotError as problem:
        print(f"huddlebot: {problem}", file=sys.stderr)
        return problems.EXIT_MISTAKE
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        mistake = problems.explain(error)
        if mistake is None:
            raise
        print(f"huddlebot: {mistake}", file=sys.stderr)
        return problems.EXIT_MISTAKE


if __name__ == "__main__":
    sys.exit(main())
