"""A Slack history answer that lists no messages cannot vouch that a part was never posted."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.core.messages import Delivery
from bot.errors import DeliveryError
from tests.adapters.slack.test_slack_send import make_adapter
from tests.fakes.slack_api import Answer, FakeSlackAPI, VirtualTime

CHANNEL = "C0HISTORY"
SINCE = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "body",
    [
        {"ok": True, "has_more": False},
        {"ok": True, "messages": None, "has_more": False},
        {"ok": True, "messages": {"not": "a list"}, "has_more": False},
    ],
)
async def test_an_answer_without_messages_is_cannot_tell(body: dict[str, object]) -> None:
    async with FakeSlackAPI(first_ts=int(SINCE.timestamp())) as slack:
        slack.queue("conversations.history", Answer(body=json.dumps(body)))
        adapter = make_adapter(slack, VirtualTime())
        delivery = Delivery(key="k|slack", platform="slack", chat=CHANNEL, text="Hello")
        with pytest.raises(DeliveryError, match="without messages"):
            await adapter.find_sent(delivery, since=SINCE)


async def test_an_empty_list_of_messages_is_surely_not_posted() -> None:
    async with FakeSlackAPI(first_ts=int(SINCE.timestamp())) as slack:
        adapter = make_adapter(slack, VirtualTime())
        delivery = Delivery(key="k|slack", platform="slack", chat=CHANNEL, text="Hello")
        assert await adapter.find_sent(delivery, since=SINCE) is None
