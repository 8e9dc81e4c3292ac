"""The Slack adapter: slack-bolt's async app in, `chat.postMessage` out.

Inbound, Slack reaches the bot by Socket Mode when an app-level token (`SLACK_APP_TOKEN`) is set,
otherwise by the Events API at `POST /slack/events`, where bolt checks every request's signature
against `SLACK_SIGNING_SECRET` (forged or over five minutes old: 401). Bolt runs with
`process_before_response=True`: each event is handed to the core's sink, which only stores it,
before Slack gets its acknowledgement, so an event is either stored or redelivered, never lost.
A sink slower than `ack_budget` seconds is left to finish in the background so that Slack still
hears back within its three seconds. Redeliveries carry the same dedup key; the core stores once.

Outbound, `send` posts one part of an outgoing message as Block Kit with a plain-text fallback,
paced per channel and per workspace (see `adapters.slack_pacing`), with the SDK retrying 429s
before the rest become `RateLimited` for the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import send_async_response
from slack_bolt.adapter.socket_mode.internals import build_headers
from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from adapters import slack_inbound as inbound
from adapters.slack_blocks import (
    SAVE_CALLBACK,
    STORY_CALLBACK,
    ModalContext,
    message_blocks,
    save_modal,
    story_modal,
)
from adapters.slack_errors import translate
from adapters.slack_pacing import (
    DEFAULT_PER_CHANNEL,
    DEFAULT_WORKSPACE,
    Monotonic,
    Pacer,
    Sleep,
    retry_handlers,
)
from adapters.slack_text import mentioned_users, plain_text
from bot.clock import Clock, SystemClock
from bot.errors import ConfigError, DeliveryError, RateLimited, Undeliverable
from bot.events import InboundEvent
from bot.messages import Delivery
from bot.platform import EventSink, Limits, TextFormat

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
SLASH_COMMAND = "/huddle"
SAVE_SHORTCUT = "save_to_huddle"
RESPONSE_URL_LIFETIME = 30 * 60.0
"""Slack accepts answers at a slash command's response_url for 30 minutes."""
NAME_RETRY_AFTER = 300.0
_SDK_ERRORS = (SlackApiError, SlackClientError, aiohttp.ClientError, asyncio.TimeoutError)
_PAYLOAD_ERRORS = (KeyError, IndexError, TypeError, AttributeError, ValueError)
"""What bolt raises when a payload lacks what it expects (for example an empty `actions`)."""


class SinkFailed(Exception):
    """The core could not store an event; Slack should deliver it again."""


class SlackSettings(Protocol):
    """The part of `bot.settings.Settings` the Slack adapter reads."""

    @property
    def slack_bot_token(self) -> str | None: ...
    @property
    def slack_signing_secret(self) -> str | None: ...
    @property
    def slack_app_token(self) -> str | None: ...
    @property
    def slack_api_url(self) -> str | None: ...


def from_settings(settings: SlackSettings) -> SlackAdapter | None:
    """The Slack adapter configured from the environment, or None when Slack is not set up."""
    if not settings.slack_bot_token:
        return None
    return SlackAdapter(
        bot_token=settings.slack_bot_token,
        signing_secret=settings.slack_signing_secret or None,
        app_token=settings.slack_app_token or None,
        api_url=settings.slack_api_url or None,
    )


