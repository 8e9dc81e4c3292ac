"""Signed Telegram start links: `https://t.me/<bot>?start=<circle id>-<signature>`.

Opening a circle's link joins that circle, so the link must not be something a stranger can
guess from the circle's id. Each link carries a short HMAC of the circle id, keyed by the bot's
token, so only links printed by `huddlebot telegram links` for this bot join anyone. Changing the
bot token changes every link; print them again and share the new ones.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

SIGNATURE_CHARS = 12
"""base64url characters of the signature (72 bits)."""
MAX_PAYLOAD = 64
"""Telegram's limit on a start payload."""
MAX_CIRCLE_ID = MAX_PAYLOAD - SIGNATURE_CHARS - 1
_PAYLOAD = re.compile(rf"^[A-Za-z0-9_-]{{1,{MAX_PAYLOAD}}}$")


class StartLinks:
    """Signs and checks the payload of a circle's start link."""

    __slots__ = ("_key",)

    def __init__(self, token: str) -> None:
        self._key = hmac.new(token.encode(), b"huddlebot start link", hashlib.sha256).digest()

    def _signature(self, circle_id: str) -> str:
        digest = hmac.new(self._key, circle_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:9]).decode()

    def payload(self, circle_id: str) -> str:
        """The start payload that joins `circle_id` (at most 51 characters long)."""
        if not 0 < len(circle_id) <= MAX_CIRCLE_ID:
            raise ValueError(f"a circle id in a Telegram link is 1 to {MAX_CIRCLE_ID} characters")
        return f"{circle_id}-{self._signature(circle_id)}"

    def circle_of(self, payload: str) -> str | None:
        """The circle id a payload signed by this bot names, or None for any other payload."""
        circle_id, dash, signature = (
            payload[: -SIGNATURE_CHARS - 1],
            payload[-SIGNATURE_CHARS - 1 : -SIGNATURE_CHARS],
            payload[-SIGNATURE_CHARS:],
        )
        if dash != "-" or not circle_id or len(signature) != SIGNATURE_CHARS:
            return None
        if not hmac.compare_digest(signature, self._signature(circle_id)):
            return None
        return circle_id


def deep_link(username: str, payload: str) -> str:
    """A link that opens a private chat with the bot and sends `/start <payload>`."""
    if not _PAYLOAD.match(payload):
        raise ValueError("a start payload is 1 to 64 letters, digits, '_' or '-'")
    return f"https://t.me/{username.lstrip('@')}?start={payload}"
