"""How long each web page takes the server at size, on SQLite and on PostgreSQL.

Run it from the repository: `.venv/bin/python bench/web_pages.py` (SQLite), and with
`--postgres postgresql://postgres@127.0.0.1:5432/test` for PostgreSQL too (a scratch database
beside that one is made and dropped). It fills a partnership of 50 circles with 100,000 entries
over two years (learnings, blockers with their records, stories with their details, experiments
with leads and updates), a pulse every fortnight and a maturity round every quarter in every
circle, and every weekly digest; then it loads each page 20 times as a steward (who sees every
circle) and as a member, and prints the 95th percentile of the server's time per page (reading
and rendering: what the page's route does after the session check), beside a baseline measured
in the same run: the sign-in page, one query and one template. Each page is loaded once before
the 20 (a running server has served it before; that first load also prepares its statements
and compiles its SQL), and that first load's time is printed apart ("first"). Beside each it
prints figures other work on the machine barely moves: the median processor time of this
process for one load and the number of SQL statements one load runs; and the load average
before and after. Like `huddlebot run` once started, it freezes the heap start-up built
(`bot.heap`) before the loads.

Floor: every page under 200 ms at the 95th percentile. This is a benchmark, not a test: it uses
the real clock, and exits 0 whether or not the floor is met (a missed floor prints FAIL).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.replies import scratch_database  # noqa: E402
from bot import heap  # noqa: E402
from bot.app import assembled  # noqa: E402
from bot.config.environment import Settings  # noqa: E402
from bot.config.partnership import load_config  # noqa: E402
from bot.core.clock import ManualClock  # noqa: E402
from bot.practices.blockers.models import Blocker  # noqa: E402
from bot.practices.experiments.models import Experiment, ExperimentLead, ExperimentUpdate  # noqa: E402
from bot.practices.maturity.dimensions import DIMENSIONS  # noqa: E402
from bot.practices.maturity.models import MaturityAgreed, MaturityRound, MaturityScore  # noqa: E402
from bot.practices.pulse.models import PulseAnswer, PulseCheck  # noqa: E402
from bot.practices.stories.models import StoryDetail  # noqa: E402
from bot.rituals.scheduler import SimulatedScheduler  # noqa: E402
from bot.storage.models import Digest, Entry, Membership, Person  # noqa: E402
from bot.web.signin import viewer_for  # noqa: E402

CIRCLES, ENTRIES, PEOPLE, STEWARDS = 50, 100_000, 500, 5
LOADS = 20
FLOOR_MS = 200.0
NOW = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)
START = NOW - timedelta(days=730)
KINDS = ("learning",) * 40 + ("blocker",) * 12 + ("celebration",) * 15 + ("story",) * 5
KINDS += ("question",) * 8 + ("reflection",) * 12 + ("experiment_update",) * 8
WORDS = (
    "housing waiting list tenants repairs young carers food school referral form handover "
    "volunteers trust training funding grant budget data sharing records transport rural"
).split()
FACTORS = ("pace", "power", "clarity", "shape")
ANSWERS = ("too_little", "just_right", "too_much")


def config_text() -> str:
    parts = ['[partnership]\nname = "Bench"\ntimezone = "Europe/London"\n']
    for number in range(CIRCLES):
        parts.append(
            f'[[circles]]\nid = "c{number}"\nname = "Circle {number}"\nkind = "partnership"\n'
            f'rooms = [{{ platform = "console", channel = "c{number}" }}]\n'
        )
    parts.append(
        '[[circles]]\nid = "stewards"\nname = "Stewards"\nkind = "stewards"\n'
        'rooms = [{ platform = "console", channel = "stewards" }]\n'
    )
    return "\n".join(parts)


def sentence(rng: random.Random) -> str:
    return " ".join(rng.sample(WORDS, 6)).capitalize() + "."


async def insert(session: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    for at in range(0, len(rows), 5_000):
        await (await session.connection()).execute(
            sa.insert(model.__table__), rows[at : at + 5_000]
        )


async def fill(sessions: Any) -> None:
    rng = random.Random(16)
    circles = [f"c{n}" for n in range(CIRCLES)]
    async with sessions.begin() as session:
        await insert(
            session,
            Person,
            [{"id": i, "display_name": f"Person {i}", "created_at": START} for i in range(1, 501)],
        )
        members = {(i, circles[i % CIRCLES]) for i in range(1, PEOPLE + 1)}
        members |= {(i, circles[(i * 7) % CIRCLES]) for i in range(1, PEOPLE + 1)}
        members |= {(i, "stewards") for i in range(1, STEWARDS + 1)}
        await insert(
            session,
            Membership,
            [{"person_id": p, "circle_id": c, "joined_at": START} for p, c in sorted(members)],
        )
        span = (NOW - START).total_seconds()
        entries = []
        for k in range(ENTRIES):
            kind = rng.choice(KINDS)
            entries.append(
                {
                    "id": k + 1,
                    "circle_id": circles[k % CIRCLES],
                    "person_id": rng.randint(1, PEOPLE),
                    "kind": kind,
                    "text": sentence(rng),
                    "visibility": rng.choice(("circle", "stewards"))
                    if kind == "story"
                    else "circle",
                    "anonymous": kind == "story",
                    "platform": "bench",
                    "source_ref": f"bench:{k}",
                    "created_at": START + timedelta(seconds=span * (k + 0.5) / ENTRIES),
                }
            )
        await insert(session, Entry, entries)
        statuses = ("open",) * 3 + ("taken",) * 2 + ("resolved",) * 4 + ("parked",)
        blockers, stories = [], []
        for e in entries:
            if e["kind"] == "blocker":
                recent = e["created_at"] > NOW - timedelta(days=60)
                status = rng.choice(statuses) if recent or rng.random() < 0.03 else "resolved"
                closed = (
                    e["created_at"] + timedelta(days=9)
                    if status in ("resolved", "parked")
                    else None
                )
                blockers.append(
                    {
                        "entry_id": e["id"],
                        "circle_id": e["circle_id"],
                        "kind": "rules",
                        "status": status,
                        "note": "",
                        "raised_by": e["person_id"],
                        "taken_by": rng.randint(1, STEWARDS) if status != "open" else None,
                        "raised_at": e["created_at"],
                        "changed_at": e["created_at"],
                        "closed_at": closed,
                    }
                )
            elif e["kind"] == "story":
                stories.append(
                    {
                        "entry_id": e["id"],
                        "title": "A change",
                        "dimensions": "",
                        "direction": "better",
                        "changed_at": e["created_at"],
                    }
                )
        await insert(session, Blocker, blockers)
        await insert(session, StoryDetail, stories)
        experiments, leads, updates = [], [], []
        for number in range(CIRCLES * 4):
            created = START + timedelta(days=3 * number)
            experiments.append(
                {
                    "id": number + 1,
                    "circle_id": circles[number % CIRCLES],
                    "title": f"Try {number}",
                    "prediction": sentence(rng),
                    "stage": rng.choice(("plan", "do", "study", "act")),
                    "result": sentence(rng),
                    "decision": "",
                    "review_date": (created + timedelta(days=60)).date(),
                    "previous_id": number + 1 - CIRCLES if number >= CIRCLES else None,
                    "created_by": 1,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            leads += [{"experiment_id": number + 1, "person_id": p} for p in (1, 2)]
            updates += [
                {
                    "experiment_id": number + 1,
                    "stage": s,
                    "text": sentence(rng),
                    "person_id": 1,
                    "entry_id": None,
                    "created_at": created + timedelta(days=d),
                }
                for d, s in ((1, "plan"), (20, "do"), (50, "study"))
            ]
        await insert(session, Experiment, experiments)
        await insert(session, ExperimentLead, leads)
        await insert(session, ExperimentUpdate, updates)
        checks, answers, rounds, scores, agreed, digests = [], [], [], [], [], []
        pulse_id = round_id = 0
        for circle in circles:
            people = [p for p, c in members if c == circle]
            for week in range(0, 104, 2):
                pulse_id += 1
                at = START + timedelta(weeks=week)
                checks.append(
                    {
                        "id": pulse_id,
                        "circle_id": circle,
                        "scheduled_for": at,
                        "closes_at": at + timedelta(days=2),
                        "threshold": 3,
                        "reported": True,
                    }
                )
                for person in rng.sample(people, min(len(people), rng.randint(2, 8))):
                    answers += [
                        {
                            "pulse_id": pulse_id,
                            "person_id": person,
                            "factor": f,
                            "answer": rng.choice(ANSWERS),
                            "answered_at": at,
                        }
                        for f in FACTORS
                    ]
            for quarter in range(8):
                round_id += 1
                at = START + timedelta(weeks=13 * quarter)
                rounds.append(
                    {
                        "id": round_id,
                        "circle_id": circle,
                        "opened_at": at,
                        "closes_at": at + timedelta(days=5),
                        "closed_at": at + timedelta(days=5),
                        "threshold": 3,
                        "focus": "vision",
                    }
                )
                for person in rng.sample(people, min(len(people), 6)):
                    scores += [
                        {
                            "round_id": round_id,
                            "person_id": person,
                            "dimension": d,
                            "score": rng.randint(1, 5),
                            "reason": "",
                            "scored_at": at,
                        }
                        for d in DIMENSIONS
                    ]
                agreed += [
                    {
                        "round_id": round_id,
                        "dimension": d,
                        "score": rng.randint(1, 5),
                        "reason": "",
                        "agreed_at": at,
                    }
                    for d in DIMENSIONS
                ]
            for week in range(104):
                end = START + timedelta(weeks=week + 1)
                digests.append(
                    {
                        "circle_id": circle,
                        "kind": "huddle",
                        "period_start": end - timedelta(weeks=1),
                        "period_end": end,
                        "created_at": end,
                        "markdown": " ".join(WORDS) * 10,
                        "people": 5,
                        "entries": 20,
                    }
                )
        await insert(session, PulseCheck, checks)
        await insert(session, PulseAnswer, answers)
        await insert(session, MaturityRound, rounds)
        await insert(session, MaturityScore, scores)
        await insert(session, MaturityAgreed, agreed)
        await insert(session, Digest, digests)
    if sessions.kw["bind"].dialect.name == "postgresql":
        async with sessions.begin() as session:
            for table in ("entries", "blockers", "people", "memberships", "digests"):
                serial = f"pg_get_serial_sequence('{table}', 'id')"
                await (await session.connection()).execute(
                    sa.text(f"SELECT setval({serial}, (SELECT max(id) FROM {table}))")
                )
    async with sessions() as session:
        await (await session.connection()).execute(sa.text("ANALYZE"))
        await session.commit()


class Statements:
    """How many SQL statements the engine ran: a figure no other load on the machine moves."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        sa.event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


