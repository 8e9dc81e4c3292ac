"""Sending through the real AsyncWebClient to the fake Slack Web API."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from adapters.slack.adapter import SlackAdapter
from adapters.slack.blocks import action_name
from adapters.slack.spec import PLATFORM, POSTS_PER_SECOND, workspace_rate
from bot.config.environment import Settings
from bot.core.events import InboundEvent
from bot.core.messages import Button, Delivery
from bot.errors import ConfigError, DeliveryError, RateLimited, TransientError, Undeliverable
from tests.fakes import slack_events as ev
from tests.fakes.slack_api import (
    FakeSlackAPI,
    VirtualTime,
    api_error,
    malformed_json,
    rate_limited,
    server_error,
)

CHANNEL = "C0CIRCLE"


@pytest.fixture
def vt() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
async def slack(vt: VirtualTime) -> AsyncIterator[FakeSlackAPI]:
    async with FakeSlackAPI(clock=vt.monotonic) as api:
        yield api
        api.assert_no_violations()


def make_adapter(slack: FakeSlackAPI, vt: VirtualTime, **options: object) -> SlackAdapter:
    return SlackAdapter(
        bot_token="xoxb-test",
        signing_secret=ev.SIGNING_SECRET,
        api_url=slack.url,
        monotonic=vt.monotonic,
        sleep=vt.sleep,
        **options,
    )  # type: ignore[arg-type]


@pytest.fixture
def adapter(slack: FakeSlackAPI, vt: VirtualTime) -> SlackAdapter:
    return make_adapter(slack, vt)


def delivery(
    text: str = "What did we learn this week?",
    *,
    key: str = "k1",
    part: int = 1,
    parts: int = 1,
    chat: str = CHANNEL,
    **fields: object,
) -> Delivery:
    return Delivery(
        key=key, platform="slack", chat=chat, text=text, part=part, parts=parts, **fields
    )  # type: ignore[arg-type]


def blocks_of(slack: FakeSlackAPI, index: int = -1) -> list[dict]:
    raw = slack.calls("chat.postMessage")[index].params["blocks"]
    return json.loads(raw) if isinstance(raw, str) else raw


async def test_a_prompt_is_posted_as_blocks_with_a_fallback(
    adapter: SlackAdapter, slack: FakeSlackAPI
) -> None:
    text = "*What did we learn this week?*\n\nReply in this thread."
    ts = await adapter.send(delivery(text, thread_ref="1700000000.000001"))
    [call] = slack.calls("chat.postMessage")
    assert ts == "1700000000.000001"
    assert call.params["channel"] == CHANNEL and call.params["text"] == text
    assert call.params["thread_ts"] == "1700000000.000001"
    assert call.headers["Authorization"] == "Bearer xoxb-test"
    assert [b["text"]["text"] for b in blocks_of(slack)] == [
        "*What did we learn this week?*",
        "Reply in this thread.",
    ]


async def test_a_long_part_stays_within_block_kit_limits(
    adapter: SlackAdapter, slack: FakeSlackAPI
) -> None:
    paragraphs = [f"• entry {i}: " + "word " * 10 for i in range(120)]
    long_line = "x" * 3500
    await adapter.send(delivery("\n\n".join([*paragraphs, long_line])))
    blocks = blocks_of(slack)
    assert len(blocks) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks)
    joined = " ".join(b["text"]["text"] for b in blocks)
    assert "entry 0:" in joined and "entry 119:" in joined
    assert slack.warnings == []


async def test_buttons_become_one_actions_block_with_distinct_ids(
    adapter: SlackAdapter, slack: FakeSlackAPI
) -> None:
    buttons = (
        Button("story_visibility", "circle", "Only my circle"),
        Button("story_visibility", "partnership", "The whole partnership"),
        Button("story_name", "anonymous", "Leave my name off"),
    )
    await adapter.send(delivery("Who may see your story?", buttons=buttons))
    actions = blocks_of(slack)[-1]
    assert actions["type"] == "actions"
    ids = [e["action_id"] for e in actions["elements"]]
    assert len(set(ids)) == 3
    assert [action_name(i) for i in ids] == ["story_visibility", "story_visibility", "story_name"]
    assert [e["value"] for e in actions["elements"]] == ["circle", "partnership", "anonymous"]


async def test_an_ephemeral_answer_goes_to_one_person(
    adapter: SlackAdapter, slack: FakeSlackAPI
) -> None:
    ref = await adapter.send(delivery("Saved. Thank you.", ephemeral_to="U0ALEX"))
    [call] = slack.calls("chat.postEphemeral")
    assert call.params["user"] == "U0ALEX" and call.params["channel"] == CHANNEL
    assert ref.startswith("1700000000.")
    assert slack.calls("chat.postMessage") == []


async def test_a_429_is_retried_after_its_retry_after(
    adapter: SlackAdapter, slack: FakeSlackAPI, vt: VirtualTime
) -> None:
    slack.queue("chat.postMessage", rate_limited(7))
    await adapter.send(delivery())
    assert [r.answered for r in slack.calls("chat.postMessage")] == [429, 200]
    assert 7 in vt.slept


async def test_a_429_that_persists_becomes_rate_limited(
    adapter: SlackAdapter, slack: FakeSlackAPI
) -> None:
    slack.queue("chat.postMessage", rate_limited(12), times=3)
    with pytest.raises(RateLimited) as raised:
        await adapter.send(delivery())
    assert raised.value.retry_after == 12
    assert len(slack.calls("chat.postMessage")) == 3
    assert slack.posted() == []


async def test_not_in_channel_says_how_to_invite_the_bot(
    adapter: SlackAdapter, slack: FakeSlackAPI, caplog: pytest.LogCaptureFixture
) -> None:
    slack.queue("chat.postMessage", api_error("not_in_channel"))
    with (
        caplog.at_level(logging.WARNING, logger="adapters"),
        pytest.raises(Undeliverable) as raised,
    ):
        await adapter.send(delivery())
    assert raised.value.reason == "not_in_channel"
    assert "/invite @huddlebot" in raised.value.hint
    assert "/invite @huddlebot" in caplog.text and CHANNEL in caplog.text
    assert len(slack.calls("chat.postMessage")) == 1


@pytest.mark.parametrize("code", ["channel_not_found", "is_archived", "restricted_action"])
async def test_a_room_only_a_person_can_fix_is_undeliverable(
    adapter: SlackAdapter, slack: FakeSlackAPI, code: str
) -> None:
    slack.queue("chat.postMessage", api_error(code))
    with pytest.raises(Undeliverable) as raised:
        await adapter.send(delivery())
    assert raised.value.reason == code and raised.value.hint


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("invalid_auth", "SLACK_BOT_TOKEN"),
        ("account_inactive", "SLACK_BOT_TOKEN"),
        ("missing_scope", "slack/manifest.yml"),
        ("invalid_blocks", "bug"),
    ],
)
async def test_refusals_that_are_not_about_the_room_are_plain_delivery_errors(
    adapter: SlackAdapter, slack: FakeSlackAPI, code: str, says: str
) -> None:
    slack.queue("chat.postMessage", api_error(code))
    with pytest.raises(DeliveryError) as raised:
        await adapter.send(delivery())
    assert type(raised.value) is DeliveryError
    assert code in str(raised.value) and says in str(raised.value)


@pytest.mark.parametrize(
    "answer", [server_error(500), server_error(503), malformed_json(), api_error("internal_error")]
)
async def test_server_trouble_is_transient(
    adapter: SlackAdapter, slack: FakeSlackAPI, answer: object
) -> None:
    slack.queue("chat.postMessage", answer)  # type: ignore[arg-type]
    with pytest.raises(TransientError):
        await adapter.send(delivery())


async def test_a_refused_message_does_not_blame_the_room(
    adapter: SlackAdapter, slack: FakeSlackAPI
) -> None:
    slack.queue("chat.postEphemeral", api_error("user_not_in_channel"))
    with pytest.raises(DeliveryError) as raised:
        await adapter.send(delivery("Saved.", ephemeral_to="U0GONE"))
    assert "user_not_in_channel" in str(raised.value)


async def test_an_unreachable_slack_is_transient(vt: VirtualTime) -> None:
    async with FakeSlackAPI() as gone:
        url = gone.url
    adapter = SlackAdapter(
        bot_token="xoxb-test",
        signing_secret="s",
        api_url=url,
        monotonic=vt.monotonic,
        sleep=vt.sleep,
    )
    with pytest.raises(TransientError):
        await adapter.send(delivery())


async def test_a_429_storm_during_a_digest_posts_every_part_once_in_order(
    adapter: SlackAdapter, slack: FakeSlackAPI, vt: VirtualTime
) -> None:
    parts = [f"Digest part {n} of 5" for n in range(1, 6)]
    slack.queue("chat.postMessage", rate_limited(2), times=4)
    slack.queue("chat.postMessage", rate_limited(1), times=3)
    for n, text in enumerate(parts, start=1):  # what the outbox does: next part after this one
        while True:
            try:
                await adapter.send(delivery(text, key=f"digest:{n}", part=n, parts=5))
                break
            except RateLimited as limited:
                await vt.sleep(limited.retry_after)
    assert [r.params["text"] for r in slack.posted()] == parts
    assert sum(r.answered == 429 for r in slack.requests) == 7


async def test_sends_are_paced_per_channel_and_per_workspace(
    slack: FakeSlackAPI, vt: VirtualTime
) -> None:
    slack.enforce_rate(per_channel=1.0, workspace=5.0)
    adapter = make_adapter(slack, vt, workspace_rate=5.0)
    start = vt.now
    for n in range(3):
        await adapter.send(delivery(f"m{n}", key=f"same:{n}"))
    assert vt.now - start == pytest.approx(2.0)
    start = vt.now
    for n in range(20):
        await adapter.send(delivery(f"m{n}", key=f"fan:{n}", chat=f"C{n:04d}"))
    assert vt.now - start == pytest.approx(19 / 5, abs=0.21)
    assert slack.rate_rejections == 0
    assert len(slack.posted()) == 23


async def test_an_ephemeral_answer_uses_the_commands_response_url_where_the_bot_is_absent(
    slack: FakeSlackAPI, vt: VirtualTime
) -> None:
    adapter = make_adapter(slack, vt)
    received: list[InboundEvent] = []

    async def sink(event: InboundEvent) -> None:
        received.append(event)

    app = Starlette(routes=list(adapter.routes()))
    fields = ev.slash_command(
        text="help",
        user_id="U0ALEX",
        channel_id="C0ELSEWHERE",
        trigger_id="t-1",
        response_url=slack.response_url("cmd-1"),
    )
    body, headers = ev.form_request(fields, timestamp=int(time.time()))
    async with (
        adapter.connect(sink),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://huddlebot.test"
        ) as http,
    ):
        assert (await http.post("/slack/events", content=body, headers=headers)).status_code == 200
        slack.queue("chat.postEphemeral", api_error("not_in_channel"))
        ref = await adapter.send(
            delivery(
                "Here is what I can do.", key="help:1", chat="C0ELSEWHERE", ephemeral_to="U0ALEX"
            )
        )
    assert ref == "help:1"
    [(key, posted)] = slack.hook_posts
    assert key == "cmd-1" and posted["response_type"] == "ephemeral"
    assert posted["text"] == "Here is what I can do."


async def test_a_token_slack_refuses_stops_start_up_with_the_fix(
    adapter: SlackAdapter, slack: FakeSlackAPI
) -> None:
    slack.queue("auth.test", api_error("invalid_auth"))
    with pytest.raises(ConfigError) as refused:
        async with adapter.connect(_nothing, receive=False):
            pass
    said = str(refused.value)
    assert "SLACK_BOT_TOKEN" in said and "invalid_auth" in said and "xoxb-" in said
    assert slack.calls("chat.postMessage") == []


async def test_a_slack_that_cannot_be_reached_stops_start_up_saying_where() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    vt = VirtualTime()
    adapter = SlackAdapter(
        bot_token="xoxb-test",
        signing_secret=ev.SIGNING_SECRET,
        api_url=f"http://127.0.0.1:{closed}/api/",
        monotonic=vt.monotonic,
        sleep=vt.sleep,
    )
    with pytest.raises(TransientError, match=f"could not reach Slack at .*:{closed}/api/"):
        async with adapter.connect(_nothing, receive=False):
            pass


async def _nothing(_event: object) -> None:
    return None


@pytest.mark.parametrize("rate", ["0", "0.0", "-2", "fast", "5/s"])
def test_a_workspace_ceiling_that_is_not_a_rate_is_refused(tmp_path: Path, rate: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", POSTS_PER_SECOND: rate}, cwd=tmp_path)
    assert caught.value.key == POSTS_PER_SECOND
    assert "above 0" in str(caught.value)


def test_the_workspace_ceiling_is_set_from_the_environment(tmp_path: Path) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", POSTS_PER_SECOND: "50"}
    found = Settings.from_env(env, cwd=tmp_path).platforms.found
    assert workspace_rate(found) == 50.0
    assert isinstance(PLATFORM.build(found), SlackAdapter)
    unset = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1"}, cwd=tmp_path).platforms.found
    assert workspace_rate(unset) is None  # the adapter's own ceiling, five a second
