"""How fast the core takes replies to a prompt, and how long each one takes at a steady rate.

Run it from the repository: `.venv/bin/python bench/replies.py` (or `make bench`). It prints:

1. throughput: N distinct replies offered to `Core.handle` one after another, each stored and
   committed in its own transaction (dedup record, person, membership, entry, queued answer);
2. a baseline in the same run: a bare database loop inserting and committing the same N rows one
   per transaction into a table shaped like `entries` (stdlib `sqlite3` on SQLite, a bare
   `asyncpg` connection on PostgreSQL, into an ordinary table, so each commit waits for the disk
   as the core's do), and the ratio of the two rates;
3. throughput with replies side by side: N more, `--in-flight` (8) of them being handled at any
   moment, as a platform's webhook requests arrive; on PostgreSQL their commits can share one
   flush to disk, which one-after-another commits never can;
4. latency: replies offered on a fixed schedule (200 a second by default), each as its own task
   the moment it is due, as a platform's webhooks would arrive; the 50th and 99th percentile of
   the time from the moment an event was due until its handling returned.

It checks that exactly N entries were stored and that offering 100 of them again stores nothing.
This is a benchmark, not a test: it uses the real wall clock and real time. The exit code is 0
whether or not the floors are met (1 only when something broke); a missed floor prints FAIL.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import func
from sqlalchemy.engine import make_url
from sqlmodel import col, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.quiet_bot import quiet_bot
from bot.app import Bot
from bot.config.environment import Settings
from bot.core.events import Reply, Sender
from bot.storage.models import Entry, OutboxMessage

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "examples" / "huddlebot.toml"
CIRCLE, PROMPT = "core", "learned"
MEMBERS = 200
FLOOR_RATE = 1_000.0  # replies a second
FLOOR_P99_MS = 25.0

SAYINGS = (
    "Families told us the drop-in hours after school suit them far better than mornings.",
    "One shared referral form across three charities halved the back-and-forth.",
    "People trust a volunteer with lived experience more than any leaflet we print.",
    "The housing team answers faster on the phone than by email, every time.",
    "When we met in the library instead of the town hall, twice as many people came.",
)

Handle = Callable[[Reply], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Throughput:
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds


@dataclass(frozen=True, slots=True)
class Latency:
    offered: int
    rate: float
    seconds: float
    samples_ms: list[float]
    max_offer_lag_ms: float
    failures: Counter[str]

    def percentile(self, p: float) -> float:
        """The nearest-rank percentile of the samples, in milliseconds."""
        ordered = sorted(self.samples_ms)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1]


# -- the events -------------------------------------------------------------------------------


def replies(tag: str, count: int, *, in_reply_to: str, start: int = 0) -> list[Reply]:
    """`count` distinct replies to the prompt sent as `in_reply_to`, from `MEMBERS` people."""
    now = datetime.now(UTC)
    events = []
    for number in range(start, start + count):
        member = number % MEMBERS
        events.append(
            Reply(
                platform="console",
                dedup_key=f"{tag}:{number}",
                sender=Sender(
                    platform="console",
                    user_id=f"member-{member}",
                    display_name=f"Member {member}",
                    dm_chat=f"@member-{member}",
                ),
                chat=CIRCLE,
                received_at=now,
                text=f"{SAYINGS[number % len(SAYINGS)]} ({number})",
                message_ref=f"{tag}-in-{number}",
                in_reply_to=in_reply_to,
            )
        )
    return events


# -- the core ---------------------------------------------------------------------------------


@asynccontextmanager
async def bench_bot(database_url: str, data: Path) -> AsyncIterator[tuple[Bot, str, int]]:
    """A bot on `database_url` with one prompt sent to the circle: (bot, its ref, its run id)."""
    async with quiet_bot(CONFIG, database_url, data) as bot:
        run = await bot.huddle.send_prompt_now(CIRCLE, PROMPT)
        if run is None or run.id is None:
            raise RuntimeError("the prompt was not opened")
        await bot.dispatcher.drain()  # the dispatcher does not run after this: answers wait
        async with bot.sessions() as session:
            query = select(OutboxMessage.sent_ref).where(
                OutboxMessage.prompt_run_id == run.id,
                OutboxMessage.chat == CIRCLE,
                OutboxMessage.status == "sent",
            )
            ref = (await session.exec(query)).first()
        if not ref:
            raise RuntimeError("the prompt was not sent to the console room")
        yield bot, ref, run.id


async def entries_for(bot: Bot, run_id: int) -> int:
    async with bot.sessions() as session:
        query = select(func.count(col(Entry.id))).where(Entry.prompt_run_id == run_id)
        return int((await session.exec(query)).one())


async def core_throughput(
    handle: Handle, events: Sequence[Reply], *, budget: float = math.inf
) -> Throughput:
    """Offer `events` one after another; stops early once `budget` seconds have gone."""
    started = time.perf_counter()
    done = 0
    for event in events:
        await handle(event)
        done += 1
        if time.perf_counter() - started > budget:
            break
    return Throughput(done, time.perf_counter() - started)


async def core_in_flight(
    handle: Handle, events: Sequence[Reply], *, in_flight: int, budget: float = math.inf
) -> Throughput:
    """Offer `events` with `in_flight` of them being handled at any moment, as webhook requests
    arriving side by side are; stops early once `budget` seconds have gone."""
    pending = iter(events)
    done = 0
    started = time.perf_counter()

    async def lane() -> None:
        nonlocal done
        for event in pending:  # one iterator shared by every lane: each event is offered once
            await handle(event)
            done += 1
            if time.perf_counter() - started > budget:
                return

    async with asyncio.TaskGroup() as lanes:
        for _ in range(in_flight):
            lanes.create_task(lane())
    return Throughput(done, time.perf_counter() - started)


async def steady_latency(
    handle: Handle, events: Sequence[Reply], *, rate: float, one_at_a_time: bool = False
) -> Latency:
    """Offer events on a fixed schedule and time each from the moment it was due until done.

    By default each event is its own task the moment it falls due, as concurrent webhook
    requests would be; `one_at_a_time` awaits each before offering the next (a single reader,
    like the console), so a slow event delays the ones behind it.
    """
    loop = asyncio.get_running_loop()
    interval = 1.0 / rate
    samples: list[float] = []
    lags: list[float] = []
    failures: Counter[str] = Counter()
    tasks: set[asyncio.Task[None]] = set()

    async def offer(event: Reply, due: float) -> None:
        lags.append(loop.time() - due)
        try:
            await handle(event)
        except Exception as exc:  # the platform would deliver it again; count it, go on
            failures[f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}"] += 1
        samples.append((loop.time() - due) * 1000)

    start = loop.time() + 0.05
    for number, event in enumerate(events):
        due = start + number * interval
        wait = due - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        if one_at_a_time:
            await offer(event, due)
            continue
        task = asyncio.create_task(offer(event, due), name=f"offer-{number}")
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    while tasks:
        await asyncio.gather(*tasks)
    seconds = loop.time() - start
    return Latency(len(events), rate, seconds, samples, max(lags) * 1000, failures)


# -- the baselines ----------------------------------------------------------------------------

ENTRY_COLUMNS = (
    "circle_id",
    "person_id",
    "prompt_run_id",
    "kind",
    "text",
    "visibility",
    "anonymous",
    "platform",
    "source_ref",
    "created_at",
)


def entry_rows(events: Sequence[Reply]) -> list[tuple[object, ...]]:
    now = datetime.now(UTC).replace(tzinfo=None)
    return [
        (
            CIRCLE,
            1 + n % MEMBERS,
            1,
            "learning",
            e.text,
            "circle",
            False,
            "console",
            e.dedup_key,
            now,
        )
        for n, e in enumerate(events)
    ]


def sqlite_baseline(path: Path, events: Sequence[Reply]) -> Throughput:
    """Stdlib sqlite3, WAL, synchronous=NORMAL: one insert and one commit per row."""
    rows = entry_rows(events)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(
            "CREATE TABLE entries (id INTEGER PRIMARY KEY, circle_id TEXT NOT NULL, "
            "person_id INTEGER, prompt_run_id INTEGER, kind TEXT NOT NULL, text TEXT NOT NULL, "
            "visibility TEXT NOT NULL, anonymous BOOLEAN NOT NULL, platform TEXT NOT NULL, "
            "source_ref TEXT NOT NULL, created_at TIMESTAMP NOT NULL)"
        )
        insert = f"INSERT INTO entries ({', '.join(ENTRY_COLUMNS)}) VALUES ({', '.join('?' * 10)})"
        started = time.perf_counter()
        for row in rows:
            db.execute("BEGIN")
            db.execute(insert, row)
            db.execute("COMMIT")
        seconds = time.perf_counter() - started
        stored = db.execute("SELECT count(*) FROM entries").fetchone()[0]
    finally:
        db.close()
    if stored != len(rows):
        raise RuntimeError(f"the sqlite3 baseline stored {stored} rows, not {len(rows)}")
    return Throughput(len(rows), seconds)


async def asyncpg_baseline(dsn: str, events: Sequence[Reply]) -> Throughput:
    """A bare asyncpg connection: one insert, committed on its own, per row.

    The table is an ordinary one, dropped afterwards: a temporary table writes no WAL, so its
    commits never wait for the disk, and the core's commits always do."""
    rows = entry_rows(events)
    table = f"bench_entries_{uuid.uuid4().hex[:8]}"
    db = await asyncpg.connect(dsn)
    try:
        await db.execute(
            f"CREATE TABLE {table} (id SERIAL PRIMARY KEY, circle_id TEXT NOT NULL, "
            "person_id INTEGER, prompt_run_id INTEGER, kind TEXT NOT NULL, text TEXT NOT NULL, "
            "visibility TEXT NOT NULL, anonymous BOOLEAN NOT NULL, platform TEXT NOT NULL, "
            "source_ref TEXT NOT NULL, created_at TIMESTAMP NOT NULL)"
        )
        params = ", ".join(f"${i}" for i in range(1, 11))
        insert = await db.prepare(
            f"INSERT INTO {table} ({', '.join(ENTRY_COLUMNS)}) VALUES ({params})"
        )
        started = time.perf_counter()
        for row in rows:
            async with db.transaction():
                await insert.fetch(*row)
        seconds = time.perf_counter() - started
        stored = await db.fetchval(f"SELECT count(*) FROM {table}")
    finally:
        await db.execute(f"DROP TABLE IF EXISTS {table}")
        await db.close()
    if stored != len(rows):
        raise RuntimeError(f"the asyncpg baseline stored {stored} rows, not {len(rows)}")
    return Throughput(len(rows), seconds)


