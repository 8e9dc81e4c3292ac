"""Reading a platform's request body with limits, before and after its signature is checked.

`read_body` refuses a body over `BODY_LIMIT` bytes without reading it whole: by its declared
`Content-Length` when there is one, otherwise as soon as the streamed chunks pass the limit. One
MiB is far above what Slack or Telegram send (Slack's largest payloads, a view submission or a
40,000-character message carried as text and again as blocks, stay under 300 KB; a Telegram
update carries at most 4,096 characters of text), and small enough that a flood of large posts
costs little memory.

`parse_json` reads a body only once it is known to come from the platform: strict UTF-8, JSON
nested at most `DEPTH_LIMIT` levels (no real payload comes near), so that no parser or later
walk over the value can run out of stack.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request

BODY_LIMIT = 1024 * 1024
"""The largest request body taken, in bytes."""

DEPTH_LIMIT = 32
"""How deeply a JSON body may nest objects and lists."""

_LENGTH = re.compile(r"[0-9]{1,12}")


class BodyRefused(Exception):
    """A body refused before it was read whole; `status` is the HTTP answer."""

    def __init__(self, reason: str, *, status: int) -> None:
        self.reason = reason
        self.status = status
        super().__init__(reason)


class Unreadable(ValueError):
    """A body that is not the JSON it should be; the reason names no part of its content."""


async def read_body(request: Request, *, limit: int = BODY_LIMIT) -> bytes:
    """The request's body, or `BodyRefused` (413 over `limit`, 400 for a bad length header)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not _LENGTH.fullmatch(declared):
            raise BodyRefused("the Content-Length header is not a number", status=400)
        if int(declared) > limit:
            raise BodyRefused(f"the body is over {limit} bytes", status=413)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyRefused(f"the body is over {limit} bytes", status=413)
        chunks.append(chunk)
    return b"".join(chunks)


def decode(body: bytes) -> str:
    """The body as text; `Unreadable` when it is not UTF-8."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unreadable(f"the body is not UTF-8 (byte {error.start})") from None


def parse_json(text: str, *, depth: int = DEPTH_LIMIT) -> Any:
    """The JSON value of `text`; `Unreadable` when it is not JSON or nests too deeply."""
    # the brackets counted, strings and all, bound the nesting from above: most bodies have too
    # few to nest too deeply, so they need no closer look
    if text.count("{") + text.count("[") > depth and nesting(text) > depth:
        raise Unreadable(f"the JSON nests over {depth} levels")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise Unreadable(f"the body is not JSON ({type(error).__name__})") from None


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?')
"""A JSON string, escapes and all (or the rest of the text after a quote never closed)."""
_BRACKET = re.compile(r"[\[\]{}]")


def nesting(text: str) -> int:
    """How deeply the brackets of a JSON text nest, strings skipped; an upper bound is enough."""
    deepest = level = 0
    for found in _BRACKET.finditer(_STRING.sub("", text)):
        if found.group() in "[{":
            level += 1
            deepest = max(deepest, level)
        else:
            level -= 1
    return deepest