async def measured(
    load: Callable[[], Awaitable[object]], statements: Statements
) -> tuple[float, float, float, float]:
    """The 95th percentile of the wall time over `LOADS` loads (ms), the median processor time
    of this process (ms; the SQLite thread's work included, PostgreSQL's server's not), the
    SQL statements of one load, and the wall time of the first load (ms), before them: a
    process's first load of a page also prepares its statements and fills the caches of
    compiled SQL, once."""
    started = time.perf_counter()
    await load()
    first = (time.perf_counter() - started) * 1000
    times, cpu = [], []
    before = statements.count
    for _ in range(LOADS):
        started, used = time.perf_counter(), time.process_time()
        await load()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    ran = (statements.count - before) / LOADS
    return statistics.quantiles(times, n=20)[-1], statistics.median(cpu), ran, first


def _load() -> str:
    """The machine's load average over 1, 5 and 15 minutes: how busy the processors were."""
    return " ".join(f"{n:.1f}" for n in os.getloadavg())


async def run(url: str, folder: Path, label: str) -> bool:
    config_path = folder / "huddlebot.toml"
    config_path.write_text(config_text())
    settings = Settings.from_env(
        {"DATABASE_URL": url, "HUDDLEBOT_DATA_DIR": str(folder)}, cwd=folder
    )
    clock = ManualClock(NOW)
    async with AsyncExitStack() as stack:
        bot = await stack.enter_async_context(
            assembled(
                load_config(config_path),
                settings,
                adapters=[],
                clock=clock,
                scheduler=SimulatedScheduler(clock),
                one_shot=True,
            )
        )
        started = time.perf_counter()
        await fill(bot.sessions)
        async with bot.sessions.begin() as session:
            # the planner's statistics, as a database that grew over two years has them (on
            # PostgreSQL autovacuum gathers them some time after a bulk load like this one)
            await session.exec(sa.text("ANALYZE"))  # type: ignore[call-overload]
        print(f"{label}: filled in {time.perf_counter() - started:.0f} s")
        heap.settle()  # as `huddlebot run` does once it has started
        assert bot.web is not None
        web = bot.web
        async with bot.sessions() as session:
            steward = await viewer_for(session, 1, config=bot.config)
            member = await viewer_for(session, 10 + STEWARDS, config=bot.config)
            assert steward is not None and member is not None and steward.steward

            async def baseline() -> None:
                await (await session.connection()).execute(sa.text("SELECT 1"))
                web._templates.render(
                    "signed_out",
                    {
                        "partnership": "Bench",
                        "viewer": None,
                        "menu": [],
                        "current": "",
                        "notice": "",
                    },
                )

            statements = Statements(bot.sessions.kw["bind"])
            base, base_cpu, _ran, _first = await measured(baseline, statements)
            print(
                f"{label}: baseline (one query, one template) p95 {base:.1f} ms, "
                f"processor {base_cpu:.1f} ms; load average {_load()}"
            )
            print(
                f"{'page':<13}{'steward p95':>12}{'ratio':>6}{'cpu':>7}{'sql':>5}{'first':>7}"
                f"{'member p95':>12}{'ratio':>6}{'cpu':>7}{'sql':>5}{'first':>7}"
            )
            ok = True
            for page in web.pages:
                row = f"{page.slug:<13}"
                for viewer in (steward, member):
                    ms, cpu, ran, first = await measured(
                        lambda v=viewer, s=page.slug: web.html_of(session, v, s), statements
                    )
                    ok = ok and ms < FLOOR_MS
                    row += f"{ms:>12.1f}{ms / base:>6.0f}{cpu:>7.1f}{ran:>5.0f}{first:>7.0f}"
                print(row)
            print(f"{label}: load average after {_load()}")
    print(f"{label}: every page under {FLOOR_MS:.0f} ms at p95: {'ok' if ok else 'FAIL'}")
    return ok


async def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--postgres", help="a PostgreSQL URL to bench beside SQLite")
    options.add_argument("--no-sqlite", action="store_true", help="bench PostgreSQL only")
    args = options.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="huddlebot-web-bench-") as folder:
        if not args.no_sqlite:
            await run(f"sqlite:///{folder}/bench.db", Path(folder), "SQLite")
        if args.postgres:
            url = Settings.from_env({"DATABASE_URL": args.postgres}, cwd=Path(folder)).database_url
            async with scratch_database(url) as scratch:
                await run(scratch, Path(folder), "PostgreSQL")


if __name__ == "__main__":
    asyncio.run(main())