# -- PostgreSQL: a scratch database, dropped afterwards ----------------------------------------


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def scratch_database(url: str) -> AsyncIterator[str]:
    """A fresh database beside the one `url` names, so a run starts empty and leaves nothing."""
    parsed = make_url(url)
    name = f"{parsed.database or 'huddlebot'}_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    except asyncpg.PostgresError as exc:
        await admin.close()
        print(f"  (could not create a scratch database: {exc}; using {parsed.database} as is)")
        yield url
        return
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


# -- the run ----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL  <-- below the floor"


def say(line: str = "") -> None:
    print(line, flush=True)


async def bench(args: argparse.Namespace, data: Path) -> bool:
    """Run the three measurements; False when something broke (not when a floor is missed)."""
    url = args.database_url
    postgres = url is not None and not url.startswith("sqlite")
    if url is None:
        url = f"sqlite+aiosqlite:///{data / 'huddlebot.db'}"
    else:
        url = Settings.from_env({"DATABASE_URL": url}, cwd=data).database_url
    shown = make_url(url).render_as_string(hide_password=True)
    steady_count = round(args.rate * args.seconds)
    say(f"huddlebot reply benchmark on {shown}")
    say(
        f"  {args.events:,} replies for throughput (at most {args.budget:g} s), then "
        f"{steady_count:,} at {args.rate:g}/s for {args.seconds:g} s"
    )
    async with (
        scratch_database(url) if postgres else _as_is(url) as target,
        bench_bot(target, data) as (bot, ref, run_id),
    ):
        tag = f"bench-{uuid.uuid4().hex[:6]}"
        events = replies(tag, args.events, in_reply_to=ref)
        core = await core_throughput(bot.core.handle, events, budget=args.budget)
        stored = await entries_for(bot, run_id)
        await core_throughput(bot.core.handle, events[:100])
        again = await entries_for(bot, run_id)
        if stored != core.events or again != stored:
            say(
                f"  BROKEN: expected {core.events:,} entries, found {stored:,}, "
                f"and {again:,} after offering 100 of them again"
            )
            return False
        cut = "" if core.events == args.events else "; stopped at the time budget"
        say(
            f"  core.handle   {core.rate:9,.0f} replies/s  ({core.events:,} in "
            f"{core.seconds:.2f} s{cut})"
        )
        say(
            f"                {stored:,} entries stored; offering 100 of them again stored "
            "none more"
        )

        if postgres:
            base = await asyncpg_baseline(asyncpg_dsn(target), events)
            base_name = "bare asyncpg"
        else:
            base = sqlite_baseline(data / "baseline.db", events)
            base_name = "bare sqlite3"
        say(
            f"  {base_name:<13} {base.rate:9,.0f} rows/s     ({base.events:,} in "
            f"{base.seconds:.2f} s, one insert and commit each, same rows)"
        )
        rate_ok = core.rate >= FLOOR_RATE
        say(f"  ratio core / bare   {core.rate / base.rate:.3f}")
        say(f"  floor {FLOOR_RATE:,.0f} replies/s     {verdict(rate_ok)}")
        say()

        flown = 0
        if args.in_flight > 0:
            side_by_side = replies(f"{tag}-f", args.events, in_reply_to=ref)
            before = await entries_for(bot, run_id)
            flight = await core_in_flight(
                bot.core.handle, side_by_side, in_flight=args.in_flight, budget=args.budget
            )
            flown = await entries_for(bot, run_id) - before
            if flown != flight.events:
                say(f"  BROKEN: {flight.events:,} replies handled side by side, {flown:,} stored")
                return False
            cut = "" if flight.events == args.events else "; stopped at the time budget"
            shared = "; their commits can share a flush to disk" if postgres else ""
            say(
                f"  core.handle, {args.in_flight} in flight  {flight.rate:9,.0f} replies/s  "
                f"({flight.events:,} in {flight.seconds:.2f} s{cut}{shared})"
            )
            say(f"  floor {FLOOR_RATE:,.0f} replies/s     {verdict(flight.rate >= FLOOR_RATE)}")
            say()

        steady_events = replies(tag, steady_count, in_reply_to=ref, start=args.events)
        latency = await steady_latency(
            bot.core.handle, steady_events, rate=args.rate, one_at_a_time=args.one_at_a_time
        )
        total = await entries_for(bot, run_id)
        failed = sum(latency.failures.values())
        expected = core.events + flown + steady_count - failed
        if total != expected:
            say(f"  BROKEN: expected {expected:,} entries after the steady phase, found {total:,}")
            return False

    p99 = latency.percentile(99)
    p99_ok = p99 < FLOOR_P99_MS and not failed
    how = "one at a time" if args.one_at_a_time else "each its own task"
    say(
        f"  steady {latency.rate:g}/s, {latency.offered:,} events, {how}; time from due to handled:"
    )
    say(
        f"  p50 {latency.percentile(50):8.2f} ms   p99 {p99:8.2f} ms   "
        f"max {max(latency.samples_ms):8.2f} ms   (took {latency.seconds:.1f} s; latest offer "
        f"{latency.max_offer_lag_ms:.1f} ms late)"
    )
    for problem, count in latency.failures.most_common():
        say(f"  {count:,} event(s) failed: {problem}")
    say(f"  floor p99 < {FLOOR_P99_MS:g} ms, none failed   {verdict(p99_ok)}")
    return True


