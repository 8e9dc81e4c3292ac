"""Answers first: a thank-you never waits behind another room's pacing or a bulk fan-out.

The real Slack adapter sends to the fake Web API; the dispatcher runs as it does in `huddlebot
run`, and new parts are queued while it works, as replies arrive in a running bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest
from starlette.routing import BaseRoute

from adapters.telegram.adapter import TelegramAdapter
from bot.config.partnership import load_config
from bot.core.background import Background
from bot.core.messages import Delivery
from bot.core.ports import Adapter, EventSink
from bot.storage.models import OutboxMessage
from tests.adapters.slack.test_slack_send import make_adapter
from tests.fakes.slack_api import FakeSlackAPI, VirtualTime
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.harness import SUNDAY, Harness, open_harness
from tests.worlds import SLACK_CONFIG, TELEGRAM_GROUP

ANSWERED = "C0ANSWERED"


def part(key: str, chat: str, *, kind: str, platform: str = "slack") -> OutboxMessage:
    return OutboxMessage(
        key=key,
        kind=kind,
        platform=platform,
        chat=chat,
        text=key,
        not_before=SUNDAY,
        created_at=SUNDAY,
    )


async def queue(harness: Harness, rows: list[OutboxMessage]) -> None:
    async with harness.bot.sessions.begin() as session:
        session.add_all(rows)
    harness.bot.dispatcher.wake()


class Watched:
    """A real adapter whose sends can be awaited: `await watched.sent(n)`."""

    def __init__(self, real: Adapter) -> None:
        self._real = real
        self.platform = real.platform
        self.text_format = real.text_format
        self.limits = real.limits
        self.count = 0
        self.texts: list[str] = []
        self.bulk = asyncio.Event()
        """Open: parts that are not answers are sent. Closed: they wait at the door."""
        self.bulk.set()
        self.through: list[str] = []
        """The parts past the door (to the real adapter), in the order they passed it."""
        self.in_flight = 0
        self.most_in_flight = 0
        """The most bulk parts past the door and not yet sent, at any one time."""
        self._changed = asyncio.Condition()

    def routes(self) -> Sequence[BaseRoute]:
        return self._real.routes()

    def connect(
        self, sink: EventSink, *, receive: bool = True
    ) -> AbstractAsyncContextManager[None]:
        return self._real.connect(sink, receive=receive)

    async def send(self, delivery: Delivery) -> str:
        bulk = delivery.kind != "reply"
        if bulk:
            await self.bulk.wait()
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        self.through.append(delivery.text)
        try:
            ref = await self._real.send(delivery)
        finally:
            self.in_flight -= bulk
        async with self._changed:
            self.count += 1
            self.texts.append(delivery.text)
            self._changed.notify_all()
        return ref

    async def sent(self, count: int, *, within: float = 60.0) -> None:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: self.count >= count)

    async def sent_text(self, text: str, *, within: float = 60.0) -> None:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: text in self.texts)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "huddlebot.toml"
    path.write_text(SLACK_CONFIG)
    return path


@asynccontextmanager
async def delivering(
    config_path: Path, database_url: str, *adapters: Adapter
) -> AsyncIterator[Harness]:
    async with (
        open_harness(load_config(config_path), database_url, extra_adapters=adapters) as h,
        Background() as background,
    ):
        background.spawn(h.bot.dispatcher.run(), name="dispatcher")
        try:
            yield h
        finally:
            h.bot.dispatcher.stop()


async def test_a_thank_you_does_not_wait_for_a_paced_telegram_group(
    config_path: Path, database_url: str
) -> None:
    """A Telegram group's three prompts go out at least a second apart, in real time; a Slack
    thank-you queued once the first was sent is posted before the group's second prompt."""
    async with FakeSlackAPI(first_ts=int(SUNDAY.timestamp())) as slack, FakeTelegramAPI() as tg:
        telegram = Watched(TelegramAdapter(token=tg.token, api_url=tg.url, poll_timeout=1))
        slack_adapter = Watched(make_adapter(slack, VirtualTime()))
        async with delivering(config_path, database_url, slack_adapter, telegram) as harness:
            group = str(TELEGRAM_GROUP)
            paced = [part(f"paced{n}", group, kind="prompt", platform="telegram") for n in range(3)]
            await queue(harness, paced)
            await telegram.sent(1)
            await queue(harness, [part("thanks", ANSWERED, kind="reply")])
            await slack_adapter.sent(1)
            assert len(tg.sent(TELEGRAM_GROUP)) == 1  # the group's next prompt still waits
        tg.assert_no_violations()


async def test_a_thank_you_goes_before_a_fan_out_to_a_thousand_rooms(
    config_path: Path, database_url: str
) -> None:
    """Bulk work runs at most three lanes a platform at a time, and a thank-you queued while it
    runs is sent without waiting for any of it: with the fan-out held at the door, the thank-you
    still goes, and no bulk part that reached the door after it closed goes before it.

    What is asserted is what the dispatcher decides, read where it happens (the door), never
    how far the fake has got by some moment: the count of finished sends lags the posts the
    fake has recorded by up to the three sends in flight, whatever the machine's speed."""
    async with FakeSlackAPI(first_ts=int(SUNDAY.timestamp())) as slack:
        adapter = Watched(make_adapter(slack, VirtualTime()))
        async with delivering(config_path, database_url, adapter) as harness:
            rooms = [f"C{n:08d}" for n in range(1000)]
            prompts = [f"prompt{n}" for n in range(len(rooms))]
            await queue(
                harness, [part(p, c, kind="prompt") for p, c in zip(prompts, rooms, strict=True)]
            )
            await adapter.sent(20)
            adapter.bulk.clear()  # the fan-out stops where it is; parts in flight may finish
            before = adapter.count
            through = set(adapter.through)  # past the door before it closed
            await queue(harness, [part("thanks", ANSWERED, kind="reply")])
            # were answers behind bulk work, the thank-you would wait for the door to open
            await adapter.sent_text("thanks")
            adapter.bulk.set()
            await adapter.sent(1001)
            order = [p.params["text"] for p in slack.posted()]
            assert sorted(order) == sorted([*prompts, "thanks"])  # each once, nothing else
            ahead = order[: order.index("thanks")]
            assert not set(ahead) - through, "bulk parts that came to the door later went first"
            # three lanes a platform: at most three bulk parts were past the door, not done
            assert adapter.most_in_flight <= 3
            assert before <= len(ahead) <= len(through) <= before + 3
