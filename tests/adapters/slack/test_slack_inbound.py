"""Slack events through the real `POST /slack/events` route, with real signatures."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import httpx
import pytest
from starlette.applications import Starlette

from adapters.slack.adapter import SlackAdapter
from bot.core.events import (
    ButtonPress,
    Command,
    DirectMessage,
    InboundEvent,
    Message,
    Nomination,
    Reply,
    Sender,
)
from tests.adapters.slack.events_harness import (
    ALEX,
    CHANNEL,
    PROMPT_TS,
    SAM,
    Harness,
    open_harness,
    reply_event,
)
from tests.fakes import slack_events as ev
from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID, FakeSlackAPI

# ---- who may talk to us


async def test_a_forged_signature_is_refused_and_nothing_reaches_the_core(bot: Harness) -> None:
    response = await bot.post_json(reply_event(), secret="not-the-secret")
    assert response.status_code == 401
    assert bot.received == []


async def test_a_stale_timestamp_is_refused_even_when_signed_well(bot: Harness) -> None:
    response = await bot.post_json(reply_event(), timestamp=int(time.time()) - 6 * 60)
    assert response.status_code == 401
    assert bot.received == []


async def test_the_url_verification_challenge_is_answered(bot: Harness) -> None:
    response = await bot.post_json(ev.url_verification("c-123"))
    assert response.status_code == 200
    assert response.json() == {"challenge": "c-123"}


async def test_nothing_is_taken_before_the_core_is_connected(slack: FakeSlackAPI) -> None:
    adapter = SlackAdapter(
        bot_token="xoxb-test", signing_secret=ev.SIGNING_SECRET, api_url=slack.url
    )
    app = Starlette(routes=list(adapter.routes()))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://huddlebot.test"
    ) as http:
        body, headers = ev.json_request(reply_event(), timestamp=int(time.time()))
        response = await http.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 503


# ---- messages


async def test_a_thread_reply_becomes_a_reply_to_the_prompt(bot: Harness) -> None:
    response = await bot.post_json(reply_event())
    assert response.status_code == 200
    [event] = bot.received
    assert isinstance(event, Reply)
    assert event.in_reply_to == PROMPT_TS
    assert event.message_ref == "1700000200.000200"
    assert event.chat == CHANNEL
    assert event.text == "We learned to ask first."
    assert event.dedup_key == "Ev0REPLY1"
    assert event.sender == Sender(
        platform="slack", user_id=ALEX, display_name="alex", team_id=TEAM_ID, dm_chat=ALEX
    )


async def test_three_redeliveries_carry_one_dedup_key_and_one_name_lookup(bot: Harness) -> None:
    # someone who joined after the bot listed the workspace's people is looked up once
    bot.slack.add_user("U0NEW", real_name="Nia Brooks")
    payload = reply_event(user="U0NEW")
    for retry in (None, 1, 2, 3):
        response = await bot.post_json(payload, retry_num=retry)
        assert response.status_code == 200
    assert len(bot.received) == 4
    assert {e.dedup_key for e in bot.received} == {"Ev0REPLY1"}
    assert len(bot.slack.calls("users.info")) == 1


async def test_the_dedup_key_falls_back_to_channel_and_ts(bot: Harness) -> None:
    payload = reply_event()
    del payload["event_id"]
    await bot.post_json(payload)
    assert bot.received[0].dedup_key == f"{CHANNEL}:1700000200.000200"


async def test_a_direct_message_and_a_channel_message(bot: Harness) -> None:
    await bot.post_json(
        ev.envelope(
            ev.message_event(channel="D0ALEX", user=ALEX, text="hello", ts="1.1", channel_type="im")
        )
    )
    await bot.post_json(
        ev.envelope(ev.message_event(channel=CHANNEL, user=SAM, text="lunch?", ts="1.2"))
    )
    dm, room = bot.received
    assert isinstance(dm, DirectMessage) and dm.chat == "D0ALEX"
    assert isinstance(room, Message) and room.text == "lunch?"
    assert room.sender.display_name == "Sam Okoro"


@pytest.mark.parametrize(
    "extra",
    [
        {"subtype": "message_changed"},
        {"subtype": "message_deleted"},
        {"subtype": "bot_message", "bot_id": "B0OTHER"},
        {"bot_id": "B0OTHER"},
        {"subtype": "channel_join"},
    ],
)
async def test_edits_deletions_and_bots_are_ignored(bot: Harness, extra: dict) -> None:
    event = ev.message_event(channel=CHANNEL, user=SAM, text="x", ts="1.3", **extra)
    response = await bot.post_json(ev.envelope(event))
    assert response.status_code == 200
    assert bot.received == []


async def test_the_bots_own_messages_are_ignored(bot: Harness) -> None:
    event = ev.message_event(channel=CHANNEL, user=BOT_USER_ID, text="A prompt", ts="1.4")
    response = await bot.post_json(ev.envelope(event))
    assert response.status_code == 200
    assert bot.received == []


async def test_slack_markup_reaches_the_core_as_plain_words(bot: Harness) -> None:
    text = "<!channel> see <https://x.example|y> &amp; ask <@U0SAM> about &lt;this&gt;"
    await bot.post_json(reply_event(text))
    [reply] = bot.received
    assert isinstance(reply, Reply)
    assert reply.text == "@channel see y (https://x.example) & ask @Sam Okoro about <this>"


# ---- commands and interactions


async def test_a_slash_command_becomes_a_command(bot: Harness) -> None:
    response = await bot.post_form(
        ev.slash_command(
            text="learned  Asking first saves time",
            user_id=ALEX,
            channel_id=CHANNEL,
            trigger_id="trig-1",
        )
    )
    assert response.status_code == 200
    [command] = bot.received
    assert isinstance(command, Command)
    assert (command.verb, command.args) == ("learned", "Asking first saves time")
    assert command.dedup_key == "cmd:trig-1"
    assert command.chat == CHANNEL and not command.private
    assert command.sender.display_name == "alex"


async def test_huddle_alone_asks_for_help_and_a_dm_command_is_private(bot: Harness) -> None:
    await bot.post_form(
        ev.slash_command(
            text="",
            user_id=ALEX,
            channel_id="D0ALEX",
            channel_name="directmessage",
            trigger_id="trig-2",
        )
    )
    [command] = bot.received
    assert isinstance(command, Command)
    assert command.verb == "help" and command.args == "" and command.private


async def test_a_story_without_text_opens_a_modal_and_its_submission_is_the_story(
    bot: Harness,
) -> None:
    await bot.post_form(
        ev.slash_command(text="story", user_id=ALEX, channel_id=CHANNEL, trigger_id="trig-3")
    )
    assert bot.received == []
    [opened] = bot.slack.calls("views.open")
    assert opened.params["trigger_id"] == "trig-3"
    view = bot.slack.views[0]
    response = await bot.interact(
        ev.view_submission(
            user_id=ALEX,
            view=view,
            view_id="V0STORY",
            values=ev.text_input_state("huddle_text", "text", "  A family found a home.  "),
        )
    )
    assert response.status_code == 200
    [command] = bot.received
    assert isinstance(command, Command)
    assert (command.verb, command.args, command.chat) == (
        "story",
        "A family found a home.",
        CHANNEL,
    )
    assert command.dedup_key == "view:V0STORY"


async def test_a_button_press_becomes_a_button_press(bot: Harness) -> None:
    response = await bot.interact(
        ev.block_actions(
            user_id=ALEX,
            channel_id=CHANNEL,
            message_ts="1700000300.000300",
            action_id="story_visibility#1",
            value="partnership",
            action_ts="1700000301.000001",
        )
    )
    assert response.status_code == 200
    [press] = bot.received
    assert isinstance(press, ButtonPress)
    assert (press.action, press.value) == ("story_visibility", "partnership")
    assert press.message_ref == "1700000300.000300" and press.chat == CHANNEL
    assert press.dedup_key == "act:1700000301.000001:story_visibility#1"


async def _save_to_huddle(bot: Harness, user: str) -> InboundEvent:
    await bot.interact(
        ev.message_shortcut(
            user_id=user,
            channel_id=CHANNEL,
            author=ALEX,
            text="We tried a new intake form.",
            message_ts="1700000400.000400",
            trigger_id="trig-4",
        )
    )
    assert bot.received == []
    view = bot.slack.views[0]
    assert view["callback_id"] == "huddle_save"
    values = {
        **ev.choice_state("huddle_kind", "kind", "learning"),
        **ev.text_input_state("huddle_text", "text", "We tried a new intake form."),
    }
    await bot.interact(ev.view_submission(user_id=user, view=view, values=values))
    [event] = bot.received
    return event


async def test_save_to_huddle_by_the_author_saves_their_words(bot: Harness) -> None:
    command = await _save_to_huddle(bot, ALEX)
    assert isinstance(command, Command)
    assert (command.verb, command.args, command.chat) == (
        "learned",
        "We tried a new intake form.",
        CHANNEL,
    )
    assert command.sender.user_id == ALEX
    assert command.thread_ref == "1700000400.000400"


async def test_save_to_huddle_by_someone_else_leaves_the_say_to_the_author(bot: Harness) -> None:
    nomination = await _save_to_huddle(bot, SAM)
    assert isinstance(nomination, Nomination)
    assert (nomination.verb, nomination.text) == ("learned", "We tried a new intake form.")
    assert nomination.sender.user_id == SAM and nomination.author.user_id == ALEX
    assert nomination.author.display_name == "alex"


async def test_a_bots_message_cannot_be_saved(bot: Harness) -> None:
    bot.slack.response_url("shortcut")
    payload = ev.message_shortcut(
        user_id=ALEX,
        channel_id=CHANNEL,
        author=None,
        text="beep",
        message_ts="1.5",
        trigger_id="trig-5",
    )
    payload["response_url"] = bot.slack.response_url("shortcut")
    response = await bot.interact(payload)
    assert response.status_code == 200
    assert bot.slack.views == [] and bot.received == []
    [(key, answer)] = bot.slack.hook_posts
    assert key == "shortcut" and answer["response_type"] == "ephemeral"


# ---- what goes wrong


async def test_an_unreadable_body_is_skipped_with_a_warning(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    body = '{"type": "event_callback", "event": '
    headers = {"Content-Type": "application/json", **ev.sign(body, timestamp=int(time.time()))}
    with caplog.at_level(logging.WARNING, logger="adapters"):
        response = await bot.http.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 200
    assert "skipped a malformed request: the body is not JSON" in caplog.text
    assert bot.received == []


async def test_an_unreadable_body_with_a_bad_signature_is_still_refused(bot: Harness) -> None:
    body = "{not json"
    headers = {
        "Content-Type": "application/json",
        **ev.sign(body, timestamp=int(time.time()), secret="wrong"),
    }
    response = await bot.http.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 401


async def test_a_message_without_a_user_is_skipped_with_a_warning(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    event = ev.message_event(channel=CHANNEL, user=ALEX, text="x", ts="1.6")
    del event["user"]
    with caplog.at_level(logging.WARNING, logger="adapters"):
        response = await bot.post_json(ev.envelope(event))
    assert response.status_code == 200
    assert "malformed message event" in caplog.text
    assert bot.received == []


async def test_an_event_we_did_not_ask_for_is_acknowledged(bot: Harness) -> None:
    event = {
        "type": "reaction_added",
        "user": ALEX,
        "reaction": "tada",
        "item": {"type": "message", "channel": CHANNEL, "ts": "1.7"},
        "event_ts": "1.8",
    }
    response = await bot.post_json(ev.envelope(event))
    assert response.status_code == 200
    assert bot.received == []


async def test_a_failing_store_makes_slack_redeliver(slack: FakeSlackAPI) -> None:
    async for bot in open_harness(slack, sink_error=RuntimeError("database is locked")):
        response = await bot.post_json(reply_event())
        assert response.status_code == 500
        assert "database is locked" not in response.text


async def test_a_malformed_interaction_is_skipped(bot: Harness) -> None:
    payload = ev.block_actions(
        user_id=ALEX,
        channel_id=CHANNEL,
        message_ts="1.9",
        action_id="a#0",
        value="v",
        action_ts="2.0",
    )
    payload["actions"] = []
    response = await bot.interact(payload)
    assert response.status_code == 200
    assert bot.received == []


def test_payload_helpers_match_the_events_spec() -> None:
    payload = ev.envelope(ev.message_event(channel=CHANNEL, user=ALEX, text="x", ts="1.0"))
    assert json.loads(json.dumps(payload))["type"] == "event_callback"


async def test_a_slow_store_does_not_hold_up_the_acknowledgement(slack: FakeSlackAPI) -> None:
    adapter = SlackAdapter(
        bot_token="xoxb-test", signing_secret=ev.SIGNING_SECRET, api_url=slack.url, ack_budget=0.05
    )
    release = asyncio.Event()
    stored: list[InboundEvent] = []

    async def slow_sink(event: InboundEvent) -> None:
        await release.wait()
        stored.append(event)

    app = Starlette(routes=list(adapter.routes()))
    body, headers = ev.json_request(reply_event(), timestamp=int(time.time()))
    async with adapter.connect(slow_sink):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://huddlebot.test"
        ) as http:
            response = await http.post("/slack/events", content=body, headers=headers)
        assert response.status_code == 200 and stored == []
        release.set()
    assert len(stored) == 1
