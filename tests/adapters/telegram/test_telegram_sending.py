"""Sending through the Telegram adapter: what the Bot API accepts, 429s, errors, onboarding."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.telegram.adapter import TelegramAdapter
from adapters.telegram.start_links import deep_link
from bot.core.messages import Button, Delivery
from bot.errors import ConfigError, DeliveryError, RateLimited, TransientError, Undeliverable
from tests.fakes.telegram_api import (
    BOT_USERNAME,
    TOKEN,
    FakeTelegramAPI,
    RecordingSink,
    VirtualTime,
    start_from_link,
)

GROUP = "-1001234567890"
PERSON = "1001"


def delivery(text: str = "<b>Hello</b>", *, chat: str = GROUP, **fields: Any) -> Delivery:
    return Delivery(key="k", platform="telegram", chat=chat, text=text, **fields)


@dataclass
class Sending:
    fake: FakeTelegramAPI
    adapter: TelegramAdapter
    time: VirtualTime
    sink: RecordingSink


@asynccontextmanager
async def sending(**options: Any) -> AsyncIterator[Sending]:
    time = VirtualTime()
    async with FakeTelegramAPI(clock=time.monotonic) as fake:
        adapter = TelegramAdapter(
            token=TOKEN,
            api_url=fake.url,
            poll_timeout=1,
            monotonic=time.monotonic,
            sleep=time.sleep,
            **options,
        )
        sink = RecordingSink()
        async with adapter.connect(sink):
            yield Sending(fake=fake, adapter=adapter, time=time, sink=sink)
        fake.assert_no_violations()


async def test_html_text_with_buttons_passes_the_spec() -> None:
    buttons = (
        Button("share", "7:named", "Share with my name"),
        Button("share", "7:anonymous", "Share without my name"),
        Button("share", "7:private", "Keep it private"),
    )
    text = "<b>Your story</b>\n<i>“We met at the library”</i> &amp; more &lt;3"
    async with sending() as s:
        ref = await s.adapter.send(delivery(text, buttons=buttons))
        [params] = s.fake.sent(GROUP)
    assert ref == str(s.fake.sent_messages[-1]["message_id"])
    assert params["text"] == text
    assert params["parse_mode"] == "HTML"
    keyboard = params["reply_markup"]["inline_keyboard"]
    assert [row[0]["callback_data"] for row in keyboard] == [
        "share|7:named",
        "share|7:anonymous",
        "share|7:private",
    ]
    assert [len(row) for row in keyboard] == [1, 1, 1]  # long labels: one to a row


async def test_short_choices_sit_side_by_side() -> None:
    async with sending() as s:
        await s.adapter.send(
            delivery(buttons=(Button("vote", "yes", "Yes"), Button("vote", "no", "No")))
        )
        [params] = s.fake.sent(GROUP)
    assert [len(row) for row in params["reply_markup"]["inline_keyboard"]] == [2]


async def test_a_topic_and_a_reply_target_are_passed_on() -> None:
    async with sending() as s:
        await s.adapter.send(delivery(topic="42", thread_ref="17"))
        await s.adapter.send(delivery(topic="1"))  # a forum's General topic
        first, general = s.fake.sent(GROUP)
    assert first["message_thread_id"] == 42
    assert first["reply_parameters"] == {"message_id": 17, "allow_sending_without_reply": True}
    assert "message_thread_id" not in general


async def test_message_ids_are_returned_in_order() -> None:
    async with sending() as s:
        refs = [await s.adapter.send(delivery(f"part {n}")) for n in range(3)]
    assert [int(ref) for ref in refs] == sorted(int(ref) for ref in refs)
    assert len(set(refs)) == 3


async def test_a_429_storm_sends_every_part_once_and_in_order() -> None:
    parts = [f"<b>Digest</b> part {n} of 5" for n in range(1, 6)]
    async with sending() as s:
        s.fake.fail(chat=GROUP, status=429, retry_after=2, times=3)
        for number, text in enumerate(parts, start=1):
            await s.adapter.send(delivery(text, part=number, parts=5))
        sent = [params["text"] for params in s.fake.sent(GROUP)]
        refused = [r for r in s.fake.calls("sendMessage") if r.status == 429]
    assert sent == parts
    assert len(refused) == 3
    assert sum(1 for slept in s.time.slept if slept >= 2) >= 3  # each 429 was waited out


async def test_a_long_retry_after_is_left_to_the_dispatcher() -> None:
    async with sending(max_retry_wait=10) as s:
        s.fake.fail(chat=GROUP, status=429, retry_after=120)
        start = s.time.now
        with pytest.raises(RateLimited) as caught:
            await s.adapter.send(delivery())
        assert caught.value.retry_after == 120
        assert s.time.now - start < 5, "did not sit out two minutes"
        await s.adapter.send(delivery("later"))  # the chat is on hold until then
        assert s.time.now - start >= 120
    assert [p["text"] for p in s.fake.sent(GROUP)] == ["later"]


@pytest.mark.parametrize(
    ("chat", "status", "description", "reason"),
    [
        (GROUP, 403, "Forbidden: bot was kicked from the supergroup chat", "removed"),
        (PERSON, 403, "Forbidden: bot was blocked by the user", "blocked"),
        (GROUP, 400, "Bad Request: chat not found", "not found"),
        (GROUP, 400, "Bad Request: message thread not found", "topic"),
        (GROUP, 400, "Bad Request: not enough rights to send text messages", "may not post"),
    ],
)
async def test_unreachable_places_are_undeliverable(
    chat: str, status: int, description: str, reason: str
) -> None:
    async with sending() as s:
        s.fake.fail(chat=chat, status=status, description=description)
        with pytest.raises(Undeliverable) as caught:
            await s.adapter.send(delivery(chat=chat))
    assert reason in caught.value.reason
    assert caught.value.hint


async def test_server_trouble_is_transient() -> None:
    async with sending() as s:
        s.fake.fail(status=500)
        with pytest.raises(TransientError):
            await s.adapter.send(delivery())
        s.fake.fail(status=502, description="Bad Gateway")
        with pytest.raises(TransientError):
            await s.adapter.send(delivery())
        s.fake.fail(status=200, malformed=True)
        with pytest.raises(TransientError):
            await s.adapter.send(delivery())
        await s.adapter.send(delivery("fine again"))
    assert [p["text"] for p in s.fake.sent()] == ["fine again"]


async def test_html_telegram_cannot_read_fails_that_part_only() -> None:
    async with sending() as s:
        with pytest.raises(DeliveryError) as caught:
            await s.adapter.send(delivery("<b>unclosed"))
    assert not isinstance(caught.value, Undeliverable | TransientError | RateLimited)
    assert "parse entities" in str(caught.value)


async def test_an_ephemeral_message_goes_privately_when_it_can() -> None:
    async with sending() as s:
        await s.adapter.send(delivery("Saved, thank you", ephemeral_to=PERSON, thread_ref="5"))
        [params] = s.fake.sent()
    assert params["chat_id"] == int(PERSON)
    assert "reply_parameters" not in params


async def test_an_ephemeral_message_falls_back_to_a_reply_in_the_room() -> None:
    async with sending() as s:
        s.fake.fail(
            chat=PERSON,
            status=403,
            description="Forbidden: bot can't initiate conversation with a user",
        )
        await s.adapter.send(delivery("Saved, thank you", ephemeral_to=PERSON, thread_ref="5"))
        await s.adapter.send(delivery("Saved again", ephemeral_to=PERSON, thread_ref="6"))
        tried_privately = [
            r for r in s.fake.calls("sendMessage") if r.params["chat_id"] == int(PERSON)
        ]
        in_room = s.fake.sent(GROUP)
    assert len(tried_privately) == 1, "once refused, the room is used without asking again"
    assert [p["reply_parameters"]["message_id"] for p in in_room] == [5, 6]


async def test_after_the_person_starts_the_bot_ephemeral_messages_go_privately_again() -> None:
    async with sending() as s:
        s.fake.fail(
            chat=PERSON, status=403, description="Forbidden: bot can't initiate conversation"
        )
        await s.adapter.send(delivery("In the room", ephemeral_to=PERSON))
        s.fake.push(s.fake.message_update(int(PERSON), start_from_link("stewards")))
        await s.sink.wait_for(1)
        await s.adapter.send(delivery("Privately", ephemeral_to=PERSON))
        sent = [(p["chat_id"], p["text"]) for p in s.fake.sent()]
    assert sent == [(int(GROUP), "In the room"), (int(PERSON), "Privately")]


async def test_sending_before_connecting_is_transient() -> None:
    adapter = TelegramAdapter(token=TOKEN, api_url="http://127.0.0.1:9")
    with pytest.raises(TransientError):
        await adapter.send(delivery())


async def test_button_data_over_64_bytes_is_refused_before_sending() -> None:
    async with sending() as s:
        with pytest.raises(ValueError, match="64 bytes"):
            await s.adapter.send(delivery(buttons=(Button("share", "x" * 80, "Share"),)))
    assert s.fake.sent() == []


# -- onboarding -------------------------------------------------------------------------------


async def test_bot_username_and_commands_without_connecting() -> None:
    async with FakeTelegramAPI() as fake:
        adapter = TelegramAdapter(token=TOKEN, api_url=fake.url)
        assert await adapter.bot_username() == BOT_USERNAME
        await adapter.register_commands(
            [("learned", "Share something you learned"), ("help", "How this works")]
        )
        fake.assert_no_violations()
    assert fake.commands == [
        {"command": "learned", "description": "Share something you learned"},
        {"command": "help", "description": "How this works"},
    ]


async def test_invalid_commands_are_refused_here() -> None:
    adapter = TelegramAdapter(token=TOKEN, api_url="http://127.0.0.1:9")
    with pytest.raises(ValueError):
        await adapter.register_commands([("Learned!", "nope")])


async def test_a_wrong_token_is_a_config_error() -> None:
    async with FakeTelegramAPI() as fake:
        adapter = TelegramAdapter(token="999:wrong", api_url=fake.url)
        with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
            async with adapter.connect(RecordingSink()):
                pass


async def test_a_telegram_that_cannot_be_reached_stops_start_up_saying_so() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    adapter = TelegramAdapter(token=TOKEN, api_url=f"http://127.0.0.1:{closed}/bot")
    with pytest.raises(TransientError, match="could not reach Telegram"):
        async with adapter.connect(RecordingSink()):
            pass


def test_deep_links() -> None:
    assert deep_link(BOT_USERNAME, "stewards") == f"https://t.me/{BOT_USERNAME}?start=stewards"
    assert deep_link("@" + BOT_USERNAME, "als-2_b") == f"https://t.me/{BOT_USERNAME}?start=als-2_b"
    for bad in ["", "has space", "x" * 65, "circle/1"]:
        with pytest.raises(ValueError):
            deep_link(BOT_USERNAME, bad)