@asynccontextmanager
async def _as_is(url: str) -> AsyncIterator[str]:
    yield url


def parser() -> argparse.ArgumentParser:
    args = argparse.ArgumentParser(
        description="Measure how fast the core stores replies, against a bare database loop, "
        "and its latency at a steady rate. Prints PASS or FAIL beside each floor."
    )
    args.add_argument("--events", type=int, default=5_000, help="replies for throughput (5000)")
    args.add_argument(
        "--budget",
        type=float,
        default=30.0,
        help="stop the throughput phase after this many seconds even if replies are left (30)",
    )
    args.add_argument(
        "--in-flight",
        type=int,
        default=8,
        help="then offer --events more replies with this many handled at once (8; 0 skips it)",
    )
    args.add_argument("--seconds", type=float, default=10.0, help="steady phase length (10)")
    args.add_argument("--rate", type=float, default=200.0, help="steady events a second (200)")
    args.add_argument(
        "--one-at-a-time",
        action="store_true",
        help="in the steady phase, wait for each event before offering the next",
    )
    args.add_argument(
        "--database-url",
        help="run on this database instead of a temporary SQLite file; a PostgreSQL URL gets a "
        "scratch database on that server (dropped afterwards) and a bare asyncpg baseline",
    )
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.events < 100:
        print("--events must be at least 100", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="huddlebot-bench-") as data:
        ok = asyncio.run(bench(args, Path(data)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
