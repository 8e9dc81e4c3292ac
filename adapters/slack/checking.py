"""`huddlebot check` for Slack: is the token accepted (`auth.test`), and is the bot in each
configured channel (`conversations.info`, its `is_member`)? Nothing is posted."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import TOKEN_REFUSED, error_code
from bot.core.ports import Finding, RoomToCheck

SUBJECT = "Slack"


def _error_of(error: SlackClientError) -> str:
    return error_code(error) or type(error).__name__


async def check_slack(client: AsyncWebClient, rooms: Sequence[RoomToCheck]) -> list[Finding]:
    """One finding for the token, then one for each configured channel."""
    try:
        who = await client.auth_test()
    except SlackClientError as error:
        reason = _error_of(error)
        if reason in TOKEN_REFUSED:
            return [
                Finding(
                    SUBJECT,
                    f"Slack did not accept SLACK_BOT_TOKEN ({reason})",
                    problem=True,
                    fix="copy the Bot User OAuth Token (xoxb-...) again from the app's "
                    "OAuth & Permissions page",
                )
            ]
        return [
            Finding(
                SUBJECT,
                f"could not reach Slack at {client.base_url} ({reason})",
                problem=True,
                fix="check the network, and SLACK_API_URL if you set it",
            )
        ]
    name = who.get("user") or "the bot"
    found = [Finding(SUBJECT, f"token accepted: @{name} in the workspace {who.get('team', '')}")]
    for room in rooms:
        found.append(await _channel(client, room, name=str(name)))
    return found


async def _channel(client: AsyncWebClient, room: RoomToCheck, *, name: str) -> Finding:
    where = f"channel {room.chat} ({room.circle})"
    try:
        answer = await client.conversations_info(channel=room.chat)
    except SlackClientError as error:
        reason = _error_of(error)
        if reason == "missing_scope":
            return Finding(
                SUBJECT,
                f"{where}: the app may not look at channels",
                problem=True,
                fix="add the channels:read and groups:read scopes (slack/manifest.yml has them) "
                "and reinstall the app",
            )
        if reason == "channel_not_found":
            return Finding(
                SUBJECT,
                f"{where}: Slack knows no channel with this id that the bot can see",
                problem=True,
                fix=f"check the id (channel details, at the bottom), and for a private channel "
                f"type /invite @{name} in it",
            )
        return Finding(SUBJECT, f"{where}: Slack answered {reason}", problem=True)
    channel = answer.get("channel") or {}
    title = f"#{channel['name']}" if channel.get("name") else room.chat
    where = f"{title} ({room.chat}, {room.circle})"
    if channel.get("is_archived"):
        return Finding(
            SUBJECT,
            f"{where}: the channel is archived",
            problem=True,
            fix="unarchive it, or give the circle another channel in the configuration",
        )
    if not channel.get("is_member"):
        return Finding(
            SUBJECT,
            f"{where}: the bot is not in this channel, so nothing it sends there arrives",
            problem=True,
            fix=f"in that channel, type /invite @{name}",
        )
    return Finding(SUBJECT, f"{where}: the bot is in the channel")
