"""How the fake Bot API fails: a failure a test asks for, and the error answers Telegram gives
(status, description and, for flood limits, `retry_after`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Failure:
    method: str
    chat: str | None
    status: int
    description: str
    retry_after: int | None
    malformed: bool
    times: int


class ApiError(Exception):
    def __init__(self, status: int, description: str, *, extra: Mapping[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.extra = extra or {}


DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry after 1",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
