"""Translate Telegram updates into the core's inbound events.

One pure function, `translate`, decides what an update means:

- `/start <payload>` in a private chat is `Started`;
- a command the bot knows (`/learned`, also `/learned@OurBot`) is a `Command`; a command
  addressed to another bot (`/learned@OtherBot`) is ignored, and so is an unknown command in a
  group unless it names this bot (then the core can answer it kindly);
- a message replying to one of the bot's own messages is a `Reply` (this reaches the bot even with
  privacy mode on);
- in a group, a message that starts by naming the bot (`@OurBot learned ...`, `@OurBot some
  words`) is read without the name: a verb makes it a `Command`, other words a `Message`, the
  name alone asks for help;
- other text is a `DirectMessage` in a private chat and a `Message` in a group;
- a button press (callback query) is a `ButtonPress`, from callback data `"<action>|<value>"`.

Anything else (edits, other service messages, stickers, other bots, channel posts) is `None`:
skipped. The service messages of a group that became a supergroup (`migrate_to_chat_id` in the old
group, `migrate_from_chat_id` in the new one) are read by `room_move_of`, before `translate`.
Deduplication keys come from chat and message ids (or the callback query id), never from
`update_id` alone, which Telegram may restart.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import CallbackQuery, Chat, Message, Update, User

from adapters.telegram.start_links import StartLinks
from adapters.telegram.updates import loggable_id
from bot.core import checks
from bot.core.events import (
    ButtonPress,
    Command,
    DirectMessage,
    InboundEvent,
    Reply,
    Sender,
    Started,
)
from bot.core.events import (
    Message as RoomMessage,
)
from bot.core.ports import RoomMove

log = logging.getLogger(__name__)

PLATFORM = "telegram"
SUPERGROUP = "the group became a supergroup"
CALLBACK_SEPARATOR = "|"
CALLBACK_LIMIT = 64
"""Telegram's limit for a button's callback data, in bytes."""
DEFAULT_VERBS = frozenset(
    {
        "learned",
        "blocker",
        "celebrate",
        "story",
        "experiment",
        "reflect",
        "question",
        "help",
        "prompt",
        "digest",
    }
)
ALLOWED_UPDATES = ("message", "callback_query")
"""The update types `translate` understands; ask Telegram for these only."""

_COMMAND = re.compile(
    r"^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)\s*(.*)$", re.DOTALL
)


_MENTION = re.compile(r"^@([A-Za-z0-9_]{1,64})(?=\s|$|[,:])[,:]?(.*)$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """Who the bot is on Telegram, as `getMe` said."""

    id: int
    username: str


def translate(
    update: Update,
    *,
    me: BotIdentity,
    links: StartLinks,
    now: datetime,
    verbs: Collection[str] = DEFAULT_VERBS,
) -> InboundEvent | None:
    """The inbound event an update means, or None when it is nothing for the core."""
    if update.message is not None:
        return _from_message(update.message, me=me, links=links, verbs=verbs, raw=update.to_dict())
    if update.callback_query is not None:
        return _from_callback(update.callback_query, now=now, raw=update.to_dict())
    log.debug(
        "skipping telegram update %s of a kind we do not handle", loggable_id(update.update_id)
    )
    return None


def room_move_of(update: Update) -> RoomMove | None:
    """The move a group's upgrade to a supergroup announces, or None for any other update."""
    message = update.message
    if message is None or getattr(message, "chat", None) is None:
        return None
    here = checks.identifier(message.chat.id, what="chat id")
    if message.migrate_to_chat_id is not None:
        new = checks.identifier(message.migrate_to_chat_id, what="chat id")
        return RoomMove(platform=PLATFORM, old_chat=here, new_chat=new, why=SUPERGROUP)
    if message.migrate_from_chat_id is not None:
        old = checks.identifier(message.migrate_from_chat_id, what="chat id")
        return RoomMove(platform=PLATFORM, old_chat=old, new_chat=here, why=SUPERGROUP)
    return None


def callback_data(action: str, value: str) -> str:
    """The callback data of a button; `translate` reads it back as a `ButtonPress`."""
    if not action or CALLBACK_SEPARATOR in action:
        raise ValueError(f"a button action must be non-empty and have no '|': {action!r}")
    data = f"{action}{CALLBACK_SEPARATOR}{value}"
    if len(data.encode("utf-8")) > CALLBACK_LIMIT:
        raise ValueError(f"button data is over Telegram's 64 bytes: {data!r}")
    return data


def sender_of(user: User) -> Sender:
    """The person behind `user`, through the core's boundary checks (`checks.Refused`)."""
    return Sender(
        platform=PLATFORM,
        user_id=checks.identifier(user.id, what="user id"),
        display_name=checks.name(user.full_name, what="user name"),
    )


def _topic(message: Message) -> str | None:
    if message.is_topic_message and message.message_thread_id is not None:
        return checks.identifier(message.message_thread_id, what="topic id")
    return None


