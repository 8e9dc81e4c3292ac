"""What firing a timer from the database costs, and that two bots firing together do each once.

Run it from the repository:

    .venv/bin/python bench/timers.py                    # SQLite in a temporary folder
    .venv/bin/python bench/timers.py --database-url postgresql://postgres@127.0.0.1:5432/test

It builds a real bot (the example configuration, a console adapter, the real core and store, as
`bench/replies.py` does), registers a kind of timer whose work is nothing, and sets `--timers` of
them, all due. Then:

1. the baseline: as many bare units of work, each changing one row (`runtime.transaction()` and
   one UPDATE), which is the least a timer's firing can be;
2. one bot fires them all (`Timers.fire_due`): the SQL statements it sent per timer (counted,
   so the same on any machine), its rate, and the ratio of its time to the baseline's;
3. a bot's sweep with that many timers due (`Timers.pick_up`): statements and time;
4. as many timers again, fired by two bots' `Timers` at once: how each split the work, and
   whether any timer's work was done twice or not at all (the exit code is 1 if so).

Floors: at most 4 statements per timer fired, as SQLAlchemy sends them (the claim, and the
select of each batch of 100 spread over its timers; BEGIN and COMMIT are the driver's and not
counted), and firing at most 3 times the bare baseline's time.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.quiet_bot import NoSchedule, quiet_bot
from bench.replies import CONFIG, _as_is, say, scratch_database, verdict
from bot.app import Bot
from bot.config.environment import Settings
from bot.core.clock import SystemClock
from bot.core.messages import Outgoing
from bot.core.runtime import Runtime, Transaction
from bot.rituals.timers import DueTimer, Timers
from bot.storage.models import Timer

KIND = "bench.nothing"
MAX_STATEMENTS = 4.0
MAX_RATIO = 3.0


@asynccontextmanager
async def bench_bot(database_url: str, data: Path) -> AsyncIterator[Bot]:
    async with quiet_bot(CONFIG, database_url, data) as bot:
        yield bot


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements sent through `engine` while the block runs."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)


async def set_timers(runtime: Runtime, timers: Timers, tag: str, count: int) -> None:
    """`count` timers, all due a second ago, set 500 to a unit of work."""
    due = datetime.now(UTC) - timedelta(seconds=1)
    for start in range(0, count, 500):
        async with runtime.transaction() as tx:
            for n in range(start, min(count, start + 500)):
                await timers.set(tx, KIND, f"{tag}:{n}", due=due)


async def bench(args: argparse.Namespace, data: Path) -> bool:
    given = {"DATABASE_URL": args.database_url} if args.database_url else {}
    url = Settings.from_env(given, cwd=data).database_url  # as the bot reads DATABASE_URL
    scratch = scratch_database if url.startswith("postgresql") else _as_is
    count = args.timers
    ok = True
    async with scratch(url) as where, bench_bot(where, data) as bot:
        engine: AsyncEngine = bot.sessions.kw["bind"]
        done: Counter[str] = Counter()

        async def nothing(tx: Transaction, timer: DueTimer) -> Sequence[Outgoing]:
            done[timer.subject] += 1
            return []

        runtime = Runtime(
            sessions=bot.sessions, outbox=bot.outbox, clock=SystemClock(), wake=lambda parts: None
        )
        first = bot.huddle.timers
        first.handle(KIND, nothing)
        second = Timers(
            runtime=runtime,
            sessions=bot.sessions,
            clock=SystemClock(),
            scheduler=NoSchedule(),
            holder="bench:second",
        )
        second.handle(KIND, nothing)
        say(f"database: {engine.dialect.name}; {count} timers")

        await set_timers(runtime, first, "one", count)
        async with bot.sessions() as session:
            ids = list((await session.exec(select(Timer.id))).all())
        started = time.perf_counter()
        for timer_id in ids:
            async with runtime.transaction() as tx:
                await tx.session.exec(  # type: ignore[call-overload]
                    update(Timer).where(col(Timer.id) == timer_id).values(attempts=0)
                )
        bare = time.perf_counter() - started
        say(f"baseline: {count} bare units of work changing one row: {bare:.2f} s")

        with counting(engine) as statements:
            started = time.perf_counter()
            fired = await first.fire_due()
            took = time.perf_counter() - started
        per = len(statements) / max(fired, 1)
        ratio = took / bare
        say(
            f"one bot fires them: {fired} in {took:.2f} s ({fired / took:.0f} a second), "
            f"{per:.2f} statements each  {verdict(per <= MAX_STATEMENTS)}"
        )
        say(f"  time against the baseline: {ratio:.2f}  {verdict(ratio <= MAX_RATIO)}")
        if fired != count or any(done[f"one:{n}"] != 1 for n in range(count)):
            say("  FAIL: a timer was fired twice or not at all")
            ok = False

        await set_timers(runtime, first, "sweep", count)
        with counting(engine) as statements:
            started = time.perf_counter()
            await second.pick_up()
            took = time.perf_counter() - started
        say(f"a sweep with {count} due: {len(statements)} statement(s), {took * 1000:.1f} ms")
        await first.fire_due()

        await set_timers(runtime, first, "two", count)
        started = time.perf_counter()
        split = await asyncio.gather(first.fire_due(), second.fire_due())
        took = time.perf_counter() - started
        twice = sum(1 for n in range(count) if done[f"two:{n}"] > 1)
        missing = sum(1 for n in range(count) if done[f"two:{n}"] == 0)
        say(
            f"two bots at once: {split[0]} + {split[1]} fired in {took:.2f} s; "
            f"done twice {twice}, not done {missing}"
        )
        if twice or missing or sum(split) != count:
            say("  FAIL: the two bots did not share the timers once each")
            ok = False
    return ok


def parser() -> argparse.ArgumentParser:
    args = argparse.ArgumentParser(
        description="Measure what firing timers from the database costs against bare units of "
        "work, and check that two bots firing together do each timer once."
    )
    args.add_argument("--timers", type=int, default=1_000, help="timers per phase (1000)")
    args.add_argument(
        "--database-url",
        help="run on this database instead of a temporary SQLite file; a PostgreSQL URL gets a "
        "scratch database on that server (dropped afterwards)",
    )
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="huddlebot-bench-") as data:
        ok = asyncio.run(bench(args, Path(data)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
