"""A fake Slack Web API on 127.0.0.1 for the real `AsyncWebClient` to talk to.

    async with FakeSlackAPI() as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.url)
        ...
        slack.assert_no_violations()

It records every request in order, checks each against Slack's published Web API spec (known method,
required parameters present; unknown parameters are warnings because the spec dates from 2021) and
against the Block Kit limits the real API enforces. A request that breaks them is answered
`invalid_arguments` and recorded, so `assert_no_violations()` fails the test.

Failures are queued per method (and channel): `slack.queue("chat.postMessage", rate_limited(3))`.
`slack.enforce_rate(per_channel=1.0, workspace=5.0)` answers 429 whenever a client posts faster.
It also serves a Socket Mode WebSocket (`apps.connections.open`) and slash-command `response_url`s.
Posted messages are kept per channel, with their message metadata, and read back by
`conversations.history` and `conversations.replies` (see `tests/fakes/slack_history.py`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.slack_checks import (
    as_json,
    block_text_length,
    is_ok,
    message_problems,
    read_params,
    view_problems,
)
from tests.fakes.slack_history import History, ReadError
from tests.fakes.spec import web_api_spec
from tests.fakes.virtual_time import VirtualTime as VirtualTime

TEAM_ID = "T0HUDDLE"
BOT_USER_ID = "UBOTHUDDLE"
BOT_ID = "BHUDDLE"

MonotonicClock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class Answer:
    """A canned answer: status, body text and headers."""

    status: int = 200
    body: str = '{"ok": true}'
    headers: Mapping[str, str] = field(default_factory=dict)


def rate_limited(retry_after: int = 1) -> Answer:
    return Answer(
        status=429,
        body=json.dumps({"ok": False, "error": "ratelimited"}),
        headers={"Retry-After": str(retry_after)},
    )


def api_error(code: str) -> Answer:
    return Answer(body=json.dumps({"ok": False, "error": code}))


def server_error(status: int = 500) -> Answer:
    return Answer(
        status=status,
        body="<html>Slack is having trouble</html>",
        headers={"Content-Type": "text/html"},
    )


def malformed_json() -> Answer:
    return Answer(body='{"ok": true, "ts": ', headers={"Content-Type": "application/json"})


@dataclass(frozen=True, slots=True)
class Recorded:
    """One request the fake received."""

    method: str
    params: Mapping[str, Any]
    headers: Mapping[str, str]
    at: float
    answered: int
    """The HTTP status the fake answered with."""
    ok: bool
    """True when the fake answered `ok: true`."""


@dataclass(slots=True)
class _Queued:
    method: str
    channel: str | None
    answer: Answer
    times: int


@dataclass(slots=True)
class _RateRule:
    per_channel: float
    workspace: float | None
    tolerance: float
    channel_tat: dict[str, float] = field(default_factory=dict)
    workspace_tat: float = 0.0
    rejected: int = 0


class FakeSlackAPI:
    """The fake Web API server; an async context manager. See the module docstring."""

    def __init__(
        self,
        *,
        clock: MonotonicClock = time.monotonic,
        team_id: str = TEAM_ID,
        bot_user_id: str = BOT_USER_ID,
        bot_id: str = BOT_ID,
        first_ts: int = 1_700_000_000,
    ) -> None:
        self._clock = clock
        self._first_ts = first_ts
        """The seconds of every message ts: set it near the bot's clock to read history by time."""
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.warnings: list[str] = []
        self.hook_posts: list[tuple[str, Mapping[str, Any]]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        """What conversations.info answers for each channel id (`add_channel`)."""
        self.latency = 0.0
        """Seconds between posting a message and answering (a process killed meanwhile posted
        it without knowing)."""
        self.views: list[Mapping[str, Any]] = []
        self.history = History()
        """Messages posted to each channel, as `conversations.history` reads them back."""
        self._queue: list[_Queued] = []
        self._rate: _RateRule | None = None
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_connected = asyncio.Event()
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._envelopes = itertools.count(1)

    # ---- lifecycle

    async def __aenter__(self) -> FakeSlackAPI:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/hooks/{key}", self._handle_hook)
        app.router.add_get("/socket", self._handle_socket)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for ws in self._sockets:
            await ws.close()
        for future in self._acks.values():
            future.cancel()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        """The Web API base URL, as `AsyncWebClient(base_url=...)` expects it."""
        return f"http://127.0.0.1:{self._port}/api/"

    def response_url(self, key: str = "cmd") -> str:
        """A slash-command `response_url` served by this fake."""
        return f"http://127.0.0.1:{self._port}/hooks/{key}"

    # ---- set-up

    def add_user(self, user_id: str, *, real_name: str, display_name: str = "") -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": real_name.lower().replace(" ", "."),
            "real_name": real_name,
            "profile": {"real_name": real_name, "display_name": display_name},
        }

    def add_channel(self, channel_id: str, *, name: str, member: bool = True) -> None:
        """A channel conversations.info knows; `member` is whether the bot is in it."""
        self.channels[channel_id] = {
            "id": channel_id,
            "name": name,
            "is_channel": True,
            "is_private": False,
            "is_archived": False,
            "is_member": member,
            "created": self._first_ts,
        }

    def queue(
        self, method: str, answer: Answer, *, channel: str | None = None, times: int = 1
    ) -> None:
        """Answer the next `times` calls of `method` (to `channel`, if given) with `answer`."""
        self._queue.append(_Queued(method=method, channel=channel, answer=answer, times=times))

    def enforce_rate(
        self, *, per_channel: float = 1.0, workspace: float | None = None, tolerance: float = 0.05
    ) -> None:
        """Answer chat.postMessage with 429 when it comes faster than these messages a second."""
        self._rate = _RateRule(per_channel=per_channel, workspace=workspace, tolerance=tolerance)

    @property
    def rate_rejections(self) -> int:
        return 0 if self._rate is None else self._rate.rejected

    # ---- reading what happened

    def calls(self, method: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method]

    def posted(self, channel: str | None = None) -> list[Recorded]:
        """chat.postMessage calls that succeeded, in order."""
        return [
            r
            for r in self.calls("chat.postMessage")
            if r.ok and (channel is None or r.params.get("channel") == channel)
        ]

    def assert_no_violations(self) -> None:
        found = "\n".join(self.violations)
        assert not self.violations, f"requests broke Slack's API spec:\n{found}"

    # ---- Socket Mode

    async def wait_socket(self, *, within: float = 5.0) -> None:
        await asyncio.wait_for(self._socket_connected.wait(), within)

    async def socket_send(
        self, kind: str, payload: Mapping[str, Any], *, retry_attempt: int = 0, within: float = 5.0
    ) -> dict[str, Any]:
        """Push one envelope (`events_api`, `slash_commands`, `interactive`); return the ack."""
        await self.wait_socket(within=within)
        envelope_id = f"env-{next(self._envelopes)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = future
        await self._sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": retry_attempt,
                "retry_reason": "timeout" if retry_attempt else "",
            }
        )
        try:
            return await asyncio.wait_for(future, within)
        finally:
            self._acks.pop(envelope_id, None)

    async def _handle_socket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "AHUDDLE"}}
        )
        self._socket_connected.set()
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            future = self._acks.get(data.get("envelope_id", ""))
            if future is not None and not future.done():
                future.set_result(data)
        return ws

    # ---- HTTP handlers

    async def _handle_hook(self, request: web.Request) -> web.Response:
        self.hook_posts.append((request.match_info["key"], await request.json()))
        return web.Response(text="ok")

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await read_params(request)
        headers = {k: v for k, v in request.headers.items()}
        problems = self._validate(method, params, headers)
        if problems:
            self.violations += [f"{method}: {p}" for p in problems]
            answer = api_error("invalid_arguments")
        else:
            answer = (
                self._take_queued(method, params)
                or self._rate_check(method, params)
                or self._answer(method, params)
            )
        ok = answer.status == 200 and is_ok(answer.body)
        self.requests.append(
            Recorded(
                method=method,
                params=params,
                headers=headers,
                at=self._clock(),
                answered=answer.status,
                ok=ok,
            )
        )
        if self.latency and method == "chat.postMessage":
            # the message is posted; its answer takes a while to come back, as over a network
            await asyncio.sleep(self.latency)
        content_type = answer.headers.get("Content-Type", "application/json")
        extra = {k: v for k, v in answer.headers.items() if k != "Content-Type"}
        return web.Response(
            status=answer.status,
            text=answer.body,
            content_type=content_type.split(";")[0],
            headers=extra,
        )

    # ---- validation

    def _validate(
        self, method: str, params: Mapping[str, Any], headers: Mapping[str, str]
    ) -> list[str]:
        spec = web_api_spec().method(method)
        if spec is None:
            return [f"unknown method '{method}'"]
        problems: list[str] = []
        has_token = headers.get("Authorization", "").startswith("Bearer ") or "token" in params
        for name in sorted(spec.required):
            if name == "token":
                if not has_token:
                    problems.append("no token (Authorization header or token param)")
            elif name not in params:
                problems.append(f"required parameter '{name}' missing")
        for name in sorted(set(params) - spec.known - {"token"}):
            self.warnings.append(f"{method}: parameter '{name}' is not in the 2021 spec")
        if method in ("chat.postMessage", "chat.postEphemeral"):
            problems += message_problems(params)
            if block_text_length(params) > 12000:
                self.warnings.append(f"{method}: over 12,000 characters of block text")
        if method == "views.open":
            problems += view_problems(params.get("view"))
        return problems

    # ---- answers

    def _take_queued(self, method: str, params: Mapping[str, Any]) -> Answer | None:
        for item in self._queue:
            if item.method == method and item.channel in (None, params.get("channel")):
                item.times -= 1
                if item.times <= 0:
                    self._queue.remove(item)
                return item.answer
        return None

    def _rate_check(self, method: str, params: Mapping[str, Any]) -> Answer | None:
        rule = self._rate
        if rule is None or method != "chat.postMessage":
            return None
        now = self._clock()
        channel = str(params.get("channel"))
        channel_tat = rule.channel_tat.get(channel, now)
        waits = [channel_tat - rule.tolerance - now]
        if rule.workspace:
            waits.append(rule.workspace_tat - rule.tolerance - now)
        wait = max(waits)
        if wait > 0:
            rule.rejected += 1
            return rate_limited(max(1, math.ceil(wait)))
        rule.channel_tat[channel] = max(now, channel_tat) + 1.0 / rule.per_channel
        if rule.workspace:
            rule.workspace_tat = max(now, rule.workspace_tat) + 1.0 / rule.workspace
        return None

    def _users_page(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """One page of `users.list`: `limit` people from the one `cursor` names (an offset)."""
        everyone = list(self.users.values())
        limit = int(params.get("limit") or 100) or 100
        start = int(str(params.get("cursor") or "0").removeprefix("page:") or 0)
        page = everyone[start : start + limit]
        after = start + limit
        cursor = f"page:{after}" if after < len(everyone) else ""
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": cursor}}

    def _next_ts(self) -> str:
        return f"{self._first_ts}.{next(self._ts):06d}"

    def _answer(self, method: str, params: Mapping[str, Any]) -> Answer:
        body: dict[str, Any]
        if method == "auth.test":
            body = {
                "ok": True,
                "url": "https://huddle-test.slack.com/",
                "team": "Huddle Test",
                "user": "huddlebot",
                "team_id": self.team_id,
                "user_id": self.bot_user_id,
                "bot_id": self.bot_id,
            }
        elif method == "chat.postMessage":
            ts = self._next_ts()
            message: dict[str, Any] = {
                "type": "message",
                "ts": ts,
                "text": params.get("text", ""),
                "bot_id": self.bot_id,
                "user": self.bot_user_id,
            }
            if params.get("thread_ts"):
                message["thread_ts"] = str(params["thread_ts"])
            metadata = as_json(params.get("metadata"))
            if isinstance(metadata, dict):
                message["metadata"] = metadata
            self.history.post(str(params.get("channel")), message)
            body = {"ok": True, "channel": params.get("channel"), "ts": ts, "message": message}
        elif method in ("conversations.history", "conversations.replies"):
            try:
                body = self.history.read(method, params)
            except ReadError as error:
                return api_error(str(error))
        elif method == "chat.postEphemeral":
            body = {"ok": True, "message_ts": self._next_ts()}
        elif method == "users.info":
            user = self.users.get(str(params.get("user")))
            if user is None:
                return api_error("user_not_found")
            body = {"ok": True, "user": user}
        elif method == "users.list":
            body = self._users_page(params)
        elif method == "views.open":
            view = as_json(params.get("view"))
            self.views.append(view)
            body = {"ok": True, "view": {**view, "id": f"V{len(self.views):08d}"}}
        elif method == "conversations.info":
            channel = self.channels.get(str(params.get("channel")))
            if channel is None:
                return api_error("channel_not_found")
            body = {"ok": True, "channel": channel}
        elif method == "conversations.open":
            body = {"ok": True, "channel": {"id": "D" + str(params.get("users", "X"))[1:]}}
        elif method == "apps.connections.open":
            body = {"ok": True, "url": f"ws://127.0.0.1:{self._port}/socket"}
        else:
            body = {"ok": True}
        return Answer(body=json.dumps(body))
