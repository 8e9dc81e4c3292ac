"""Slack SDK failures translated into `bot.errors` at the adapter's boundary.

- HTTP 429, or the `ratelimited` error               -> RateLimited(retry_after)
- the bot cannot write in that room until a person acts there (not invited, archived, posting
  restricted)                                          -> Undeliverable(reason, hint=what to do)
- Slack refuses for good, but not because of the room: the whole installation (token revoked,
  scope missing) or this one message (`invalid_blocks`, a person who left the channel)
                                                       -> DeliveryError, saying what to do
- 5xx, timeouts, connection failures, a body that is not JSON, anything else -> TransientError

`Undeliverable` makes the core mark the room unreachable, so it is kept for what is wrong with
the room; the outbox marks a part refused with a plain `DeliveryError` failed without retrying.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack.pacing import retry_after
from bot.errors import DeliveryError, RateLimited, TransientError, Undeliverable

SDK_ERRORS = (SlackApiError, SlackClientError, aiohttp.ClientError, asyncio.TimeoutError)
"""What a Web API call through the SDK raises when it fails."""

_REINSTALL = (
    "the bot token is not valid any more: reinstall the Slack app and set "
    "SLACK_BOT_TOKEN to its new bot token"
)
_BUG = "huddlebot built it wrongly; please report this as a bug"

HINTS: Mapping[str, str] = {
    "not_in_channel": "invite the bot with /invite @huddlebot in that channel",
    "channel_not_found": (
        "the channel is private or was deleted: invite the bot there with "
        "/invite @huddlebot, or correct the room's channel id in huddlebot.toml"
    ),
    "is_archived": "the channel is archived: unarchive it, or point the circle's room at another",
    "restricted_action": "a workspace admin has restricted posting in that channel",
}
"""Slack error codes about the room that no retry will fix, with what a person should do."""

TOKEN_REFUSED = frozenset(
    {"account_inactive", "invalid_auth", "not_authed", "token_revoked", "token_expired"}
)
"""Slack error codes meaning the bot token itself is not accepted."""


REFUSED: Mapping[str, str] = {
    **dict.fromkeys(TOKEN_REFUSED, _REINSTALL),
    "no_permission": "reinstall the Slack app from slack/manifest.yml so it has every scope",
    "missing_scope": "reinstall the Slack app from slack/manifest.yml so it has every scope",
    "team_access_not_granted": "the app is not installed in that workspace",
    "ekm_access_denied": "the workspace's key management refused access",
    "invalid_blocks": _BUG,
    "invalid_blocks_format": _BUG,
    "invalid_arguments": _BUG,
    "invalid_arg_name": _BUG,
    "msg_too_long": _BUG,
    "no_text": _BUG,
    "too_many_attachments": _BUG,
    "user_not_in_channel": "the person left that channel, so a private answer cannot reach them",
}
"""Slack error codes that no retry will fix but that say nothing about the room."""


def _status(error: SlackApiError) -> int | None:
    response = error.response
    for name in ("status_code", "status"):
        value = getattr(response, name, None)
        if isinstance(value, int):
            return value
    return None


def error_code(error: Exception) -> str:
    """Slack's error code of a failed Web API call (`invalid_auth`), or "" when it has none."""
    if not isinstance(error, SlackApiError):
        return ""
    data = getattr(error.response, "data", None)
    if isinstance(data, Mapping):
        return str(data.get("error") or "")
    return ""


def translate(error: Exception) -> DeliveryError:
    """The `bot.errors` value for a failure of a Web API call."""
    if isinstance(error, SlackApiError):
        status = _status(error)
        code = error_code(error)
        if status == 429 or code == "ratelimited":
            headers = getattr(error.response, "headers", None)
            return RateLimited(retry_after(headers), "Slack asked us to slow down")
        if code in HINTS:
            return Undeliverable(code, hint=HINTS[code])
        if code in REFUSED:
            return DeliveryError(f"Slack refused the message ({code}): {REFUSED[code]}")
        what = code or (f"HTTP {status}" if status else str(error))
        return TransientError(f"Slack failed: {what}")
    if isinstance(error, aiohttp.ClientError | asyncio.TimeoutError | SlackClientError):
        return TransientError(f"could not reach Slack: {type(error).__name__}: {error}")
    return TransientError(f"unexpected error talking to Slack: {type(error).__name__}: {error}")
