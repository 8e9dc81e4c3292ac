"""One hand-over policy: an event the core could not store (the database unavailable) comes
again on every transport, through the real SDK clients against the fake servers, and is stored
exactly once in the end."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from sqlalchemy.exc import OperationalError
from sqlmodel import select
from starlette.applications import Starlette

from adapters.slack.adapter import SlackAdapter
from adapters.telegram.adapter import TelegramAdapter
from bot.config.partnership import load_config
from bot.core.events import InboundEvent
from bot.core.ports import EventSink
from bot.storage.models import Entry, SeenEvent
from tests.fakes import slack_events as ev
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_api import VirtualTime as SlackTime
from tests.fakes.telegram_api import FakeTelegramAPI, VirtualTime
from tests.harness import CountingSink, Harness, open_harness
from tests.worlds import SLACK_ALEX, SLACK_CHANNEL, SLACK_CONFIG, TELEGRAM_CONFIG, TELEGRAM_GROUP


class FailingDatabase:
    """The core's sink behind a database that is unavailable for the first `failures` events."""

    def __init__(self, sink: EventSink, *, failures: int) -> None:
        self._sink = sink
        self.failures_left = failures
        self.refused: list[str] = []

    async def __call__(self, event: InboundEvent) -> None:
        if self.failures_left > 0:
            self.failures_left -= 1
            self.refused.append(event.dedup_key)
            raise OperationalError("INSERT INTO seen_event", {}, ConnectionError("db is down"))
        await self._sink(event)


async def entry_texts(harness: Harness) -> list[str]:
    async with harness.bot.sessions() as session:
        return [e.text for e in (await session.exec(select(Entry).order_by(Entry.id))).all()]


async def test_telegram_polling_asks_again_for_an_update_it_could_not_store(
    tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "huddlebot.toml"
    path.write_text(TELEGRAM_CONFIG)
    clock = VirtualTime()
    async with FakeTelegramAPI() as fake:
        adapter = TelegramAdapter(
            token=fake.token,
            api_url=fake.url,
            poll_timeout=1,
            monotonic=clock.monotonic,
            sleep=clock.sleep,
        )
        async with open_harness(
            load_config(path), database_url, extra_adapters=(adapter,), connect=False
        ) as harness:
            database = FailingDatabase(harness.bot.core.handle, failures=3)
            counting = CountingSink(database)
            async with adapter.connect(counting):
                for text in ("first", "second", "third"):
                    fake.push(fake.message_update(TELEGRAM_GROUP, f"/learned the {text} lesson"))
                await counting.wait_for(3 + 3)  # three refusals, then each update once
            assert len(database.refused) == 3
            assert await entry_texts(harness) == [
                "the first lesson",
                "the second lesson",
                "the third lesson",
            ]
            assert fake.pending_updates == 0  # every stored update was confirmed
        fake.assert_no_violations()
    assert clock.slept[:3] == [1.0, 2.0, 4.0]  # the pause grows while the database is down


async def test_the_telegram_webhook_answers_an_error_until_the_update_is_stored(
    tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "huddlebot.toml"
    path.write_text(TELEGRAM_CONFIG)
    secret = "hook-secret"
    async with FakeTelegramAPI() as fake:
        adapter = TelegramAdapter(
            token=fake.token,
            api_url=fake.url,
            webhook_url="https://huddle.example.org",
            webhook_secret=secret,
        )
        async with open_harness(
            load_config(path), database_url, extra_adapters=(adapter,), connect=False
        ) as harness:
            database = FailingDatabase(harness.bot.core.handle, failures=2)
            app = Starlette(routes=list(adapter.routes()))
            update = fake.message_update(TELEGRAM_GROUP, "/learned ask before assuming")
            headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
            async with (
                adapter.connect(database),
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://huddlebot.test"
                ) as http,
            ):
                statuses = [
                    (await http.post("/telegram/webhook", json=update, headers=headers)).status_code
                    for _ in range(4)
                ]
            assert statuses == [500, 500, 200, 200]
            assert await entry_texts(harness) == ["ask before assuming"]


async def test_slack_answers_an_error_until_the_event_is_stored(
    tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "huddlebot.toml"
    path.write_text(SLACK_CONFIG)
    clock = SlackTime()
    async with FakeSlackAPI() as slack:
        slack.add_user(SLACK_ALEX, real_name="Alex Smith", display_name="alex")
        adapter = SlackAdapter(
            bot_token="xoxb-test",
            signing_secret=ev.SIGNING_SECRET,
            api_url=slack.url,
            monotonic=clock.monotonic,
            sleep=clock.sleep,
        )
        async with open_harness(
            load_config(path), database_url, extra_adapters=(adapter,), connect=False
        ) as harness:
            database = FailingDatabase(harness.bot.core.handle, failures=2)
            app = Starlette(routes=list(adapter.routes()))
            payload = ev.envelope(
                ev.message_event(
                    channel=SLACK_CHANNEL, user=SLACK_ALEX, text="learned: ask first", ts="1.1"
                )
            )
            async with (
                adapter.connect(database),
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://huddlebot.test"
                ) as http,
            ):
                statuses = []
                for retry in (None, 1, 2, 3):
                    body, headers = ev.json_request(
                        payload, timestamp=int(time.time()), retry_num=retry
                    )
                    response = await http.post("/slack/events", content=body, headers=headers)
                    statuses.append(response.status_code)
            assert statuses == [500, 500, 200, 200]
            assert len(database.refused) == 2
            async with harness.bot.sessions() as session:
                seen = (await session.exec(select(SeenEvent))).all()
            assert [s.platform for s in seen].count("slack") == 1
        slack.assert_no_violations()
