"""Send 10,000 signed hostile requests to a bot on SQLite and print what came back.

    python -m bench.hostile [--count 10000] [--seed 15] [--database-url URL]

Without `--database-url` the bot runs on a new SQLite file; with a PostgreSQL URL (an empty
database: its schema is emptied first) it runs there.

Prints the answers by HTTP status, the tracebacks logged, how many bytes the log grew by, and how
long a normal reply then takes to be stored and answered. The requests are those of
`tests/fakes/hostile.py`; the bot runs with its real web app, Slack and Telegram adapters (against
local fakes), and its log at INFO through the same bounded formatter as `huddlebot run`.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import tempfile
import textwrap
import time
from collections import Counter
from pathlib import Path

import aiohttp
from sqlmodel import select

from adapters.slack.adapter import SlackAdapter
from adapters.telegram.adapter import TelegramAdapter
from bot.app import running
from bot.config.environment import Settings
from bot.config.partnership import load_config
from bot.core.background import Background
from bot.logs import FORMAT, BoundedFormatter
from bot.storage.models import Entry
from tests.fakes import slack_events as ev
from tests.fakes.hostile import TELEGRAM_CHAT, TELEGRAM_SECRET, drive
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.harness import CONFIG, fresh_postgres, open_harness


async def bench(count: int, seed: int, folder: Path, database_url: str | None) -> None:
    config_path = folder / "huddlebot.toml"
    config_path.write_text(textwrap.dedent(CONFIG))
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setFormatter(BoundedFormatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    async with FakeSlackAPI() as slack, FakeTelegramAPI() as telegram:
        slack.add_user("U0ALEX", real_name="Alex Morgan")
        adapters = (
            SlackAdapter(
                bot_token="xoxb-bench", signing_secret=ev.SIGNING_SECRET, api_url=slack.url
            ),
            TelegramAdapter(
                token=telegram.token,
                api_url=telegram.url,
                webhook_url="https://bot.example.org",
                webhook_secret=TELEGRAM_SECRET,
            ),
        )
        async with (
            open_harness(
                load_config(config_path),
                database_url or f"sqlite+aiosqlite:///{folder}/bench.db",
                extra_adapters=adapters,
                connect=False,
            ) as harness,
            Background() as background,
            running(harness.bot, background=background) as server,
        ):
            assert server is not None
            base = f"http://127.0.0.1:{server.port}"
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # the fakes' access log
            before = len(log.getvalue().encode("utf-8", "backslashreplace"))
            started = time.perf_counter()
            outcome = await drive(base, count=count, seed=seed)
            took = time.perf_counter() - started
            await harness.bot.dispatcher.drain()
            grown = len(log.getvalue().encode("utf-8", "backslashreplace")) - before
            sent_before = len(telegram.sent())
            update = telegram.message_update(TELEGRAM_CHAT, "/learned a normal reply afterwards")
            headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
            started = time.perf_counter()
            async with (
                aiohttp.ClientSession() as client,
                client.post(f"{base}/telegram/webhook", json=update, headers=headers) as answer,
            ):
                status = answer.status
            await harness.bot.dispatcher.drain()
            answered = time.perf_counter() - started
            async with harness.bot.sessions() as session:
                stored = (
                    await session.exec(
                        select(Entry).where(Entry.text == "a normal reply afterwards")
                    )
                ).all()
            replied = len(telegram.sent()) > sent_before
    root.removeHandler(handler)
    text = log.getvalue()
    for line in text.splitlines():
        if any(0xD800 <= ord(c) <= 0xDFFF for c in line):
            print("SURROGATE:", ascii(line)[:300])
    print(
        f"requests: {count} (seed {seed}) in {took:.1f}s; connection failures: {outcome.failures}"
    )
    for code, number in sorted(outcome.statuses.items()):
        print(f"  HTTP {code}: {number}")
    print(f"tracebacks in the log: {text.count('Traceback (most recent call last)')}")
    for kind, number in _traceback_kinds(text).most_common():
        print(f"  {number} x {kind}")
    print(f"log growth: {grown} bytes; longest line: {max(map(len, text.splitlines() or ['']))}")
    print(
        f"normal reply afterwards: HTTP {status}, stored {len(stored) == 1}, answered {replied}, "
        f"in {answered * 1000:.0f} ms"
    )


def _traceback_kinds(text: str) -> Counter[str]:
    """Each traceback's last line (the exception) with the log line it followed."""
    kinds: Counter[str] = Counter()
    lines = text.splitlines()
    for at, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last)"):
            end = next((i for i in range(at + 1, len(lines)) if not lines[i].startswith(" ")), at)
            kinds[f"{lines[at - 1][24:140]} | {lines[end][:160]}"] += 1
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--database-url", help="a PostgreSQL database to empty and use")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(bench(args.count, args.seed, Path(folder), _emptied(args.database_url)))


def _emptied(url: str | None) -> str | None:
    if url is None:
        return None
    normal = Settings.from_env({"DATABASE_URL": url}, cwd=Path.cwd()).database_url
    asyncio.run(fresh_postgres(normal))
    return normal


if __name__ == "__main__":
    main()
