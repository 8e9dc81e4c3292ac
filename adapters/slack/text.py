"""Slack's message markup turned into plain text for the core.

Slack sends text with its own markup: `<@U123>` for a mention, `<!channel>` for @channel,
`<https://x|label>` for a link, and `&`, `<`, `>` escaped as entities. The core is platform-neutral
(an entry written in Slack may be read in a Telegram digest), so the adapter hands it plain words:
`@Name`, `@channel`, `label (https://x)`. Whatever the core later posts back to Slack it escapes
again, so none of it can ping a channel or hide a link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_MARKUP = re.compile(r"<([^<>]*)>")
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")

UserName = Callable[[str], str]
"""A user id to the name to show for them (empty when unknown)."""


def mentioned_users(text: str) -> list[str]:
    """The user ids mentioned in Slack-encoded `text`, in order, each once."""
    return list(dict.fromkeys(_USER_MENTION.findall(text)))


def _replace(body: str, user_name: UserName) -> str:
    target, _, label = body.partition("|")
    if target.startswith("@"):
        name = label or user_name(target[1:])
        return f"@{name.lstrip('@')}" if name else f"@{target[1:]}"
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    if target.startswith("!"):
        special = target[1:].split("^", 1)[0]
        if label:
            return label
        return f"@{special}"
    if target.startswith("mailto:"):
        return label or target[len("mailto:") :]
    if label and label != target:
        return f"{label} ({target})"
    return target


def plain_text(text: str, *, user_name: UserName = lambda _user: "") -> str:
    """Slack-encoded `text` as plain text: markup spelled out, entities decoded."""
    replaced = _MARKUP.sub(lambda m: _replace(m.group(1), user_name), text)
    return replaced.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escape_mrkdwn(text: str) -> str:
    """Plain text made safe inside Slack mrkdwn (for text the adapter itself composes)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote(lines: Iterable[str]) -> str:
    """Lines as a quotation, the way people quote in chat (`> line`)."""
    return "\n".join(f"> {line}" if line else ">" for line in lines)
