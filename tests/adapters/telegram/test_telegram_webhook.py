"""The Telegram webhook: `POST /telegram/webhook` on the bot's web app, with the real PTB bot."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from adapters.common.body import BODY_LIMIT
from adapters.registry import platform_adapters
from adapters.telegram.adapter import TelegramAdapter
from bot.core.events import ButtonPress, InboundEvent, Reply
from bot.core.ports import Adapter, EventSink
from bot.errors import ConfigError
from tests.fakes.telegram_api import TOKEN, FakeTelegramAPI, RecordingSink

SECRET = "s3cret-token_for-tests"
PUBLIC = "https://huddle.example.org"
GROUP = -1001234567890


@dataclass
class Hooked:
    fake: FakeTelegramAPI
    adapter: TelegramAdapter
    sink: RecordingSink
    client: httpx.AsyncClient

    async def post(
        self, update: Any, *, secret: str | None = SECRET, raw: bytes | None = None
    ) -> httpx.Response:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        body = raw if raw is not None else json.dumps(update).encode()
        return await self.client.post("/telegram/webhook", content=body, headers=headers)


@asynccontextmanager
async def hooked(sink: EventSink | None = None) -> AsyncIterator[Hooked]:
    async with FakeTelegramAPI() as fake:
        adapter = TelegramAdapter(
            token=TOKEN, api_url=fake.url, webhook_url=PUBLIC, webhook_secret=SECRET
        )
        app = Starlette(routes=list(adapter.routes()))
        recording = RecordingSink()
        transport = httpx.ASGITransport(app=app)
        async with (
            adapter.connect(sink or recording),
            httpx.AsyncClient(transport=transport, base_url="http://bot") as client,
        ):
            yield Hooked(fake=fake, adapter=adapter, sink=recording, client=client)
        fake.assert_no_violations()


async def test_connecting_registers_the_webhook_with_its_secret() -> None:
    async with hooked() as h:
        [call] = h.fake.calls("setWebhook")
    assert call.params["url"] == f"{PUBLIC}/telegram/webhook"
    assert call.params["secret_token"] == SECRET
    assert call.params["allowed_updates"] == ["message", "callback_query"]
    assert not h.fake.calls("getUpdates"), "no polling in webhook mode"


async def test_a_valid_call_is_stored_before_the_answer() -> None:
    async with hooked() as h:
        prompt = h.fake.bot_message(GROUP, "What is blocking us?", message_id=9)
        response = await h.post(h.fake.message_update(GROUP, "the forms", reply_to=prompt))
        assert response.status_code == 200
        [event] = h.sink.events  # already there: no waiting needed
    assert isinstance(event, Reply)
    assert event.in_reply_to == "9"


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET.upper()])
async def test_a_forged_secret_is_refused_and_nothing_is_stored(secret: str | None) -> None:
    async with hooked() as h:
        response = await h.post(h.fake.message_update(GROUP, "/learned forged"), secret=secret)
        assert response.status_code == 403
        assert h.sink.events == []


async def test_a_body_that_is_not_an_update_does_not_crash() -> None:
    async with hooked() as h:
        assert (await h.post(None, raw=b"{not json")).status_code == 400
        assert (await h.post([1, 2, 3])).status_code == 400
        assert (await h.post({"hello": "there"})).status_code == 200
        assert (await h.post({"update_id": 5, "poll": {"id": "1"}})).status_code == 200
        good = await h.post(h.fake.message_update(GROUP, "/help"))
        assert good.status_code == 200
        assert len(h.sink.events) == 1


async def test_a_button_press_through_the_webhook_is_answered() -> None:
    async with hooked() as h:
        message = h.fake.bot_message(GROUP, "Share this story?")
        press = h.fake.callback_update(message, "share|4:anonymous")
        assert (await h.post(press)).status_code == 200
        [event] = h.sink.events
    assert isinstance(event, ButtonPress)
    assert h.fake.answered_callbacks == [press["callback_query"]["id"]]


async def test_a_failure_to_store_asks_telegram_to_send_it_again() -> None:
    stored = RecordingSink()
    calls = 0

    async def failing_once(event: InboundEvent) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database is locked")
        await stored(event)

    async with hooked(failing_once) as h:
        update = h.fake.message_update(GROUP, "/experiment try a drop-in")
        assert (await h.post(update)).status_code == 500
        assert (await h.post(update)).status_code == 200
    assert len(stored.events) == 1


async def test_polling_mode_has_no_webhook_route() -> None:
    adapter: Adapter = TelegramAdapter(token=TOKEN, api_url="http://127.0.0.1:9")  # the Protocol
    assert adapter.routes() == []


def test_a_webhook_needs_a_secret_and_https() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        TelegramAdapter(token=TOKEN, webhook_url=PUBLIC)
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        TelegramAdapter(token=TOKEN, webhook_url=PUBLIC, webhook_secret="has spaces")
    with pytest.raises(ConfigError, match="https"):
        TelegramAdapter(token=TOKEN, webhook_url="http://huddle.example.org", webhook_secret=SECRET)


def test_built_from_the_settings_its_spec_declares() -> None:
    assert platform_adapters({}) == []
    polling = platform_adapters({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert [type(a) for a in polling] == [TelegramAdapter]
    assert polling[0].routes() == []
    webhook = platform_adapters(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_URL": f"{PUBLIC}/hooks/tg",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
        }
    )
    assert [route.path for route in webhook[0].routes()] == ["/telegram/webhook"]  # type: ignore[attr-defined]


async def test_without_the_secret_nothing_is_read_however_hostile() -> None:
    async with hooked() as h:
        for raw in (b"[" * 100_000, b"\xff\xfe", b"x" * (BODY_LIMIT + 1)):
            assert (await h.post(None, raw=raw, secret=None)).status_code == 403


async def test_with_the_secret_a_hostile_body_is_a_4xx_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with hooked() as h:
        with caplog.at_level(logging.DEBUG):
            assert (await h.post(None, raw=b"[" * 100_000 + b"]" * 100_000)).status_code == 400
            assert (await h.post(None, raw=b'{"update_id": 1, "x": "\xff"}')).status_code == 400
            assert (await h.post(None, raw=b"x" * (BODY_LIMIT + 1))).status_code == 413
        assert h.sink.events == []
    assert not any(record.exc_info for record in caplog.records)


async def test_an_update_that_cannot_be_read_is_logged_by_id_and_kind_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    words = "the rota is breaking people"
    async with hooked() as h:
        with caplog.at_level(logging.DEBUG):
            bad = {"update_id": 77, "message": {"message_id": "x", "text": words, "chat": 5}}
            assert (await h.post(bad)).status_code == 200
        assert h.sink.events == []
    assert "id 77, kind 'message'" in caplog.text
    assert words not in caplog.text
    assert not any(record.exc_info for record in caplog.records)