def _replied_bot_message(message: Message, me: BotIdentity) -> Message | None:
    """The bot's own message this one answers, if any.

    Inside a forum topic every message 'replies' to the topic's opening service message; that is
    not a reply to the bot, even when the bot opened the topic.
    """
    replied = message.reply_to_message
    if replied is None or replied.forum_topic_created is not None:
        return None
    if replied.from_user is None or replied.from_user.id != me.id:
        return None
    return replied


def _from_message(
    message: Message,
    *,
    me: BotIdentity,
    links: StartLinks,
    verbs: Collection[str],
    raw: dict[str, Any],
) -> InboundEvent | None:
    if getattr(message, "chat", None) is None:
        raise checks.Refused("message has no chat")
    user = message.from_user
    if user is None or user.is_bot or message.sender_chat is not None:
        log.debug(
            "skipping telegram message %s: not from a person", loggable_id(message.message_id)
        )
        return None
    raw_text = message.text if message.text is not None else message.caption
    text = checks.text(raw_text, what="message text") if raw_text is not None else ""
    if not text:
        log.debug("skipping telegram message %s: no text", loggable_id(message.message_id))
        return None
    chat = checks.identifier(message.chat.id, what="chat id")
    private = message.chat.type == Chat.PRIVATE
    common: dict[str, Any] = {
        "platform": PLATFORM,
        "dedup_key": f"{chat}:{checks.identifier(message.message_id, what='message id')}",
        "sender": sender_of(user),
        "chat": chat,
        "topic": _topic(message),
        "received_at": message.date,
        "raw": raw,
    }
    replied = _replied_bot_message(message, me)
    match = _COMMAND.match(text)
    if match is not None:
        name, addressee, args = match.group(1).lower(), match.group(2), match.group(3).strip()
        if addressee is not None and addressee.lower() != me.username.lower():
            log.debug("ignoring /%s addressed to another bot (%s)", name, addressee)
            return None
        if name == "start":
            if not private:
                return None
            circle_id = links.circle_of(args) if args else None
            return Started(
                circle_id=circle_id or "", link_refused=bool(args) and not circle_id, **common
            )
        if name in verbs or private or addressee is not None:
            thread_ref = (
                checks.identifier(replied.message_id, what="message id")
                if replied is not None
                else None
            )
            return Command(verb=name, args=args, private=private, thread_ref=thread_ref, **common)
        log.debug("ignoring /%s in a group: not one of ours", name)
        return None
    if not private:
        addressed = _addressed(text, me=me, verbs=verbs)
        if isinstance(addressed, tuple):
            verb, args = addressed
            thread_ref = (
                checks.identifier(replied.message_id, what="message id")
                if replied is not None
                else None
            )
            return Command(verb=verb, args=args, private=False, thread_ref=thread_ref, **common)
        text = addressed
    message_ref = checks.identifier(message.message_id, what="message id")
    if replied is not None:
        in_reply_to = checks.identifier(replied.message_id, what="message id")
        return Reply(text=text, message_ref=message_ref, in_reply_to=in_reply_to, **common)
    if private:
        return DirectMessage(text=text, message_ref=message_ref, **common)
    return RoomMessage(text=text, message_ref=message_ref, **common)


def _addressed(text: str, *, me: BotIdentity, verbs: Collection[str]) -> str | tuple[str, str]:
    """A group message that starts by naming the bot: (verb, args) for a verb (the name alone
    asks for help), else the words without the name; any other text as it is."""
    match = _MENTION.match(text)
    if match is None or match.group(1).lower() != me.username.lower():
        return text
    rest = match.group(2).strip()
    first, _, args = rest.partition(" ")
    verb = first.lstrip("/").lower()
    if not rest:
        return ("help", "")
    if verb in verbs:
        return (verb, args.strip())
    return rest


def _from_callback(
    query: CallbackQuery, *, now: datetime, raw: dict[str, Any]
) -> InboundEvent | None:
    data = query.data
    if query.from_user is None:
        raise checks.Refused("button press has no sender")
    if not isinstance(data, str) or CALLBACK_SEPARATOR not in data:
        log.warning(
            "skipping button press %s: callback data we did not send", loggable_id(query.id)
        )
        return None
    message = query.message
    if message is None:
        log.debug("skipping a button press on an inline message")
        return None
    if getattr(message, "chat", None) is None:
        raise checks.Refused("button press has no chat")
    action, value = data.split(CALLBACK_SEPARATOR, 1)
    topic = _topic(message) if isinstance(message, Message) else None
    return ButtonPress(
        platform=PLATFORM,
        dedup_key=f"cb:{checks.identifier(query.id, what='callback query id')}",
        sender=sender_of(query.from_user),
        chat=checks.identifier(message.chat.id, what="chat id"),
        topic=topic,
        received_at=now,
        raw=raw,
        action=checks.identifier(action, what="button action"),
        value=checks.text(value, what="button value", limit=CALLBACK_LIMIT),
        message_ref=checks.identifier(message.message_id, what="message id"),
    )
