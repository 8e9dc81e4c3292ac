"""Slack payloads translated into the core's event values (pure functions, no I/O).

Every function either returns an event, returns None for something the core should never see
(a bot's message, an edit, a deletion), or raises `MalformedPayload` with the reason. Display
names come from `user_name`, which reads the adapter's cache (filled before translating).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from adapters.slack.blocks import (
    KIND_ACTION,
    KIND_BLOCK,
    SAVE_KINDS,
    TEXT_ACTION,
    TEXT_BLOCK,
    ModalContext,
    action_name,
    state_value,
)
from adapters.slack.text import UserName, plain_text
from bot.core import checks
from bot.core.events import (
    ButtonPress,
    Command,
    DirectMessage,
    InboundEvent,
    Message,
    Nomination,
    Reply,
    Sender,
)

PLATFORM = "slack"
USER_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})
"""Message subtypes that carry words a person wrote; every other subtype is ignored."""


class MalformedPayload(ValueError):
    """A payload the adapter cannot read; the reason says what is wrong."""


VALUE_LIMIT = 2000
"""The longest button value Slack sends back."""

PAYLOAD_ERRORS = (KeyError, IndexError, TypeError, AttributeError, ValueError)
"""What reading a payload that lacks what is expected raises (here or inside bolt)."""


def _str(data: Mapping[str, Any], key: str, what: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise MalformedPayload(f"{what} has no '{key}'")
    return _id(value, f"{what} '{key}'")


def _id(value: object, what: str, *, optional: bool = False) -> str:
    """`value` through the core's boundary check for ids, as a `MalformedPayload` when refused."""
    try:
        if optional:
            return checks.optional_identifier(value, what=what)
        return checks.identifier(value, what=what)
    except checks.Refused as refused:
        raise MalformedPayload(str(refused)) from None


def _text(value: object, what: str, *, limit: int = checks.TEXT_LIMIT) -> str:
    try:
        return checks.text(value, what=what, limit=limit)
    except checks.Refused as refused:
        raise MalformedPayload(str(refused)) from None


