"""The nine System Maturity Model dimensions, how typed scores are read, and how a score spread
is shown without names."""

from __future__ import annotations

import statistics
from typing import Any

from bot.core import checks
from bot.errors import InputError

DIMENSIONS = {
    "vision": "Vision",
    "collaboration": "Collaboration",
    "accountability": "Accountability",
    "involvement": "Involvement",
    "planning": "Planning and strategy",
    "finance": "Finance",
    "service_delivery": "Service delivery",
    "workforce": "Workforce development",
    "learning": "Learning and improvement",
}
_ALIASES = {
    "planning_strategy": "planning",
    "planning_and_strategy": "planning",
    "strategy": "planning",
    "service": "service_delivery",
    "delivery": "service_delivery",
    "services": "service_delivery",
    "workforce_development": "workforce",
    "learning_and_improvement": "learning",
    "learning_improvement": "learning",
    "improvement": "learning",
}
MAX_REASON = 500


def dimension_of(words: str) -> str | None:
    """The dimension key for typed words ("service delivery", "Planning/Strategy"), or None."""
    key = "_".join(words.lower().replace("/", " ").replace("-", " ").replace("&", "and").split())
    return key if key in DIMENSIONS else _ALIASES.get(key)


def parse_score(text: str) -> tuple[str, int, str]:
    """(dimension, score, reason) from "service delivery 3 because ..."; InputError if unclear."""
    words = text.split()
    at = next(
        (
            i
            for i, w in enumerate(words)
            if checks.whole_number(w.strip(".,:;").removeprefix("-")) is not None
        ),
        None,
    )
    if not words:
        raise InputError("maturity/how", dimensions=list(DIMENSIONS.values()))
    named = " ".join(words[:at] if at is not None else words[:1])
    dimension = dimension_of(named) if named else None
    if dimension is None:
        raise InputError(
            "maturity/unknown_dimension",
            dimension=named or text.strip(),
            dimensions=list(DIMENSIONS.values()),
        )
    if at is None:
        raise InputError(
            "maturity/bad_score", dimension=DIMENSIONS[dimension], score=" ".join(words[1:2])
        )
    score = int(words[at].strip(".,:;"))
    if not 1 <= score <= 5:
        raise InputError("maturity/bad_score", dimension=DIMENSIONS[dimension], score=words[at])
    rest = words[at + 1 :]
    if rest and rest[0].lower() in {"because", "as", "-", ":"}:
        rest = rest[1:]
    reason = " ".join(rest).strip()
    if len(reason) > MAX_REASON:
        raise InputError("replies/too_long", limit=MAX_REASON, length=len(reason), text=reason)
    return dimension, score, reason


def _middle(scores: list[int]) -> str:
    value = statistics.median(scores)
    return f"{value:g}"


def spread(scores: list[int], threshold: int) -> dict[str, Any]:
    """How many scored and the lowest, middle and highest score, hidden below `threshold`."""
    shown = len(scores) >= threshold
    return {
        "count": len(scores),
        "shown": shown,
        "lowest": min(scores) if shown else None,
        "middle": _middle(scores) if shown else None,
        "highest": max(scores) if shown else None,
    }


def dimension_context(key: str) -> dict[str, str]:
    return {"key": key, "label": DIMENSIONS[key]}
