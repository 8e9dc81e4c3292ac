"""A Slack adapter on its real `POST /slack/events` route, with real signatures, against the fake
Web API; what it hands the core is kept (the fixtures are in conftest.py)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from starlette.applications import Starlette

from adapters.slack.adapter import SlackAdapter
from bot.core.events import InboundEvent
from tests.fakes import slack_events as ev
from tests.fakes.slack_api import FakeSlackAPI

CHANNEL = "C0CIRCLE"
PROMPT_TS = "1700000100.000100"
ALEX = "U0ALEX"
SAM = "U0SAM"


@dataclass
class Harness:
    adapter: SlackAdapter
    http: httpx.AsyncClient
    received: list[InboundEvent]
    slack: FakeSlackAPI

    async def post_json(
        self,
        payload: dict,
        *,
        timestamp: int | None = None,
        secret: str = ev.SIGNING_SECRET,
        retry_num: int | None = None,
    ) -> httpx.Response:
        body, headers = ev.json_request(
            payload, timestamp=timestamp or int(time.time()), secret=secret, retry_num=retry_num
        )
        return await self.http.post("/slack/events", content=body, headers=headers)

    async def post_form(self, fields: dict[str, str]) -> httpx.Response:
        body, headers = ev.form_request(fields, timestamp=int(time.time()))
        return await self.http.post("/slack/events", content=body, headers=headers)

    async def interact(self, payload: dict) -> httpx.Response:
        return await self.post_form(ev.interaction_fields(payload))


async def open_harness(
    slack: FakeSlackAPI,
    sink_error: Exception | None = None,
) -> AsyncIterator[Harness]:
    adapter = SlackAdapter(
        bot_token="xoxb-test", signing_secret=ev.SIGNING_SECRET, api_url=slack.url
    )
    received: list[InboundEvent] = []

    async def sink(event: InboundEvent) -> None:
        if sink_error is not None:
            raise sink_error
        received.append(event)

    app = Starlette(routes=list(adapter.routes()))
    transport = httpx.ASGITransport(app=app)
    async with (
        adapter.connect(sink),
        httpx.AsyncClient(transport=transport, base_url="http://huddlebot.test") as http,
    ):
        yield Harness(adapter, http, received, slack)


def reply_event(
    text: str = "We learned to ask first.",
    *,
    ts: str = "1700000200.000200",
    event_id: str = "Ev0REPLY1",
    user: str = ALEX,
) -> dict:
    return ev.envelope(
        ev.message_event(channel=CHANNEL, user=user, text=text, ts=ts, thread_ts=PROMPT_TS),
        event_id=event_id,
    )
