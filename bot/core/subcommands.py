"""A verb's sub-commands, declared once, and the words after the verb read against them.

A verb like `blocker` or `experiment` takes free words (a new blocker) and a few sub-command
words (`blocker take 12 note`). Reading them by hand in each verb let a typo become a record:
`blocker take abc` was stored as a blocker "take abc". Here a verb declares its sub-commands,
and `Subcommands.read` applies one rule to all of them:

- a declared word whose argument is well formed gives a `Reading`;
- a declared word with a missing or malformed number (`blocker take abc`, `story share x`)
  raises `InputError("replies/usage")`, which shows the forms and gives the words back: it is
  never free text;
- a number first (`experiment 3 do ...`), for a verb that numbers its records that way, is read
  as a `Reading` with no word;
- anything else is the verb's free text (None), or usage help for a verb that has none.

Numbers are read strictly: ASCII digits only (`bot.core.checks.whole_number`), with an optional
`#` in front (`#12`), never `１２`, `12a` or `-3`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from bot.core import checks
from bot.errors import InputError


class Takes(Enum):
    """What follows a sub-command word."""

    NOTHING = "nothing"
    """`blocker list`: nothing (more words make it free text)."""
    NUMBER = "number"
    """`blocker take 12 [note]`: a record's number, then perhaps more words."""
    TEXT = "text"
    """`experiment new Title | ...`: any words, read by the verb itself."""


@dataclass(frozen=True, slots=True)
class Sub:
    word: str
    takes: Takes
    form: str
    """How it is written, shown in usage help: `blocker take 12 [note]`."""


@dataclass(frozen=True, slots=True)
class Reading:
    """The words after a verb, read: its sub-command (empty for a number first), the record's
    number if any, and the rest of the words."""

    word: str
    number: int | None
    rest: str


def number_of(token: str) -> int | None:
    """`12` or `#12` as 12; None for anything else."""
    return checks.whole_number(token.strip().removeprefix("#"))


class Subcommands:
    """The sub-commands of one verb (see the module docstring)."""

    def __init__(
        self,
        verb: str,
        subs: Sequence[Sub],
        *,
        text_form: str = "",
        number_first: str = "",
    ) -> None:
        """`text_form` shows how the verb's own free words are written (`blocker what is in our
        way`); empty when it has none, so other words get usage help. `number_first` is the form
        of a record's number given first (`experiment 3 do ...`), empty when it has none."""
        self.verb = verb
        self._subs = {sub.word: sub for sub in subs}
        self._text_form = text_form
        self._number_first = number_first

    @property
    def forms(self) -> list[str]:
        """How each form of the verb is written, for usage help."""
        found = [self._text_form, self._number_first, *(sub.form for sub in self._subs.values())]
        return [form for form in found if form]

    def usage(self, args: str, *, word: str = "") -> InputError:
        """The usage help for `args`, which did not read as any form of the verb."""
        return InputError(
            "replies/usage", verb=self.verb, word=word, forms=self.forms, text=args.strip()
        )

    def read(self, args: str) -> Reading | None:
        """Read `args` (the words after the verb); raises the usage help for a malformed
        sub-command, returns None for the verb's free text."""
        first, _, rest = args.strip().partition(" ")
        rest = rest.strip()
        word = first.lower()
        sub = self._subs.get(word)
        if sub is not None:
            if sub.takes is Takes.TEXT:
                return Reading(word, None, rest)
            if sub.takes is Takes.NOTHING:
                if not rest:
                    return Reading(word, None, "")
            else:
                token, _, more = rest.partition(" ")
                number = number_of(token)
                if number is None:
                    raise self.usage(args, word=word)
                return Reading(word, number, more.strip())
        elif self._number_first and first:
            number = number_of(first)
            if number is not None:
                return Reading("", number, rest)
            if first.startswith("#") or first[:1].isdigit():
                raise self.usage(args)  # `experiment 3a`, `experiment #x`: a number gone wrong
        if not self._text_form:
            raise self.usage(args)
        return None
