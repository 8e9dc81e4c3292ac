"""A part caught mid-send by a crash: Slack's history says whether it arrived, so it is neither
lost nor posted twice. Real `AsyncWebClient`, fake Web API over HTTP, two bot lives on one store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select
from starlette.routing import BaseRoute

from adapters.slack.adapter import SlackAdapter
from bot.config.partnership import load_config
from bot.core.messages import Delivery
from bot.core.ports import EventSink
from bot.delivery.dispatcher import IN_DOUBT
from bot.storage.models import OutboxMessage
from tests.adapters.slack.test_slack_send import make_adapter
from tests.fakes.slack_api import FakeSlackAPI, VirtualTime, api_error
from tests.harness import SUNDAY, Harness, open_harness
from tests.worlds import SLACK_CHANNEL, SLACK_CONFIG


class Died(BaseException):
    """Stands for the process dying: nothing in the bot catches it."""


class DyingSlack:
    """The real Slack adapter, in a process that dies before or after a post reaches Slack."""

    def __init__(self, real: SlackAdapter, *, after_posting: bool) -> None:
        self._real = real
        self._after_posting = after_posting
        self.platform = real.platform
        self.text_format = real.text_format
        self.limits = real.limits

    def routes(self) -> Sequence[BaseRoute]:
        return self._real.routes()

    def connect(
        self, sink: EventSink, *, receive: bool = True
    ) -> AbstractAsyncContextManager[None]:
        return self._real.connect(sink, receive=receive)

    async def send(self, delivery: Delivery) -> str:
        if self._after_posting:
            await self._real.send(delivery)
        raise Died


@asynccontextmanager
async def slack_fake(now: datetime = SUNDAY) -> AsyncIterator[FakeSlackAPI]:
    """The fake, stamping messages at `now` (the bot's clock), as Slack stamps them."""
    async with FakeSlackAPI(first_ts=int(now.timestamp())) as slack:
        yield slack
        slack.assert_no_violations()
        assert slack.warnings == []


async def crash_mid_send(
    slack: FakeSlackAPI, config_path: Path, database_url: str, *, after_posting: bool
) -> None:
    """First life: a prompt is queued for the Slack channel and the bot dies sending it."""
    dying = DyingSlack(make_adapter(slack, VirtualTime()), after_posting=after_posting)
    async with open_harness(
        load_config(config_path), database_url, extra_adapters=(dying,)
    ) as harness:
        await harness.bot.huddle.send_prompt_now("core", "learned")
        with pytest.raises(Died):
            await harness.bot.dispatcher.drain()


async def slack_parts(harness: Harness) -> list[OutboxMessage]:
    async with harness.bot.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.platform == "slack")
        return list((await session.exec(query.order_by(col(OutboxMessage.id)))).all())


async def next_life(
    slack: FakeSlackAPI, config_path: Path, database_url: str, life: str
) -> OutboxMessage:
    """Start the bot again with the real Slack adapter; its one Slack part afterwards."""
    adapter = make_adapter(slack, VirtualTime())
    config = load_config(config_path)
    async with open_harness(config, database_url, extra_adapters=(adapter,), run_id=life) as h:
        [part] = await slack_parts(h)
    return part


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "huddlebot.toml"
    path.write_text(SLACK_CONFIG)
    return path


async def test_a_part_that_reached_slack_is_marked_sent_not_posted_again(
    config_path: Path, database_url: str
) -> None:
    async with slack_fake() as slack:
        await crash_mid_send(slack, config_path, database_url, after_posting=True)
        assert len(slack.posted(SLACK_CHANNEL)) == 1
        posted_ts = slack.history[SLACK_CHANNEL][0]["ts"]

        part = await next_life(slack, config_path, database_url, "t2")
        assert len(slack.posted(SLACK_CHANNEL)) == 1  # never twice
        assert (part.status, part.sent_ref, part.text) == ("sent", posted_ts, "")
        [lookup] = slack.calls("conversations.history")
        assert lookup.params["channel"] == SLACK_CHANNEL
        assert str(lookup.params["include_all_metadata"]).lower() in ("1", "true")


