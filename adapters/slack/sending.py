"""One delivery to Slack: `chat.postMessage` (paced), or `chat.postEphemeral` for one person.

An ephemeral answer to a `/huddle` used where the bot is not a member (another channel, a direct
message between two people) cannot be posted with `chat.postEphemeral`; it goes through the
command's `response_url` instead, which Slack accepts for 30 minutes.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blocks import message_blocks
from adapters.slack.errors import SDK_ERRORS, translate
from adapters.slack.history import part_metadata
from adapters.slack.pacing import Monotonic, Pacer
from bot.core.messages import Delivery
from bot.errors import DeliveryError, RateLimited, TransientError, Undeliverable

logger = logging.getLogger(__name__)

RESPONSE_URL_LIFETIME = 30 * 60.0
_MAX_REMEMBERED = 1000


class SlackSender:
    """Sends deliveries; raises `RateLimited`, `Undeliverable`, `TransientError`, or a plain
    `DeliveryError` when Slack refuses for good for a reason other than the room."""

    def __init__(
        self, client: AsyncWebClient, pacer: Pacer, *, monotonic: Monotonic, timeout: int
    ) -> None:
        self._client = client
        self._pacer = pacer
        self._monotonic = monotonic
        self._timeout = timeout
        self._response_urls: dict[tuple[str, str], tuple[str, float]] = {}

    async def send(self, delivery: Delivery) -> str:
        """Post `delivery`; return the message ts (for an ephemeral one, its ts or the key)."""
        blocks = message_blocks(delivery.text, delivery.buttons) or None
        try:
            if delivery.ephemeral_to:
                return await self._send_ephemeral(delivery, delivery.ephemeral_to, blocks)
            await self._pacer.wait(delivery.chat)
            response = await self._client.chat_postMessage(
                channel=delivery.chat,
                text=delivery.text,
                blocks=blocks,
                thread_ts=delivery.thread_ref,
                unfurl_links=False,
                unfurl_media=False,
                metadata=part_metadata(delivery),
            )
        except SDK_ERRORS as error:
            raise self._failed(delivery, translate(error)) from error
        ts = response.get("ts")
        if not isinstance(ts, str) or not ts:
            logger.warning("Slack posted %s to %s but named no ts", delivery.key, delivery.chat)
            return delivery.key
        return ts

    def remember_response_url(self, channel: str, user: str, url: object) -> None:
        """Keep a slash command's response_url for answering `user` in `channel`."""
        if not (isinstance(url, str) and url and channel and user):
            return
        now = self._monotonic()
        if len(self._response_urls) >= _MAX_REMEMBERED:
            self._response_urls = {k: v for k, v in self._response_urls.items() if v[1] > now}
        self._response_urls[(channel, user)] = (url, now + RESPONSE_URL_LIFETIME)

    def _response_url(self, channel: str, user: str) -> str | None:
        found = self._response_urls.get((channel, user))
        if found is None or found[1] <= self._monotonic():
            return None
        return found[0]

    async def _send_ephemeral(
        self, delivery: Delivery, user: str, blocks: list[dict[str, Any]] | None
    ) -> str:
        try:
            response = await self._client.chat_postEphemeral(
                channel=delivery.chat,
                user=user,
                text=delivery.text,
                blocks=blocks,
                thread_ts=delivery.thread_ref,
            )
        except SlackApiError as error:
            url = self._response_url(delivery.chat, user)
            if url is None or not isinstance(translate(error), Undeliverable):
                raise
            hook = await AsyncWebhookClient(url, timeout=self._timeout).send(
                text=delivery.text, blocks=blocks, response_type="ephemeral"
            )
            if hook.status_code != 200:
                raise
            return delivery.key
        return str(response.get("message_ts") or delivery.key)

    def _failed(self, delivery: Delivery, failure: DeliveryError) -> DeliveryError:
        if isinstance(failure, Undeliverable):
            logger.warning(
                "Slack: cannot deliver %s to %s (%s): %s",
                delivery.key,
                delivery.chat,
                failure.reason,
                failure.hint,
            )
        elif isinstance(failure, RateLimited):
            self._pacer.hold(delivery.chat, failure.retry_after)
            logger.info(
                "Slack: %s to %s still rate limited; retry in %gs",
                delivery.key,
                delivery.chat,
                failure.retry_after,
            )
        elif isinstance(failure, TransientError):
            logger.warning(
                "Slack: sending %s to %s failed: %s", delivery.key, delivery.chat, failure
            )
        else:
            logger.error(
                "Slack: %s to %s refused for good: %s", delivery.key, delivery.chat, failure
            )
        return failure
