"""Inbound Slack payloads for tests, shaped as Slack sends them, and their request signatures.

Events API envelopes follow `GenericEventWrapper` in Slack's AsyncAPI spec (every builder checks
its envelope against it). Slash commands arrive as form bodies; interactions (buttons, shortcuts,
modal submissions) as a form body with one `payload` field holding JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID
from tests.fakes.spec import envelope_problems

APP_ID = "AHUDDLE"
SIGNING_SECRET = "test-signing-secret"

_event_ids = itertools.count(1)


def sign(body: str | bytes, *, timestamp: int, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """The headers Slack adds to a request: `v0:{ts}:{body}` signed with HMAC-SHA256."""
    raw = body.encode() if isinstance(body, str) else body
    base = b"v0:" + str(timestamp).encode() + b":" + raw
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


def json_request(
    payload: Mapping[str, Any],
    *,
    timestamp: int,
    secret: str = SIGNING_SECRET,
    retry_num: int | None = None,
) -> tuple[str, dict[str, str]]:
    """A signed Events API request: the body and its headers."""
    body = json.dumps(payload)
    headers = {"Content-Type": "application/json", **sign(body, timestamp=timestamp, secret=secret)}
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    return body, headers


def form_request(
    fields: Mapping[str, str], *, timestamp: int, secret: str = SIGNING_SECRET
) -> tuple[str, dict[str, str]]:
    """A signed form-encoded request (slash commands, interactions)."""
    body = urlencode(fields)
    return body, {
        "Content-Type": "application/x-www-form-urlencoded",
        **sign(body, timestamp=timestamp, secret=secret),
    }


def interaction_fields(payload: Mapping[str, Any]) -> dict[str, str]:
    return {"payload": json.dumps(payload)}


# ---- Events API


def envelope(
    event: Mapping[str, Any],
    *,
    event_id: str | None = None,
    team_id: str = TEAM_ID,
    event_time: int = 1_700_000_000,
) -> dict[str, Any]:
    """Wrap one event as Slack's Events API delivers it (checked against the spec)."""
    wrapped = {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": APP_ID,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_ids):08d}",
        "event_time": event_time,
        "authed_users": [BOT_USER_ID],
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    problems = envelope_problems(wrapped)
    assert not problems, problems
    return wrapped


def message_event(
    *,
    channel: str,
    user: str,
    text: str,
    ts: str,
    thread_ts: str | None = None,
    channel_type: str = "channel",
    team: str = TEAM_ID,
    **extra: Any,
) -> dict[str, Any]:
    """A `message` event (message.channels / .groups / .im, by `channel_type`)."""
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": channel_type,
        "team": team,
        "client_msg_id": f"client-{ts}",
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
        event["parent_user_id"] = BOT_USER_ID
    event.update(extra)
    return event


def url_verification(challenge: str) -> dict[str, Any]:
    return {
        "token": "legacy-verification-token",
        "challenge": challenge,
        "type": "url_verification",
    }


# ---- slash commands


def slash_command(
    *,
    text: str,
    user_id: str,
    channel_id: str,
    trigger_id: str,
    response_url: str = "https://hooks.slack.invalid/commands/1",
    channel_name: str = "general",
    team_id: str = TEAM_ID,
    user_name: str = "someone",
) -> dict[str, str]:
    """The form fields of a `/huddle` invocation."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": "huddle-test",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": "/huddle",
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


# ---- interactions


def block_actions(
    *,
    user_id: str,
    channel_id: str,
    message_ts: str,
    action_id: str,
    value: str,
    action_ts: str,
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """A button press on a message the bot posted."""
    return {
        "type": "block_actions",
        "user": {"id": user_id, "username": "someone", "name": "someone", "team_id": team_id},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        },
        "trigger_id": f"trigger-{action_ts}",
        "team": {"id": team_id, "domain": "huddle-test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "general"},
        "message": {"type": "message", "ts": message_ts, "bot_id": "BHUDDLE", "text": "..."},
        "response_url": "https://hooks.slack.invalid/actions/1",
        "actions": [
            {
                "action_id": action_id,
                "block_id": "huddle-actions-0",
                "type": "button",
                "value": value,
                "action_ts": action_ts,
                "text": {"type": "plain_text", "text": "label"},
            }
        ],
    }


def message_shortcut(
    *,
    user_id: str,
    channel_id: str,
    author: str | None,
    text: str,
    message_ts: str,
    trigger_id: str,
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """ "Save to huddle" used on a channel message."""
    message: dict[str, Any] = {"type": "message", "text": text, "ts": message_ts}
    if author is not None:
        message["user"] = author
    else:
        message["bot_id"] = "BOTHER"
    return {
        "type": "message_action",
        "callback_id": "save_to_huddle",
        "trigger_id": trigger_id,
        "message_ts": message_ts,
        "token": "legacy-verification-token",
        "team": {"id": team_id, "domain": "huddle-test"},
        "user": {"id": user_id, "name": "someone", "team_id": team_id},
        "channel": {"id": channel_id, "name": "general"},
        "message": message,
        "response_url": "https://hooks.slack.invalid/shortcut/1",
    }


def view_submission(
    *,
    user_id: str,
    view: Mapping[str, Any],
    values: Mapping[str, Any],
    view_id: str = "V00000001",
    team_id: str = TEAM_ID,
) -> dict[str, Any]:
    """A modal submitted: `view` is what the app opened, `values` the state Slack reports."""
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "huddle-test"},
        "user": {"id": user_id, "name": "someone", "team_id": team_id},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": "trigger-view",
        "view": {
            **view,
            "id": view_id,
            "team_id": team_id,
            "state": {"values": values},
            "hash": "1700000000.abc",
        },
        "response_urls": [],
    }


def text_input_state(block_id: str, action_id: str, value: str) -> dict[str, Any]:
    return {block_id: {action_id: {"type": "plain_text_input", "value": value}}}


def choice_state(block_id: str, action_id: str, value: str) -> dict[str, Any]:
    return {
        block_id: {
            action_id: {
                "type": "radio_buttons",
                "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
            }
        }
    }
