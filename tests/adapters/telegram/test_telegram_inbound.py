"""Inbound Telegram: real python-telegram-bot polling the fake Bot API, events into a sink."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.telegram.adapter import TelegramAdapter
from bot.core.events import (
    ButtonPress,
    Command,
    DirectMessage,
    InboundEvent,
    Message,
    Reply,
    Started,
)
from bot.core.messages import Button, Delivery
from bot.core.ports import EventSink
from tests.fakes.telegram_api import (
    BOT_USERNAME,
    TOKEN,
    FakeTelegramAPI,
    RecordingSink,
    VirtualTime,
    start_from_link,
)
from tests.fakes.telegram_updates import user

GROUP = -1001234567890
PERSON = 1001


@dataclass
class Running:
    fake: FakeTelegramAPI
    adapter: TelegramAdapter
    sink: RecordingSink

    async def prompt(self, chat: int = GROUP, **delivery: Any) -> dict[str, Any]:
        """Post a prompt through the adapter; return the Message the fake answered with."""
        text = delivery.pop("text", "<b>What did we learn this week?</b>")
        await self.adapter.send(
            Delivery(key="prompt", platform="telegram", chat=str(chat), text=text, **delivery)
        )
        return self.fake.sent_messages[-1]

    async def receive(self, *updates: dict[str, Any]) -> list[InboundEvent]:
        before = len(self.sink.events)
        for update in updates:
            self.fake.push(update)
        events = await self.sink.wait_for(before + len(updates))
        return events[before:]

    async def receive_nothing(self, update: dict[str, Any]) -> None:
        """Push an update the adapter should skip; a marker message proves it was read."""
        before = len(self.sink.events)
        self.fake.push(update)
        marker = self.fake.message_update(PERSON, "marker")
        self.fake.push(marker)
        events = await self.sink.wait_for(before + 1)
        assert len(events) == before + 1
        assert events[-1].dedup_key == f"{PERSON}:{marker['message']['message_id']}"


@asynccontextmanager
async def running(*, sink: EventSink | None = None, **options: Any) -> AsyncIterator[Running]:
    time = VirtualTime()
    async with FakeTelegramAPI() as fake:
        adapter = TelegramAdapter(
            token=TOKEN,
            api_url=fake.url,
            poll_timeout=1,
            monotonic=time.monotonic,
            sleep=time.sleep,
            **options,
        )
        recording = RecordingSink()
        async with adapter.connect(sink or recording):
            yield Running(fake=fake, adapter=adapter, sink=recording)
        fake.assert_no_violations()


async def test_polling_asks_only_for_the_update_types_it_handles() -> None:
    async with running() as r:
        await r.receive(r.fake.message_update(PERSON, "hello"))
        polls = r.fake.calls("getUpdates")
    assert {tuple(p.params["allowed_updates"]) for p in polls} == {("message", "callback_query")}
    assert polls[0].params["timeout"] == 1
    assert r.fake.calls("deleteWebhook"), "polling starts by removing any webhook"


async def test_a_reply_to_a_prompt_is_a_reply_to_that_message() -> None:
    async with running() as r:
        prompt = await r.prompt()
        [event] = await r.receive(
            r.fake.message_update(GROUP, "We learned to ask first", reply_to=prompt)
        )
    assert isinstance(event, Reply)
    assert event.in_reply_to == str(prompt["message_id"])
    assert event.text == "We learned to ask first"
    assert event.chat == str(GROUP)
    assert event.sender.user_id == str(PERSON)
    assert event.sender.display_name == "Ada Okafor"
    assert event.platform == "telegram"
    assert event.received_at.tzinfo is not None


async def test_a_reply_to_someone_else_is_an_ordinary_message() -> None:
    async with running() as r:
        other = r.fake.message_update(GROUP, "anyone?", sender=user(2002, "Sam", None))["message"]
        [event] = await r.receive(r.fake.message_update(GROUP, "me!", reply_to=other))
    assert isinstance(event, Message)
    assert event.message_ref.isdigit()


async def test_text_is_handed_on_as_the_person_wrote_it() -> None:
    async with running() as r:
        prompt = await r.prompt()
        [event] = await r.receive(
            r.fake.message_update(GROUP, "<b>bold</b> & brave", reply_to=prompt)
        )
    assert isinstance(event, Reply)
    assert event.text == "<b>bold</b> & brave"  # escaping is for the way out


@pytest.mark.parametrize("text", ["/learned slow down", f"/learned@{BOT_USERNAME} slow down"])
async def test_a_command_with_or_without_the_bot_name(text: str) -> None:
    async with running() as r:
        [event] = await r.receive(r.fake.message_update(GROUP, text))
    assert isinstance(event, Command)
    assert (event.verb, event.args, event.private) == ("learned", "slow down", False)
    assert event.thread_ref is None


async def test_a_command_in_private_chat_is_marked_private() -> None:
    async with running() as r:
        [event] = await r.receive(r.fake.message_update(PERSON, "/blocker no room to meet"))
    assert isinstance(event, Command)
    assert (event.verb, event.args, event.private) == ("blocker", "no room to meet", True)


async def test_a_command_replying_to_a_prompt_carries_the_prompt() -> None:
    async with running() as r:
        prompt = await r.prompt()
        [event] = await r.receive(r.fake.message_update(GROUP, "/story a family", reply_to=prompt))
    assert isinstance(event, Command)
    assert event.thread_ref == str(prompt["message_id"])


async def test_commands_for_other_bots_are_ignored() -> None:
    async with running() as r:
        await r.receive_nothing(r.fake.message_update(GROUP, "/learned@SomeOtherBot hi"))
        await r.receive_nothing(r.fake.message_update(GROUP, "/poll lunch?"))


async def test_start_with_a_payload_links_the_person() -> None:
    async with running() as r:
        [event] = await r.receive(r.fake.message_update(PERSON, start_from_link("stewards")))
        await r.receive_nothing(r.fake.message_update(GROUP, start_from_link("stewards")))
    assert isinstance(event, Started)
    assert event.circle_id == "stewards" and not event.link_refused
    assert event.chat == str(PERSON)


async def test_a_start_link_the_bot_did_not_sign_names_no_circle() -> None:
    signed = start_from_link("core").removeprefix("/start ")
    altered = "set-a" + signed.removeprefix("core")
    async with running() as r:
        guessed = [
            await r.receive(r.fake.message_update(PERSON, f"/start {payload}"))
            for payload in ("core", altered, signed + "x", "core-" + "A" * 12)
        ]
        [plain] = await r.receive(r.fake.message_update(PERSON, "/start"))
    for [event] in guessed:
        assert isinstance(event, Started)
        assert event.circle_id == "" and event.link_refused
    assert isinstance(plain, Started) and plain.circle_id == "" and not plain.link_refused


async def test_private_text_is_a_direct_message_and_group_text_a_message() -> None:
    async with running() as r:
        private, group = await r.receive(
            r.fake.message_update(PERSON, "a thought"), r.fake.message_update(GROUP, "hi all")
        )
    assert isinstance(private, DirectMessage)
    assert isinstance(group, Message)


async def test_a_button_press_is_handed_on_and_always_answered() -> None:
    async with running() as r:
        prompt = await r.prompt(buttons=(Button("share", "12:named", "With my name"),))
        press = r.fake.callback_update(prompt, "share|12:named")
        [event] = await r.receive(press)
        stray = r.fake.callback_update(prompt, "not ours")
        await r.receive_nothing(stray)
    assert isinstance(event, ButtonPress)
    assert (event.action, event.value) == ("share", "12:named")
    assert event.message_ref == str(prompt["message_id"])
    assert event.dedup_key == f"cb:{press['callback_query']['id']}"
    answered = r.fake.answered_callbacks
    assert press["callback_query"]["id"] in answered
    assert stray["callback_query"]["id"] in answered


async def test_the_same_update_twice_has_the_same_dedup_key() -> None:
    async with running() as r:
        update = r.fake.message_update(GROUP, "/celebrate the new rota")
        again = {**update, "update_id": update["update_id"] + 1000}  # after a restart
        first, second, third = await r.receive(update, update, again)
    assert first.dedup_key == second.dedup_key == third.dedup_key
    assert first.dedup_key == f"{GROUP}:{update['message']['message_id']}"


async def test_a_forum_topic_is_kept_and_the_topic_opener_is_not_a_reply() -> None:
    async with running() as r:
        opener = {
            "message_id": 77,
            "from": r.fake.bot,
            "date": 1_790_000_000,
            "chat": {"id": GROUP, "type": "supergroup", "title": "Circle", "is_forum": True},
            "message_thread_id": 77,
            "forum_topic_created": {"name": "Learning", "icon_color": 7322096},
        }
        [event] = await r.receive(
            r.fake.message_update(GROUP, "in the topic", topic=77, reply_to=opener)
        )
    assert isinstance(event, Message)
    assert event.topic == "77"


async def test_messages_from_bots_and_edits_are_skipped() -> None:
    async with running() as r:
        robot = {"id": 555, "is_bot": True, "first_name": "Other"}
        await r.receive_nothing(r.fake.message_update(GROUP, "beep", sender=robot))
        edited = r.fake.message_update(GROUP, "typo fixed")
        edited["edited_message"] = edited.pop("message")
        await r.receive_nothing(edited)
    assert edited in r.fake.dropped_updates  # never asked for


async def test_a_failing_sink_is_retried_then_polling_goes_on() -> None:
    stored = RecordingSink()
    failures = 0

    async def flaky(event: InboundEvent) -> None:
        nonlocal failures
        if failures < 2:
            failures += 1
            raise RuntimeError("database is locked")
        await stored(event)

    async with running(sink=flaky) as r:
        r.fake.push(r.fake.message_update(PERSON, "still here"))
        [event] = await stored.wait_for(1)
    assert failures == 2
    assert isinstance(event, DirectMessage)
