"""What bolt calls for each kind of Slack request, registered explicitly on the app.

Each listener reads the payload into the core's event (see `adapters.slack.inbound`), hands it
over, and only then acknowledges: with `process_before_response=True` Slack hears back once the
event is stored. A payload that cannot be read is logged and acknowledged, never retried; an event
the core failed to store is answered so that Slack delivers it again (`adapters.common.handover`).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.common.handover import REDELIVER_STATUS, NotStored
from adapters.slack import inbound
from adapters.slack.blocks import (
    SAVE_CALLBACK,
    STORY_CALLBACK,
    ModalContext,
    save_modal,
    story_modal,
)
from adapters.slack.errors import SDK_ERRORS, translate
from adapters.slack.people import UserDirectory
from adapters.slack.sending import SlackSender
from adapters.slack.text import mentioned_users, plain_text
from bot.core.clock import Clock
from bot.core.events import InboundEvent

logger = logging.getLogger(__name__)

SLASH_COMMAND = "/huddle"
SAVE_SHORTCUT = "save_to_huddle"
NOT_A_PERSON = "Only messages people wrote can be saved to the huddle."
CALL_BUDGET = 2.0
"""Seconds a listener may spend on one Slack call, so the acknowledgement stays within 3 s."""

HandOver = Callable[[InboundEvent], Awaitable[None]]
"""Gives an event to the core; raises `NotStored` when it could not be stored."""


def skip(what: str, reason: object) -> None:
    """Log a payload that cannot be read, with the reason; the caller acknowledges it."""
    logger.warning("Slack: skipped a malformed %s: %s", what, reason)


class SlackListeners:
    """The bolt listeners of one adapter."""

    def __init__(
        self,
        *,
        client: AsyncWebClient,
        people: UserDirectory,
        sender: SlackSender,
        clock: Clock,
        hand_over: HandOver,
        timeout: int,
    ) -> None:
        self._client = client
        self._people = people
        self._sender = sender
        self._clock = clock
        self._hand_over = hand_over
        self._timeout = timeout

    def register(self, app: AsyncApp) -> None:
        app.error(self.on_error)
        app.event("message")(self.on_message)
        app.event(re.compile(".*"))(self.on_other_event)
        app.command(SLASH_COMMAND)(self.on_command)
        app.action(re.compile(".*"))(self.on_action)
        app.shortcut(SAVE_SHORTCUT)(self.on_save_shortcut)
        app.view(STORY_CALLBACK)(self.on_story_submitted)
        app.view(SAVE_CALLBACK)(self.on_save_submitted)

    async def on_error(self, error: Exception, body: dict[str, Any]) -> BoltResponse:
        """Redeliver what the core failed to store; skip what is malformed."""
        kind = body.get("type") or "request"
        if isinstance(error, NotStored):
            logger.error(
                "Slack: %s; answering %d so that Slack delivers it again",
                error,
                REDELIVER_STATUS,
                exc_info=error.__cause__,
            )
            return BoltResponse(status=REDELIVER_STATUS, body="")
        if isinstance(error, inbound.PAYLOAD_ERRORS):
            skip(f"{_kind(kind)} payload", type(error).__name__)
            return BoltResponse(status=200, body="")
        logger.error(
            "Slack: could not handle a %s payload; Slack may deliver it again", kind, exc_info=error
        )
        return BoltResponse(status=500, body="")

    async def on_message(self, body: dict[str, Any], context: AsyncBoltContext) -> None:
        event = body.get("event")
        if isinstance(event, Mapping):
            text = event.get("text")
            await self._people.resolve(
                [event.get("user"), *(mentioned_users(text) if isinstance(text, str) else [])]
            )
        try:
            translated = inbound.message(
                body,
                user_name=self._people.name,
                now=self._clock.now(),
                bot_user_id=context.bot_user_id or "",
            )
        except inbound.MalformedPayload as error:
            skip("message event", error)
            return
        if translated is not None:
            await self._hand_over(translated)

    async def on_other_event(self, body: dict[str, Any]) -> None:
        logger.debug("Slack: ignored a %s event", (body.get("event") or {}).get("type"))

    async def on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        self._sender.remember_response_url(
            str(body.get("channel_id") or ""),
            str(body.get("user_id") or ""),
            body.get("response_url"),
        )
        await self._people.resolve([body.get("user_id")])
        try:
            command = inbound.slash_command(
                body, user_name=self._people.name, now=self._clock.now()
            )
        except inbound.MalformedPayload as error:
            skip("slash command", error)
            await ack()
            return
        wants_modal = command.verb == "story" and not command.args
        if not (
            wants_modal
            and await self._open_modal(
                body.get("trigger_id"), story_modal(ModalContext(channel=command.chat))
            )
        ):
            await self._hand_over(command)
        await ack()

    async def on_action(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await self._people.resolve([(body.get("user") or {}).get("id")])
        try:
            presses = inbound.button_presses(
                body, user_name=self._people.name, now=self._clock.now()
            )
        except inbound.MalformedPayload as error:
            skip("button press", error)
            presses = []
        for press in presses:
            await self._hand_over(press)
        await ack()

    async def on_save_shortcut(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        user = (body.get("user") or {}).get("id")
        author = message.get("user")
        text = message.get("text")
        if not (isinstance(channel, str) and isinstance(user, str) and isinstance(text, str)):
            skip("message shortcut", "no channel, user or text")
            await ack()
            return
        if not isinstance(author, str) or message.get("bot_id"):
            await ack()
            await self._answer_hook(body.get("response_url"), NOT_A_PERSON)
            return
        await self._people.resolve([author, *mentioned_users(text)])
        context = ModalContext(
            channel=channel,
            message_ts=str(message.get("ts") or ""),
            thread_ts=str(message.get("thread_ts") or ""),
            author=author,
        )
        await self._open_modal(
            body.get("trigger_id"),
            save_modal(
                context,
                text=plain_text(text, user_name=self._people.name),
                own_message=author == user,
            ),
        )
        await ack()

    async def on_story_submitted(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await self._submitted(ack, body, inbound.story_submission)

    async def on_save_submitted(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        author = _metadata_author(body)
        if author:
            await self._people.resolve([author])  # so the author's name is known to the core
        await self._submitted(ack, body, inbound.save_submission)

    async def _submitted(
        self, ack: AsyncAck, body: dict[str, Any], read: inbound.Submission
    ) -> None:
        await self._people.resolve([(body.get("user") or {}).get("id")])
        try:
            command = read(body, user_name=self._people.name, now=self._clock.now())
        except inbound.MalformedPayload as error:
            skip("modal submission", error)
            await ack()
            return
        await self._hand_over(command)
        await ack()

    async def _open_modal(self, trigger_id: object, view: dict[str, Any]) -> bool:
        if not isinstance(trigger_id, str) or not trigger_id:
            return False
        try:
            async with asyncio.timeout(CALL_BUDGET):
                await self._client.views_open(trigger_id=trigger_id, view=view)
        except SDK_ERRORS as error:
            logger.warning(
                "Slack: could not open the %s modal: %s", view.get("callback_id"), translate(error)
            )
            return False
        return True

    async def _answer_hook(self, url: object, text: str) -> None:
        if not isinstance(url, str) or not url:
            return
        try:
            async with asyncio.timeout(CALL_BUDGET):
                await AsyncWebhookClient(url, timeout=self._timeout).send(
                    text=text, response_type="ephemeral"
                )
        except SDK_ERRORS as error:
            logger.warning("Slack: could not answer at response_url: %s", translate(error))


def _metadata_author(body: dict[str, Any]) -> str:
    """The author named in a "Save to huddle" modal's metadata, or "" when unreadable."""
    try:
        metadata = str((body.get("view") or {}).get("private_metadata"))
        return inbound.ModalContext.decode(metadata).author
    except (ValueError, TypeError, RecursionError):
        return ""


def _kind(kind: object) -> str:
    """A payload's type for a log line: short, and only if it looks like a type name."""
    text = str(kind)
    return text if len(text) <= 40 and text.replace("_", "").isalnum() and text.isascii() else "?"
