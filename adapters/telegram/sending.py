"""Sending one message to Telegram: parameters, pacing, 429 retries and error translation.

`Poster.send_text` posts one rendered part with `sendMessage` after the pacer allows it. A 429
(`RetryAfter`) is waited out here, inside the caller's `send()`, while the waits add up to no more
than `max_retry_wait` seconds; beyond that it surfaces as `RateLimited` and the chat stays on hold
in the pacer. Other Telegram errors become the core's delivery errors:

    Forbidden (removed, blocked), chat not found,
    topic closed or deleted, no right to post, ChatMigrated  -> Undeliverable (with a hint)
    NetworkError, TimedOut, 5xx, unreadable answers           -> TransientError
    any other BadRequest, InvalidToken                        -> DeliveryError (this part failed)
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from datetime import timedelta

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from adapters.telegram.inbound import callback_data
from adapters.telegram.pacing import Pacer, is_group_chat
from bot.core.messages import Button
from bot.errors import DeliveryError, RateLimited, TransientError, Undeliverable

log = logging.getLogger(__name__)

_GENERAL_TOPIC = "1"
"""A forum's General topic: Telegram wants no message_thread_id for it."""
_SHORT_LABEL = 12


class Poster:
    """Posts text messages through a PTB bot, paced and with errors translated."""

    def __init__(self, *, pacer: Pacer, max_retry_wait: float = 10.0) -> None:
        self._pacer = pacer
        self._max_retry_wait = max_retry_wait

    async def send_text(
        self,
        bot: Bot,
        *,
        chat: str,
        text: str,
        topic: str | None = None,
        reply_to: str | None = None,
        buttons: Sequence[Button] = (),
    ) -> str:
        """Post one HTML message; return its message id."""
        markup = keyboard(buttons) if buttons else None
        thread_id = int(topic) if topic and topic != _GENERAL_TOPIC else None
        reply = (
            ReplyParameters(message_id=int(reply_to), allow_sending_without_reply=True)
            if reply_to
            else None
        )
        waited = 0.0
        while True:
            await self._pacer.wait(chat)
            try:
                message = await bot.send_message(
                    chat_id=chat_id(chat),
                    text=text,
                    parse_mode=ParseMode.HTML,
                    message_thread_id=thread_id,
                    reply_parameters=reply,
                    reply_markup=markup,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            except RetryAfter as exc:
                seconds = retry_after_seconds(exc)
                self._pacer.hold(chat, seconds)
                if waited + seconds > self._max_retry_wait:
                    raise RateLimited(
                        seconds, f"Telegram asked to slow down in chat {chat}"
                    ) from exc
                waited += seconds
                log.info("telegram asked to wait %gs before writing to %s again", seconds, chat)
            except TelegramError as exc:
                raise translate_error(exc, chat=chat) from exc
            else:
                return str(message.message_id)


def chat_id(chat: str) -> int | str:
    """Numeric chat ids as integers; `@channelname` stays a string."""
    try:
        return int(chat)
    except ValueError:
        return chat


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup:
    """Short choices side by side, longer ones one to a row so phones show them whole."""
    keys = [
        InlineKeyboardButton(text=b.label, callback_data=callback_data(b.action, b.value))
        for b in buttons
    ]
    if len(keys) <= 4 and all(len(b.label) <= _SHORT_LABEL for b in buttons):
        return InlineKeyboardMarkup([keys])
    return InlineKeyboardMarkup([[key] for key in keys])


def retry_after_seconds(exc: RetryAfter) -> float:
    # PTB 22 warns when `retry_after` is read as a number; read it whichever way it comes.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def translate_error(exc: TelegramError, *, chat: str) -> DeliveryError:
    """The core's delivery error for a Telegram error raised while writing to `chat`."""
    group = is_group_chat(chat)
    if isinstance(exc, Forbidden):
        if group:
            return Undeliverable(
                f"the bot was removed from Telegram group {chat}",
                hint="add the bot to the group again, then mark the room active",
            )
        return Undeliverable(
            f"Telegram user {chat} has blocked the bot or never started it",
            hint="they can open a private chat with the bot and send /start",
        )
    if isinstance(exc, ChatMigrated):
        return Undeliverable(
            f"Telegram group {chat} became a supergroup with chat id {exc.new_chat_id}",
            hint=f"change the room's chat to {exc.new_chat_id} in the configuration",
        )
    if isinstance(exc, BadRequest):
        return _translate_bad_request(exc, chat=chat)
    if isinstance(exc, InvalidToken):
        return DeliveryError("Telegram did not accept TELEGRAM_BOT_TOKEN")
    if isinstance(exc, NetworkError):
        return TransientError(f"could not reach Telegram: {exc.message}")
    return TransientError(f"Telegram gave an unexpected answer: {exc.message}")


def _translate_bad_request(exc: BadRequest, *, chat: str) -> DeliveryError:
    text = exc.message.lower()
    if "chat not found" in text:
        return Undeliverable(
            f"Telegram chat {chat} was not found",
            hint="check the chat id in the configuration and that the bot is still a member",
        )
    if "thread not found" in text or "topic_closed" in text or "topic_deleted" in text:
        return Undeliverable(
            f"the forum topic in Telegram chat {chat} is closed or gone",
            hint="reopen the topic, or change the room's topic in the configuration",
        )
    if "not enough rights" in text or "have no rights" in text:
        return Undeliverable(
            f"the bot may not post in Telegram chat {chat}",
            hint="let the bot send messages in the group's settings, then mark the room active",
        )
    return DeliveryError(f"Telegram refused a message to {chat}: {exc.message}")
