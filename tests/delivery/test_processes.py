"""Several `huddlebot run` processes on one PostgreSQL database, and some of them killed.

Real processes (the real command) share a database, a fake Slack Web API that records every post
and a fake Telegram Bot API that records every `getUpdates`. One of them is killed with SIGKILL
at a seeded random moment during a start-up catch-up, a fan-out and a digest; every part must be
posted exactly once, none missing, each scheduled prompt opened once, and Telegram polled by one
process at a time, the survivors taking over within seconds.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from bot.config.environment import Settings
from bot.delivery.presence import TTL
from bot.storage.database import open_database
from bot.storage.models import Digest, Lease, OutboxMessage, PromptRun
from tests.delivery.processes import ROOT, BotProcess, base_environment, posted_keys, until
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.telegram_api import TOKEN, FakeTelegramAPI
from tests.harness import fresh_postgres

ROOMS = 40
SEED = int(os.environ.get("HUDDLEBOT_KILL_SEED", "1414"))
TAKE_OVER = TTL + 15.0
"""How long the survivors may take to finish a killed process's work: its heartbeat must go stale
first (`TTL`), then the parts it left in doubt are checked against Slack's history."""

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL"), reason="several processes need PostgreSQL"
    ),
]


def config(*, ritual: bool) -> str:
    channels = ", ".join(f'{{ platform = "slack", channel = "C{n:08d}" }}' for n in range(ROOMS))
    # a ritual due every minute with an hour's window: each process catches it up at start
    rituals = (
        '\n[[circles.rituals]]\nprompt = "learned"\ncron = "* * * * *"\nwindow_hours = 1\n'
        "reminder = false\n"
        if ritual
        else ""
    )
    return f"""
[partnership]
name = "Riverside"
timezone = "UTC"

[[circles]]
id = "core"
name = "Core partnership"
kind = "partnership"
rooms = [{channels}]
{rituals}
[[circles]]
id = "stewards"
name = "Stewards"
kind = "stewards"
rooms = [{{ platform = "slack", channel = "C9STEWARDS" }}]
"""


@pytest.fixture
async def postgres_url(tmp_path: Path) -> str:
    url = Settings.from_env(
        {"DATABASE_URL": os.environ["TEST_DATABASE_URL"]}, cwd=tmp_path
    ).database_url
    await fresh_postgres(url)
    return url


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackAPI]:
    # message timestamps near the bots' clocks, so a crash check finds a part by when it was queued
    async with FakeSlackAPI(first_ts=int(time.time())) as fake:
        fake.latency = 0.05
        yield fake


async def outbox_counts(url: str) -> dict[str, int]:
    async with open_database(url, migrate=False) as sessions, sessions() as session:
        query = select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
        return {status: count for status, count in (await session.exec(query)).all()}


async def stored_keys(url: str) -> set[str]:
    async with open_database(url, migrate=False) as sessions, sessions() as session:
        query = select(OutboxMessage.key).where(OutboxMessage.platform == "slack")
        return set((await session.exec(query)).all())


async def count(url: str, model: type[PromptRun] | type[Digest]) -> int:
    async with open_database(url, migrate=False) as sessions, sessions() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def every_part_once(url: str, slack: FakeSlackAPI) -> None:
    """Wait until every stored part is sent (the killed processes' ones too, once their
    heartbeats are stale), then: each posted exactly once, and nothing posted that is not stored."""
    settled: dict[str, int] = {}
    async with asyncio.timeout(TAKE_OVER + 30):
        while set(settled) != {"sent"}:
            await asyncio.sleep(0.2)  # the bots are other processes: look at the database
            settled = await outbox_counts(url)
    posted = posted_keys(slack)
    doubled = [key for key, times in posted.items() if times > 1]
    assert doubled == [], await notes(url, doubled)
    assert set(posted) == await stored_keys(url)


async def notes(url: str, keys: list[str]) -> list[tuple[str, str, str, int]]:
    async with open_database(url, migrate=False) as sessions, sessions() as session:
        query = select(OutboxMessage).where(col(OutboxMessage.key).in_(keys))
        rows = (await session.exec(query)).all()
    return [(row.key, row.error, row.claimed_by, row.attempts) for row in rows]


async def kill_during(
    slack: FakeSlackAPI, bots: list[BotProcess], rng: random.Random, *, after: int
) -> BotProcess:
    """Kill one live process, chosen by `rng`, once `after` more parts were posted."""
    target = len(slack.posted()) + after
    await until(lambda: len(slack.posted()) >= target, within=60, what=f"{after} posts")
    victim = rng.choice([bot for bot in bots if not bot.killed])
    victim.kill()
    return victim


async def stop_all(bots: list[BotProcess]) -> None:
    await asyncio.gather(*(bot.stop() for bot in bots))
    for bot in bots:
        if not bot.killed:
            assert "Traceback" not in bot.errors, bot.errors


