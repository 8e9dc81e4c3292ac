"""Small helpers for plain English shared by templates and the command line."""

from __future__ import annotations


def counted(number: int, one: str, many: str | None = None) -> str:
    """A number with its noun in the right form: `1 entry`, `3 entries`, `0 people`.

    `many` defaults to `one` with an "s"; the templates use it as a filter:
    `{{ people | counted("person", "people") }}`."""
    return f"{number} {one if number == 1 else (many or one + 's')}"
