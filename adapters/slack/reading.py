"""A verified Slack body read the way bolt will read it, without the ways that can blow up.

Bolt parses a body as JSON when it is declared so or starts with `{`, otherwise as a form whose
`payload` field, when present, is JSON. `readable` does the same with the limits of
`adapters.common.body` (strict UTF-8, bounded nesting) and returns the text for bolt only when
every part of it can be read into an object. What cannot is `Unreadable`: Slack never sends such a
body, and the endpoint acknowledges it with a logged skip (see `adapters.slack.adapter`).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from adapters.common.body import Unreadable, decode, parse_json

JSON_TYPE = "application/json"


def readable(body: bytes, *, content_type: str | None) -> str:
    """The body as text once it is known that bolt can read it; else `Unreadable`."""
    text = decode(body)
    if not text:
        raise Unreadable("the body is empty")
    if (content_type or "").split(";")[0].strip() == JSON_TYPE or text.startswith("{"):
        _object(parse_json(text))
        return text
    fields = dict(parse_qsl(text, keep_blank_values=True))
    payload = fields.get("payload")
    if payload is not None:
        _object(parse_json(payload))
    return text


def _object(value: object) -> None:
    if not isinstance(value, dict):
        raise Unreadable(f"the body is a JSON {type(value).__name__}, not an object")
