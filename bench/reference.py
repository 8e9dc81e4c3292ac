"""huddlebot against a hand-written Slack bot: acknowledgements, CPU per event and ack latency.

    .venv/bin/python bench/reference.py [--database-url postgresql://postgres@127.0.0.1:5432/test]
        [--burst 1500] [--rate 100] [--seconds 15] [--rounds 2]

Three servers are measured in one run, each as its own process on 127.0.0.1, each against its own
fake Slack Web API (tests/fakes/slack_api.py, in this process) and a fresh database:

- `bot`: the real `huddlebot run`, with the Slack adapter on its HTTP route;
- `ref-inline`: `bench/reference_app.py --inline`, a slack-bolt app that stores each message with
  one insert and posts its thank-you before acknowledging;
- `ref-store`: the same app without the thank-you.

Each gets the same signed Events API requests: private messages (`learned ...`) from 200 people,
which both store and answer. The bot keeps Slack's pacing of one message a second in a channel;
its ceiling across the workspace (`SLACK_POSTS_PER_SECOND`, 5 by default) is raised for the bench,
as the reference keeps none. First a burst (`--burst` events, 50 in flight at once), then a steady
`--rate` a second for `--seconds`. The order of the three alternates between rounds, so neither
side always runs on a warmer machine.

For each phase it prints acknowledgements a second, ack p50 and p99 (from sending the request to
its 200), and the server's CPU time per event read from the operating system (/proc, so it holds
on a busy machine): while acknowledging, and including the time until every thank-you was posted
to the fake. Then the ratios bot / ref-inline, against the floors: CPU per event with the
thank-you at most 1.2 times the reference's; steady ack p99 at most 1.5 times the reference's and
under 25 ms; burst acknowledgements at least the reference's. Missed floors print FAIL. An event
answered with anything but 200 is counted, reported and not expected to be answered; the bench
goes on. The exit code is 1 only when a thank-you was missing or doubled.

The reference needs aiosqlite for SQLite (`pip install aiosqlite`); huddlebot does not.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import importlib.util
import json
import os
import signal
import socket
import statistics
import tempfile
import textwrap
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiohttp
from sqlalchemy.engine import make_url

from bench.replies import scratch_database
from tests.fakes import slack_events as ev
from tests.fakes.slack_api import FakeSlackAPI

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 200
"""People writing privately: at the steady rate each private chat gets one message every two
seconds, so no thank-you has to wait for Slack's one message a second in a channel."""
POSTS_PER_SECOND = "1000"
"""The bot's ceiling across the workspace for the bench (its default is 5 a second, as Slack asks
of a real workspace): the fake Web API and the reference have none, so the bench prices the work
of sending, not waiting for a ceiling the reference does not keep."""
CONCURRENCY = 50
PROFILE: list[str] = []  # --profile FILE: run the bot under cProfile, its statistics to FILE
TICKS = os.sysconf("SC_CLK_TCK")
CONFIG = """
[partnership]
name = "Bench partnership"
timezone = "UTC"

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [{ platform = "slack", channel = "C0BENCHCORE" }]

[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{ platform = "slack", channel = "C0BENCHSTEW" }]
"""


@dataclass
class Phase:
    events: int
    seconds: float
    acks: list[float]
    cpu_ack: float
    cpu_all: float
    answered: int
    refused: int
    """Events answered with anything but 200: not acknowledged, so not expected answered."""

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.acks)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


@dataclass
class Result:
    name: str
    phases: dict[str, list[Phase]] = field(default_factory=dict)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def dm_event(number: int) -> dict[str, object]:
    person = number % PEOPLE
    message = ev.message_event(
        channel=f"D{person:08d}",
        user=f"U{person:08d}",
        text=f"learned event {number}: the drop-in works better in the evening",
        ts=f"{1_700_000_000 + number}.{number % 1_000_000:06d}",
        channel_type="im",
    )
    return ev.envelope(message, event_id=f"Ev{number:010d}")


def thank_yous(slack: FakeSlackAPI) -> int:
    return sum(
        1
        for method in ("chat.postMessage", "chat.postEphemeral")
        for call in slack.calls(method)
        if str(call.params.get("channel", "")).startswith("D")
    )


