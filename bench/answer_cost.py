"""What sending an answer costs huddlebot, counted rather than timed: statements, commits,
worker-thread trips and Python function calls per thank-you.

    .venv/bin/python bench/answer_cost.py [--answers 300]

A real bot on SQLite in a temporary folder (the test harness's configuration, the console
adapter), with the dispatcher running as in `huddlebot run`. One answer at a time, each queued in
its own unit of work (as a reply's thank-you is) to one of 50 people's private chats, and the next
queued once it was sent: the steady case, where every answer goes alone. The counts come from
cProfile's call counts, so they are the same on a busy machine as on a quiet one; the CPU time
per answer beside them (under the profiler, so larger than without it) is only for comparing runs
made in the same minutes.

To compare two versions, run this file from each checkout, e.g. an older one extracted with
`git archive <commit> | tar -x -C /tmp/old` and run as
`PYTHONPATH=/tmp/old .venv/bin/python bench/answer_cost.py`.
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

from bot.config.partnership import load_config
from bot.core.messages import Body, Outgoing, ToRoom
from bot.core.runtime import Runtime
from tests.harness import CONFIG, open_harness

COUNTED = [
    ("statements through SQLAlchemy", "sqlalchemy/engine/base.py:_execute_context"),
    ("statements on the loop", "sqlite_connection.py:write"),
    ("commits", "sqlite_connection.py:commit"),
    ("worker-thread trips", "sqlite_connection.py:_submit"),
]


async def measure(answers: int) -> tuple[float, pstats.Stats]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "huddlebot.toml"
        path.write_text(CONFIG)
        async with open_harness(load_config(path), f"sqlite:///{folder}/bench.db") as harness:
            bot = harness.bot
            runtime = Runtime(
                sessions=bot.sessions,
                outbox=bot.outbox,
                clock=harness.clock,
                wake=bot.dispatcher.wake,
            )
            body = Body("replies/saved", {"kind_label": "learning", "prompt_title": None})

            async def answer(number: int) -> None:
                async with runtime.transaction() as tx:
                    to = ToRoom("console", f"dm{number % 50}", None, None)
                    tx.send([Outgoing(to=to, body=body, key=f"k{number}", kind="reply")])

            async def sent(count: int) -> None:
                while bot.dispatcher.sent < count:  # noqa: ASYNC110
                    await asyncio.sleep(0.002)  # the dispatcher has no signal to wait on

            running = asyncio.create_task(bot.dispatcher.run())
            for number in range(20):  # caches warm, every chat's lane seen once
                await answer(number)
            await sent(20)
            profile = cProfile.Profile()
            cpu = time.process_time()
            profile.enable()
            for number in range(20, 20 + answers):
                await answer(number)
                await sent(number + 1)
            profile.disable()
            cpu = time.process_time() - cpu
            bot.dispatcher.stop()
            await running
    return cpu, pstats.Stats(profile)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=300)
    parser.add_argument(
        "--callers", type=int, default=0, metavar="N", help="also print the N functions called most"
    )
    args = parser.parse_args(argv)
    cpu, stats = asyncio.run(measure(args.answers))
    per = args.answers

    def calls(match: str) -> int:
        return sum(v[1] for k, v in stats.stats.items() if match in f"{k[0]}:{k[2]}")

    print(f"{args.answers} answers, each queued and sent alone (SQLite), per answer:")
    print(f"  {'Python function calls':30} {stats.total_calls / per:8.0f}")  # type: ignore[attr-defined]
    for label, match in COUNTED:
        print(f"  {label:30} {calls(match) / per:8.2f}")
    print(f"  {'CPU under the profiler':30} {cpu / per * 1000:6.2f} ms")
    if args.callers:
        print(f"\nthe {args.callers} functions called most (calls per answer, cumulative ms):")
        ranked = sorted(stats.stats.items(), key=lambda item: -item[1][1])  # type: ignore[attr-defined]
        for (file, line, name), (_, calls_, _, cumulative, _) in ranked[: args.callers]:
            where = f"{Path(file).name}:{line}({name})"
            print(f"  {calls_ / per:8.1f}  {cumulative / per * 1000:7.3f}  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