def _dict(data: Mapping[str, Any], key: str, what: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise MalformedPayload(f"{what} has no '{key}' object")
    return value


def _sender(user_id: str, team_id: str, user_name: UserName, fallback: str = "") -> Sender:
    # Slack lets an app write to a person's DM with it by their user id, so the user id is the
    # private address from the first event on.
    return Sender(
        platform=PLATFORM,
        user_id=user_id,
        display_name=checks.name(user_name(user_id) or fallback, what="display name"),
        team_id=team_id,
        dm_chat=user_id,
    )


def is_dm(channel: str) -> bool:
    """Whether a channel id is a direct message with the bot."""
    return channel.startswith("D")


def message(
    body: Mapping[str, Any], *, user_name: UserName, now: datetime, bot_user_id: str = ""
) -> InboundEvent | None:
    """A `message` event (Events API envelope `body`) as Reply, DirectMessage or Message."""
    event = _dict(body, "event", "event envelope")
    if event.get("subtype") not in USER_SUBTYPES or event.get("bot_id") or event.get("hidden"):
        return None
    user = _str(event, "user", "message event")
    if bot_user_id and user == bot_user_id:
        return None
    channel = _str(event, "channel", "message event")
    ts = _str(event, "ts", "message event")
    text = event.get("text")
    if not isinstance(text, str):
        raise MalformedPayload("message event has no 'text'")
    team = _id(
        event.get("user_team") or event.get("team") or body.get("team_id"), "team", optional=True
    )
    event_id = _id(body.get("event_id"), "event_id", optional=True)
    common: dict[str, Any] = {
        "platform": PLATFORM,
        "dedup_key": event_id or f"{channel}:{ts}",
        "sender": _sender(user, team, user_name),
        "chat": channel,
        "received_at": now,
        "raw": body,
        "text": _text(plain_text(text, user_name=user_name), "message text"),
        "message_ref": ts,
    }
    thread_ts = _id(event.get("thread_ts"), "thread_ts", optional=True)
    if thread_ts and thread_ts != ts:
        return Reply(in_reply_to=thread_ts, **common)
    if event.get("channel_type") == "im" or is_dm(channel):
        return DirectMessage(**common)
    return Message(**common)


def split_command(text: str) -> tuple[str, str]:
    """`/huddle` text as (verb, args); no verb means `help`."""
    parts = text.strip().split(None, 1)
    if not parts:
        return "help", ""
    return parts[0].lower(), parts[1].strip() if len(parts) > 1 else ""


def slash_command(body: Mapping[str, Any], *, user_name: UserName, now: datetime) -> Command:
    """`/huddle <verb> <args>` as a Command."""
    channel = _str(body, "channel_id", "slash command")
    user = _str(body, "user_id", "slash command")
    trigger = _str(body, "trigger_id", "slash command")
    words = _text(body.get("text") or "", "slash command text")
    verb, args = split_command(plain_text(words, user_name=user_name))
    return Command(
        platform=PLATFORM,
        dedup_key=f"cmd:{trigger}",
        sender=_sender(
            user,
            _id(body.get("team_id"), "team_id", optional=True),
            user_name,
            str(body.get("user_name") or ""),
        ),
        chat=channel,
        received_at=now,
        raw=body,
        verb=verb[: checks.ID_LIMIT],
        args=args,
        private=is_dm(channel) or body.get("channel_name") == "directmessage",
    )


def button_presses(
    body: Mapping[str, Any], *, user_name: UserName, now: datetime
) -> list[ButtonPress]:
    """A `block_actions` payload as one ButtonPress per action (Slack sends one in practice)."""
    user = _dict(body, "user", "block_actions")
    user_id = _str(user, "id", "block_actions user")
    team = _id(user.get("team_id") or _dict_or_empty(body, "team").get("id"), "team", optional=True)
    container = _dict_or_empty(body, "container")
    channel = _dict_or_empty(body, "channel").get("id") or container.get("channel_id")
    if not isinstance(channel, str) or not channel:
        raise MalformedPayload("block_actions has no channel")
    channel = _id(channel, "block_actions channel")
    message_ref = _id(
        container.get("message_ts") or _dict_or_empty(body, "message").get("ts"),
        "message ts",
        optional=True,
    )
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions:
        raise MalformedPayload("block_actions has no actions")
    presses = []
    for action in actions:
        if not isinstance(action, Mapping):
            raise MalformedPayload("an action is not an object")
        raw_id = _str(action, "action_id", "action")
        action_ts = _str(action, "action_ts", "action")
        presses.append(
            ButtonPress(
                platform=PLATFORM,
                dedup_key=f"act:{action_ts}:{raw_id}",
                sender=_sender(user_id, team, user_name, str(user.get("name") or "")),
                chat=channel,
                received_at=now,
                raw=body,
                action=action_name(raw_id),
                value=_text(action.get("value") or "", "action value", limit=VALUE_LIMIT),
                message_ref=message_ref or None,
            )
        )
    return presses


def _submission(body: Mapping[str, Any]) -> tuple[Mapping[str, Any], str, str, ModalContext]:
    view = _dict(body, "view", "view_submission")
    user = _dict(body, "user", "view_submission")
    try:
        context = ModalContext.decode(str(view.get("private_metadata") or ""))
    except (ValueError, RecursionError) as error:
        raise MalformedPayload(
            f"view_submission metadata unreadable ({type(error).__name__})"
        ) from None
    team = _id(user.get("team_id") or _dict_or_empty(body, "team").get("id"), "team", optional=True)
    return view, _str(user, "id", "view_submission user"), team, _checked_context(context)


def _dict_or_empty(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def _checked_context(context: ModalContext) -> ModalContext:
    return ModalContext(
        channel=_id(context.channel, "modal channel"),
        message_ts=_id(context.message_ts, "modal message ts", optional=True),
        thread_ts=_id(context.thread_ts, "modal thread ts", optional=True),
        author=_id(context.author, "modal author", optional=True),
    )


def story_submission(body: Mapping[str, Any], *, user_name: UserName, now: datetime) -> Command:
    """The story modal submitted: a `story` Command with the story's words."""
    view, user, team, context = _submission(body)
    return Command(
        platform=PLATFORM,
        dedup_key=f"view:{_str(view, 'id', 'view')}",
        sender=_sender(user, team, user_name),
        chat=context.channel,
        received_at=now,
        raw=body,
        verb="story",
        args=_text(state_value(view, TEXT_BLOCK, TEXT_ACTION), "story text").strip(),
        private=is_dm(context.channel),
    )


def save_submission(
    body: Mapping[str, Any], *, user_name: UserName, now: datetime
) -> Command | Nomination:
    """The "Save to huddle" modal submitted.

    From the message's author it is a Command of the chosen kind: their entry in their words.
    From anyone else it is a Nomination: the words stay the author's, and the author decides.
    """
    view, user, team, context = _submission(body)
    kind = state_value(view, KIND_BLOCK, KIND_ACTION)
    if kind not in SAVE_KINDS:
        raise MalformedPayload("unknown entry kind")
    text = _text(state_value(view, TEXT_BLOCK, TEXT_ACTION), "saved text").strip()
    common: dict[str, Any] = {
        "platform": PLATFORM,
        "dedup_key": f"view:{_str(view, 'id', 'view')}",
        "sender": _sender(user, team, user_name),
        "chat": context.channel,
        "received_at": now,
        "raw": body,
    }
    if context.author and context.author != user:
        return Nomination(
            verb=SAVE_KINDS[kind][0],
            text=text,
            author=_sender(context.author, team, user_name),
            message_ref=context.message_ts,
            **common,
        )
    return Command(
        verb=SAVE_KINDS[kind][0],
        args=text,
        private=is_dm(context.channel),
        thread_ref=context.thread_ts or context.message_ts or None,
        **common,
    )


class Submission(Protocol):
    """The shape of `story_submission` and `save_submission`."""

    def __call__(
        self, body: Mapping[str, Any], *, user_name: UserName, now: datetime
    ) -> Command | Nomination: ...