@asynccontextmanager
async def server(
    name: str, slack: FakeSlackAPI, database_url: str, folder: Path
) -> AsyncIterator[tuple[int, int]]:
    """Start contender `name`; once its health check answers, yield its port and process id."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=ev.SIGNING_SECRET,
        SLACK_API_URL=slack.url,
        HUDDLEBOT_PORT=str(port),
        HUDDLEBOT_DATA_DIR=str(folder / "data"),
        DATABASE_URL=database_url,
        SLACK_POSTS_PER_SECOND=POSTS_PER_SECOND,
    )
    if name == "bot":
        config = folder / "huddlebot.toml"
        config.write_text(textwrap.dedent(CONFIG))
        profile = ["-m", "cProfile", "-o", PROFILE[0]] if PROFILE else []
        command = [sys.executable, *profile, "-m", "bot.cli.main", "--config", str(config), "run"]
    else:
        reference_url = make_url(database_url)
        driver = "aiosqlite" if reference_url.get_backend_name() == "sqlite" else "asyncpg"
        reference_url = reference_url.set(drivername=f"{reference_url.get_backend_name()}+{driver}")
        command = [
            sys.executable,
            str(ROOT / "bench" / "reference_app.py"),
            "--port",
            str(port),
            "--database-url",
            reference_url.render_as_string(hide_password=False),
            *(["--inline"] if name == "ref-inline" else []),
        ]
    log = folder / f"{name}.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )
    try:
        async with aiohttp.ClientSession() as client, asyncio.timeout(60):
            while True:
                if process.returncode is not None:
                    said = log.read_text(errors="replace")[-2000:]
                    raise SystemExit(f"{name} stopped at start:\n{said}")
                try:
                    async with client.get(f"http://127.0.0.1:{port}/healthz") as answer:
                        if answer.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)  # a process starting up: nothing to wait on but time
        yield port, process.pid
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=30)
        except TimeoutError:
            process.kill()
    if process.returncode not in (0, -signal.SIGTERM):
        print(f"  ({name} exited with {process.returncode})")


REFUSED: dict[int, int] = {}
"""How many events were answered with each status other than 200, across the run."""


async def post(client: aiohttp.ClientSession, url: str, payload: dict[str, object]) -> float | None:
    """The time until the event was acknowledged; None when it was answered with anything but
    200 (counted in `REFUSED`, and the bench goes on)."""
    body, headers = ev.json_request(payload, timestamp=int(time.time()))
    started = time.perf_counter()
    async with client.post(url, data=body.encode(), headers=headers) as answer:
        await answer.read()
        if answer.status != 200:
            REFUSED[answer.status] = REFUSED.get(answer.status, 0) + 1
            return None
    return time.perf_counter() - started


async def until_answered(slack: FakeSlackAPI, expected: int, *, within: float = 120.0) -> int:
    deadline = time.monotonic() + within
    while thank_yous(slack) < expected and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.005)  # the fake runs in this loop and has no signal to wait on
    return thank_yous(slack)


async def burst(
    url: str, slack: FakeSlackAPI, pid: int, numbers: Sequence[int], answers: bool
) -> Phase:
    queue = list(numbers)
    acks: list[float] = []
    refused = [0]
    answered_before = thank_yous(slack)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY)) as client:
        cpu = cpu_seconds(pid)
        started = time.perf_counter()

        async def worker() -> None:
            while queue:
                ack = await post(client, url, dm_event(queue.pop(0)))
                if ack is None:
                    refused[0] += 1
                else:
                    acks.append(ack)

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        took = time.perf_counter() - started
        cpu_ack = cpu_seconds(pid) - cpu
        expected = answered_before + len(numbers) - refused[0] if answers else answered_before
        answered = await until_answered(slack, expected) - answered_before
        cpu_all = cpu_seconds(pid) - cpu
    return Phase(len(numbers), took, acks, cpu_ack, cpu_all, answered, refused[0])


async def steady(
    url: str, slack: FakeSlackAPI, pid: int, numbers: Sequence[int], rate: float, answers: bool
) -> Phase:
    acks: list[float] = []
    refused = [0]
    answered_before = thank_yous(slack)
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as client:

        async def one(number: int) -> None:
            ack = await post(client, url, dm_event(number))
            if ack is None:
                refused[0] += 1
            else:
                acks.append(ack)

        cpu = cpu_seconds(pid)
        started = loop.time()
        tasks = []
        for index, number in enumerate(numbers):
            due = started + index / rate
            await asyncio.sleep(max(0.0, due - loop.time()))
            tasks.append(asyncio.create_task(one(number)))
        await asyncio.gather(*tasks)
        took = loop.time() - started
        cpu_ack = cpu_seconds(pid) - cpu
        expected = answered_before + len(numbers) - refused[0] if answers else answered_before
        answered = await until_answered(slack, expected) - answered_before
        cpu_all = cpu_seconds(pid) - cpu
    return Phase(len(numbers), took, acks, cpu_ack, cpu_all, answered, refused[0])


async def contend(
    name: str, database_url: str, args: argparse.Namespace, folder: Path, result: Result
) -> bool:
    answers = name != "ref-store"
    async with FakeSlackAPI() as slack:
        for person in range(PEOPLE):
            slack.add_user(f"U{person:08d}", real_name=f"Person {person}")
        async with server(name, slack, database_url, folder) as (port, pid):
            url = f"http://127.0.0.1:{port}/slack/events"
            warm = range(0, PEOPLE)
            phase_warm = await burst(url, slack, pid, warm, answers)  # every person known
            first = len(warm)
            numbers = range(first, first + args.burst)
            phase_burst = await burst(url, slack, pid, numbers, answers)
            first += args.burst
            numbers = range(first, first + int(args.rate * args.seconds))
            phase_steady = await steady(url, slack, pid, numbers, args.rate, answers)
            refused = sum(phase.refused for phase in (phase_warm, phase_burst, phase_steady))
            total = first + len(numbers) - refused
            await asyncio.sleep(0.5)  # anything doubled would arrive now
            posted = thank_yous(slack)
    result.phases.setdefault("burst", []).append(phase_burst)
    result.phases.setdefault("steady", []).append(phase_steady)
    ok = posted == (total if answers else 0)
    if not ok:
        print(f"  {name}: {posted} thank-yous for {total} events acknowledged")
    if refused:
        print(f"  {name}: {refused} events were not acknowledged with 200")
    return ok


def report(results: dict[str, Result]) -> None:
    for phase in ("burst", "steady"):
        print(f"\n{phase}:")
        print(
            f"  {'':11} {'acks/s':>8} {'ack p50':>9} {'ack p99':>9} "
            f"{'CPU/event ack':>14} {'CPU/event all':>14}"
        )
        for name, result in results.items():
            for run in result.phases[phase]:
                print(
                    f"  {name:11} {run.rate:8.0f} {run.percentile(0.5):7.1f}ms "
                    f"{run.percentile(0.99):7.1f}ms {run.cpu_ack / run.events * 1000:12.2f}ms "
                    f"{run.cpu_all / run.events * 1000:12.2f}ms"
                )


def ratios(results: dict[str, Result]) -> None:
    bot, ref = results["bot"].phases, results["ref-inline"].phases

    def mean(runs: list[Phase], value: str) -> float:
        return statistics.fmean(
            getattr(run, value) if value != "p99" else run.percentile(0.99) for run in runs
        )

    def per_event(runs: list[Phase], value: str) -> float:
        return statistics.fmean(getattr(run, value) / run.events for run in runs)

    print("\nbot / ref-inline (means over the rounds):")
    burst_rate = mean(bot["burst"], "rate") / mean(ref["burst"], "rate")
    print(f"  burst acks/s: {burst_rate:.2f}  {verdict(burst_rate >= 1.0)} (floor: at least 1)")
    for phase in ("burst", "steady"):
        cpu = per_event(bot[phase], "cpu_all") / per_event(ref[phase], "cpu_all")
        ack = per_event(bot[phase], "cpu_ack") / per_event(ref[phase], "cpu_ack")
        print(
            f"  {phase} CPU/event with thank-you: {cpu:.2f}  {verdict(cpu <= 1.2)} (floor: 1.2);"
            f" acknowledging only: {ack:.2f}"
        )
    p99_bot, p99_ref = mean(bot["steady"], "p99"), mean(ref["steady"], "p99")
    ok = p99_bot <= 1.5 * p99_ref and p99_bot < 25
    print(
        f"  steady ack p99: {p99_bot:.1f} ms against {p99_ref:.1f} ms, ratio "
        f"{p99_bot / p99_ref:.2f}  {verdict(ok)} (floor: 1.5 and under 25 ms)"
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL  <-- below the floor"


async def bench(args: argparse.Namespace) -> bool:
    results = {name: Result(name) for name in ("bot", "ref-inline", "ref-store")}
    orders = [["ref-inline", "ref-store", "bot"], ["bot", "ref-store", "ref-inline"]]
    ok = True
    for round_number in range(args.rounds):
        order = [name for name in orders[round_number % 2] if name in args.only]
        print(f"round {round_number + 1}: {', '.join(order)}", flush=True)
        for name in order:
            with tempfile.TemporaryDirectory() as folder:
                if args.database_url:
                    async with scratch_database(args.database_url) as url:
                        ok &= await contend(name, url, args, Path(folder), results[name])
                else:
                    url = f"sqlite:///{folder}/bench.db"
                    ok &= await contend(name, url, args, Path(folder), results[name])
    report({name: results[name] for name in args.only})
    if REFUSED:
        print(f"\nanswers other than 200 (status: count): {REFUSED}")
    if {"bot", "ref-inline"} <= set(args.only):
        ratios(results)
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server (scratch databases on it)")
    parser.add_argument("--burst", type=int, default=1500)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["bot", "ref-inline", "ref-store"],
        default=["bot", "ref-inline", "ref-store"],
        help="run only these servers",
    )
    parser.add_argument("--profile", metavar="FILE", help="run the bot under cProfile")
    args = parser.parse_args(argv)
    PROFILE.extend([args.profile] if args.profile else [])
    if importlib.util.find_spec("aiosqlite") is None and not args.database_url:
        print("The reference app needs aiosqlite on SQLite: .venv/bin/pip install aiosqlite")
        return 2
    print(json.dumps({k: v for k, v in vars(args).items() if v is not None}))
    return 0 if asyncio.run(bench(args)) else 1


if __name__ == "__main__":
    sys.exit(main())
