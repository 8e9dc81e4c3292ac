"""A private prompt fanned out to 1,000 Telegram chats through the whole bot, within flood limits.

Run it from the repository: `.venv/bin/python bench/telegram_fanout.py` (`--quick` for 200 chats).

One circle has 1,000 members, each of whom has started a private chat with the bot (their person,
Telegram identity with its private chat, and membership are stored directly, as `/start` would
leave them). A ritual of the circle is private, so `huddle.send_prompt_now` stores one outbox part
per member's private chat. The bench then runs the real dispatcher (`dispatcher.run()` as a task)
until the outbox holds nothing pending. Every part goes out through the real `TelegramAdapter`
(its pacer, python-telegram-bot and its 429 handling) to the fake Bot API on 127.0.0.1, which
enforces Telegram's limits (30 messages a second overall, 20 a minute per group, one a second per
chat) and answers 429 with `retry_after` to anything faster.

It prints how many messages went out, how long from the dispatcher's start to the last accepted
message, the achieved rate as a fraction of 30 a second (floor 0.9), the 429s the fake returned,
whether each was waited out before that chat was tried again and none left a part failed or
pending, chats sent to more than once, chats never sent to, and requests the Bot API would refuse.

This is a benchmark, not a test: it runs on the real clock for about 35 seconds (8 with
`--quick`). The exit code is 0 whether or not the floor is met (1 only when something was lost,
doubled or refused); a missed floor prints FAIL.
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

from adapters.telegram.adapter import TelegramAdapter
from adapters.telegram.pacing import Pacer
from bench.fanout import Attempt, fan_out, unhonoured_429s, verdict
from bot.app import Bot, assembled
from bot.config.environment import Settings
from bot.config.partnership import load_config
from bot.core.clock import ManualClock, SystemClock
from bot.rituals.scheduler import SimulatedScheduler
from bot.storage.models import Identity, Membership, Person
from tests.fakes.telegram_api import FakeTelegramAPI

CIRCLE, PROMPT = "fanout", "learned"
GROUP = "-1009000000001"
"""The circle's group; a private ritual never writes there."""
FIRST_USER = 700_000_001
TELEGRAM_RATE = 30.0
FLOOR = 0.9
RETRY_AFTER_MIN = 1.0
"""The fake's smallest `retry_after`; with one message per private chat it is always this."""
SETTLE_DEADLINE = 180.0

CONFIG = f"""
[partnership]
name = "Benchmark Partnership"
timezone = "Europe/London"

[[circles]]
id = "{CIRCLE}"
name = "Everyone, privately"
kind = "partnership"
rooms = [{{ platform = "telegram", chat = "{GROUP}" }}]

[[circles.rituals]]
prompt = "{PROMPT}"
cron = "0 9 * * MON"
window_hours = 48
reminder = false
private = true
"""


def user_ids(count: int) -> list[str]:
    return [str(FIRST_USER + n) for n in range(count)]


async def add_members(bot: Bot, users: Sequence[str]) -> None:
    """Each user as `/start` leaves them: a person, an identity with a private chat, a member."""
    now = datetime.now(UTC)
    async with bot.sessions.begin() as session:
        people = [Person(display_name=f"Member {n}", created_at=now) for n in range(len(users))]
        session.add_all(people)
        await session.flush()
        for person, user in zip(people, users, strict=True):
            assert person.id is not None
            session.add(
                Identity(
                    person_id=person.id,
                    platform="telegram",
                    user_id=user,
                    display_name=person.display_name,
                    dm_chat=user,
                )
            )
            session.add(Membership(person_id=person.id, circle_id=CIRCLE, joined_at=now))