async def test_three_runs_catch_up_fan_out_and_post_a_digest_once_with_kills(
    tmp_path: Path, postgres_url: str, slack: FakeSlackAPI
) -> None:
    rng = random.Random(SEED)
    path = tmp_path / "huddlebot.toml"
    path.write_text(config(ritual=True))
    env = base_environment(
        tmp_path / "data",
        postgres_url,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="not-a-real-secret",
        SLACK_API_URL=slack.url,
    )
    bots = [BotProcess(env, path, name=f"bot{n}") for n in range(3)]
    try:
        # the catch-up: every process finds the ritual due at start; it is opened once
        await asyncio.gather(*(bot.start() for bot in bots))
        await kill_during(slack, bots, rng, after=rng.randint(1, ROOMS // 2))
        # a fan-out queued by a one-shot command is sent by the running bots
        prompts_before = await count(postgres_url, PromptRun)
        command = BotProcess(env, path, name="prompt")
        code = await command_exit(command, "prompt", "--circle", "core", "--prompt", "blocking")
        assert code == 0, command.errors
        await kill_during(slack, bots, rng, after=rng.randint(1, ROOMS // 2))
        replacement = BotProcess(env, path, name="bot3")
        await replacement.start()
        bots.append(replacement)
        # a digest, queued by a one-shot command, sent by the bots while one more is killed
        code = await command_exit(
            BotProcess(env, path, name="digest"), "digest", "--circle", "core"
        )
        assert code == 0
        await kill_during(slack, bots, rng, after=rng.randint(1, ROOMS // 2))
        await every_part_once(postgres_url, slack)
        assert await count(postgres_url, PromptRun) >= prompts_before + 1
        assert await count(postgres_url, Digest) <= 1
        await assert_each_run_once(postgres_url)
    finally:
        await stop_all(bots)
    slack.assert_no_violations()


async def assert_each_run_once(url: str) -> None:
    """Each prompt run (one per due minute, and the one asked by the command) reached every room
    once: 40 parts, one per room."""
    async with open_database(url, migrate=False) as sessions, sessions() as session:
        query = (
            select(OutboxMessage.prompt_run_id, func.count(func.distinct(OutboxMessage.chat)))
            .where(OutboxMessage.kind == "prompt")
            .group_by(col(OutboxMessage.prompt_run_id))
        )
        rooms = dict((await session.exec(query)).all())
        runs = (await session.exec(select(PromptRun))).all()
    assert rooms and set(rooms.values()) == {ROOMS}
    due = [(run.ritual_id, run.scheduled_for) for run in runs]
    assert len(due) == len(set(due))


async def command_exit(command: BotProcess, *args: str) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        "--config",
        str(command.config),
        *args,
        cwd=ROOT,
        env=command.env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    command.errors = err.decode()
    assert process.returncode is not None
    return process.returncode


async def test_telegram_is_polled_by_one_of_two_runs_and_taken_over_when_it_is_killed(
    tmp_path: Path, postgres_url: str, slack: FakeSlackAPI
) -> None:
    path = tmp_path / "huddlebot.toml"
    path.write_text(config(ritual=False))
    async with FakeTelegramAPI() as telegram:
        env = base_environment(
            tmp_path / "data",
            postgres_url,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET="not-a-real-secret",
            SLACK_API_URL=slack.url,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=telegram.url,
        )
        bots = [BotProcess(env, path, name=f"bot{n}") for n in range(2)]
        try:
            await asyncio.gather(*(bot.start() for bot in bots))
            await until(lambda: len(telegram.polls) >= 1, within=30, what="a first poll")
            poller = await polling_process(postgres_url, bots)
            poller.kill()
            killed_at = time.monotonic()  # the fake's clock
            # the survivor polls once the killed process's heartbeat is stale
            await until(
                lambda: any(started > killed_at for started in telegram.poll_starts),
                within=TTL + 20,
                what="another process to poll",
            )
            taken_after = min(s for s in telegram.poll_starts if s > killed_at) - killed_at
            assert taken_after < TTL + 15
            survivor = next(bot for bot in bots if not bot.killed)
            assert await polling_process(postgres_url, bots) is survivor
            telegram.push(telegram.message_update(-100123, "/help"))
            await until(lambda: telegram.pending_updates == 0, within=20, what="the update")
        finally:
            await stop_all(bots)
        assert telegram.overlapping_polls() == []


async def polling_process(url: str, bots: list[BotProcess]) -> BotProcess:
    """The process holding the Telegram polling lease (its id carries its pid)."""
    async with open_database(url, migrate=False) as sessions, sessions() as session:
        holder = (
            await session.exec(select(Lease.holder).where(Lease.name == "telegram:polling"))
        ).one()
    pid = int(holder.split(":")[2])
    return next(bot for bot in bots if bot.pid == pid)
