"""Reading what people type to the `experiment` verb: its forms, review dates and leads."""

from __future__ import annotations

import re
from datetime import date

from bot.core.subcommands import Sub, Subcommands, Takes
from bot.errors import InputError

SUBCOMMANDS = Subcommands(
    "experiment",
    (
        Sub("new", Takes.TEXT, "experiment new Title | we expect ... | @name | 2027-09-01"),
        Sub("list", Takes.NOTHING, "experiment list"),
        Sub("help", Takes.NOTHING, "experiment help"),
    ),
    number_first="experiment 3 do|study|act|next|lead ...",
)
"""`experiment` has no free text: `experiment abc` gets usage help, never a record."""

DATE_FORM = "YYYY-MM-DD"
_ISO = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
_TIME_WORDS = {"today", "tomorrow", "yesterday", "next", "week", "weeks", "month", "months"}
_TIME_WORDS |= {"fortnight", "monday", "tuesday", "wednesday", "thursday", "friday"}
_TIME_WORDS |= {"saturday", "sunday"}
_LINKS = {"in", "on", "by", "this", "end", "of", "the", "a"}


def looks_like_a_date(part: str) -> bool:
    """Whether a `|`-separated part of `experiment new` is meant as its review date: digits
    (and no @name), or date words such as `tomorrow` or `next Friday`."""
    text = part.strip()
    if not text or "@" in text:
        return False
    if any(ch.isdigit() for ch in text):
        return True
    words = {word.lower() for word in text.replace(",", " ").split()}
    return bool(words & _TIME_WORDS) and words <= _TIME_WORDS | _LINKS


def review_date(part: str, *, text: str) -> date:
    """A review date written `YYYY-MM-DD`; else an InputError naming that form."""
    written = part.strip()
    if _ISO.fullmatch(written):
        year, month, day = (int(n) for n in written.split("-"))
        try:
            return date(year, month, day)
        except ValueError:
            raise InputError(
                "experiments/not_a_date", date=written, form=DATE_FORM, text=text
            ) from None
    raise InputError("experiments/date_form", date=written, form=DATE_FORM, text=text)


def handles(part: str) -> list[str]:
    """`@ana @ben`, `ana, ben` or `Ana Lopez, @ben`: a name with spaces stays whole."""
    found: list[str] = []
    for chunk in part.split(","):
        tokens = chunk.split()
        if len(tokens) == 1 or all(t.startswith(("@", "<@")) for t in tokens):
            found.extend(tokens)
        elif tokens:
            found.append(" ".join(tokens))
    return found


_WE_EXPECT = re.compile(r"we\s+expect\b[\s:,]*", re.IGNORECASE)


def without_we_expect(prediction: str) -> str:
    """A prediction without a leading "we expect", which every view of it already says."""
    text = prediction.strip()
    found = _WE_EXPECT.match(text)
    return (text[found.end() :] if found else text) or text
