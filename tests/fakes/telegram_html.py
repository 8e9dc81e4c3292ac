"""Telegram's `parse_mode=HTML`, strictly, as the fake Bot API reads it.

`parse_html(text)` returns the plain text a person would see, or raises `HtmlError` where Telegram
answers "Bad Request: can't parse entities": a tag Telegram does not support, a tag left open or
closed twice, an attribute it does not know, or a bare `<`, `>` or `&` that is not an entity.
"""

from __future__ import annotations

import html
import re

TAGS = {
    "b": (),
    "strong": (),
    "i": (),
    "em": (),
    "u": (),
    "ins": (),
    "s": (),
    "strike": (),
    "del": (),
    "tg-spoiler": (),
    "span": ("class",),
    "a": ("href",),
    "code": ("class",),
    "pre": (),
    "blockquote": ("expandable",),
    "tg-emoji": ("emoji-id",),
}
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_TAG = re.compile(
    r"<(/?)([a-z][a-z-]*)((?:\s+[a-z-]+(?:=\"[^\"<>]*\"|='[^'<>]*'|=[^\s\"'<>]+)?)*)\s*>"
)
_ATTR = re.compile(r"([a-z-]+)(?:=(?:\"[^\"]*\"|'[^']*'|[^\s\"'<>]+))?")


class HtmlError(ValueError):
    """Telegram could not read the HTML."""


def parse_html(text: str) -> str:
    """The visible text of Telegram HTML; raises `HtmlError` where Telegram would refuse it."""
    visible: list[str] = []
    open_tags: list[str] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char == "<":
            match = _TAG.match(text, at)
            if match is None:
                raise HtmlError(f"can't parse entities: bare '<' at offset {at}")
            closing, name, attrs = match.group(1), match.group(2), match.group(3)
            if name not in TAGS:
                raise HtmlError(f"can't parse entities: unsupported tag <{name}> at offset {at}")
            if closing:
                if not open_tags or open_tags[-1] != name:
                    raise HtmlError(f"can't parse entities: unexpected </{name}> at offset {at}")
                open_tags.pop()
            else:
                for attr in _ATTR.findall(attrs):
                    if attr not in TAGS[name]:
                        raise HtmlError(f"can't parse entities: <{name}> has no '{attr}' attribute")
                open_tags.append(name)
            at = match.end()
        elif char == "&":
            match = _ENTITY.match(text, at)
            if match is None:
                raise HtmlError(f"can't parse entities: bare '&' at offset {at}")
            visible.append(html.unescape(match.group(0)))
            at = match.end()
        elif char == ">":
            raise HtmlError(f"can't parse entities: bare '>' at offset {at}")
        else:
            visible.append(char)
            at += 1
    if open_tags:
        raise HtmlError(f"can't parse entities: <{open_tags[-1]}> is never closed")
    return "".join(visible)
