"""Pages of a long list: which slice a `?page=N` address asks for, and the links to the pages
before and after it, keeping the rest of the address (a search's words and dates).

A page number that is missing, not a number or past the end is read as the nearest page there
is, so an old or mistyped address still shows something rather than an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

PAGE = "page"
"""The address parameter that says which page of a list to show."""


@dataclass(frozen=True, slots=True)
class Paging:
    """One page of a list of `total` items, `size` to a page; `number` counts from 1."""

    number: int
    size: int
    total: int

    @classmethod
    def of(cls, asked: str | None, *, size: int, total: int) -> Paging:
        """The page `asked` for (an address's text), within the pages there are."""
        try:
            number = int((asked or "1").strip())
        except ValueError:
            number = 1
        last = max(1, -(-total // size))
        return cls(number=min(max(1, number), last), size=size, total=total)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_shown(self) -> int:
        """The position (from 1) of the first item on this page; 0 for an empty list."""
        return min(self.offset + 1, self.total)

    @property
    def last_shown(self) -> int:
        return min(self.offset + self.size, self.total)

    def links(
        self, path: str, query: Mapping[str, str], *, key: str = PAGE, **fixed: str
    ) -> dict[str, Any]:
        """What the template's paging links need: the numbers and the addresses of the previous
        and next pages (None where there is none). `fixed` parameters are set on both."""

        def address(number: int) -> str:
            kept = {k: v for k, v in query.items() if k != key and v and k not in fixed}
            return f"{path}?{urlencode({**kept, **fixed, key: str(number)})}"

        return {
            "number": self.number,
            "pages": self.pages,
            "total": self.total,
            "first": self.first_shown,
            "last": self.last_shown,
            "previous": address(self.number - 1) if self.number > 1 else None,
            "next": address(self.number + 1) if self.number < self.pages else None,
        }
