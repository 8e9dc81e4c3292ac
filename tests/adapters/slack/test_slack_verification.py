"""Verify first, then read: forged, stale, oversized and unreadable Slack requests."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator

import pytest

from adapters.common.body import BODY_LIMIT, DEPTH_LIMIT
from tests.adapters.slack.events_harness import CHANNEL, Harness, open_harness, reply_event
from tests.fakes import slack_events as ev
from tests.fakes.slack_api import FakeSlackAPI

pytestmark = pytest.mark.usefixtures("slack")


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackAPI]:
    async with FakeSlackAPI() as api:
        yield api


@pytest.fixture
async def bot(slack: FakeSlackAPI) -> AsyncIterator[Harness]:
    async for harness in open_harness(slack):
        yield harness


def signed(body: bytes, timestamp: str, secret: str = ev.SIGNING_SECRET) -> dict[str, str]:
    """Headers signed over whatever `timestamp` text is given, as a forger holding it would."""
    base = b"v0:" + timestamp.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


def now() -> str:
    return str(int(time.time()))


@pytest.mark.parametrize(
    "timestamp", ["abc", "", "NaN", "1e0", ".5", "-1", " 17", "١٧٠٠٠٠٠٠٠٠", "1700000000.5"]
)
async def test_a_timestamp_that_is_not_a_plain_integer_is_refused(
    bot: Harness, timestamp: str
) -> None:
    body = json.dumps(reply_event(text="forged")).encode()
    headers: dict[bytes, bytes] = {b"Content-Type": b"application/json"}
    headers.update((k.encode(), v.encode()) for k, v in signed(body, timestamp).items())
    headers[b"X-Slack-Request-Timestamp"] = timestamp.encode()  # as sent, in UTF-8
    response = await bot.http.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 401
    assert bot.received == []


async def test_a_missing_timestamp_or_signature_is_refused(bot: Harness) -> None:
    body = json.dumps(reply_event(text="forged")).encode()
    for drop in ("X-Slack-Request-Timestamp", "X-Slack-Signature"):
        headers = {"Content-Type": "application/json", **signed(body, now())}
        del headers[drop]
        response = await bot.http.post("/slack/events", content=body, headers=headers)
        assert response.status_code == 401
    assert bot.received == []


async def test_ssl_check_is_answered_only_when_signed(bot: Harness) -> None:
    body = b"ssl_check=1&token=whatever"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    unsigned = await bot.http.post("/slack/events", content=body, headers=form)
    forged = await bot.http.post(
        "/slack/events", content=body, headers={**form, **signed(body, now(), "wrong")}
    )
    genuine = await bot.http.post(
        "/slack/events", content=body, headers={**form, **signed(body, now())}
    )
    assert (unsigned.status_code, forged.status_code, genuine.status_code) == (401, 401, 200)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 200_000 + b"]" * 200_000,
        b'{"type": "event_callback", "event": {"text": "\xff\xfe caf\xe9"}}',
        b"\x00" * 64,
    ],
    ids=["deep", "not-utf8", "nul"],
)
async def test_an_unsigned_body_is_refused_before_it_is_read(
    bot: Harness, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = await bot.http.post(
            "/slack/events", content=body, headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 401
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 200_000 + b"]" * 200_000,
        b"{" + b'"a":{' * (DEPTH_LIMIT + 1) + b"}" * (DEPTH_LIMIT + 2),
        b'{"type": "event_callback", "event": {"text": "\xff\xfe"}}',
        b"[1, 2, 3]",
        b"payload=%7Bnot+json",
        b"",
    ],
    ids=["deep", "nested", "not-utf8", "list", "bad-payload", "empty"],
)
async def test_a_signed_body_that_cannot_be_read_is_acknowledged_and_skipped(
    bot: Harness, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = await bot.http.post(
            "/slack/events",
            content=body,
            headers={"Content-Type": "application/json", **signed(body, now())},
        )
    assert response.status_code == 200
    assert bot.received == []
    assert "skipped a malformed request" in caplog.text
    assert not any(r.exc_info for r in caplog.records)
    assert all(len(r.getMessage()) < 500 for r in caplog.records)


async def test_a_body_over_the_limit_is_refused_by_its_declared_length(bot: Harness) -> None:
    headers = {"Content-Type": "application/json", "Content-Length": str(BODY_LIMIT + 1)}

    async def endless() -> AsyncIterator[bytes]:
        raise AssertionError("the body was read")
        yield b""

    response = await bot.http.post("/slack/events", content=endless(), headers=headers)
    assert response.status_code == 413


async def test_a_streamed_body_over_the_limit_is_refused(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    chunk = b"x" * 65536
    sent = 0

    async def stream() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(BODY_LIMIT // len(chunk) + 8):
            sent += 1
            yield chunk

    with caplog.at_level(logging.DEBUG):
        response = await bot.http.post("/slack/events", content=stream())
    assert response.status_code == 413
    assert "xxxx" not in caplog.text


async def test_a_refused_body_is_not_written_to_the_log(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    words = "my manager keeps cancelling our supervision"
    body = json.dumps(reply_event(text=words)).encode()
    with caplog.at_level(logging.DEBUG):
        response = await bot.http.post(
            "/slack/events",
            content=body,
            headers={"Content-Type": "application/json", **signed(body, now(), "wrong")},
        )
    assert response.status_code == 401
    assert "refused a request" in caplog.text
    assert words not in caplog.text and CHANNEL not in caplog.text
