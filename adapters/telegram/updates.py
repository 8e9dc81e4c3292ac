"""A webhook call's JSON object read into python-telegram-bot's `Update`, or skipped.

What python-telegram-bot cannot read (a field of the wrong type, a missing `chat`) is logged once at
warning level with the update's id and kind, never its content, and skipped: the webhook answers
200 so that Telegram does not send it again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from telegram import Bot, Update

log = logging.getLogger(__name__)


def read_update(data: Mapping[str, Any], bot: Bot) -> Update | None:
    """The update in `data`, or None (logged) when it cannot be read."""
    try:
        return Update.de_json(dict(data), bot)
    except Exception as error:  # the library's readers raise anything on a malformed update
        log.warning(
            "telegram: skipped an update that cannot be read (id %s, kind %s, %s)",
            update_id(data),
            update_kind(data),
            type(error).__name__,
        )
        return None


def update_id(data: Mapping[str, Any]) -> str:
    """The update's id for a log line: a number, or `?`."""
    return loggable_id(data.get("update_id"))


def loggable_id(value: object) -> str:
    """An id from Telegram as a log line may show it: a plain number of up to 20 digits, or `?`."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return "?"
    text = str(value)
    return (
        text
        if len(text) <= 20 and text.lstrip("-").isascii() and text.lstrip("-").isdigit()
        else "?"
    )


def update_kind(data: Mapping[str, Any]) -> str:
    """The update's kind for a log line: its first field besides the id, cut short."""
    kinds = [key for key in data if key != "update_id"]
    return ascii(kinds[0])[:40] if kinds else "none"
