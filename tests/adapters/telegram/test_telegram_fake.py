"""The fake Bot API itself: it must refuse what the real API refuses, or other tests mean little."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from tests.fakes.telegram_api import TOKEN, FakeTelegramAPI
from tests.fakes.telegram_html import HtmlError, parse_html
from tests.fakes.telegram_spec import BotApiSpec, default_spec


async def call(fake: FakeTelegramAPI, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    """Post form-encoded, JSON-valued parameters the way python-telegram-bot does."""
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.url}/bot{TOKEN}/{method}", data=form) as response,
    ):
        return response.status, await response.json()


async def test_a_good_request_is_answered() -> None:
    async with FakeTelegramAPI() as fake:
        status, body = await call(fake, "sendMessage", chat_id=-100123, text="hi")
        fake.assert_no_violations()
    assert status == 200
    assert body["result"]["text"] == "hi"
    assert default_spec().check_object("Message", body["result"]) == []


@pytest.mark.parametrize(
    ("method", "params", "problem"),
    [
        ("sendMesage", {"chat_id": 1, "text": "hi"}, "no such Bot API method"),
        ("sendMessage", {"chat_id": 1}, "required field 'text' is missing"),
        ("sendMessage", {"chat_id": 1, "text": "hi", "colour": "red"}, "unknown field 'colour'"),
        ("sendMessage", {"chat_id": 1, "text": "hi", "message_thread_id": "x"}, "expected Integer"),
        (
            "sendMessage",
            {"chat_id": 1, "text": "hi", "reply_markup": {"inline_keyboard": [[{"label": "x"}]]}},
            "unknown field 'label'",
        ),
        ("answerCallbackQuery", {}, "required field 'callback_query_id' is missing"),
    ],
)
async def test_a_request_the_real_api_refuses_is_a_violation(
    method: str, params: dict[str, Any], problem: str
) -> None:
    async with FakeTelegramAPI() as fake:
        status, body = await call(fake, method, **params)
        with pytest.raises(AssertionError, match=problem):
            fake.assert_no_violations()
    assert status in (400, 404)
    assert body["ok"] is False


async def test_json_bodies_are_read_too() -> None:
    async with FakeTelegramAPI() as fake:
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"{fake.url}/bot{TOKEN}/sendMessage", json={"chat_id": 5, "text": "7"}
            ) as r,
        ):
            assert r.status == 200
        fake.assert_no_violations()
    assert fake.sent(5)[0]["text"] == "7"


async def test_a_wrong_token_is_unauthorized() -> None:
    async with FakeTelegramAPI() as fake:
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{fake.url}/bot1:nope/getMe") as response,
        ):
            assert response.status == 401


async def test_injected_failures_hit_the_chosen_chat_only() -> None:
    async with FakeTelegramAPI() as fake:
        fake.fail(chat=-1002, status=429, retry_after=7)
        assert (await call(fake, "sendMessage", chat_id=-1001, text="a"))[0] == 200
        status, body = await call(fake, "sendMessage", chat_id=-1002, text="b")
        assert (status, body["parameters"]["retry_after"]) == (429, 7)
        assert (await call(fake, "sendMessage", chat_id=-1002, text="c"))[0] == 200


async def test_limits_mode_counts_each_breach() -> None:
    now = [0.0]
    async with FakeTelegramAPI(clock=lambda: now[0]) as fake:
        fake.enforce_limits()
        assert (await call(fake, "sendMessage", chat_id=9, text="a"))[0] == 200
        status, body = await call(fake, "sendMessage", chat_id=9, text="b")
        assert status == 429 and body["parameters"]["retry_after"] >= 1
        now[0] = 1.0
        assert (await call(fake, "sendMessage", chat_id=9, text="c"))[0] == 200
    assert fake.limit_violations == 1


async def test_get_updates_waits_for_an_update_without_sleeping() -> None:
    async with FakeTelegramAPI() as fake:
        update = fake.message_update(1001, "hello")
        fake.push(update)
        _, body = await call(fake, "getUpdates", timeout=30)
        assert [u["update_id"] for u in body["result"]] == [update["update_id"]]
        _, body = await call(fake, "getUpdates", offset=update["update_id"] + 1, timeout=0)
        assert body["result"] == []


def test_pushed_updates_must_be_valid() -> None:
    fake = FakeTelegramAPI()
    with pytest.raises(AssertionError, match="invalid Update"):
        fake.push({"update_id": 1, "message": {"text": "no chat, no id"}})


@pytest.mark.parametrize(
    ("html", "visible"),
    [
        ("plain", "plain"),
        ("<b>bold</b> &amp; <i>it</i>", "bold & it"),
        ('<a href="https://x.org/?a=1&amp;b=2">link</a>', "link"),
        ('<pre><code class="language-python">x &lt; 1</code></pre>', "x < 1"),
        ('<span class="tg-spoiler">s</span><blockquote expandable>q</blockquote>', "sq"),
        ("&#128075; &quot;hi&quot;", '👋 "hi"'),
    ],
)
def test_html_telegram_reads(html: str, visible: str) -> None:
    assert parse_html(html) == visible


@pytest.mark.parametrize(
    "html",
    [
        "<b>open",
        "close</b>",
        "<b><i>x</b></i>",
        "<div>x</div>",
        "a & b",
        "1 < 2",
        "2 > 1",
        '<b style="x">y</b>',
        "&nbsp;",
    ],
)
def test_html_telegram_refuses(html: str) -> None:
    with pytest.raises(HtmlError):
        parse_html(html)


def test_a_missing_spec_fails_clearly(tmp_path: Any) -> None:
    with pytest.raises(FileNotFoundError, match="Bot API spec is missing"):
        BotApiSpec.load(tmp_path)
