"""Block Kit for huddlebot: message blocks within Slack's limits, button ids, and the two modals.

The core has already rendered mrkdwn and split long messages into parts; here each paragraph
(blank-line separated) becomes one `section` block. Slack refuses more than 50 blocks a message or
more than 3,000 characters in a section, so this module also splits and packs defensively when a
part still exceeds them, without cutting inside a line unless a single line is too long.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.messages import Button

logger = logging.getLogger(__name__)

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_BUTTONS_PER_BLOCK = 25
MAX_BUTTON_LABEL = 75
MAX_BUTTON_VALUE = 2000
MAX_INPUT_CHARS = 3000

Block = dict[str, Any]

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_ACTION_SUFFIX = re.compile(r"#\d+$")


# ---- messages


def split_text(text: str, limit: int = MAX_SECTION_CHARS) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at a line break, else a space."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest.strip():
        pieces.append(rest)
    return [p for p in pieces if p.strip()]


def section_texts(text: str, *, budget: int = MAX_BLOCKS) -> list[str]:
    """The section texts for `text`: one a paragraph, packed together if they exceed `budget`."""
    paragraphs = [p.strip("\n") for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    pieces = [piece for p in paragraphs for piece in split_text(p)]
    if len(pieces) <= budget:
        return pieces
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + 2 + len(piece) <= MAX_SECTION_CHARS:
            packed[-1] = f"{packed[-1]}\n\n{piece}"
        else:
            packed.append(piece)
    if len(packed) > budget:
        logger.error(
            "a Slack message needs %d sections but may hold %d; the rest is cut",
            len(packed),
            budget,
        )
        packed = [*packed[: budget - 1], "…"]
    return packed


def action_id(action: str, index: int) -> str:
    """A button's action_id: unique inside its message, and `action` again via `action_name`."""
    return f"{action}#{index}"


def action_name(raw_action_id: str) -> str:
    """The core's action name back from an action_id made by `action_id`."""
    return _ACTION_SUFFIX.sub("", raw_action_id)


def _button(button: Button, index: int) -> Block:
    label = (
        button.label
        if len(button.label) <= MAX_BUTTON_LABEL
        else button.label[: MAX_BUTTON_LABEL - 1] + "…"
    )
    if len(button.value) > MAX_BUTTON_VALUE:
        raise ValueError(f"button value for '{button.action}' is longer than {MAX_BUTTON_VALUE}")
    return {
        "type": "button",
        "action_id": action_id(button.action, index),
        "value": button.value,
        "text": {"type": "plain_text", "text": label or "…", "emoji": True},
    }


def action_blocks(buttons: Sequence[Button]) -> list[Block]:
    """Buttons as `actions` blocks of at most 25 buttons each."""
    elements = [_button(b, i) for i, b in enumerate(buttons)]
    return [
        {
            "type": "actions",
            "block_id": f"huddle-actions-{n}",
            "elements": elements[start : start + MAX_BUTTONS_PER_BLOCK],
        }
        for n, start in enumerate(range(0, len(elements), MAX_BUTTONS_PER_BLOCK))
    ]


def message_blocks(text: str, buttons: Sequence[Button] = ()) -> list[Block]:
    """The blocks of one message: a mrkdwn section a paragraph, then the buttons."""
    actions = action_blocks(buttons)
    sections = section_texts(text, budget=MAX_BLOCKS - len(actions))
    blocks: list[Block] = [
        # verbatim: Slack must not turn bare names or URLs into mentions and links by itself.
        {"type": "section", "text": {"type": "mrkdwn", "text": t, "verbatim": True}}
        for t in sections
    ]
    return blocks + actions


# ---- modals

STORY_CALLBACK = "huddle_story"
SAVE_CALLBACK = "huddle_save"
TEXT_BLOCK = "huddle_text"
TEXT_ACTION = "text"
KIND_BLOCK = "huddle_kind"
KIND_ACTION = "kind"

SAVE_KINDS: Mapping[str, tuple[str, str]] = {
    # kind value: (command verb, label people see)
    "learning": ("learned", "Something we learned"),
    "blocker": ("blocker", "Something blocking us"),
    "celebration": ("celebrate", "Something to celebrate"),
    "story": ("story", "A story of change"),
    "reflection": ("reflect", "A reflection"),
    "question": ("question", "A question to explore"),
}


@dataclass(frozen=True, slots=True)
class ModalContext:
    """What a modal remembers between opening and submission (its private_metadata)."""

    channel: str
    message_ts: str = ""
    thread_ts: str = ""
    author: str = ""

    def encode(self) -> str:
        return json.dumps(
            {"c": self.channel, "m": self.message_ts, "t": self.thread_ts, "a": self.author},
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, raw: str) -> ModalContext:
        data = json.loads(raw)
        if not isinstance(data, dict) or not isinstance(data.get("c"), str) or not data["c"]:
            raise ValueError("modal metadata has no channel")
        return cls(
            channel=data["c"],
            message_ts=str(data.get("m", "")),
            thread_ts=str(data.get("t", "")),
            author=str(data.get("a", "")),
        )


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _text_input(label: str, *, initial: str = "", placeholder: str = "") -> Block:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": TEXT_ACTION,
        "multiline": True,
        "max_length": MAX_INPUT_CHARS,
    }
    if initial:
        element["initial_value"] = initial[:MAX_INPUT_CHARS]
    if placeholder:
        element["placeholder"] = _plain(placeholder)
    return {"type": "input", "block_id": TEXT_BLOCK, "label": _plain(label), "element": element}


def story_modal(context: ModalContext) -> Block:
    """The modal for writing a longer story (opened by `/huddle story` with no text)."""
    return {
        "type": "modal",
        "callback_id": STORY_CALLBACK,
        "private_metadata": context.encode(),
        "title": _plain("Share a story"),
        "submit": _plain("Share"),
        "close": _plain("Cancel"),
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": (
                        "What changed, and for whom? Take your time. You choose who sees it next."
                    ),
                },
            },
            _text_input("Your story", placeholder="It started when…"),
        ],
    }


def save_modal(context: ModalContext, *, text: str, own_message: bool) -> Block:
    """The modal of the "Save to huddle" shortcut: choose a kind, check the words."""
    note = (
        "Choose what kind of entry this is."
        if own_message
        else "Someone else wrote this message, so they will be asked whether it may be kept."
    )
    return {
        "type": "modal",
        "callback_id": SAVE_CALLBACK,
        "private_metadata": context.encode(),
        "title": _plain("Save to huddle"),
        "submit": _plain("Save"),
        "close": _plain("Cancel"),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": note}},
            {
                "type": "input",
                "block_id": KIND_BLOCK,
                "label": _plain("Save it as"),
                "element": {
                    "type": "radio_buttons",
                    "action_id": KIND_ACTION,
                    "options": [
                        {"text": _plain(label), "value": kind}
                        for kind, (_verb, label) in SAVE_KINDS.items()
                    ],
                },
            },
            _text_input("The words to save", initial=text),
        ],
    }


def state_value(view: Mapping[str, Any], block_id: str, action: str) -> str:
    """What a person entered or chose in a submitted modal ("" when nothing)."""
    values = view.get("state", {}).get("values", {})
    element = values.get(block_id, {}).get(action, {})
    if not isinstance(element, Mapping):
        return ""
    if element.get("selected_option"):
        return str(element["selected_option"].get("value", ""))
    return str(element.get("value") or "")
