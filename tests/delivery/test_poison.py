"""Nothing can poison a lane: parts that can never be sent are set aside once, and the 2,000 parts
queued behind them all reach the real Slack adapter's fake Web API."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from bot.config.partnership import load_config
from bot.storage.models import OutboxMessage
from tests.adapters.slack.test_slack_send import make_adapter
from tests.fakes.slack_api import FakeSlackAPI, VirtualTime, api_error
from tests.harness import SUNDAY, Harness, open_harness
from tests.worlds import SLACK_CONFIG

CHANNELS = [f"C{n:08d}" for n in range(40)]
OTHERS = 2_000
SECRET = "words nobody but the room should read"


def part(key: str, chat: str, **values: object) -> OutboxMessage:
    return OutboxMessage(
        key=key,
        kind="prompt",
        platform="slack",
        chat=chat,
        text=f"{key}: {SECRET}",
        not_before=SUNDAY,
        created_at=SUNDAY,
        **values,  # type: ignore[arg-type]
    )


async def queue(harness: Harness, rows: list[OutboxMessage]) -> None:
    async with harness.bot.sessions.begin() as session:
        session.add_all(rows)


async def statuses(harness: Harness) -> dict[str, int]:
    async with harness.bot.sessions() as session:
        query = select(OutboxMessage.status, func.count()).where(OutboxMessage.platform == "slack")
        rows = await session.exec(query.group_by(col(OutboxMessage.status)))
        return {status: count for status, count in rows.all()}


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "huddlebot.toml"
    path.write_text(SLACK_CONFIG)
    return path


async def test_parts_that_can_never_be_sent_block_nothing_behind_them(
    config_path: Path, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeSlackAPI(first_ts=int(SUNDAY.timestamp())) as slack:
        adapter = make_adapter(slack, VirtualTime())
        async with open_harness(
            load_config(config_path), database_url, extra_adapters=(adapter,)
        ) as harness:
            head = CHANNELS[0]
            # in front of everything, in the first channel: a part whose stored buttons cannot
            # be read (an adapter would never get it right), and one Slack refuses for good
            await queue(harness, [part("broken", head, buttons="[{not json")])
            await queue(harness, [part("refused", head)])
            slack.queue("chat.postMessage", api_error("invalid_blocks"), channel=head)
            await queue(
                harness,
                [part(f"p{n}", CHANNELS[n % len(CHANNELS)]) for n in range(OTHERS)],
            )
            caplog.clear()
            with caplog.at_level(logging.INFO, logger="bot.delivery"):
                sent = await harness.bot.dispatcher.drain()

            assert sent == OTHERS
            assert len(slack.posted()) == OTHERS
            assert await statuses(harness) == {"sent": OTHERS, "failed": 2}
            assert harness.bot.dispatcher.failed == 2
            for channel in CHANNELS:  # each room's parts in the order they were queued
                keys = [int(r.params["text"].split(":")[0][1:]) for r in slack.posted(channel)]
                assert keys == sorted(keys)
            errors = [
                r
                for r in caplog.records
                if r.levelno >= logging.ERROR and r.name.startswith("bot.delivery")
            ]
            assert sorted(r.getMessage().split(" ")[0] for r in errors) == ["broken", "refused"]
            assert all(r.exc_info is None for r in errors)
            assert SECRET not in caplog.text
            slack.assert_no_violations()


async def test_a_part_that_keeps_failing_is_set_aside_after_a_bounded_number_of_tries(
    config_path: Path, database_url: str
) -> None:
    async with FakeSlackAPI(first_ts=int(SUNDAY.timestamp())) as slack:
        adapter = make_adapter(slack, VirtualTime())
        async with open_harness(
            load_config(config_path), database_url, extra_adapters=(adapter,)
        ) as harness:
            head = CHANNELS[0]
            slack.queue("chat.postMessage", api_error("fatal_error"), channel=head, times=100)
            await queue(harness, [part("flaky", head), part("after", head)])
            tries = 0
            while "pending" in await statuses(harness):
                await harness.bot.dispatcher.drain()
                harness.clock.set(harness.clock.now() + timedelta(minutes=10))
                tries += 1
                assert tries <= 20
            async with harness.bot.sessions() as session:
                rows = (await session.exec(select(OutboxMessage).order_by(OutboxMessage.id))).all()
            flaky = next(r for r in rows if r.key == "flaky")
            after = next(r for r in rows if r.key == "after")
            assert (flaky.status, flaky.attempts) == ("failed", 8)
            assert (after.status, after.attempts) == ("failed", 8)  # tried in its turn
            assert harness.bot.dispatcher.failed == 2