class SlackAdapter:
    """Slack for the core: see the module docstring."""

    platform = "slack"
    text_format: TextFormat = "slack"
    limits = Limits(max_chars=11000, max_paragraph_chars=2900, max_paragraphs=48)

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
        if not bot_token:
            raise ConfigError("the Slack bot token is empty", key="SLACK_BOT_TOKEN",
                              fix="copy the Bot User OAuth Token (xoxb-…) from your Slack app")
        if app_token is not None and not app_token.startswith("xapp-"):
            raise ConfigError("this is not an app-level token", key="SLACK_APP_TOKEN",
                              fix="create an app-level token (xapp-…) with connections:write "
                                  "under Basic Information, or unset it to use the Events API")
        if app_token is None and not signing_secret:
            raise ConfigError("the signing secret is needed to check Slack's requests",
                              key="SLACK_SIGNING_SECRET",
                              fix="copy the Signing Secret from your app's Basic Information "
                                  "page, or set SLACK_APP_TOKEN to use Socket Mode instead")
        self._app_token = app_token
        self._clock = clock or SystemClock()
        self._monotonic = monotonic
        self._lookup_timeout = lookup_timeout
        self._ack_budget = ack_budget
        self._timeout = timeout
        self._client = AsyncWebClient(
            token=bot_token,
            base_url=api_url or AsyncWebClient.BASE_URL,
            timeout=timeout,
            retry_handlers=retry_handlers(max_rate_limit_retries=max_rate_limit_retries,
                                          sleep=sleep),
        )
        self._pacer = Pacer(per_channel=per_channel_rate, workspace=workspace_rate,
                            monotonic=monotonic, sleep=sleep)
        self._verifier = SignatureVerifier(signing_secret or "")
        self._app = AsyncApp(
            name="huddlebot",
            client=self._client,
            signing_secret=signing_secret or "",
            process_before_response=True,
            request_verification_enabled=app_token is None,
        )
        self._register(self._app)
        self._sink: EventSink | None = None
        self._names: dict[str, str] = {}
        self._name_failures: dict[str, float] = {}
        self._response_urls: dict[tuple[str, str], tuple[str, float]] = {}
        self._slow_sinks: set[asyncio.Task[None]] = set()

    # ---- the Adapter protocol

    def routes(self) -> Sequence[BaseRoute]:
        """`POST /slack/events` for the Events API; nothing in Socket Mode."""
        if self._app_token:
            return []
        return [Route(EVENTS_PATH, self._endpoint, methods=["POST"])]

    def connect(self, sink: EventSink) -> AbstractAsyncContextManager[None]:
        return self._connected(sink)

    async def send(self, delivery: Delivery) -> str:
        blocks = message_blocks(delivery.text, delivery.buttons) or None
        try:
            if delivery.ephemeral_to:
                return await self._send_ephemeral(delivery, blocks)
            await self._pacer.wait(delivery.chat)
            response = await self._client.chat_postMessage(
                channel=delivery.chat, text=delivery.text, blocks=blocks,
                thread_ts=delivery.thread_ref, unfurl_links=False, unfurl_media=False)
        except _SDK_ERRORS as error:
            raise self._failed(delivery, translate(error)) from error
        ts = response.get("ts")
        if not isinstance(ts, str) or not ts:
            logger.warning("Slack posted %s to %s but named no ts", delivery.key, delivery.chat)
            return delivery.key
        return ts

    # ---- sending

    async def _send_ephemeral(self, delivery: Delivery, blocks: list[dict[str, Any]] | None) -> str:
        user = delivery.ephemeral_to or ""
        try:
            response = await self._client.chat_postEphemeral(
                channel=delivery.chat, user=user, text=delivery.text, blocks=blocks,
                thread_ts=delivery.thread_ref)
        except SlackApiError as error:
            failure = translate(error)
            url = self._response_url(delivery.chat, user)
            if not isinstance(failure, Undeliverable) or url is None:
                raise
            # The bot is not in that conversation, but the person used /huddle there: answer
            # through the command's response_url, which needs no membership.
            hook = await AsyncWebhookClient(url, timeout=self._timeout).send(
                text=delivery.text, blocks=blocks, response_type="ephemeral")
            if hook.status_code != 200:
                raise
            return delivery.key
        return str(response.get("message_ts") or delivery.key)

    def _failed(self, delivery: Delivery, failure: DeliveryError) -> DeliveryError:
        if isinstance(failure, Undeliverable):
            logger.warning("Slack: cannot deliver %s to %s (%s): %s", delivery.key, delivery.chat,
                           failure.reason, failure.hint)
        elif isinstance(failure, RateLimited):
            self._pacer.hold(delivery.chat, failure.retry_after)
            logger.info("Slack: %s to %s still rate limited; retry in %gs", delivery.key,
                        delivery.chat, failure.retry_after)
        else:
            logger.warning("Slack: sending %s to %s failed: %s", delivery.key, delivery.chat,
                           failure)
        return failure

    def _remember_response_url(self, channel: str, user: str, url: object) -> None:
        if isinstance(url, str) and url:
            now = self._monotonic()
            if len(self._response_urls) > 1000:
                self._response_urls = {k: v for k, v in self._response_urls.items() if v[1] > now}
            self._response_urls[(channel, user)] = (url, now + RESPONSE_URL_LIFETIME)

    def _response_url(self, channel: str, user: str) -> str | None:
        found = self._response_urls.get((channel, user))
        if found is None or found[1] <= self._monotonic():
            return None
        return found[0]

    # ---- connection

    @asynccontextmanager
    async def _connected(self, sink: EventSink) -> AsyncIterator[None]:
        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout))
        self._client.session = session
        self._sink = sink
        socket: AsyncSocketModeHandler | None = None
        try:
            if self._app_token:
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
        if self._sink is None:
            return PlainTextResponse("huddlebot is not ready yet", status_code=503)
        body = await request.body()
        retry = request.headers.get("x-slack-retry-num")
        if retry:
            logger.info("Slack redelivery %s (%s)", retry,
                        request.headers.get("x-slack-retry-reason", "no reason given"))
        try:
            bolt_request = to_async_bolt_request(request, body)
            return to_starlette_response(await self._dispatch(bolt_request))
        except _PAYLOAD_ERRORS as error:
            if not self._verifier.is_valid_request(body, dict(request.headers)):
                return PlainTextResponse("invalid request", status_code=401)
            _skip("request", f"the body cannot be read ({type(error).__name__}: {error})")
            return Response(status_code=200)

    async def _dispatch(self, request: AsyncBoltRequest) -> BoltResponse:
        """Bolt's dispatch; a payload bolt itself cannot read raises one of `_PAYLOAD_ERRORS`."""
        return await self._app.async_dispatch(request)

    async def _dispatch_socket(self, client: AsyncBaseSocketModeClient,
                               request: SocketModeRequest) -> None:
        """One Socket Mode envelope through bolt, acknowledged even when it cannot be read."""
        started = time.time()
        try:
            response = await self._dispatch(AsyncBoltRequest(
                mode="socket_mode", body=request.payload, headers=build_headers(request)))
        except _PAYLOAD_ERRORS as error:
            _skip(f"{request.type} envelope", f"{type(error).__name__}: {error}")
            response = BoltResponse(status=200, body="")
        await send_async_response(client, request, response, started)

    async def _hand_over(self, event: InboundEvent) -> None:
        """Give `event` to the sink; wait for it to be stored, up to the ack budget."""
        sink = self._sink
        if sink is None:
            raise RuntimeError("Slack event arrived while the adapter is not connected")
        task: asyncio.Task[None] = asyncio.ensure_future(sink(event))
        try:
            await asyncio.wait_for(asyncio.shield(task), self._ack_budget)
        except TimeoutError:
            logger.warning("Slack: storing %s takes over %.1fs; acknowledging Slack meanwhile",
                           event.dedup_key, self._ack_budget)
            self._slow_sinks.add(task)
            task.add_done_callback(self._slow_sink_done)
        except Exception as error:
            raise SinkFailed(f"storing {event.dedup_key} failed: {error}") from error

    def _slow_sink_done(self, task: asyncio.Task[None]) -> None:
        self._slow_sinks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("Slack: storing a slow event failed", exc_info=task.exception())

    # ---- people

    async def _resolve(self, user_ids: Iterable[str]) -> None:
        now = self._monotonic()
        missing = [u for u in dict.fromkeys(user_ids) if u and u not in self._names
                   and self._name_failures.get(u, float("-inf")) + NAME_RETRY_AFTER < now]
        if not missing:
            return
        try:
            async with asyncio.timeout(self._lookup_timeout):
                await asyncio.gather(*(self._look_up(u) for u in missing))
        except TimeoutError:
            logger.warning("Slack: users.info too slow for %s; names left out", missing)
            for user in missing:
                self._name_failures.setdefault(user, now)

    async def _look_up(self, user: str) -> None:
        try:
            response = await self._client.users_info(user=user)
        except _SDK_ERRORS as error:
            logger.warning("Slack: cannot look up user %s: %s", user, translate(error))
            self._name_failures[user] = self._monotonic()
            return
        data = response.get("user") or {}
        profile = data.get("profile") or {}
        self._names[user] = str(profile.get("display_name") or profile.get("real_name")
                                or data.get("real_name") or data.get("name") or "")
        self._name_failures.pop(user, None)

    def _name(self, user: str) -> str:
        return self._names.get(user, "")

    # ---- listeners

    def _register(self, app: AsyncApp) -> None:
        app.error(self._on_error)
        app.event("message")(self._on_message)
        app.event(re.compile(".*"))(self._on_other_event)
        app.command(SLASH_COMMAND)(self._on_command)
        app.action(re.compile(".*"))(self._on_action)
        app.shortcut(SAVE_SHORTCUT)(self._on_save_shortcut)
        app.view(STORY_CALLBACK)(self._on_story_submitted)
        app.view(SAVE_CALLBACK)(self._on_save_submitted)

    async def _on_message(self, body: dict[str, Any], context: AsyncBoltContext) -> None:
        event = body.get("event") or {}
        text = event.get("text") if isinstance(event, Mapping) else None
        mentions = mentioned_users(text) if isinstance(text, str) else []
        user = event.get("user") if isinstance(event, Mapping) else None
        await self._resolve([*([user] if isinstance(user, str) else []), *mentions])
        try:
            translated = inbound.message(body, user_name=self._name, now=self._clock.now(),
                                         bot_user_id=context.bot_user_id or "")
        except inbound.MalformedPayload as error:
            _skip("message event", error)
            return
        if translated is not None:
            await self._hand_over(translated)

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> BoltResponse:
        """Bolt's error handler: redeliver what the core failed to store, skip what is malformed."""
        if isinstance(error, SinkFailed):
            logger.error("Slack: %s; answering 500 so that Slack delivers it again", error,
                         exc_info=error.__cause__)
            return BoltResponse(status=500, body="")
        if isinstance(error, _PAYLOAD_ERRORS):
            _skip(f"{body.get('type') or 'request'} payload",
                  f"{type(error).__name__}: {error}")
            return BoltResponse(status=200, body="")
        logger.error("Slack: could not handle a %s payload; Slack may deliver it again",
                     body.get("type") or "request", exc_info=error)
        return BoltResponse(status=500, body="")

    async def _on_other_event(self, body: dict[str, Any]) -> None:
        logger.debug("Slack: ignored a %s event", (body.get("event") or {}).get("type"))

    async def _on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        self._remember_response_url(str(body.get("channel_id", "")), str(body.get("user_id", "")),
                                    body.get("response_url"))
        await self._resolve([str(body.get("user_id") or "")])
        try:
            command = inbound.slash_command(body, user_name=self._name, now=self._clock.now())
        except inbound.MalformedPayload as error:
            _skip("slash command", error)
            await ack()
            return
        if command.verb == "story" and not command.args:
            if await self._open_modal(body.get("trigger_id"), story_modal(
                    ModalContext(channel=command.chat))):
                await ack()
                return
        await self._hand_over(command)
        await ack()

    async def _on_action(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await self._resolve([str((body.get("user") or {}).get("id") or "")])
        try:
            presses = inbound.button_presses(body, user_name=self._name, now=self._clock.now())
        except inbound.MalformedPayload as error:
            _skip("button press", error)
            presses = []
        for press in presses:
            await self._hand_over(press)
        await ack()

    async def _on_save_shortcut(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        user = (body.get("user") or {}).get("id")
        author = message.get("user")
        text = message.get("text")
        if not (isinstance(channel, str) and isinstance(user, str) and isinstance(text, str)):
            _skip("message shortcut", inbound.MalformedPayload("no channel, user or text"))
            await ack()
            return
        if not isinstance(author, str) or message.get("bot_id"):
            await ack()
            await self._answer_hook(body.get("response_url"),
                                    "Only messages people wrote can be saved to the huddle.")
            return
        await self._resolve([author, *mentioned_users(text)])
        context = ModalContext(channel=channel, message_ts=str(message.get("ts") or ""),
                               thread_ts=str(message.get("thread_ts") or ""), author=author)
        await self._open_modal(body.get("trigger_id"), save_modal(
            context, text=plain_text(text, user_name=self._name), own_message=author == user))
        await ack()

    async def _on_story_submitted(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await self._submitted(ack, body, inbound.story_submission)

    async def _on_save_submitted(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await self._submitted(ack, body, inbound.save_submission)

    async def _submitted(self, ack: AsyncAck, body: dict[str, Any],
                         translate_submission: inbound.Submission) -> None:
        await self._resolve([str((body.get("user") or {}).get("id") or "")])
        try:
            command = translate_submission(body, user_name=self._name, now=self._clock.now())
        except inbound.MalformedPayload as error:
            _skip("modal submission", error)
            await ack()
            return
        await self._hand_over(command)
        await ack()

    async def _open_modal(self, trigger_id: object, view: dict[str, Any]) -> bool:
        if not isinstance(trigger_id, str) or not trigger_id:
            return False
        try:
            await self._client.views_open(trigger_id=trigger_id, view=view)
        except _SDK_ERRORS as error:
            logger.warning("Slack: could not open the %s modal: %s", view.get("callback_id"),
                           translate(error))
            return False
        return True

    async def _answer_hook(self, url: object, text: str) -> None:
        if not isinstance(url, str) or not url:
            return
        try:
            await AsyncWebhookClient(url, timeout=self._timeout).send(
                text=text, response_type="ephemeral")
        except _SDK_ERRORS as error:
            logger.warning("Slack: could not answer at response_url: %s", translate(error))


def _skip(what: str, error: object) -> None:
    logger.warning("Slack: skipped a malformed %s: %s", what, error)
