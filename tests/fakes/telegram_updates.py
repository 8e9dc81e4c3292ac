"""Realistic Bot API objects for tests: people, chats, messages and the updates carrying them.

`UpdateBuilder` hands out ids the way Telegram does (update ids in sequence, message ids counted
per chat), so the messages a test writes and the ones the fake bot sends never share an id.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

DATE = 1_790_000_000
"""A fixed Unix time for every message, so that tests do not depend on the clock."""


def user(
    user_id: int = 1001, first_name: str = "Ada", last_name: str | None = "Okafor"
) -> dict[str, Any]:
    """A Telegram User object for a person."""
    person: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        person["last_name"] = last_name
    return person


def chat(chat_id: int, *, title: str = "Partnership circle", forum: bool = False) -> dict[str, Any]:
    """A Telegram Chat object: private for positive ids, a supergroup for -100… ids."""
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "Ada"}
    kind = "supergroup" if str(chat_id).startswith("-100") else "group"
    room: dict[str, Any] = {"id": chat_id, "type": kind, "title": title}
    if forum:
        room["is_forum"] = True
    return room


class UpdateBuilder:
    """Builds updates and messages with fresh, Telegram-like ids."""

    def __init__(self, *, bot: Mapping[str, Any]) -> None:
        self.bot = dict(bot)
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._callback_ids = itertools.count(1)

    def next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def message(
        self,
        chat_id: int,
        text: str,
        *,
        sender: Mapping[str, Any] | None = None,
        reply_to: Mapping[str, Any] | None = None,
        topic: int | None = None,
        message_id: int | None = None,
    ) -> dict[str, Any]:
        """A text Message from a person (a command gets its `bot_command` entity)."""
        message: dict[str, Any] = {
            "message_id": message_id or self.next_message_id(chat_id),
            "from": dict(sender or user()),
            "date": DATE,
            "chat": chat(chat_id, forum=topic is not None),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if topic is not None:
            message["message_thread_id"] = topic
            message["is_topic_message"] = True
        if reply_to is not None:
            message["reply_to_message"] = dict(reply_to)
        return message

    def bot_message(
        self, chat_id: int, text: str, *, message_id: int | None = None
    ) -> dict[str, Any]:
        """A Message the bot posted earlier (a prompt a person can reply to)."""
        return {
            "message_id": message_id or self.next_message_id(chat_id),
            "from": self.bot,
            "date": DATE,
            "chat": chat(chat_id),
            "text": text,
        }

    def message_update(self, chat_id: int, text: str, **options: Any) -> dict[str, Any]:
        """An Update carrying `message(chat_id, text, **options)`."""
        return self.wrap(self.message(chat_id, text, **options))

    def wrap(self, message: Mapping[str, Any]) -> dict[str, Any]:
        """An Update carrying `message`, with the next update id."""
        return {"update_id": next(self._update_ids), "message": dict(message)}

    def callback_update(
        self, message: Mapping[str, Any], data: str, *, sender: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """An Update for a press on a button under `message` (one the bot sent)."""
        query = {
            "id": f"cbq{next(self._callback_ids)}",
            "from": dict(sender or user()),
            "message": dict(message),
            "chat_instance": "-4242",
            "data": data,
        }
        return {"update_id": next(self._update_ids), "callback_query": query}
