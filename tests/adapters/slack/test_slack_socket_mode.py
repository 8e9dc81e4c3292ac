"""Socket Mode: the real SDK Socket Mode client against the fake's WebSocket."""

from __future__ import annotations

import pytest

from adapters.slack.adapter import SlackAdapter
from bot.core.events import Command, InboundEvent, Reply
from bot.errors import ConfigError
from tests.fakes import slack_events as ev
from tests.fakes.slack_api import FakeSlackAPI

CHANNEL = "C0CIRCLE"


async def test_events_arrive_by_socket_mode_and_are_acknowledged() -> None:
    async with FakeSlackAPI() as slack:
        slack.add_user("U0ALEX", real_name="Alex Morgan")
        adapter = SlackAdapter(
            bot_token="xoxb-test", signing_secret=None, app_token="xapp-test", api_url=slack.url
        )
        assert adapter.routes() == []
        received: list[InboundEvent] = []

        async def sink(event: InboundEvent) -> None:
            received.append(event)

        async with adapter.connect(sink):
            payload = ev.envelope(
                ev.message_event(
                    channel=CHANNEL,
                    user="U0ALEX",
                    text="We asked first.",
                    ts="2.2",
                    thread_ts="1.1",
                ),
                event_id="Ev0SOCKET",
            )
            first = await slack.socket_send("events_api", payload)
            again = await slack.socket_send("events_api", payload, retry_attempt=1)
            command = await slack.socket_send(
                "slash_commands",
                ev.slash_command(
                    text="blocker no room to meet",
                    user_id="U0ALEX",
                    channel_id=CHANNEL,
                    trigger_id="trig-s",
                ),
            )
            broken = await slack.socket_send(
                "interactive", {"type": "block_actions", "actions": []}
            )
        slack.assert_no_violations()

    for ack in (first, again, command, broken):
        assert set(ack) >= {"envelope_id"}
    [opened] = slack.calls("apps.connections.open")
    assert opened.headers["Authorization"] == "Bearer xapp-test"
    reply, redelivered, blocker = received
    assert isinstance(reply, Reply) and reply.in_reply_to == "1.1"
    assert redelivered.dedup_key == reply.dedup_key == "Ev0SOCKET"
    assert isinstance(blocker, Command) and blocker.verb == "blocker"
    assert blocker.args == "no room to meet"


def test_http_mode_needs_a_signing_secret() -> None:
    with pytest.raises(ConfigError) as raised:
        SlackAdapter(bot_token="xoxb-test", signing_secret=None)
    assert "SLACK_SIGNING_SECRET" in str(raised.value)


def test_an_app_token_must_be_an_app_level_token() -> None:
    with pytest.raises(ConfigError) as raised:
        SlackAdapter(bot_token="xoxb-test", signing_secret=None, app_token="xoxb-wrong")
    assert "SLACK_APP_TOKEN" in str(raised.value)
