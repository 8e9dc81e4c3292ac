"""How typed MSC verbs are read: `msc choose 2 because ...`, `msc select 2 because ...`."""

from __future__ import annotations

from bot.core import checks
from bot.errors import InputError

MAX_REASON = 600
"""The longest reason kept; a story's significance fits in a few sentences."""
_JOINERS = {"because", "as", "-", ":", "–", "since"}


def reason_of(words: list[str]) -> str:
    """The reason after a number, without a leading "because"; InputError when too long."""
    if words and words[0].lower() in _JOINERS:
        words = words[1:]
    reason = " ".join(words).strip()
    if len(reason) > MAX_REASON:
        raise InputError("replies/too_long", limit=MAX_REASON, length=len(reason), text=reason)
    return reason


def parse_pick(text: str, *, verb: str) -> tuple[int, str]:
    """(story number, reason) from "2 because ..."; InputError with the usage when unclear."""
    words = text.split()
    number = checks.whole_number(words[0].strip(".,:;#").lstrip("#")) if words else None
    if number is None or number < 1:
        raise InputError("msc/pick_how", verb=verb, typed=words[0] if words else "")
    return number, reason_of(words[1:])


def parse_weeks(text: str) -> int | None:
    """The weeks a round reads back, from `msc start 6`; None for the default."""
    word = text.strip().lower().removesuffix("weeks").removesuffix("week").strip()
    if not word:
        return None
    weeks = checks.whole_number(word)
    if weeks is None or not 1 <= weeks <= 52:
        raise InputError("msc/weeks_how", typed=text.strip())
    return weeks
