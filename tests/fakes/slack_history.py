"""The messages a fake Slack workspace holds, read back as `conversations.history` and
`conversations.replies` do: newest first (a thread from its parent down), after `oldest`, a page of
`limit` with a cursor, and message metadata only when `include_all_metadata` is asked for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ReadError(Exception):
    """Slack's error code for a read it refuses (`channel_not_found`, `thread_not_found`)."""


class History:
    """Posted messages per channel, oldest first."""

    def __init__(self) -> None:
        self.channels: dict[str, list[dict[str, Any]]] = {}

    def __getitem__(self, channel: str) -> list[dict[str, Any]]:
        return self.channels[channel]

    def post(self, channel: str, message: dict[str, Any]) -> None:
        self.channels.setdefault(channel, []).append(message)

    def read(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """The body of a successful `conversations.history` or `.replies`; raises ReadError."""
        channel = str(params.get("channel"))
        if channel not in self.channels and not channel.startswith(("C", "G")):
            raise ReadError("channel_not_found")
        messages = self.channels.get(channel, [])
        if method == "conversations.replies":
            thread = str(params.get("ts"))
            messages = [m for m in messages if thread in (m["ts"], m.get("thread_ts"))]
            if not messages:
                raise ReadError("thread_not_found")
        else:
            messages = [m for m in messages if m.get("thread_ts") in (None, m["ts"])]
        oldest = float(params.get("oldest") or 0)
        newest_first = [m for m in reversed(messages) if float(m["ts"]) > oldest]
        if method == "conversations.replies":
            newest_first.reverse()  # a thread reads from its parent down
        start = int(params.get("cursor") or 0)
        limit = int(params.get("limit") or 100)
        page = newest_first[start : start + limit]
        if str(params.get("include_all_metadata", "")).lower() not in ("1", "true"):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + limit < len(newest_first)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }
