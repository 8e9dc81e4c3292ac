"""The words of stories: sharing and naming choices, the dimensions and directions, titles."""

from __future__ import annotations

import re

from bot.core.subcommands import Sub, Subcommands, Takes
from bot.core.visibility import KEPT_IN_SET

SHARING = {
    "circle": "Share it with the circle",
    "stewards": "Stewards only",
    "private": "Only me",
}
NAMING = {"named": "Use my name", "anonymous": "Keep me anonymous"}
WITHDRAW_WORDING = "Withdraw this story"
DIMENSIONS = {
    "vision": "Vision",
    "collaboration": "Collaboration",
    "accountability": "Accountability",
    "involvement": "Involvement",
    "planning": "Planning and strategy",
    "finance": "Finance",
    "delivery": "Service delivery",
    "workforce": "Workforce development",
    "learning": "Learning and improvement",
}
"""The nine System Maturity Model dimensions, as keys stored and labels shown."""
DIRECTIONS = {"better": "Getting better", "worse": "Getting worse", "mixed": "Mixed"}
TITLE_LIMIT = 120
STORY_SUBCOMMANDS = Subcommands(
    "story",
    (
        Sub("list", Takes.NOTHING, "story list"),
        Sub("mine", Takes.NOTHING, "story mine"),
        Sub("share", Takes.NUMBER, "story share 12 circle|stewards|private"),
        Sub("name", Takes.NUMBER, "story name 12 named|anonymous"),
        Sub("title", Takes.NUMBER, "story title 12 New title"),
        Sub("about", Takes.NUMBER, "story about 12"),
        Sub("withdraw", Takes.NUMBER, "story withdraw 12"),
    ),
    text_form="story [A title] what happened",
)
"""`story` tells a story; its teller manages it by number."""
_TITLED = re.compile(r"^\[([^\]\n]{1,120})\]\s*(.+)$", re.DOTALL)  # 120: TITLE_LIMIT
TITLE_ONLY = re.compile(r"^\[[^\]\n]*\]\s*$")


def split_title(text: str) -> tuple[str, str]:
    """`[A title] the story` -> ("A title", "the story"); anything else has no title."""
    found = _TITLED.match(text.strip())
    if found is None or not found.group(1).strip() or not found.group(2).strip():
        return "", text.strip()
    return found.group(1).strip(), found.group(2).strip()


KEPT_IN_SET_LABEL = "Kept in its learning set"
"""A story told in a learning set's room: it stays in the set, whoever its teller asks to share
it with."""


def sharing_label(visibility: str) -> str:
    if visibility == KEPT_IN_SET:
        return KEPT_IN_SET_LABEL
    return SHARING.get(visibility, "Withdrawn")
