"""How the core's reply rate grows with processes sharing one PostgreSQL database.

Run it from the repository:

    .venv/bin/python bench/processes.py --database-url postgresql://postgres@127.0.0.1:5432/test

It creates a scratch database on that server (dropped afterwards), sends one prompt there, and
then, for 1, 2 and 4 processes in turn, starts that many worker processes (this script with
`--worker`), each a real bot assembled on the shared database (console adapter, real core, store
and outbox, as `bench/replies.py` builds it). Once every worker is ready they are told to go at
once; each offers its own `--events` replies to `Core.handle`, one after another, from its own
members, and reports when it started and finished. It prints, for each count, the combined rate
(all replies over the time from the first start to the last finish), the rate per process, and
the ratio of the combined rate to one process's. It checks that every reply was stored once.

The machine's cores bound what more processes can add: on a 2-core machine shared with the
database server, 4 processes cannot be 4 times one. This is a benchmark, not a test: the exit
code is 0 unless something was lost or doubled.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

from sqlalchemy import func
from sqlmodel import col, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.quiet_bot import quiet_bot
from bench.replies import (
    CONFIG,
    bench_bot,
    core_throughput,
    replies,
    scratch_database,
)
from bot.config.environment import Settings
from bot.core.events import Reply, Sender
from bot.storage.database import open_database
from bot.storage.models import Entry

COUNTS = (1, 2, 4)


def own_members(events: list[Reply], worker: int) -> list[Reply]:
    """The same replies, from members of this worker's own (people differ across workers)."""
    return [
        replace(
            event,
            sender=Sender(
                platform="console",
                user_id=f"w{worker}-{event.sender.user_id}",
                display_name=event.sender.display_name,
                dm_chat=f"@w{worker}-{event.sender.user_id}",
            ),
        )
        for event in events
    ]


async def worker(url: str, ref: str, tag: str, events: int, number: int) -> None:
    """One process: assemble a bot, say ready, wait for `go`, offer the replies, report."""
    with tempfile.TemporaryDirectory(prefix="huddlebot-bench-") as data:
        async with quiet_bot(CONFIG, url, Path(data)) as bot:
            offered = own_members(replies(f"{tag}-w{number}", events, in_reply_to=ref), number)
            await core_throughput(bot.core.handle, offered[:20])  # people and memberships
            print("ready", flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
            started = time.time()
            result = await core_throughput(bot.core.handle, offered[20:])
            print(
                json.dumps({"events": result.events, "started": started, "ended": time.time()}),
                flush=True,
            )


async def run_workers(url: str, ref: str, *, count: int, events: int) -> tuple[int, float]:
    """Start `count` workers, let them go together; (replies offered, seconds first to last)."""
    tag = f"p{count}-{uuid.uuid4().hex[:6]}"
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--worker",
            "--database-url",
            url,
            "--ref",
            ref,
            "--tag",
            tag,
            "--events",
            str(events),
            "--number",
            str(number),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for number in range(count)
    ]
    for process in processes:
        assert process.stdout is not None
        line = await process.stdout.readline()
        if line.strip() != b"ready":
            raise RuntimeError(f"a worker did not start: {line!r}")
    for process in processes:
        assert process.stdin is not None
        process.stdin.write(b"go\n")
        await process.stdin.drain()
    reports = []
    for process in processes:
        out, _ = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError("a worker failed")
        reports.append(json.loads(out.decode().strip().splitlines()[-1]))
    offered = sum(int(r["events"]) for r in reports)
    seconds = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    return offered, seconds


async def bench(args: argparse.Namespace) -> bool:
    url = Settings.from_env({"DATABASE_URL": args.database_url}, cwd=Path.cwd()).database_url
    if url.startswith("sqlite"):
        print("several processes need PostgreSQL: give --database-url postgresql://...")
        return False
    print(f"huddlebot replies from 1, 2 and 4 processes on one database ({args.events:,} each)")
    with tempfile.TemporaryDirectory(prefix="huddlebot-bench-") as data:
        async with scratch_database(url) as target:
            async with bench_bot(target, Path(data)) as (_bot, ref, run_id):
                pass  # the prompt the replies answer is sent
            one = 0.0
            expected = 20 * sum(COUNTS)  # the warm-up replies
            for count in COUNTS:
                offered, seconds = await run_workers(
                    target, ref, count=count, events=args.events + 20
                )
                expected += offered
                rate = offered / seconds
                one = one or rate
                print(
                    f"  {count} process{'es' if count > 1 else '  '}  {rate:9,.0f} replies/s "
                    f"combined  {rate / count:9,.0f} per process  ratio to one {rate / one:5.2f}"
                )
            async with open_database(target, migrate=False) as sessions, sessions() as session:
                query = select(func.count(col(Entry.id))).where(Entry.prompt_run_id == run_id)
                stored = int((await session.exec(query)).one())
    if stored != expected:
        print(f"  BROKEN: {expected:,} replies offered, {stored:,} entries stored")
        return False
    print(f"  {stored:,} entries stored, one per reply")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL URL")
    parser.add_argument("--events", type=int, default=2_000, help="replies per process (2000)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ref", help=argparse.SUPPRESS)
    parser.add_argument("--tag", help=argparse.SUPPRESS)
    parser.add_argument("--number", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.worker:
        asyncio.run(worker(args.database_url, args.ref, args.tag, args.events, args.number))
        return 0
    return 0 if asyncio.run(bench(args)) else 1


if __name__ == "__main__":
    sys.exit(main())
