"""The Slack adapter: slack-bolt's async app in, `chat.postMessage` out.

Inbound, Slack reaches the bot by Socket Mode when an app-level token (`SLACK_APP_TOKEN`) is set,
otherwise by the Events API at `POST /slack/events`, where bolt checks every request's signature
against `SLACK_SIGNING_SECRET` (forged or over five minutes old: 401). Bolt runs with
`process_before_response=True`: each event is handed to the core's sink, which only stores it,
before Slack gets its acknowledgement, so an event is either stored or redelivered, never lost.
A sink slower than `ack_budget` seconds is left to finish in the background so that Slack still
hears back within its three seconds. Redeliveries carry the same dedup key; the core stores once.

Outbound, `send` posts one part of an outgoing message as Block Kit with a plain-text fallback,
paced per channel and per workspace (`adapters.slack.pacing`); the SDK retries 429s first, and
what stays rate limited becomes `RateLimited` for the outbox.

    adapter = SlackAdapter(bot_token=..., signing_secret=...)   # or spec.build(settings)
    app = Starlette(routes=[*adapter.routes(), ...])
    async with adapter.connect(sink):
        ref = await adapter.send(delivery)
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import send_async_response
from slack_bolt.adapter.socket_mode.internals import build_headers
from slack_bolt.adapter.starlette.async_handler import to_starlette_response
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.web.async_client import AsyncWebClient
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.common.body import BodyRefused, Unreadable, read_body
from adapters.common.handover import NotStored, hand_over
from adapters.common.tokens import TokenCheck, check_token
from adapters.slack.checking import check_slack
from adapters.slack.errors import SDK_ERRORS, TOKEN_REFUSED, error_code, translate
from adapters.slack.history import find_posted
from adapters.slack.inbound import PAYLOAD_ERRORS
from adapters.slack.listeners import SlackListeners, skip
from adapters.slack.pacing import (
    DEFAULT_PER_CHANNEL,
    DEFAULT_WORKSPACE,
    Monotonic,
    Pacer,
    Sleep,
    retry_handlers,
)
from adapters.slack.people import UserDirectory
from adapters.slack.reading import readable
from adapters.slack.sending import SlackSender
from adapters.slack.signature import RequestSignature
from adapters.slack.spec import SPEC
from bot.core.clock import Clock, SystemClock
from bot.core.events import InboundEvent
from bot.core.messages import Delivery
from bot.core.ports import EventSink, Finding, RoomToCheck, TextFormat
from bot.errors import ConfigError

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
LIST_WITHIN = 5.0
"""Seconds start-up may spend learning the workspace's people's names (`_list_people`)."""


TOKEN_CHECK = TokenCheck(
    title="Slack",
    key="SLACK_BOT_TOKEN",
    fix="reinstall the Slack app and copy its Bot User OAuth Token (xoxb-...)",
    errors=SDK_ERRORS,
    refused=lambda error: code if (code := error_code(error)) in TOKEN_REFUSED else None,
    describe=lambda error: str(translate(error)),
)


class SlackAdapter:
    """Slack for the core: see the module docstring."""

    spec = SPEC
    platform = SPEC.name
    text_format: TextFormat = SPEC.text_format
    limits = SPEC.limits

    def __init__(
        self,
        *,
        bot_token: str,
        signing_secret: str | None,
        app_token: str | None = None,
        api_url: str | None = None,
        clock: Clock | None = None,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        per_channel_rate: float = DEFAULT_PER_CHANNEL,
        workspace_rate: float = DEFAULT_WORKSPACE,
        max_rate_limit_retries: int = 2,
        lookup_timeout: float = 1.0,
        ack_budget: float = 2.5,
        timeout: int = 10,
    ) -> None:
        _check(bot_token=bot_token, signing_secret=signing_secret, app_token=app_token)
        self._app_token = app_token
        self._ack_budget = ack_budget
        self._timeout = timeout
        self._client = AsyncWebClient(
            token=bot_token,
            base_url=api_url or AsyncWebClient.BASE_URL,
            timeout=timeout,
            retry_handlers=retry_handlers(
                max_rate_limit_retries=max_rate_limit_retries, sleep=sleep
            ),
        )
        self._sender = SlackSender(
            self._client,
            Pacer(
                per_channel=per_channel_rate,
                workspace=workspace_rate,
                monotonic=monotonic,
                sleep=sleep,
            ),
            monotonic=monotonic,
            timeout=timeout,
        )
        clock = clock or SystemClock()
        self._signature = (
            RequestSignature(signing_secret, now=lambda: clock.now().timestamp())
            if signing_secret and app_token is None
            else None
        )
        self._app = AsyncApp(
            name="huddlebot",
            client=self._client,
            signing_secret=signing_secret or "",
            process_before_response=True,
            request_verification_enabled=False,  # `_endpoint` verifies, before any parsing
        )
        self._people = UserDirectory(
            self._client, lookup_timeout=lookup_timeout, monotonic=monotonic
        )
        SlackListeners(
            client=self._client,
            people=self._people,
            sender=self._sender,
            clock=clock,
            hand_over=self._hand_over,
            timeout=timeout,
        ).register(self._app)
        self._sink: EventSink | None = None
        self._slow_sinks: set[asyncio.Task[None]] = set()

    # ---- the Adapter protocol

    def routes(self) -> Sequence[BaseRoute]:
        """`POST /slack/events` for the Events API; nothing in Socket Mode."""
        if self._app_token:
            return []
        return [Route(EVENTS_PATH, self._endpoint, methods=["POST"])]

    def connect(
        self, sink: EventSink, *, receive: bool = True
    ) -> AbstractAsyncContextManager[None]:
        """Hand events to `sink` while open: over Socket Mode, or through `routes()`."""
        return self._connected(sink, receive=receive)

    async def send(self, delivery: Delivery) -> str:
        """Post one part; raises `RateLimited`, `Undeliverable` or `TransientError`."""
        return await self._sender.send(delivery)

    async def find_sent(self, delivery: Delivery, *, since: datetime) -> str | None:
        """After a crash: the ts of the part if Slack has it, None if surely not."""
        return await find_posted(self._client, delivery, since=since)

    async def check(self, rooms: Sequence[RoomToCheck]) -> list[Finding]:
        """For `huddlebot check`: the token and each channel, asked of Slack; nothing posted."""
        async with aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self._timeout)
        ) as session:
            self._client.session = session
            try:
                return await check_slack(self._client, rooms)
            finally:
                self._client.session = None

    async def _list_people(self) -> None:
        """Learn the workspace's people's names before events arrive (`UserDirectory.list_all`),
        for at most `LIST_WITHIN` seconds: start-up goes on without the rest."""
        try:
            async with asyncio.timeout(LIST_WITHIN):
                known = await self._people.list_all()
        except TimeoutError:
            logger.warning("Slack: listing the workspace's people took too long; went on")
            return
        logger.info("Slack: %s people known by name", known)

    async def _check_token(self) -> None:
        """Ask Slack who the bot is (`auth.test`), so a bad token or address stops start-up."""
        await check_token(self._client.auth_test(), TOKEN_CHECK, where=self._client.base_url)

    # ---- receiving

    @asynccontextmanager
    async def _connected(self, sink: EventSink, *, receive: bool) -> AsyncIterator[None]:
        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout))
        self._client.session = session
        self._sink = sink
        socket: AsyncSocketModeHandler | None = None
        try:
            await self._check_token()
            if receive:
                await self._list_people()
            if self._app_token and receive:
                socket = AsyncSocketModeHandler(self._app, self._app_token)
                socket.client.socket_mode_request_listeners[:] = [self._dispatch_socket]
                await socket.connect_async()
                logger.info("Slack: connected by Socket Mode")
            else:
                logger.info("Slack: receiving events at POST %s", EVENTS_PATH)
            yield
        finally:
            if socket is not None:
                await socket.close_async()
            self._sink = None
            if self._slow_sinks:
                await asyncio.gather(*self._slow_sinks, return_exceptions=True)
            self._client.session = None
            await session.close()

    async def _endpoint(self, request: Request) -> Response:
        """Limit, verify, read, then hand to bolt: see `adapters.slack.reading`."""
        try:
            body = await read_body(request)
        except BodyRefused as refused:
            logger.warning("Slack: refused a request: %s", refused.reason)
            return PlainTextResponse("refused", status_code=refused.status)
        problem = self._signature.problem(body, request.headers) if self._signature else None
        if problem is not None:
            logger.warning("Slack: refused a request that is not Slack's: %s", problem)
            return PlainTextResponse("invalid request", status_code=401)
        if self._sink is None:
            return PlainTextResponse("huddlebot is not ready yet", status_code=503)
        retry = request.headers.get("x-slack-retry-num", "")
        if retry:
            logger.info(
                "Slack: redelivery %.8s (%.40s)",
                retry,
                request.headers.get("x-slack-retry-reason", "no reason given"),
            )
        try:
            text = readable(body, content_type=request.headers.get("content-type"))
            bolt_request = AsyncBoltRequest(
                body=text,
                # the raw query string, without building the request's whole URL for it
                query=request.scope.get("query_string", b"").decode("latin-1"),
                headers=dict(request.headers),
            )
            return to_starlette_response(await self._app.async_dispatch(bolt_request))
        except Unreadable as error:
            skip("request", error)
        except PAYLOAD_ERRORS as error:
            # Bolt could not route the body (missing what its routing expects).
            skip("request", f"bolt could not route it ({type(error).__name__})")
        return Response(status_code=200)

    async def _dispatch_socket(
        self, client: AsyncBaseSocketModeClient, request: SocketModeRequest
    ) -> None:
        """One Socket Mode envelope through bolt, acknowledged even when it cannot be read."""
        started = time.time()
        try:
            response = await self._app.async_dispatch(
                AsyncBoltRequest(
                    mode="socket_mode", body=request.payload, headers=build_headers(request)
                )
            )
        except PAYLOAD_ERRORS as error:
            skip(f"{request.type} envelope", f"{type(error).__name__}: {error}")
            response = BoltResponse(status=200, body="")
        await send_async_response(client, request, response, started)

    async def _hand_over(self, event: InboundEvent) -> None:
        """Give `event` to the sink; wait for it to be stored, up to the ack budget."""
        sink = self._sink
        if sink is None:
            raise NotStored(f"{event.dedup_key} arrived while the adapter is not connected")
        task: asyncio.Task[None] = asyncio.ensure_future(hand_over(sink, event))
        try:
            # a deadline on this request's own wait (cheaper than `wait_for`, which wraps the
            # wait in another future); the shield keeps the store going past it
            async with asyncio.timeout(self._ack_budget):
                await asyncio.shield(task)
        except TimeoutError:
            logger.warning(
                "Slack: storing %s takes over %.1fs; acknowledging Slack meanwhile",
                event.dedup_key,
                self._ack_budget,
            )
            self._slow_sinks.add(task)
            task.add_done_callback(self._slow_sink_done)

    def _slow_sink_done(self, task: asyncio.Task[None]) -> None:
        self._slow_sinks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("Slack: storing a slow event failed", exc_info=task.exception())


def _check(*, bot_token: str, signing_secret: str | None, app_token: str | None) -> None:
    if not bot_token:
        raise ConfigError(
            "the Slack bot token is empty",
            key="SLACK_BOT_TOKEN",
            fix="copy the Bot User OAuth Token (xoxb-…) from your Slack app",
        )
    if app_token is not None and not app_token.startswith("xapp-"):
        raise ConfigError(
            "this is not an app-level token",
            key="SLACK_APP_TOKEN",
            fix="create an app-level token (xapp-…) with connections:write "
            "under Basic Information, or unset it to use the Events API",
        )
    if app_token is None and not signing_secret:
        raise ConfigError(
            "the signing secret is needed to check Slack's requests",
            key="SLACK_SIGNING_SECRET",
            fix="copy the Signing Secret from your app's Basic Information page, "
            "or set SLACK_APP_TOKEN to use Socket Mode instead",
        )