async def test_a_part_that_never_reached_slack_is_sent_once_after_the_restart(
    config_path: Path, database_url: str
) -> None:
    async with slack_fake() as slack:
        await crash_mid_send(slack, config_path, database_url, after_posting=False)
        assert slack.posted(SLACK_CHANNEL) == []

        for life in ("t2", "t3"):
            part = await next_life(slack, config_path, database_url, life)
            assert part.status == "sent"
            assert len(slack.posted(SLACK_CHANNEL)) == 1  # not lost, and never twice
        assert "What did we learn?" in slack.posted(SLACK_CHANNEL)[0].params["text"]
        assert len(slack.calls("conversations.history")) == 1  # asked once, in the second life


async def test_when_slack_cannot_tell_the_part_stays_in_doubt_and_is_asked_once(
    config_path: Path, database_url: str
) -> None:
    async with slack_fake() as slack:
        await crash_mid_send(slack, config_path, database_url, after_posting=False)
        slack.queue("conversations.history", api_error("missing_scope"))

        for life in ("t2", "t3"):
            part = await next_life(slack, config_path, database_url, life)
            assert part.status == "in_doubt" and part.error.startswith(IN_DOUBT)
            assert "could not check" in part.error and "not resent" in part.error
        assert slack.posted(SLACK_CHANNEL) == []  # maybe lost, but never posted twice
        assert len(slack.calls("conversations.history")) == 1


async def test_a_part_is_found_in_its_thread_and_through_pages_of_history() -> None:
    since = datetime.now(UTC)
    async with slack_fake(since) as slack:
        adapter = make_adapter(slack, VirtualTime())
        async with adapter.connect(_ignore, receive=False):
            parent = await adapter.send(_delivery("digest:1|part1"))
            in_thread = _delivery("answer:1", thread_ref=parent)
            reply_ts = await adapter.send(in_thread)
            wanted = await adapter.send(_delivery("digest:2|part1"))
            for n in range(450):  # people talking after it: three pages of history
                ts = f"{int(since.timestamp()) + 1}.{n:06d}"
                slack.history[SLACK_CHANNEL].append({"type": "message", "ts": ts, "text": "hi"})

            assert await adapter.find_sent(in_thread, since=since) == reply_ts
            assert await adapter.find_sent(_delivery("digest:2|part1"), since=since) == wanted
            assert await adapter.find_sent(_delivery("digest:3|part1"), since=since) is None
            with pytest.raises(Exception, match="ephemeral"):
                await adapter.find_sent(_delivery("x", ephemeral_to="U0SAM"), since=since)
        assert len(slack.calls("conversations.replies")) == 1
        assert len(slack.calls("conversations.history")) >= 6  # paged, twice


async def _ignore(_event: object) -> None:
    return None


def _delivery(
    key: str, *, thread_ref: str | None = None, ephemeral_to: str | None = None
) -> Delivery:
    return Delivery(
        key=key,
        platform="slack",
        chat=SLACK_CHANNEL,
        text=f"message {key}",
        thread_ref=thread_ref,
        ephemeral_to=ephemeral_to,
    )


async def test_a_part_whose_text_is_gone_is_not_sent_empty(
    config_path: Path, database_url: str
) -> None:
    """Kept in doubt past its week (or addressed to someone since forgotten): nothing to send."""
    async with slack_fake() as slack:
        await crash_mid_send(slack, config_path, database_url, after_posting=False)
        async with open_harness(load_config(config_path), database_url, run_id="t2") as h2:
            async with h2.bot.sessions.begin() as session:  # Slack not connected in this life
                [row] = (
                    await session.exec(
                        select(OutboxMessage).where(OutboxMessage.platform == "slack")
                    )
                ).all()
                assert row.status == "in_doubt"
                row.text = ""
                session.add(row)
        part = await next_life(slack, config_path, database_url, "t3")
        assert part.status == "in_doubt" and part.error.endswith("text gone")
        assert slack.posted(SLACK_CHANNEL) == []
