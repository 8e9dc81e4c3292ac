"""The chats the fake Bot API knows: groups that became supergroups, chats the bot cannot reach,
`getChat`'s answers, shaped as the Bot API spec has them (`ChatFullInfo`), and which group
messages a bot in privacy mode is given (`seen_in_privacy_mode`).

A group upgraded to a supergroup (`migrate`) answers every later call to its old id as Telegram
does: 400 "Bad Request: group chat was upgraded to a supergroup chat", with
`parameters.migrate_to_chat_id` (the spec's `ResponseParameters`). `migrate` also returns the two
service messages Telegram sends, for a test to push: `migrate_to_chat_id` in the old group and
`migrate_from_chat_id` in the new supergroup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.telegram_updates import DATE, UpdateBuilder, chat, user

UPGRADED = "Bad Request: group chat was upgraded to a supergroup chat"
NOT_FOUND = "Bad Request: chat not found"


@dataclass(frozen=True, slots=True)
class Refusal:
    """How the fake answers a call about a chat it will not serve."""

    status: int
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)

    def body_extra(self) -> dict[str, Any]:
        return {"parameters": self.parameters} if self.parameters else {}


class Chats:
    """What the fake knows of chats beyond the messages sent to them."""

    def __init__(self, updates: UpdateBuilder) -> None:
        self._updates = updates
        self.moved: dict[int, int] = {}
        """Old group id -> the supergroup it became."""
        self.missing: set[int] = set()
        """Chats the bot is not in (or that do not exist): 'chat not found'."""

    def migrate(
        self, old: int, new: int, *, by: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Upgrade group `old` to supergroup `new`; the two service-message updates it sends."""
        if str(old).startswith("-100"):
            raise AssertionError("only a basic group (not -100…) becomes a supergroup")
        if not str(new).startswith("-100"):
            raise AssertionError("a supergroup's id starts with -100")
        self.moved[old] = new
        person = dict(by or user())
        in_old = {
            "message_id": self._updates.next_message_id(old),
            "from": person,
            "date": DATE,
            "chat": chat(old),
            "migrate_to_chat_id": new,
        }
        in_new = {
            "message_id": self._updates.next_message_id(new),
            "from": person,
            "date": DATE,
            "chat": chat(new),
            "migrate_from_chat_id": old,
        }
        return [self._updates.wrap(in_old), self._updates.wrap(in_new)]

    def refusal(self, chat_id: int) -> Refusal | None:
        """Why a call about `chat_id` fails, as Telegram would say it; None when it is served."""
        if chat_id in self.moved:
            return Refusal(400, UPGRADED, {"migrate_to_chat_id": self.moved[chat_id]})
        if chat_id in self.missing:
            return Refusal(400, NOT_FOUND)
        return None

    def full_info(self, chat_id: int) -> dict[str, Any]:
        """A `ChatFullInfo` for getChat, with the fields the spec requires."""
        return {
            **chat(chat_id),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }


def seen_in_privacy_mode(update: Mapping[str, Any], bot: Mapping[str, Any]) -> bool:
    """Whether Telegram gives `update` to `bot` while its privacy mode is on.

    In groups such a bot gets commands (not those addressed to another bot), replies to its own
    messages, messages that name it (@username), and service messages; not the rest.
    """
    message = update.get("message")
    if not isinstance(message, Mapping) or message["chat"]["type"] not in ("group", "supergroup"):
        return True
    text = message.get("text")
    if text is None:
        return True  # a service message, or media
    replied = message.get("reply_to_message") or {}
    if replied.get("from", {}).get("id") == bot["id"]:
        return True
    name = f"@{bot['username']}".lower()
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0].lower()
        return "@" not in command or command.endswith(name)
    return name in text.lower()
