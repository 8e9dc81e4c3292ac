"""The one boundary check for values that come from a platform, before they become event values.

Adapters build every event from checked values only, so the core and the store never see a value
the schema cannot hold (on SQLite or PostgreSQL):

- `identifier`: ids, timestamps-as-references, action names. A string of printable ASCII without
  spaces, at most `ID_LIMIT` characters (the store's id columns hold 64 and more); else `Refused`.
- `text`: what a person wrote. A string; lone surrogates, NUL and other control characters (but
  tabs and new lines) and bidirectional override characters are removed, the rest is put in
  Unicode NFC, text made only of invisible characters is empty, and it is cut at `TEXT_LIMIT`
  characters (Slack's own limit for a message; the core answers "too long" far below it).
- `name`: a display name: `text` on one line, cut at `NAME_LIMIT`.
- `whole_number`: a strict ASCII whole number (`^[0-9]+$`) that fits the store's integer columns,
  or None: never `²` or `--3`.

`Refused` is a `ValueError` whose message names the field and the fault, never the value.
"""

from __future__ import annotations

import re
import unicodedata

ID_LIMIT = 64
"""The longest id taken from a platform (Slack's and Telegram's ids are far shorter)."""
TEXT_LIMIT = 40_000
"""The longest text kept from one event, in characters."""
NAME_LIMIT = 200
"""The longest display name kept."""
NUMBER_LIMIT = 2**31 - 1
"""The largest whole number taken: PostgreSQL's `integer`."""

_ID = re.compile(r"[!-~]+")
_NUMBER = re.compile(r"[0-9]{1,10}")
_REMOVED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f"  # control characters but tab and new line
    "\ud800-\udfff"  # lone surrogates (a UTF-8 store cannot hold them)
    "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides and isolates
    "\ufeff]"  # byte order mark
)
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060-\u2064\u00ad\u034f\u180e]*")


class Refused(ValueError):
    """A value from a platform that cannot be taken; the message names the field, not the value."""


def identifier(value: object, *, what: str, limit: int = ID_LIMIT) -> str:
    """`value` as an id: printable ASCII, no spaces, 1 to `limit` characters; else `Refused`."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise Refused(f"{what} is a {type(value).__name__}, not an id")
    found = str(value) if isinstance(value, str) else _int_text(value, what=what)
    if not found:
        raise Refused(f"{what} is empty")
    if len(found) > limit:
        raise Refused(f"{what} is over {limit} characters")
    if not _ID.fullmatch(found):
        raise Refused(f"{what} has characters an id cannot have")
    return found


def optional_identifier(value: object, *, what: str, limit: int = ID_LIMIT) -> str:
    """Like `identifier`, but a missing or empty value is ""."""
    if value is None or value == "":
        return ""
    return identifier(value, what=what, limit=limit)


def text(value: object, *, what: str, limit: int = TEXT_LIMIT) -> str:
    """`value` as a person's words, cleaned (see the module docstring); else `Refused`."""
    if not isinstance(value, str):
        raise Refused(f"{what} is a {type(value).__name__}, not text")
    cleaned = unicodedata.normalize("NFC", _REMOVED.sub("", value[: limit * 2]))
    if _INVISIBLE.fullmatch(cleaned):
        return ""
    return cleaned[:limit]


def name(value: object, *, what: str, limit: int = NAME_LIMIT) -> str:
    """`value` as a display name: cleaned text on one line; a missing name is ""."""
    if value is None:
        return ""
    return " ".join(text(value, what=what, limit=limit * 2).split())[:limit]


def whole_number(value: str, *, most: int = NUMBER_LIMIT) -> int | None:
    """The whole number `value` spells in ASCII digits, up to `most`; None for anything else."""
    if not _NUMBER.fullmatch(value):
        return None
    number = int(value)
    return number if number <= most else None


def _int_text(value: int, *, what: str) -> str:
    if abs(value) >= 10**ID_LIMIT:
        raise Refused(f"{what} is over {ID_LIMIT} digits")
    return str(value)