async def bench(args: argparse.Namespace, data: Path) -> bool:
    users = user_ids(args.chats)
    path = data / "huddlebot.toml"
    path.write_text(CONFIG)
    config = load_config(path)
    settings = replace(
        Settings.from_env({}, cwd=data), database_url=f"sqlite+aiosqlite:///{data}/bench.db"
    )
    print(
        f"huddlebot Telegram fan-out: 1 private prompt to {len(users):,} chats; the fake allows "
        f"{TELEGRAM_RATE:g}/s overall, 20/min per group, 1/s per chat"
    )
    if args.pacer_rate:
        print(f"  the adapter paces itself to {args.pacer_rate:g}/s, not Telegram's 30/s")
    async with FakeTelegramAPI() as fake:
        fake.enforce_limits()
        pacer = Pacer(per_second=args.pacer_rate) if args.pacer_rate else None
        adapter = TelegramAdapter(token=fake.token, api_url=fake.url, pacer=pacer, poll_timeout=1)
        scheduler = SimulatedScheduler(ManualClock(datetime.now(UTC)))
        async with (
            assembled(
                config, settings, adapters=[adapter], clock=SystemClock(), scheduler=scheduler
            ) as bot,
            adapter.connect(bot.core.handle),
        ):
            await add_members(bot, users)
            outcome = await fan_out(
                bot,
                circle=CIRCLE,
                prompt=PROMPT,
                deadline=SETTLE_DEADLINE,
                poll=0.1,
                last_accepted=lambda begin: max(
                    (r.at for r in fake.calls("sendMessage") if r.status == 200), default=begin
                ),
            )

        sent = fake.sent()
        per_chat = Counter(str(p.get("chat_id")) for p in sent)
        doubled = sorted(c for c, n in per_chat.items() if n > 1)
        lost = sorted(set(users) - set(per_chat))
        stray = sorted(set(per_chat) - set(users))
        answered_429 = sum(1 for r in fake.calls("sendMessage") if r.status == 429)
        attempts = [
            Attempt(str(r.params.get("chat_id")), r.at, r.status == 429)
            for r in fake.calls("sendMessage")
        ]
        early = unhonoured_429s(attempts, wait=RETRY_AFTER_MIN)
        try:
            fake.assert_no_violations()
            spec_problems = ""
        except AssertionError as problem:
            spec_problems = str(problem)

    rate = len(sent) / outcome.send_seconds if outcome.send_seconds > 0 else 0.0
    share = rate / TELEGRAM_RATE
    left = {s: n for s, n in outcome.statuses.items() if s != "sent"}
    honoured = not early and not left
    print(f"  queued      {outcome.queued:,} parts in {outcome.queue_seconds:.2f} s")
    print(f"  messages    {len(sent):,} sent")
    print(
        f"  elapsed     {outcome.send_seconds:.2f} s from the dispatcher's start to the last "
        f"message (outbox settled after {outcome.settle_seconds:.2f} s)"
    )
    print(f"  rate        {rate:.2f} messages/s")
    whole = outcome.queue_seconds + outcome.send_seconds
    print(f"  end to end  {len(sent) / whole:.2f} messages/s with queueing ({whole:.2f} s)")
    print(f"  rate/30     {share:.3f} (floor {FLOOR})  {verdict(share >= FLOOR)}")
    print(
        f"  429s        {answered_429} returned (fake.limit_violations {fake.limit_violations}); "
        f"tried again too soon: {early}; parts left failed or pending: {sum(left.values())}"
        f"  -> {'every 429 honoured' if honoured else 'NOT all honoured'}"
    )
    print(f"  duplicates  {len(doubled)} chat(s) sent to more than once {doubled[:5]}")
    print(f"  lost        {len(lost)} chat(s) never sent to {lost[:5]}")
    if stray:
        print(f"  stray       {len(stray)} chat(s) that were not asked {stray[:5]}")
    print(f"  outbox      {dict(outcome.statuses)}")
    print(f"  spec        {'no violations' if not spec_problems else spec_problems}")
    return honoured and not (doubled or lost or stray or spec_problems)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--chats", type=int, default=1000, help="private chats to fan out to")
    parser.add_argument(
        "--pacer-rate",
        type=float,
        default=None,
        help="the adapter's own overall pace (default: its own, 30/s); above 30, to see 429s",
    )
    parser.add_argument("--quick", action="store_true", help="200 chats")
    args = parser.parse_args(argv)
    if args.quick:
        args.chats = min(args.chats, 200)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    logging.basicConfig(level=logging.WARNING, format="  log: %(name)s %(message)s")
    with tempfile.TemporaryDirectory(prefix="huddlebot-bench-") as data:
        ok = asyncio.run(bench(args, Path(data)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
