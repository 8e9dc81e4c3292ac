"""A prompt fanned out to many Slack channels through the whole bot, against Slack's rate limits.

Run it from the repository: `.venv/bin/python bench/slack_fanout.py` (`--quick` for 50 channels).

One circle has 200 Slack channels as rooms. The bench asks it a prompt with
`huddle.send_prompt_now`, which stores one outbox part per channel, then runs the real dispatcher
(`dispatcher.run()` as a task) until the outbox holds nothing pending. Every part goes out through
the real `SlackAdapter` (its pacer, slack_sdk's `AsyncWebClient` and its 429 retry) to the fake
Slack Web API on 127.0.0.1, which enforces one message a second per channel and a workspace-wide
ceiling (`--ceiling`, 50 a second by default) and answers 429 with `Retry-After` to anything faster.
The adapter is told the same workspace rate.

It prints how many messages went out, how long from the dispatcher's start to the last accepted
post, the achieved rate and its fraction of the ceiling (floor 0.9), the 429s the fake answered
(and whether every one was waited out before that channel was tried again), channels posted to
more than once, channels never posted to, and requests that broke Slack's API spec.

This is a benchmark, not a test: it runs on the real clock for a few seconds. The exit code is 0
whether or not the floor is met (1 only when something was lost, doubled or refused); a missed
floor prints FAIL.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import logging
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from adapters.slack.adapter import SlackAdapter
from bench.fanout import Attempt, fan_out, unhonoured_429s, verdict
from bot.app import assembled
from bot.config.environment import Settings
from bot.config.partnership import load_config
from bot.core.clock import ManualClock, SystemClock
from bot.rituals.scheduler import SimulatedScheduler
from tests.fakes.slack_api import FakeSlackAPI

CIRCLE, PROMPT = "fanout", "learned"
FLOOR = 0.9
RETRY_AFTER_MIN = 1.0
"""The fake's smallest `Retry-After`; with one message per channel it is always exactly this."""
SETTLE_DEADLINE = 120.0


def channels(count: int) -> list[str]:
    return [f"C{number:07d}" for number in range(1, count + 1)]


def config_text(rooms: Sequence[str]) -> str:
    listed = ",\n".join(f'    {{ platform = "slack", channel = "{c}" }}' for c in rooms)
    return f"""
[partnership]
name = "Benchmark Partnership"
timezone = "Europe/London"

[[circles]]
id = "{CIRCLE}"
name = "Everyone, everywhere"
kind = "partnership"
rooms = [
{listed}
]

[[circles.rituals]]
prompt = "{PROMPT}"
cron = "0 9 * * MON"
window_hours = 48
reminder = false
"""


async def bench(args: argparse.Namespace, data: Path) -> bool:
    rooms = channels(args.channels)
    path = data / "huddlebot.toml"
    path.write_text(config_text(rooms))
    config = load_config(path)
    settings = replace(
        Settings.from_env({}, cwd=data), database_url=f"sqlite+aiosqlite:///{data}/bench.db"
    )
    print(
        f"huddlebot Slack fan-out: 1 prompt to {len(rooms)} channels; the fake allows 1/s per "
        f"channel and {args.ceiling:g}/s across the workspace"
    )
    if args.pacer_rate:
        print(f"  the adapter paces itself to {args.pacer_rate:g}/s, not the fake's ceiling")
    async with FakeSlackAPI() as fake:
        fake.enforce_rate(per_channel=1.0, workspace=args.ceiling)
        adapter = SlackAdapter(
            bot_token="xoxb-bench",
            signing_secret="bench-signing-secret",
            api_url=fake.url,
            workspace_rate=args.pacer_rate or args.ceiling,
        )
        scheduler = SimulatedScheduler(ManualClock(datetime.now(UTC)))
        async with (
            assembled(
                config, settings, adapters=[adapter], clock=SystemClock(), scheduler=scheduler
            ) as bot,
            adapter.connect(bot.core.handle),
        ):
            outcome = await fan_out(
                bot,
                circle=CIRCLE,
                prompt=PROMPT,
                deadline=SETTLE_DEADLINE,
                poll=0.05,
                last_accepted=lambda begin: max((r.at for r in fake.posted()), default=begin),
            )

        posts = fake.posted()
        per_channel = Counter(str(r.params.get("channel")) for r in posts)
        doubled = sorted(c for c, n in per_channel.items() if n > 1)
        lost = sorted(set(rooms) - set(per_channel))
        answered_429 = sum(1 for r in fake.calls("chat.postMessage") if r.answered == 429)
        attempts = [
            Attempt(str(r.params.get("channel")), r.at, r.answered == 429)
            for r in fake.calls("chat.postMessage")
        ]
        early = unhonoured_429s(attempts, wait=RETRY_AFTER_MIN)
        try:
            fake.assert_no_violations()
            spec_problems = ""
        except AssertionError as problem:
            spec_problems = str(problem)

    rate = len(posts) / outcome.send_seconds if outcome.send_seconds > 0 else 0.0
    share = rate / args.ceiling
    not_sent = {s: n for s, n in outcome.statuses.items() if s != "sent"}
    print(f"  queued      {outcome.queued} parts in {outcome.queue_seconds:.2f} s")
    print(f"  messages    {len(posts)} posted")
    print(
        f"  elapsed     {outcome.send_seconds:.2f} s from the dispatcher's start to the last "
        f"post (outbox settled after {outcome.settle_seconds:.2f} s)"
    )
    print(f"  rate        {rate:.1f} messages/s")
    whole = outcome.queue_seconds + outcome.send_seconds
    print(f"  end to end  {len(posts) / whole:.2f} messages/s with queueing ({whole:.2f} s)")
    print(f"  rate/ceiling {share:.3f} (floor {FLOOR})  {verdict(share >= FLOOR)}")
    print(
        f"  429s        {answered_429} answered by the fake ({fake.rate_rejections} rate "
        f"rejections); tried again too soon after one: {early}"
    )
    print(f"  duplicates  {len(doubled)} channel(s) posted to more than once {doubled[:5]}")
    print(f"  lost        {len(lost)} channel(s) never posted to {lost[:5]}")
    print(f"  outbox      {dict(outcome.statuses)}")
    print(f"  spec        {'no violations' if not spec_problems else spec_problems}")
    return not (doubled or lost or not_sent or spec_problems or early)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--channels", type=int, default=200, help="channels to fan out to")
    parser.add_argument(
        "--ceiling", type=float, default=50.0, help="workspace messages a second (fake and pacer)"
    )
    parser.add_argument(
        "--pacer-rate",
        type=float,
        default=None,
        help="the adapter's own workspace pace (default: the ceiling); above it, to see 429s",
    )
    parser.add_argument("--quick", action="store_true", help="50 channels")
    args = parser.parse_args(argv)
    if args.quick:
        args.channels = min(args.channels, 50)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    logging.basicConfig(level=logging.WARNING, format="  log: %(name)s %(message)s")
    with tempfile.TemporaryDirectory(prefix="huddlebot-bench-") as data:
        ok = asyncio.run(bench(args, Path(data)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
