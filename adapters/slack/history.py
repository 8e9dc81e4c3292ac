"""Finding a part in a channel's history after a crash, by the metadata it was posted with.

Every message the bot posts carries message metadata of type `PART_EVENT` whose payload holds the
part's outbox key. After a crash mid-send the dispatcher asks whether that part reached Slack:
this module reads the channel's history (or the thread's replies) since the part was queued and
looks for the key. Found: the part was posted, and its ts is returned. The whole history since
then read without finding it: it was not posted, and None is returned. Anything else (an
ephemeral answer, which history never shows; a message addressed to a person's user id rather
than a conversation; a missing scope; a network failure; an answer that lists no `messages`;
more history than `MAX_PAGES` pages) raises `DeliveryError`: Slack could not tell. Reading history
uses the `channels:history`, `groups:history` and `im:history` scopes the bot already has for the
replies it listens to.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import SDK_ERRORS, translate
from bot.core.messages import Delivery
from bot.errors import DeliveryError

PART_EVENT = "huddlebot_part"
PAGE = 200
MAX_PAGES = 10
CLOCK_SLACK = timedelta(minutes=5)
"""Read from this long before the part was queued, in case the clocks disagree."""


def part_metadata(delivery: Delivery) -> dict[str, Any]:
    """The metadata a part is posted with, so it can be found again."""
    return {"event_type": PART_EVENT, "event_payload": {"key": delivery.key}}


async def find_posted(client: AsyncWebClient, delivery: Delivery, *, since: datetime) -> str | None:
    """The ts of the message posted for `delivery`, None if it is surely not there."""
    if delivery.ephemeral_to:
        raise DeliveryError("an ephemeral answer does not appear in a channel's history")
    if not delivery.chat.startswith(("C", "G", "D")):
        raise DeliveryError("a message addressed to a person's id cannot be looked up by channel")
    oldest = f"{(since - CLOCK_SLACK).timestamp():.6f}"
    cursor: str | None = None
    for _page in range(MAX_PAGES):
        try:
            if delivery.thread_ref:
                response = await client.conversations_replies(
                    channel=delivery.chat,
                    ts=delivery.thread_ref,
                    oldest=oldest,
                    limit=PAGE,
                    cursor=cursor,
                    include_all_metadata=True,
                )
            else:
                response = await client.conversations_history(
                    channel=delivery.chat,
                    oldest=oldest,
                    limit=PAGE,
                    cursor=cursor,
                    include_all_metadata=True,
                )
        except SDK_ERRORS as error:
            raise DeliveryError(
                f"could not read the history of {delivery.chat}: {translate(error)}"
            ) from error
        messages = response.get("messages")
        if not isinstance(messages, list):
            raise DeliveryError(f"the history of {delivery.chat} came back without messages")
        for message in messages:
            if _is_part(message, delivery.key):
                return str(message.get("ts") or delivery.key)
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not response.get("has_more") or not cursor:
            return None
    raise DeliveryError(f"more than {MAX_PAGES * PAGE} messages in {delivery.chat} to search")


def _is_part(message: Any, key: str) -> bool:
    if not isinstance(message, dict):
        return False
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != PART_EVENT:
        return False
    payload = metadata.get("event_payload")
    return isinstance(payload, dict) and payload.get("key") == key
