"""What a reply costs huddlebot, counted rather than timed: statements at the driver (each a
round trip on PostgreSQL) and Python function calls per reply, and the same for a redelivery.

    .venv/bin/python bench/reply_cost.py [--replies 1000] [--database-url URL]

The bot of bench/replies.py (a temporary SQLite file, or a scratch database beside the
PostgreSQL one `--database-url` names, dropped afterwards), one prompt sent to a circle of 200
members, and replies to it offered to `Core.handle` one after another, each in its own unit of
work: first a few hundred to warm the caches (every member and their membership remembered),
then the counted ones, then each of those delivered again. Statements are counted as the driver
saw them (asyncpg's query logger, sqlite3's trace), calls by cProfile, so the figures are the
same on a busy machine as on a quiet one; the CPU time beside them (under the profiler, so
larger than without it) is only for comparing runs made in the same minutes.

To compare two versions, run this file from each checkout, e.g. an older one extracted with
`git archive <commit> | tar -x -C /tmp/old` and run as
`PYTHONPATH=/tmp/old .venv/bin/python /tmp/old/bench/reply_cost.py` (if it has no such file,
copy this one there).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bench.replies import MEMBERS, bench_bot, replies, scratch_database
from bot.app import Bot
from bot.config.environment import Settings
from bot.core.events import Reply
from tests.statement_log import shape, statements


@dataclass(frozen=True, slots=True)
class Cost:
    """What offering some events cost, in total."""

    events: int
    statements: Counter[str]
    """Statements by their first word."""
    calls: int
    cpu: float

    def line(self, label: str) -> str:
        per = self.events
        words = ", ".join(f"{w} {n / per:.2f}" for w, n in self.statements.most_common())
        return (
            f"  {label:12} {sum(self.statements.values()) / per:5.2f} statements "
            f"({words})\n"
            f"  {'':12} {self.calls / per:7.0f} Python calls   "
            f"{self.cpu / per * 1000:6.2f} ms CPU under the profiler"
        )


async def offered(bot: Bot, events: Sequence[Reply]) -> Cost:
    async with statements(bot) as said:
        profile = cProfile.Profile()
        cpu = time.process_time()
        profile.enable()
        for reply in events:
            await bot.core.handle(reply)
        profile.disable()
        cpu = time.process_time() - cpu
    words = Counter(shape(said))  # without SQLite's busy-timeout pragmas and heartbeats
    stats = pstats.Stats(profile)
    return Cost(len(events), words, stats.total_calls, cpu)  # type: ignore[attr-defined]


async def measure(url: str, data: Path, count: int) -> tuple[Cost, Cost]:
    async with bench_bot(url, data) as (bot, ref, _run_id):
        await offered(bot, replies("warm", 2 * MEMBERS, in_reply_to=ref))
        events = replies("counted", count, in_reply_to=ref)
        first = await offered(bot, events)
        again = await offered(bot, events)
    return first, again


async def run(args: argparse.Namespace, data: Path) -> None:
    url = args.database_url
    if url is None:
        first, again = await measure(
            f"sqlite+aiosqlite:///{data / 'huddlebot.db'}", data, args.replies
        )
        engine = "SQLite"
    else:
        url = Settings.from_env({"DATABASE_URL": url}, cwd=data).database_url
        async with scratch_database(url) as target:
            first, again = await measure(target, data, args.replies)
        engine = "PostgreSQL"
    print(f"{args.replies} replies from known members, one after another ({engine}), per reply:")
    print(first.line("reply"))
    print(again.line("redelivery"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument(
        "--database-url", help="a PostgreSQL URL: measure on a scratch database beside it"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="huddlebot-bench-") as data:
        asyncio.run(run(args, Path(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
